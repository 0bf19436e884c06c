import RunModel

// MARK: - One iteration

/// One run of the scenario: its timing, its phases, every APDU exchange and, if it failed, why.
///
/// Offsets let a reader of the file rebuild the timeline: ``startOffsetNanoseconds`` counts from
/// the start of the run, phase and APDU offsets from the start of this iteration.
public struct IterationResult: Codable, Sendable, Hashable {
    /// The reader (its ``ReaderRecord/id``) the iteration ran on; 0 in single-reader runs and
    /// version-1 files.
    public var reader: Int
    /// The position in the reader's part of the run, counting warmups, from 0.
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
    /// For a tap trial: how the card was detected.
    public var tap: TapTiming?
    /// The phases that ran, in order.
    public var phases: [PhaseTiming]
    /// Every exchange, in order, as compact rows.
    public var apdus: [APDUTiming]

    /// True when the iteration succeeded. Derived from ``failure`` so the two cannot disagree;
    /// it is still written to the file, because `select(.ok)` is what people type in jq.
    public var ok: Bool { failure == nil }

    /// An iteration; it succeeded when `failure` is nil.
    public init(
        reader: Int = 0, index: Int, mode: IterationMode, warmup: Bool, startOffsetNanoseconds: UInt64,
        totalNanoseconds: UInt64, failure: Failure? = nil, tap: TapTiming? = nil, phases: [PhaseTiming],
        apdus: [APDUTiming]
    ) {
        self.reader = reader
        self.index = index
        self.mode = mode
        self.warmup = warmup
        self.startOffsetNanoseconds = startOffsetNanoseconds
        self.totalNanoseconds = totalNanoseconds
        self.failure = failure
        self.tap = tap
        self.phases = phases
        self.apdus = apdus
    }

    enum CodingKeys: String, CodingKey {
        case reader, index, mode, warmup, startOffsetNanoseconds, totalNanoseconds, ok, failure, tap, phases, apdus
    }

    /// Reads an iteration, rejecting one whose `ok` disagrees with its `failure`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reader = try container.decodeIfPresent(Int.self, forKey: .reader) ?? 0
        index = try container.decode(Int.self, forKey: .index)
        mode = try container.decode(IterationMode.self, forKey: .mode)
        warmup = try container.decode(Bool.self, forKey: .warmup)
        startOffsetNanoseconds = try container.decode(UInt64.self, forKey: .startOffsetNanoseconds)
        totalNanoseconds = try container.decode(UInt64.self, forKey: .totalNanoseconds)
        failure = try container.decodeIfPresent(Failure.self, forKey: .failure)
        tap = try container.decodeIfPresent(TapTiming.self, forKey: .tap)
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
        try container.encode(reader, forKey: .reader)
        try container.encode(index, forKey: .index)
        try container.encode(mode, forKey: .mode)
        try container.encode(warmup, forKey: .warmup)
        try container.encode(startOffsetNanoseconds, forKey: .startOffsetNanoseconds)
        try container.encode(totalNanoseconds, forKey: .totalNanoseconds)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encodeIfPresent(tap, forKey: .tap)
        try container.encode(phases, forKey: .phases)
        try container.encode(apdus, forKey: .apdus)
    }
}

// MARK: - Failure

/// Why an iteration did not complete.
public struct Failure: Codable, Sendable, Hashable {
    /// The class of failure (the shared ``FailureCause``).
    public typealias Cause = FailureCause

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
    /// The card source's own code (`SCARD_W_REMOVED_CARD 0x80100069`), when it has one.
    public var code: String?
    /// SW1 SW2 as one integer, for ``FailureCause/statusWord`` failures.
    public var statusWord: Int?

    /// A failure; give `apdu` whenever the iteration failed at an exchange, so the summary counts it against its kind.
    public init(
        cause: Cause, step: String? = nil, apdu: Int? = nil, message: String, code: String? = nil,
        statusWord: Int? = nil
    ) {
        self.cause = cause
        self.step = step
        self.apdu = apdu
        self.message = message
        self.code = code
        self.statusWord = statusWord
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

// MARK: - Tap

/// How a tap trial's card was detected: the clerk places the card, the reader notices it, the
/// application connects.
///
/// What the tool cannot see: the moment the card physically enters the field. Detection time
/// runs from PC/SC's card-present event (which pcscd reports after the reader's own polling and
/// its status poll) to the end of `SCardConnect`.
public struct TapTiming: Codable, Sendable, Hashable {
    /// From the worker starting to wait for a card to the card-present event: the clerk's time,
    /// not the reader's.
    public var waitNanoseconds: UInt64
    /// From the card-present event to the end of `SCardConnect`.
    public var detectionNanoseconds: UInt64
    /// From the end of the iteration to the card-absent event (0 when the worker did not wait).
    public var removalNanoseconds: UInt64

    /// Tap timings from their values.
    public init(waitNanoseconds: UInt64, detectionNanoseconds: UInt64, removalNanoseconds: UInt64 = 0) {
        self.waitNanoseconds = waitNanoseconds
        self.detectionNanoseconds = detectionNanoseconds
        self.removalNanoseconds = removalNanoseconds
    }
}
