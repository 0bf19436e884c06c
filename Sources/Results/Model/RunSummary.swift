import Measurement

// MARK: - Summary

/// What a run amounted to, per mode, and why it ended. Written once, at the end of the file;
/// a file without it is a run that did not finish (its iterations are still all there).
public struct RunSummary: Codable, Sendable, Hashable {
    /// Why a run ended.
    public enum StopReason: String, Codable, Sendable, Hashable, CaseIterable {
        /// Every planned iteration ran.
        case completed
        /// Stopped by the user (SIGINT, SIGTERM).
        case interrupted
        /// Stopped because the PIN retry counter reached the run's floor.
        case pinStopped = "pin-stopped"
        /// Stopped because the run as a whole took too long.
        case timeout
        /// Stopped by an error that made going on pointless (reader gone).
        case error
    }

    /// The warm iterations' summary, when any warm iteration was measured.
    public var warm: ModeSummary?
    /// The cold iterations' summary, when any cold iteration was measured.
    public var cold: ModeSummary?
    /// Why the run ended.
    public var stopReason: StopReason
    /// A sentence for people ("stopped after 412 of 1000 iterations: reader removed").
    public var note: String

    /// A summary from its parts; ``RunAggregator`` builds these.
    public init(warm: ModeSummary?, cold: ModeSummary?, stopReason: StopReason, note: String) {
        self.warm = warm
        self.cold = cold
        self.stopReason = stopReason
        self.note = note
    }

    /// The summary of one mode.
    public subscript(mode: IterationMode) -> ModeSummary? {
        switch mode {
        case .warm: warm
        case .cold: cold
        }
    }
}

/// The statistics of one mode's measured (non-warmup) iterations.
///
/// ``total`` and ``phases`` come from successful iterations only. ``apduKinds`` also takes the
/// exchanges that completed in failed iterations: an exchange that got its response measured
/// the reader just as well, whatever happened after it.
public struct ModeSummary: Codable, Sendable, Hashable {
    /// Measured iterations, successful or not (warmups excluded).
    public var iterations: Int
    /// Of those, how many succeeded.
    public var succeeded: Int
    /// Failed iterations by ``Failure/Cause`` raw value; `iterations == succeeded + sum`.
    public var failuresByCause: [String: Int]
    /// Total iteration time; nil when no iteration succeeded.
    public var total: LatencySummary?
    /// One entry per phase that completed at least once, in the order of the labels' phases
    /// (phases not in the labels follow, in the order first seen). An array rather than an
    /// object so the order (the order phases run in) survives every JSON tool.
    public var phases: [PhaseSummary]
    /// One entry per APDU kind seen, in the order of the labels' kinds.
    public var apduKinds: [APDUKindSummary]

    /// A mode summary from its parts; ``RunAggregator`` builds these.
    public init(
        iterations: Int, succeeded: Int, failuresByCause: [String: Int], total: LatencySummary?,
        phases: [PhaseSummary], apduKinds: [APDUKindSummary]
    ) {
        self.iterations = iterations
        self.succeeded = succeeded
        self.failuresByCause = failuresByCause
        self.total = total
        self.phases = phases
        self.apduKinds = apduKinds
    }
}

/// One phase's latency.
public struct PhaseSummary: Codable, Sendable, Hashable {
    /// The phase or APDU kind name.
    public var name: String
    /// The phase's latency over successful iterations.
    public var summary: LatencySummary

    /// A phase summary from its parts.
    public init(name: String, summary: LatencySummary) {
        self.name = name
        self.summary = summary
    }
}

/// One APDU kind's latency and failures.
public struct APDUKindSummary: Codable, Sendable, Hashable {
    /// The phase or APDU kind name.
    public var name: String
    /// Latency of the exchanges of this kind that completed; nil when none did.
    public var summary: LatencySummary?
    /// Exchanges of this kind that failed: the exchange an iteration failed at, and any
    /// exchange that got no response.
    public var failures: Int

    /// A kind summary from its parts.
    public init(name: String, summary: LatencySummary?, failures: Int) {
        self.name = name
        self.summary = summary
        self.failures = failures
    }
}
