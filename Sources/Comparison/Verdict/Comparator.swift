#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - From evidence to verdicts

/// Turns the evidence of a family of series (every series of one comparison) into verdicts.
///
/// The family matters: with 50 series and a 1% test per series, four comparisons of identical
/// runs in ten would flag something. The p-values are therefore adjusted together (Holm by
/// default) before any verdict is given, so that at most 1 − confidence of identical runs show
/// any series as faster or slower.
///
/// A quantile is **slower** when the series is significant after correction, its interval lies
/// wholly above 1 (the direction is sure) and its estimate is at least 1 + margin (the change is
/// beyond the margin). Requiring the whole interval above 1 + margin instead would make a 10%
/// regression at 100 samples per side go unreported most of the time; the margin is then a
/// line for the best estimate, as in package-benchmark, and significance guards the false
/// alarms. **Same** asks more: the whole interval inside ±margin.
///
/// The deciles p10…p90 count as much as the requested quantiles: when a retry path is taken by
/// 40% of iterations instead of 30%, p50 and p90 may not move while p70 jumps from one mode to
/// the other. Their significance comes from the series' test (Kolmogorov–Smirnov sees such a
/// change), so watching them adds no false alarms.
public struct Comparator: Sendable {
    /// What the comparison decides against.
    public let settings: ComparisonSettings

    /// Order-statistic ranks shared by every series this comparator sees.
    private let ranks = RankTable()

    /// A comparator for `settings`.
    public init(settings: ComparisonSettings) {
        self.settings = settings
    }

    /// The evidence from two samples of one series; see
    /// ``SeriesEvidence/init(baseline:current:settings:ranks:)``.
    public func evidence(baseline: [Double], current: [Double]) throws(ComparisonError) -> SeriesEvidence {
        try SeriesEvidence(baseline: baseline, current: current, settings: settings, ranks: ranks)
    }

    /// Verdicts for a whole family, in the order given.
    public func decide(_ family: [SeriesEvidence]) -> [SeriesComparison] {
        let adjusted = Multiplicity.adjust(family.map(\.pValue), method: settings.correction)
        return zip(family, adjusted).map { evidence, p in
            decide(evidence, adjustedPValue: p, familySize: family.count)
        }
    }

    /// The verdict for one series whose p-value the family has already adjusted.
    public func decide(_ evidence: SeriesEvidence, adjustedPValue: Double, familySize: Int) -> SeriesComparison {
        let significant = adjustedPValue < settings.alpha
        let largest = max(evidence.baselineCount, evidence.currentCount)
        // The z a quantile's test would need to pass Holm's strictest step: Bonferroni over the
        // family and the series' tests. Used only to estimate the samples that would decide.
        let decisiveZ = StandardNormal.quantile(
            1 - settings.alpha / (2 * Double(max(1, familySize)) * Double(evidence.tests)))
        let quantiles = evidence.quantiles.map {
            outcome($0, significant: significant, samples: largest, decisiveZ: decisiveZ)
        }
        let deciles = evidence.deciles.map {
            outcome($0, significant: significant, samples: largest, decisiveZ: decisiveZ)
        }
        let smallest = min(evidence.baselineCount, evidence.currentCount)
        if smallest < settings.minimumSamples {
            return SeriesComparison(
                evidence: evidence, adjustedPValue: adjustedPValue, significant: false, quantiles: quantiles,
                deciles: deciles, verdict: .inconclusive, samplesNeeded: settings.minimumSamples,
                reason: "\(smallest) samples on one side; at least \(settings.minimumSamples) per side are needed")
        }
        let compared = quantiles + deciles
        let verdict: Verdict
        var samplesNeeded: Int?
        var reason: String
        let pText = "p_adj \(Self.scientific(adjustedPValue))"
        let slowest = compared.filter { $0.verdict == .slower }.max { $0.ratio.ratio < $1.ratio.ratio }
        let fastest = compared.filter { $0.verdict == .faster }.min { $0.ratio.ratio < $1.ratio.ratio }
        if let slowest {
            // A change of shape can make part of the distribution slower and part faster; the
            // gate cares about the slower part, and the reason names both.
            verdict = .slower
            reason = "\(Self.describe(slowest.ratio)) slower, \(pText)"
            if let fastest { reason += "; mixed: \(Self.describe(fastest.ratio)) faster" }
        } else if let fastest {
            verdict = .faster
            reason = "\(Self.describe(fastest.ratio)) faster, \(pText)"
        } else {
            let bounded = compared.filter { $0.ratio.interval != nil }
            let unbounded = quantiles.filter { $0.ratio.interval == nil }
            let missing = unbounded.map {
                "\(percentileName($0.ratio.quantile)) needs ≥ \($0.samplesNeeded ?? 0) samples per side"
            }
            if bounded.isEmpty {
                verdict = .inconclusive
                samplesNeeded = unbounded.compactMap(\.samplesNeeded).min()
                reason = "no quantile can be bounded yet: " + missing.joined(separator: ", ")
            } else if bounded.allSatisfy({ $0.verdict == .same }) {
                verdict = .same
                reason =
                    "every bounded quantile within ±\(Self.percent(settings.threshold))"
                    + (significant ? " (a smaller change is significant, \(pText))" : "")
                    + (missing.isEmpty ? "" : "; " + missing.joined(separator: ", "))
            } else {
                verdict = .inconclusive
                let open = bounded.filter { $0.verdict != .same }
                // The series is decided as soon as one quantile turns slower or faster, or once
                // every open quantile is inside the margin: the sooner of the two.
                let toDirection = open.filter { $0.paths?.direction != nil }.min {
                    $0.paths!.direction! < $1.paths!.direction!
                }
                let sameOnes = open.map { $0.paths?.same }
                let toSame = sameOnes.contains { $0 == nil } ? nil : sameOnes.compactMap { $0 }.max()
                let lastToSame = open.max { ($0.paths?.same ?? 0) < ($1.paths?.same ?? 0) } ?? open[0]
                let notClear =
                    significant
                    ? "is significant (\(pText)) but not clearly beyond ±\(Self.percent(settings.threshold))"
                    : "is not clearly inside or beyond ±\(Self.percent(settings.threshold))"
                if let toDirection, let direction = toDirection.paths?.direction, direction <= toSame ?? Int.max {
                    samplesNeeded = direction
                    let word = toDirection.ratio.ratio > 1 ? "slower" : "faster"
                    reason =
                        "\(Self.describe(toDirection.ratio)) \(notClear); about \(direction) samples per side would "
                        + "show whether it is \(word)"
                } else if let toSame {
                    samplesNeeded = toSame
                    reason =
                        "\(Self.describe(lastToSame.ratio)) \(notClear); about \(toSame) samples per side would "
                        + "show whether it is the same"
                } else {
                    reason = "\(Self.describe(lastToSame.ratio)) \(notClear)"
                }
            }
        }
        return SeriesComparison(
            evidence: evidence, adjustedPValue: adjustedPValue, significant: significant, quantiles: quantiles,
            deciles: deciles, verdict: verdict, samplesNeeded: samplesNeeded, reason: reason)
    }

