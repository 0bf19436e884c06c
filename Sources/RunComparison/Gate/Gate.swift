import Comparison

// MARK: - The CI gate

/// A comparison of a baseline and a current run turned into one outcome for CI.
///
/// It fails only on a significant regression beyond the margin, as ``Comparator`` defines
/// "slower"; an inconclusive series passes (and says how many samples would decide it), because
/// a gate that fails on "not enough data" teaches people to ignore it.
public struct GateDecision: Sendable, Codable {
    /// The outcome, in order of precedence.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Nothing slower beyond the margin (and, when asked, nothing faster beyond it).
        case pass
        /// At least one series is significantly slower beyond the margin.
        case regression
        /// No regression, but a series is significantly faster beyond the margin and the gate
        /// was asked to fail on that (so the baseline gets updated).
        case improvement
        /// The runs cannot be compared: different scenario, options, card source, modelled vs
        /// real, no common series, or hosts whose calibrations differ beyond the margin.
        case incomparable
    }

    /// The outcome.
    public var outcome: Outcome
    /// Why, one sentence each: the slower (or faster) series, or what makes the runs incomparable.
    public var reasons: [String]
    /// The comparison the decision rests on; nil when the runs were refused before comparing.
    public var report: ComparisonReport?

    /// Decides on `report`, the comparison of a baseline document with a current one.
    ///
    /// - Parameters:
    ///   - failOnImprovement: an improvement beyond the margin is ``Outcome/improvement`` rather
    ///     than a pass.
    ///   - allowDifferentHost: hosts whose calibrations differ are a note rather than
    ///     ``Outcome/incomparable``.
    public init(report: ComparisonReport, failOnImprovement: Bool, allowDifferentHost: Bool) {
        self.report = report
        var refusals: [String] = []
        for pair in report.pairs {
            for issue in pair.issues where issue.severity == .incomparable {
                refusals.append(issue.message)
            }
            if pair.host.outcome == .different && !allowDifferentHost {
                refusals.append(
                    contentsOf: pair.host.reasons.map {
                        "host calibration: \($0) (--allow-different-host to gate anyway)"
                    })
            }
        }
        if report.pairs.isEmpty {
            refusals.append("no reader of the current run matches a reader of the baseline by model key")
        } else if report.pairs.allSatisfy({ $0.series.isEmpty }) {
            refusals.append("the runs have no series in common")
        }
        if !refusals.isEmpty {
            outcome = .incomparable
            reasons = refusals
            return
        }
        func lines(_ verdict: Verdict) -> [String] {
            report.pairs.flatMap { pair in
                pair.series(with: verdict).map { "\($0.key): \($0.comparison.reason)" }
            }
        }
        let slower = lines(.slower)
        let faster = lines(.faster)
        if !slower.isEmpty {
            outcome = .regression
            reasons = slower
        } else if failOnImprovement && !faster.isEmpty {
            outcome = .improvement
            reasons = faster
        } else {
            outcome = .pass
            reasons = faster.isEmpty ? [] : faster.map { "faster (not failing): \($0)" }
        }
    }

    /// A decision made before any comparison: the baseline is missing or unreadable.
    public init(refusing reasons: [String]) {
        outcome = .incomparable
        self.reasons = reasons
        report = nil
    }
}
