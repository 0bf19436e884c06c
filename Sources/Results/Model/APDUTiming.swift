// MARK: - APDU rows

/// One command-response exchange, written as a JSON array of seven integers
/// `[step, kind, phase, startOffsetNs, durationNs, sw, roundTrips]`: a run has tens of thousands
/// of these and keyed objects would make the file several times larger.
///
/// `step`, `kind` and `phase` index the header's ``SampleLabels``.
public struct APDUTiming: Codable, Sendable, Hashable {
    /// The value of ``statusWord`` when the exchange produced no response (PC/SC error, timeout,
    /// cancellation).
    public static let noStatusWord = -1

    /// Index into ``SampleLabels/steps``.
    public var step: Int
    /// Index into ``SampleLabels/apduKinds``.
    public var kind: Int
    /// Index into ``SampleLabels/phases``.
    public var phase: Int
    /// When the command was handed to the transport, from the start of the iteration.
    public var startOffsetNanoseconds: UInt64
    /// Until the complete response was back, including GET RESPONSE and 6Cxx retries.
    public var durationNanoseconds: UInt64
    /// SW1 SW2 as one integer (0x9000 is 36864), or ``noStatusWord``.
    public var statusWord: Int
    /// Transmits the exchange took: 1, plus one per GET RESPONSE or 6Cxx resend.
    public var roundTrips: Int

    /// A row from its values; see the properties for units and sentinels.
    public init(
        step: Int, kind: Int, phase: Int, startOffsetNanoseconds: UInt64, durationNanoseconds: UInt64,
        statusWord: Int, roundTrips: Int
    ) {
        self.step = step
        self.kind = kind
        self.phase = phase
        self.startOffsetNanoseconds = startOffsetNanoseconds
        self.durationNanoseconds = durationNanoseconds
        self.statusWord = statusWord
        self.roundTrips = roundTrips
    }

    /// True when the exchange got a response (whatever its status word).
    public var hasResponse: Bool { statusWord != Self.noStatusWord }

    /// Reads a row, rejecting arrays that are not exactly seven integers or carry an impossible status word.
    public init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        if let count = row.count, count != 7 {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an APDU row has 7 integers "
                        + "[step, kind, phase, startOffsetNs, durationNs, sw, roundTrips]; this one has \(count)"))
        }
        step = try row.decode(Int.self)
        kind = try row.decode(Int.self)
        phase = try row.decode(Int.self)
        startOffsetNanoseconds = try row.decode(UInt64.self)
        durationNanoseconds = try row.decode(UInt64.self)
        statusWord = try row.decode(Int.self)
        roundTrips = try row.decode(Int.self)
        guard (Self.noStatusWord...0xFFFF).contains(statusWord) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "status word \(statusWord) is neither -1 nor in 0…65535"))
        }
    }

    /// Writes the row as a JSON array of seven integers.
    public func encode(to encoder: any Encoder) throws {
        var row = encoder.unkeyedContainer()
        try row.encode(step)
        try row.encode(kind)
        try row.encode(phase)
        try row.encode(startOffsetNanoseconds)
        try row.encode(durationNanoseconds)
        try row.encode(statusWord)
        try row.encode(roundTrips)
    }
}