    // MARK: - One quantile

    private func outcome(_ ratio: QuantileRatio, significant: Bool, samples: Int, decisiveZ: Double) -> QuantileOutcome
    {
        let t = settings.threshold
        guard let interval = ratio.interval, let se = ratio.logStandardError else {
            return QuantileOutcome(ratio: ratio, verdict: .inconclusive, samplesNeeded: ratio.samplesToBound)
        }
        if significant && interval.lower > 1 && ratio.ratio >= 1 + t {
            return QuantileOutcome(ratio: ratio, verdict: .slower, samplesNeeded: nil)
        }
        if significant && interval.upper < 1 && ratio.ratio <= 1 - t {
            return QuantileOutcome(ratio: ratio, verdict: .faster, samplesNeeded: nil)
        }
        if interval.isInside(threshold: t) {
            return QuantileOutcome(ratio: ratio, verdict: .same, samplesNeeded: nil)
        }
        let paths = samplesToDecide(
            ratio: ratio.ratio, logStandardError: se, pValue: ratio.pValue, samples: samples, decisiveZ: decisiveZ)
        return QuantileOutcome(
            ratio: ratio, verdict: .inconclusive, samplesNeeded: [paths.same, paths.direction].compactMap { $0 }.min(),
            paths: paths)
    }

    /// Samples per side after which a quantile would likely be decided, if its estimate stayed
    /// where it is and, as samples grow, its interval narrowed as 1/√n and its test's z grew as
    /// √n: to "same" (the interval inside ±margin), possible while the estimate is inside the
    /// margin; and, for a tested quantile (``QuantileRatio/pValue``) whose estimate is beyond the
    /// margin, to "slower" or "faster" (its test passing the family's strictest Holm step and its
    /// interval clear of 1). A decile has no test of its own, so it is only ever counted towards
    /// "same".
    func samplesToDecide(ratio: Double, logStandardError se: Double, pValue: Double?, samples: Int, decisiveZ: Double)
        -> QuantileOutcome.Paths
    {
        let t = settings.threshold
        let z = StandardNormal.quantile((1 + settings.confidence) / 2)
        let r = log(ratio)
        func needed(_ factor: Double) -> Int {
            guard factor.isFinite else { return 1_000_000_000 }
            let count = (factor * Double(samples)).rounded(.up)
            return count >= 1e9 ? 1_000_000_000 : max(samples + 1, Int(count))
        }
        let room = min(log(1 + t) - r, r - log(1 - t))
        let same = room > 0 ? needed((z * se / room).squared) : nil
        var direction: Int?
        if let pValue, ratio >= 1 + t || ratio <= 1 - t {
            let observedZ = StandardNormal.quantile(1 - pValue / 2)
            let forTest = observedZ > 0 ? (decisiveZ / observedZ).squared : .infinity
            let forInterval = (z * se / abs(r)).squared
            direction = needed(max(forTest, forInterval))
        }
        return QuantileOutcome.Paths(same: same, direction: direction)
    }

    // MARK: - Words

    /// `p90 +12.3% [+6.0%, +19.1%]`.
    static func describe(_ ratio: QuantileRatio) -> String {
        var text = "\(percentileName(ratio.quantile)) \(signedPercent(ratio.ratio - 1))"
        if let interval = ratio.interval {
            text += " [\(signedPercent(interval.lower - 1)), \(signedPercent(interval.upper - 1))]"
        }
        return text
    }

    /// `+12.3%`, `-4.0%`.
    public static func signedPercent(_ change: Double) -> String {
        let tenths = (change * 1000).rounded()
        let sign = tenths < 0 ? "-" : "+"
        let magnitude = abs(tenths)
        return "\(sign)\(Int(magnitude) / 10).\(Int(magnitude) % 10)%"
    }

    /// `5%`, `2.5%`.
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// `3.1e-05`, `0.42`.
    static func scientific(_ p: Double) -> String {
        if p >= 0.01 { return "\((p * 100).rounded() / 100)" }
        if p == 0 { return "0" }
        let exponent = Int(log10(p).rounded(.down))
        let mantissa = (p / pow(10, Double(exponent)) * 10).rounded() / 10
        return "\(mantissa)e\(exponent)"
    }
}

extension Double {
    fileprivate var squared: Double { self * self }
}
