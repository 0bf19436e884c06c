import Comparison

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Decision rules

/// A way of deciding, for every series of a run, whether the current side is slower, faster or
/// the same. The simulations apply several rules to the very same draws.
public protocol DecisionRule: Sendable {
    /// A name for tables.
    var name: String { get }
    /// One verdict per series of the family, in order.
    func verdicts(_ family: [SeriesPair]) -> [Verdict]
}

/// The two sides of one series.
public struct SeriesPair: Sendable {
    /// Baseline samples.
    public var baseline: [Double]
    /// Current samples.
    public var current: [Double]

    /// A pair from its samples.
    public init(baseline: [Double], current: [Double]) {
        self.baseline = baseline
        self.current = current
    }
}

// MARK: - ReaderBench

/// ReaderBench's rule: ``Comparator`` over the whole family (Holm-corrected).
public struct ReaderBenchRule: DecisionRule {
    /// The comparator's settings.
    public let settings: ComparisonSettings

    /// The rule with `settings`.
    public init(settings: ComparisonSettings) {
        self.settings = settings
    }

    public var name: String { "ReaderBench (this rule)" }

    public func verdicts(_ family: [SeriesPair]) -> [Verdict] {
        let comparator = Comparator(settings: settings)
        let evidence = family.map { pair in
            // Simulated samples are positive by construction.
            try! comparator.evidence(baseline: pair.baseline, current: pair.current)
        }
        return comparator.decide(evidence).map(\.verdict)
    }
}

// MARK: - criterion.rs

/// A criterion.rs-style rule: a verdict on the mean. Welch's t-test at α (0.05 by default, no
/// correction for the number of series); if it rejects, the 95% interval of the relative change
/// of the mean decides: wholly above +threshold is slower, wholly below −threshold faster,
/// otherwise "within noise" (same).
///
/// criterion.rs bootstraps the mean's interval (100,000 resamples) where this uses the normal
/// approximation with the delta method; at 100 samples per side the two agree closely except
/// in the heaviest tails, where both suffer from the mean itself being unstable.
public struct CriterionStyleRule: DecisionRule {
    /// The margin, as a fraction.
    public let threshold: Double
    /// The test's level.
    public let alpha: Double

    /// The rule with a margin and a level.
    public init(threshold: Double, alpha: Double = 0.05) {
        self.threshold = threshold
        self.alpha = alpha
    }

    public var name: String { "criterion-style (mean, α \(alpha), no correction)" }

    public func verdicts(_ family: [SeriesPair]) -> [Verdict] {
        let z = StandardNormal.quantile(1 - alpha / 2)
        return family.map { pair in
            let (mb, vb) = Self.moments(pair.baseline)
            let (mc, vc) = Self.moments(pair.current)
            let nb = Double(pair.baseline.count)
            let nc = Double(pair.current.count)
            let welch = (vb / nb + vc / nc).squareRoot()
            guard welch > 0 else { return mb == mc ? .same : (mc > mb ? .slower : .faster) }
            let p = StandardNormal.twoSidedP((mc - mb) / welch)
            guard p < alpha else { return .same }
            let change = mc / mb - 1
            let se = (vc / nc + (mc / mb) * (mc / mb) * vb / nb).squareRoot() / mb
            if change - z * se > threshold { return .slower }
            if change + z * se < -threshold { return .faster }
            return .same
        }
    }

    static func moments(_ samples: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(samples.count)
        let mean = samples.reduce(0, +) / n
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(1, n - 1)
        return (mean, variance)
    }
}

// MARK: - package-benchmark

/// A package-benchmark-style rule: no statistics. Each percentile of the current side is
/// compared with the baseline's; more than `threshold` above on any of them is a regression
/// (slower), more than `threshold` below on any (and none above) an improvement (faster).
public struct PackageBenchmarkStyleRule: DecisionRule {
    /// The fixed relative threshold.
    public let threshold: Double
    /// The percentiles compared, as fractions.
    public let quantiles: [Double]

    /// The rule with a threshold and its percentiles.
    public init(threshold: Double, quantiles: [Double]) {
        self.threshold = threshold
        self.quantiles = quantiles
    }

    public var name: String {
        "package-benchmark-style (\(quantiles.map(percentileName).joined(separator: "/")) ±\(Int(threshold * 100))%, no test)"
    }

    public func verdicts(_ family: [SeriesPair]) -> [Verdict] {
        family.map { pair in
            let b = SampleQuantile.sorted(pair.baseline)
            let c = SampleQuantile.sorted(pair.current)
            let ratios = quantiles.map { SampleQuantile.estimate(c, $0) / SampleQuantile.estimate(b, $0) }
            if ratios.contains(where: { $0 > 1 + threshold }) { return .slower }
            if ratios.contains(where: { $0 < 1 - threshold }) { return .faster }
            return .same
        }
    }
}
