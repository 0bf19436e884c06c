/// The four bytes every command APDU starts with: class, instruction and two parameters.
public struct APDUHeader: Hashable, Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8

    @inlinable
    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
    }

    /// True when ISO/IEC 7816-3 forbids this INS: `6X` and `9X` are T=0 procedure bytes and
    /// status-word prefixes, so a reader or card would misread them.
    @inlinable
    public var hasReservedInstruction: Bool {
        let high = ins & 0xF0
        return high == 0x60 || high == 0x90
    }

    /// The class byte with the command-chaining bit (`0x10`, ISO/IEC 7816-4 §5.4.1) set.
    @inlinable
    public var chained: APDUHeader {
        APDUHeader(cla: cla | 0x10, ins: ins, p1: p1, p2: p2)
    }

    /// The P1-P2 pair as one number, e.g. the offset of a READ BINARY.
    @inlinable
    public var p1p2: UInt16 { UInt16(p1) << 8 | UInt16(p2) }
}

/// Whether the Lc and Le fields use the short (one byte) or extended (three and two bytes) form.
public enum LengthForm: Sendable, Hashable {
    /// Short when data and Le fit (Lc ≤ 255, Le ≤ 256), extended otherwise.
    case automatic
    /// Always short; commands that do not fit are rejected.
    case short
    /// Always extended, even for small commands (some readers and cards need this to be explicit).
    case extended
}
