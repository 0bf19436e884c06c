#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The ratio of one quantile

/// current/baseline for one quantile, with a distribution-free interval and a test of "no
/// change in this quantile".
///
/// How the interval is made, and why:
/// 1. Each side's quantile gets an exact order-statistic interval at the comparison's confidence
///    (``SampleQuantile/interval(_:_:level:)``). If either side cannot be bounded (a p99 from
///    fewer than 528 samples at 99%), neither can the ratio: the ratio is reported without an
///    interval and ``samplesToBound`` says how many samples would do.
/// 2. Each side's interval, on the log scale, gives a standard error: its width divided by
///    2·z of its exact coverage. The two are added in quadrature and the ratio's interval is
///    log r ± z·√(se_b² + se_c²) (Price & Bonett 2002, "Distribution-free confidence intervals
///    for difference and ratio of medians", there for the median and here for any quantile).
///
/// Why not a bootstrap: the percentile bootstrap of a tail quantile is known to be too narrow at
/// these sample sizes (resamples of 200 values can only put p99 on the top few order
/// statistics), it needs thousands of resamples per series and a random generator in the
/// product, and it would print an interval for a p99 the data cannot support. The simulation
/// tests check this interval's coverage on log-normal, bimodal, heavy-tailed and real shapes.
///
/// The interval measures the size of a change; whether there is one at all is Mood's exact
/// quantile test (``pValue``), because the interval's normal approximation is good at 99% but
/// not at the 1e-5 levels a corrected family of series needs.
public struct QuantileRatio: Sendable, Hashable, Codable {
    /// The quantile, as a fraction (0.99).
    public var quantile: Double
    /// The baseline's estimate (``SampleQuantile/estimate(_:_:)``).
    public var baseline: Double
    /// The current estimate.
    public var current: Double
    /// current / baseline: 1.10 is 10% slower.
    public var ratio: Double
    /// The ratio's interval at the comparison's confidence; nil when the data cannot bound it.
    public var interval: RatioInterval?
    /// The standard error of log(ratio); nil with ``interval``.
    public var logStandardError: Double?
    /// Two-sided p-value of "this quantile did not change": Mood's quantile test
    /// (``QuantileTest``), exact whatever the distribution, and defined even when the interval
    /// is not. Nil when the test was not asked for (the deciles, which do not enter a series'
    /// p-value).
    public var pValue: Double?
    /// When ``interval`` is nil: the samples per side that would bound this quantile.
    public var samplesToBound: Int?

    /// Compares the `quantile` of two ascending, positive samples at `confidence`; `ranks` may
    /// be shared between comparisons to compute each set of ranks once; `testing` runs the
    /// quantile test.
    public init(
        quantile: Double, baseline: [Double], current: [Double], confidence: Double, ranks: RankTable = RankTable(),
        testing: Bool = true
    ) {
        self.quantile = quantile
        self.baseline = SampleQuantile.estimate(baseline, quantile)
        self.current = SampleQuantile.estimate(current, quantile)
        ratio = self.current / self.baseline
        pValue = testing ? QuantileTest.test(baseline: baseline, current: current, quantile: quantile).pValue : nil
        let sides = [baseline, current].map { samples in
            ranks.ranks(count: samples.count, quantile, level: confidence).map { SampleQuantile.Interval(samples, $0) }
        }
        guard let b = sides[0], let c = sides[1], b.lower > 0, c.lower > 0, ratio.isFinite, ratio > 0 else {
            interval = nil
            logStandardError = nil
            samplesToBound = SampleQuantile.samplesToBound(quantile, level: confidence)
            return
        }
        let se = (Self.logError(b).squared + Self.logError(c).squared).squareRoot()
        let z = ranks.z(confidence)
        let center = log(ratio)
        interval = RatioInterval(lower: exp(center - z * se), upper: exp(center + z * se))
        logStandardError = se
        samplesToBound = nil
    }

    /// The standard error of one side's log-quantile, from its order-statistic interval.
    private static func logError(_ interval: SampleQuantile.Interval) -> Double {
        (log(interval.upper) - log(interval.lower)) / (2 * interval.z)
    }
}

/// An interval for a ratio current/baseline.
public struct RatioInterval: Sendable, Hashable, Codable {
    /// The lower end.
    public var lower: Double
    /// The upper end.
    public var upper: Double

    /// An interval from its ends.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// True when the whole interval lies in [1 − threshold, 1 + threshold].
    public func isInside(threshold: Double) -> Bool {
        lower >= 1 - threshold && upper <= 1 + threshold
    }
}

extension Double {
    fileprivate var squared: Double { self * self }
}
