/// How replay decides that a sent command is the recorded one.
public enum ReplayMatching: Sendable, Hashable {
    /// Byte for byte, in recorded order. PIN bytes that the recording redacted (`*` in the data of
    /// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) match any byte. A difference fails
    /// the exchange with ``CardTransport/TransportError/Kind/replayMismatch``.
    case strict
    /// By kind: the same INS, and for READ BINARY the same offset (P1 P2), for SELECT the same
    /// data; the first such exchange at or after the current position within the iteration
    /// answers. For replaying a trace to a read path that differs in details (Le, order of
    /// independent reads).
    case lenient
}

/// When replay hands back a response.
public enum ReplayTiming: Sendable, Hashable {
    /// At once: measures the harness, not the reader.
    case none
    /// After the recorded duration, counted from the moment `transmitRaw` was entered, so the
    /// harness's own cost is inside the recorded time rather than added to it.
    case recorded
    /// After the recorded duration times the factor (0.5 = twice as fast a reader).
    case scaled(Double)
    /// After a duration drawn, with a seeded generator, from all recorded durations of the same
    /// command kind: INS, P1 and P2. That key groups repeated reads of the same offset and the
    /// sign step across iterations (whose data, the challenge, differs every time) while keeping
    /// SELECT apart from READ BINARY; the same seed gives the same sequence.
    case sampled(seed: UInt64)
}

/// A small, fast, seedable generator (SplitMix64): replay must draw without allocating and
/// repeat exactly for a given seed, which `SystemRandomNumberGenerator` does not.
struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
