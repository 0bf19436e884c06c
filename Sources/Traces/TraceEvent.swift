import CardTransport

/// One event of a trace in its compact, fixed-size form.
///
/// A loaded trace keeps millions of these in one array, so the record holds no references:
/// bytes (command, response, challenge, note text) live in the trace's arena and the record
/// holds their offset and lengths. The command comes first in the arena and the response right
/// after it, so one offset serves both. Read the bytes through ``Trace``'s accessors.
public struct TraceEvent: Sendable, Hashable, BitwiseCopyable {
    /// What happened.
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable, BitwiseCopyable, CustomStringConvertible {
        /// The application opened the connection (`SCardConnect`).
        case connect
        /// One raw exchange (`SCardTransmit`).
        case transmit
        /// The card was reset or power-cycled without closing (`SCardReconnect`).
        case reconnect
        /// The connection was closed (`SCardDisconnect`).
        case disconnect
        /// An iteration of the read path starts here.
        case iteration
        /// Free text for people; replay ignores it.
        case note

        /// The `type` word in the file.
        public var description: String {
            switch self {
            case .connect: "connect"
            case .transmit: "transmit"
            case .reconnect: "reconnect"
            case .disconnect: "disconnect"
            case .iteration: "iteration"
            case .note: "note"
            }
        }
    }

    /// Whether an iteration started with the card still powered or from cold.
    public enum IterationMode: UInt8, Sendable, Hashable, CaseIterable, BitwiseCopyable, CustomStringConvertible {
        /// The previous iteration left the card powered.
        case warm
        /// The previous iteration powered the card down: connect pays power-up and ATR.
        case cold

        public var description: String { self == .warm ? "warm" : "cold" }
    }

    /// What happened.
    public var kind: Kind
    /// For reconnect and disconnect: the power action (`PowerAction.rawValue` index), else 0.
    @usableFromInline var actionCode: UInt8
    /// For iteration: the mode.
    @usableFromInline var modeCode: UInt8
    /// Bit 0: `d` was given; bit 1: a challenge was given.
    @usableFromInline var flags: UInt8
    /// For transmit: the PC/SC result (`rv`, 0 = success); else 0.
    public var result: UInt32
    /// For iteration: the recorded iteration number; else 0.
    public var iterationNumber: UInt32
    /// Nanoseconds from the start of the trace (`t`).
    public var time: UInt64
    /// Nanoseconds the call took (`d`); 0 when not recorded, so read ``hasDuration`` first:
    /// an unrecorded duration is unknown, never a measured 0.
    public var duration: UInt64
    /// Where this event's bytes start in the arena.
    @usableFromInline var payloadOffset: UInt64
    /// Command bytes (transmit), challenge bytes (iteration) or UTF-8 text bytes (note).
    @usableFromInline var firstCount: UInt32
    /// Response bytes (transmit), else 0.
    @usableFromInline var secondCount: UInt32

    @inlinable
    init(kind: Kind, time: UInt64) {
        self.kind = kind
        actionCode = 0
        modeCode = 0
        flags = 0
        result = 0
        iterationNumber = 0
        self.time = time
        duration = 0
        payloadOffset = 0
        firstCount = 0
        secondCount = 0
    }

    /// The power action of a reconnect or disconnect.
    public var action: PowerAction? {
        guard kind == .reconnect || kind == .disconnect else { return nil }
        return Self.actions[Int(actionCode)]
    }

    /// The mode of an iteration.
    public var mode: IterationMode? {
        guard kind == .iteration else { return nil }
        return IterationMode(rawValue: modeCode)
    }

    /// Whether the file gave a duration (`d`) for this event; false when the source did not
    /// record one (scriptor logs, an apdu4j exchange without its `# Nms` comment).
    public var hasDuration: Bool { flags & 1 != 0 }

    /// The duration, or nil when it was not recorded.
    public var recordedDuration: UInt64? { hasDuration ? duration : nil }

    /// Whether an iteration event carries a challenge.
    public var hasChallenge: Bool { flags & 2 != 0 }

    /// Whether the exchange succeeded at the PC/SC level (a card error status word still counts).
    public var succeeded: Bool { result == 0 }

    /// Command length (transmit).
    public var commandCount: Int { kind == .transmit ? Int(firstCount) : 0 }
    /// Response length (transmit).
    public var responseCount: Int { kind == .transmit ? Int(secondCount) : 0 }

    @usableFromInline static let actions: [PowerAction] = [.leave, .reset, .unpower]

    @usableFromInline static func code(of action: PowerAction) -> UInt8 {
        switch action {
        case .leave: 0
        case .reset: 1
        case .unpower: 2
        }
    }

    mutating func setAction(_ action: PowerAction) { actionCode = Self.code(of: action) }
    mutating func setMode(_ mode: IterationMode) { modeCode = mode.rawValue }
    mutating func setDuration(_ d: UInt64) {
        duration = d
        flags |= 1
    }
}
