#if canImport(Glibc)
    import Glibc
#endif

// MARK: - The few figures the report computes itself

/// Descriptive figures for tables and charts. Whether a difference is real is not decided here
/// (see ``ReaderRanker``).
public enum ReportStatistics {
    /// The nearest-rank `p`-quantile of `samples` (the smallest value with at least p of the
    /// samples at or below it): a value that was measured, as in the host calibration.
    public static func quantile(_ samples: [Double], _ p: Double) -> Double {
        quantile(sorted: samples.sorted(), p)
    }

    /// ``quantile(_:_:)`` of samples already sorted.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    /// The Wilson score interval of `failures` in `trials` at 95%: it stays inside [0, 1] and,
    /// unlike the normal approximation, is not zero wide when no iteration failed: 0 of 200 is
    /// [0%, 1.9%], not "0%".
    public static func wilson(failures: Int, trials: Int, z: Double = 1.959964) -> (lower: Double, upper: Double) {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials)
        let p = Double(failures) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        return (max(0, centre - half), min(1, centre + half))
    }
}
