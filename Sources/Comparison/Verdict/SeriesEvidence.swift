// MARK: - Evidence from two samples

/// Everything two sample sets of one series say, before the family's correction turns it into
/// a verdict: quantile ratios, the tests, and the modality of each side.
public struct SeriesEvidence: Sendable, Hashable, Codable {
    /// Baseline samples.
    public var baselineCount: Int
    /// Current samples.
    public var currentCount: Int
    /// One ratio per requested quantile, in the settings' order.
    public var quantiles: [QuantileRatio]
    /// p10…p90. A change of the modes' weights moves the deciles that fall between the modes
    /// even when p50 and p99 stay put, so every verdict watches them (see ``Comparator``);
    /// reports show them for multimodal series.
    public var deciles: [QuantileRatio]
    /// Location: do current values tend to be larger?
    public var mannWhitney: MannWhitneyU.Result
    /// Shape: do the distributions differ anywhere?
    public var kolmogorovSmirnov: KolmogorovSmirnov.Result
    /// The baseline's modality.
    public var baselineModality: Modality
    /// The current modality.
    public var currentModality: Modality
    /// How many tests ``pValue`` combines: Mann–Whitney, Kolmogorov–Smirnov and one per
    /// requested quantile (decided before looking at the data, so the combination stays valid).
    public var tests: Int
    /// The series' p-value: Bonferroni over its tests, min(1, tests × smallest p). 1 when either
    /// side has fewer samples than the settings' minimum.
    public var pValue: Double

    /// True when either side has several modes (mValue > 3.2): the series to show decile by decile.
    public var isMultimodal: Bool { baselineModality.hasSeveralModes || currentModality.hasSeveralModes }
}

// MARK: - Making it

extension SeriesEvidence {
    /// Compares two unsorted samples (nanoseconds, or any positive unit) under `settings`.
    ///
    /// Why Bonferroni over the tests rather than Pinpoint's plain min(KS, MWU): under "no
    /// change" the minimum of k valid p-values falls below α up to k times as often, so the
    /// minimum must be multiplied by k to keep the level (with two highly correlated tests the
    /// true rate is lower, so this is conservative, never lax). Each test looks for something the
    /// others miss: Mann–Whitney a shift, Kolmogorov–Smirnov a change of shape or of mode
    /// weights, the quantile tests a tail that grows while the bulk stays.
    ///
    /// - Throws: ``ComparisonError/Code/invalidSample`` for a sample that is not finite and
    ///   positive, or for an empty side.
    public init(
        baseline: [Double], current: [Double], settings: ComparisonSettings, ranks: RankTable = RankTable()
    ) throws(ComparisonError) {
        try Self.check(baseline, "baseline")
        try Self.check(current, "current")
        let b = SampleQuantile.sorted(baseline)
        let c = SampleQuantile.sorted(current)
        baselineCount = b.count
        currentCount = c.count
        quantiles = settings.quantiles.map {
            QuantileRatio(quantile: $0, baseline: b, current: c, confidence: settings.confidence, ranks: ranks)
        }
        mannWhitney = MannWhitneyU.test(baseline: b, current: c)
        kolmogorovSmirnov = KolmogorovSmirnov.test(baseline: b, current: c)
        baselineModality = Modality(sorted: b)
        currentModality = Modality(sorted: c)
        deciles = (1...9).map {
            QuantileRatio(
                quantile: Double($0) / 10, baseline: b, current: c, confidence: settings.confidence, ranks: ranks,
                testing: false)
        }
        tests = 2 + quantiles.count
        if b.count < settings.minimumSamples || c.count < settings.minimumSamples {
            pValue = 1
        } else {
            var smallest = min(mannWhitney.pValue, kolmogorovSmirnov.pValue)
            for quantile in quantiles { smallest = min(smallest, quantile.pValue ?? 1) }
            pValue = min(1, Double(tests) * smallest)
        }
    }

    private static func check(_ samples: [Double], _ name: String) throws(ComparisonError) {
        guard !samples.isEmpty else {
            throw ComparisonError(.invalidSample, value: name, reason: "no samples to compare")
        }
        for sample in samples where !(sample.isFinite && sample > 0) {
            throw ComparisonError(
                .invalidSample, value: "\(sample)", reason: "\(name) samples must be finite and positive")
        }
    }
}
