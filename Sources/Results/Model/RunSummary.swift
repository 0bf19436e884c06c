import Measurement
import RunModel

// MARK: - Summary

/// What a run amounted to, per reader and mode, and why it ended. Written once, at the end of
/// the file; a file without it is a run that did not finish (its iterations are still all there).
public struct RunSummary: Codable, Sendable, Hashable {
    /// Why a run ended (the shared ``RunModel/StopReason``).
    public typealias StopReason = RunModel.StopReason

    /// One entry per reader, in id order.
    public var readers: [ReaderSummary]
    /// Why the run as a whole ended: `completed` when every reader's part ran its course (a
    /// reader unplugged or abandoned says so in its own entry), else the reason that stopped all.
    public var stopReason: StopReason
    /// A sentence for people ("stopped after 412 of 1000 iterations: reader removed").
    public var note: String

    /// A summary from its parts; ``RunAggregator`` builds these.
    public init(readers: [ReaderSummary], stopReason: StopReason, note: String) {
        self.readers = readers
        self.stopReason = stopReason
        self.note = note
    }

    /// The summary of reader `id`, when it ran.
    public func reader(_ id: Int) -> ReaderSummary? { readers.first { $0.reader == id } }

    /// The first reader's warm summary: the whole story of a single-reader run. Pool results
    /// have one per reader in ``readers``.
    public var warm: ModeSummary? { readers.first?.warm }
    /// The first reader's cold summary (see ``warm``).
    public var cold: ModeSummary? { readers.first?.cold }

    /// Every measured iteration and every failed one, over all readers and modes.
    public var counts: (iterations: Int, failed: Int) {
        readers.reduce((0, 0)) { total, reader in
            let modes = [reader.warm, reader.cold].compactMap { $0 }
            return (
                total.0 + modes.reduce(0) { $0 + $1.iterations },
                total.1 + modes.reduce(0) { $0 + $1.iterations - $1.succeeded }
            )
        }
    }

    enum CodingKeys: String, CodingKey { case readers, stopReason, note, warm, cold }

    /// Reads a version-2 summary, or a version-1 summary (one reader, `warm`/`cold` at the top).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stopReason = try container.decode(StopReason.self, forKey: .stopReason)
        note = try container.decode(String.self, forKey: .note)
        if let readers = try container.decodeIfPresent([ReaderSummary].self, forKey: .readers) {
            self.readers = readers
        } else {
            readers = [
                ReaderSummary(
                    reader: 0, warm: try container.decodeIfPresent(ModeSummary.self, forKey: .warm),
                    cold: try container.decodeIfPresent(ModeSummary.self, forKey: .cold), stopReason: stopReason,
                    note: note)
            ]
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(readers, forKey: .readers)
        try container.encode(stopReason, forKey: .stopReason)
        try container.encode(note, forKey: .note)
    }
}

/// One reader's part of a run.
public struct ReaderSummary: Codable, Sendable, Hashable {
    /// The reader's ``ReaderRecord/id``.
    public var reader: Int
    /// The warm iterations' summary, when any warm iteration was measured.
    public var warm: ModeSummary?
    /// The cold iterations' summary, when any cold iteration was measured.
    public var cold: ModeSummary?
    /// Tap trials, when the run was one.
    public var taps: TapSummary?
    /// Why this reader's part ended (`reader-gone` when it was unplugged, `timeout` when its
    /// worker was abandoned in an exchange that never returned).
    public var stopReason: RunModel.StopReason
    /// A sentence for people.
    public var note: String

    /// A reader summary from its parts.
    public init(
        reader: Int, warm: ModeSummary?, cold: ModeSummary?, taps: TapSummary? = nil,
        stopReason: RunModel.StopReason, note: String
    ) {
        self.reader = reader
        self.warm = warm
        self.cold = cold
        self.taps = taps
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

/// A reader's tap trials: how quickly it noticed the card, and how often the check succeeded.
public struct TapSummary: Codable, Sendable, Hashable {
    /// Taps tried.
    public var taps: Int
    /// Taps whose check succeeded.
    public var succeeded: Int
    /// Card-present event to the end of `SCardConnect`, over every tap that connected.
    public var detection: LatencySummary?
    /// Card-absent to the end of the wait for it, over taps that waited for removal.
    public var removal: LatencySummary?

    /// A tap summary from its parts.
    public init(taps: Int, succeeded: Int, detection: LatencySummary?, removal: LatencySummary?) {
        self.taps = taps
        self.succeeded = succeeded
        self.detection = detection
        self.removal = removal
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
