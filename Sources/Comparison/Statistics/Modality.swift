#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Multimodality

/// How many modes a sample seems to have, by BenchmarkDotNet's mValue (after Brendan Gregg's
/// "frequency trails").
///
/// Card-reader latency is often bimodal: a cold path and a warm one, a 61XX chain on some
/// iterations, a retry. A quantile ratio of such a series can hide a change of the modes'
/// weights, so a comparison flags multimodal series and shows their shift decile by decile.
public struct Modality: Sendable, Hashable, Codable {
    /// The mValue: the total variation of a histogram's bar heights (with an empty bar at each
    /// end) divided by the tallest bar, maximised over bin widths. 2 for one clean mode, about 4
    /// for two, about 6 for three.
    public var mValue: Double

    /// BenchmarkDotNet's reading of an mValue.
    public enum Reading: String, Sendable, Hashable, Codable {
        /// mValue ≤ 2.8.
        case unimodal
        /// 2.8 < mValue ≤ 3.2: "it seems that the distribution can have several modes".
        case possiblyMultimodal = "possibly-multimodal"
        /// 3.2 < mValue ≤ 4.2: "it seems that the distribution is bimodal".
        case bimodal
        /// mValue > 4.2: "it seems that the distribution is multimodal".
        case multimodal
    }

    /// What the mValue says, by BenchmarkDotNet's thresholds 2.8, 3.2 and 4.2.
    public var reading: Reading {
        switch mValue {
        case ...2.8: .unimodal
        case ...3.2: .possiblyMultimodal
        case ...4.2: .bimodal
        default: .multimodal
        }
    }

    /// True from "bimodal" up (mValue > 3.2): the reading at which comparisons add deciles.
    public var hasSeveralModes: Bool { mValue > 3.2 }

    /// The mValue of ascending `sorted` samples.
    ///
    /// As in BenchmarkDotNet: values outside Tukey's fences (1.5 IQR beyond the quartiles) are
    /// dropped first, so a few outliers do not count as a mode; the first bin width is half of
    /// Scott's rule, 3.5σ/n^⅓/2, but at least 2% of the median (BenchmarkDotNet's adaptive
    /// factor), and is doubled until it exceeds the range; the largest mValue seen wins. Bins
    /// here are plain fixed-width bins anchored at multiples of the width (BenchmarkDotNet's
    /// adaptive builder also rounds widths to "nice" numbers and merges small bins), so values
    /// can differ slightly from BenchmarkDotNet's near the thresholds. With about 100 samples a
    /// histogram is noisy: a unimodal series reads as bimodal now and then, which only adds its
    /// decile line to a report.
    public init(sorted: [Double]) {
        guard sorted.count >= 2 else {
            mValue = 2
            return
        }
        let q1 = SampleQuantile.estimate(sorted, 0.25)
        let q3 = SampleQuantile.estimate(sorted, 0.75)
        let fence = 1.5 * (q3 - q1)
        // Sorted, so the values inside the fences are one contiguous run.
        var first = 0
        while first < sorted.count && sorted[first] < q1 - fence { first += 1 }
        var end = sorted.count
        while end > first && sorted[end - 1] > q3 + fence { end -= 1 }
        let count = end - first
        guard count >= 2, sorted[end - 1] > sorted[first] else {
            mValue = 2
            return
        }
        let low = sorted[first]
        let high = sorted[end - 1]
        let n = Double(count)
        var sum = 0.0
        for index in first..<end { sum += sorted[index] }
        let mean = sum / n
        var squares = 0.0
        for index in first..<end { squares += (sorted[index] - mean) * (sorted[index] - mean) }
        // Half of Scott's rule, but never below 2% of the median: BenchmarkDotNet's adaptive
        // histogram does the same, so that a tight distribution's sampling noise in bins a
        // fraction of a percent wide does not read as modes.
        let median = SampleQuantile.estimate(sorted, 0.5)
        var width = max(3.5 * (squares / (n - 1)).squareRoot() / cbrt(n) / 2, 0.02 * median)
        if !(width > 0) { width = high - low }
        var best = 0.0
        var counts: [Int] = []
        while true {
            let firstBin = (low / width).rounded(.down)
            let binCount = Int((high / width).rounded(.down) - firstBin) + 1
            counts = [Int](repeating: 0, count: binCount)
            for index in first..<end {
                let bin = min(binCount - 1, max(0, Int((sorted[index] / width).rounded(.down) - firstBin)))
                counts[bin] += 1
            }
            var variation = counts[0] + counts[binCount - 1]
            var tallest = counts[0]
            for index in 1..<binCount {
                variation += abs(counts[index] - counts[index - 1])
                tallest = max(tallest, counts[index])
            }
            best = max(best, Double(variation) / Double(tallest))
            if width > high - low { break }
            width *= 2
        }
        mValue = best
    }

    /// An mValue as computed elsewhere.
    public init(mValue: Double) {
        self.mValue = mValue
    }
}
