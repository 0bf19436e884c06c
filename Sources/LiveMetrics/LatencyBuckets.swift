// MARK: - Bucket bounds

/// The latency histograms' bucket bounds: 50 µs, then the R5 preferred numbers (1, 1.6, 2.5, 4,
/// 6.3 per decade: steps of about ×1.585) from 63 µs to 10 s. 28 bounds.
///
/// Why these: a reader's APDU takes from about 50 µs (the harness floor through pcscd) to seconds
/// (a contactless card tapped late), and `histogram_quantile` interpolates linearly inside a
/// bucket, so its error is bounded by the bucket's width relative to its value: at most about 58%
/// here, against 100–150% for the library's default buckets (0.005 … 10 s, decades split 1-2.5-5),
/// which also put everything under 5 ms into one bucket. Five per decade rather than ten keeps a
/// host's series count (models × series × modes × 29) within what a Pushgateway serves
/// comfortably.
public enum LatencyBuckets {
    /// The upper bounds, in nanoseconds, ascending.
    public static let nanoseconds: [Int64] = {
        var bounds: [Int64] = [50_000]
        let r5: [Int64] = [10, 16, 25, 40, 63]
        // Decades from 10 µs (×10 ns units); keep bounds above 50 µs and up to 10 s.
        var decade: Int64 = 1_000
        while decade <= 1_000_000_000 {
            for step in r5 {
                let bound = step * decade
                if bound > 50_000 && bound <= 10_000_000_000 { bounds.append(bound) }
            }
            decade *= 10
        }
        return bounds
    }()

    /// The bounds as durations (what swift-prometheus takes).
    public static var durations: [Duration] { nanoseconds.map { .nanoseconds($0) } }
}
