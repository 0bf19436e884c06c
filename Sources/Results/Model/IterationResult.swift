// MARK: - One iteration

/// One run of the scenario: its timing, its phases, every APDU exchange and, if it failed, why.
///
/// Offsets let a reader of the file rebuild the timeline: ``startOffsetNanoseconds`` counts from
/// the start of the run, phase and APDU offsets from the start of this iteration.
public struct IterationResult: Codable, Sendable, Hashable {
    /// The position in the run, counting warmups, from 0.
    public var index: Int
    /// Warm or cold.
    public var mode: IterationMode
    /// True for warmup iterations, which are written but left out of every summary.
    public var warmup: Bool
    /// When the iteration started, from the start of the run.
    public var startOffsetNanoseconds: UInt64
    /// From the first command sent to the last response received (or to the failure).
    public var totalNanoseconds: UInt64
    /// Why the iteration failed; nil when it succeeded.
    public var failure: Failure?
    /// The phases that ran, in order.
    public var phases: [PhaseTiming]
    /// Every exchange, in order, as compact rows.
    public var apdus: [APDUTiming]

    /// True when the iteration succeeded. Derived from ``failure`` so the two cannot disagree;
    /// it is still written to the file, because `select(.ok)` is what people type in jq.
    public var ok: Bool { failure == nil }

    /// An iteration; it succeeded when `failure` is nil.
    public init(
        index: Int, mode: IterationMode, warmup: Bool, startOffsetNanoseconds: UInt64, totalNanoseconds: UInt64,
        failure: Failure? = nil, phases: [PhaseTiming], apdus: [APDUTiming]
    ) {
        self.index = index
        self.mode = mode
        self.warmup = warmup
        self.startOffsetNanoseconds = startOffsetNanoseconds
        self.totalNanoseconds = totalNanoseconds
        self.failure = failure
        self.phases = phases
        self.apdus = apdus
    }

    enum CodingKeys: String, CodingKey {
        case index, mode, warmup, startOffsetNanoseconds, totalNanoseconds, ok, failure, phases, apdus
    }

    /// Reads an iteration, rejecting one whose `ok` disagrees with its `failure`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decode(Int.self, forKey: .index)
        mode = try container.decode(IterationMode.self, forKey: .mode)
        warmup = try container.decode(Bool.self, forKey: .warmup)
        startOffsetNanoseconds = try container.decode(UInt64.self, forKey: .startOffsetNanoseconds)
        totalNanoseconds = try container.decode(UInt64.self, forKey: .totalNanoseconds)
        failure = try container.decodeIfPresent(Failure.self, forKey: .failure)
        phases = try container.decode([PhaseTiming].self, forKey: .phases)
        apdus = try container.decode([APDUTiming].self, forKey: .apdus)
        let ok = try container.decode(Bool.self, forKey: .ok)
        guard ok == (failure == nil) else {
            throw DecodingError.dataCorruptedError(
                forKey: .ok, in: container,
                debugDescription: ok ? "ok is true but a failure is given" : "ok is false but no failure is given")
        }
    }

    /// Writes the iteration, `ok` included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(mode, forKey: .mode)
        try container.encode(warmup, forKey: .warmup)
        try container.encode(startOffsetNanoseconds, forKey: .startOffsetNanoseconds)
        try container.encode(totalNanoseconds, forKey: .totalNanoseconds)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encode(phases, forKey: .phases)
        try container.encode(apdus, forKey: .apdus)
    }
}

// MARK: - Failure

/// Why an iteration did not complete.
public struct Failure: Codable, Sendable, Hashable {
    /// The class of failure; summaries count iterations by it.
    public enum Cause: String, Codable, Sendable, Hashable, CaseIterable {
        /// A PC/SC call failed (reader removed, card removed, transmit error).
        case pcsc
        /// The card answered with a status word the scenario does not accept.
        case statusWord = "status-word"
        /// Every exchange succeeded but a check on the data failed (certificate, signature).
        case checkFailed = "check-failed"
        /// The iteration ran past the run's timeout.
        case timeout
        /// The run was stopped while the iteration was under way.
        case cancelled
    }

    /// The class of failure.
    public var cause: Cause
    /// The step (a name from the labels) the iteration failed at, when it failed at one.
    public var step: String?
    /// The index in the iteration's ``IterationResult/apdus`` of the exchange that failed, when
    /// one did. That exchange is counted as a failure of its kind and left out of the kind's
    /// latency; see ``RunAggregator``.
    public var apdu: Int?
    /// What happened, for people.
    public var message: String

    /// A failure; give `apdu` whenever the iteration failed at an exchange, so the summary counts it against its kind.
    public init(cause: Cause, step: String? = nil, apdu: Int? = nil, message: String) {
        self.cause = cause
        self.step = step
        self.apdu = apdu
        self.message = message
    }
}

// MARK: - Phase

/// One phase of an iteration (a group of steps, such as reading the certificate).
public struct PhaseTiming: Codable, Sendable, Hashable {
    /// The phase name, one of the labels' phases.
    public var phase: String
    /// When the phase started, from the start of the iteration.
    public var startOffsetNanoseconds: UInt64
    /// How long the phase took.
    public var durationNanoseconds: UInt64

    /// A phase timing from its values.
    public init(phase: String, startOffsetNanoseconds: UInt64, durationNanoseconds: UInt64) {
        self.phase = phase
        self.startOffsetNanoseconds = startOffsetNanoseconds
        self.durationNanoseconds = durationNanoseconds
    }
}
