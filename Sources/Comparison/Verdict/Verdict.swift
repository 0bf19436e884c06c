// MARK: - Verdicts

/// What a comparison concludes about a series or one of its quantiles.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// Significantly faster, by more than the margin: the family's corrected test rejects "no
    /// change", the quantile's interval lies wholly below 1, and its estimate is at least the
    /// margin below 1.
    case faster
    /// Significantly slower, by more than the margin (the mirror of ``faster``).
    case slower
    /// Equivalent within the margin: every bounded quantile's whole interval lies inside
    /// [1 − margin, 1 + margin]. A change can be real (significant) and still "same".
    case same
    /// The data cannot say which: the interval straddles the margin, or the change is not
    /// significant once every series is accounted for, or there are too few samples. Comes with
    /// the number of samples per side that would likely decide.
    case inconclusive
}

/// One quantile's ratio and what it amounts to.
public struct QuantileOutcome: Sendable, Hashable, Codable {
    /// The ratio, its interval and its test.
    public var ratio: QuantileRatio
    /// This quantile's verdict.
    public var verdict: Verdict
    /// When inconclusive: samples per side that would likely decide it.
    public var samplesNeeded: Int?
    /// When inconclusive and bounded: the samples each way of deciding would take.
    public var paths: Paths?

    /// Samples per side to reach each verdict, if the estimate stayed where it is; nil for a
    /// verdict the estimate rules out (an estimate beyond the margin is never "same").
    public struct Paths: Sendable, Hashable, Codable {
        /// To "same": the interval inside ±margin.
        public var same: Int?
        /// To "slower" or "faster": the interval clear of 1 with the estimate beyond the margin.
        public var direction: Int?
    }

    /// An outcome from its parts.
    public init(ratio: QuantileRatio, verdict: Verdict, samplesNeeded: Int?, paths: Paths? = nil) {
        self.ratio = ratio
        self.verdict = verdict
        self.samplesNeeded = samplesNeeded
        self.paths = paths
    }
}

/// A series' verdict, with everything it rests on.
public struct SeriesComparison: Sendable, Hashable, Codable {
    /// The evidence from the two samples.
    public var evidence: SeriesEvidence
    /// The series' p-value after the family's correction (Holm by default).
    public var adjustedPValue: Double
    /// Whether ``adjustedPValue`` is below 1 − confidence.
    public var significant: Bool
    /// One outcome per requested quantile, in order.
    public var quantiles: [QuantileOutcome]
    /// One outcome per decile, p10…p90.
    public var deciles: [QuantileOutcome]
    /// The series' verdict: slower if any requested quantile or decile is slower; else faster if
    /// any is faster; else same if every bounded one is the same; else inconclusive.
    public var verdict: Verdict
    /// When inconclusive: samples per side that would likely decide the series.
    public var samplesNeeded: Int?
    /// One sentence: why this verdict.
    public var reason: String
}
