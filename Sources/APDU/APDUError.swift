/// Why a command could not be encoded or a received APDU could not be read.
///
/// Cases carry the numbers that explain the problem, so a message can say what to change.
public enum APDUError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Command data longer than extended Lc can describe (65535 bytes).
    case dataTooLong(count: Int)
    /// Le outside 1…65536 (0 means "no Le": pass nil).
    case expectedLengthOutOfRange(Int)
    /// INS `6X` or `9X`, reserved by ISO/IEC 7816-3.
    case reservedInstruction(UInt8)
    /// The short form was forced but the data (over 255 bytes) or Le (over 256) does not fit.
    case shortFormCannotCarry(dataCount: Int, expectedLength: Int?)
    /// The caller's storage is too small for the encoded command.
    case outputTooSmall(needed: Int, available: Int)
    /// A chain segment size outside 1…255 (short) or 1…65535 (extended).
    case invalidSegmentSize(Int)
    /// A response shorter than the two status bytes.
    case responseTooShort(count: Int)
    /// A command shorter than its four header bytes.
    case commandTooShort(count: Int)
    /// A command whose length fields disagree with its size (ISO/IEC 7816-4 §5.1 cases).
    case malformedCommand(count: Int, reason: String)

    public var description: String {
        switch self {
        case .dataTooLong(let count):
            return "command data is \(count) bytes; at most 65535 fit in an extended Lc"
        case .expectedLengthOutOfRange(let le):
            return "Le \(le) is out of range: it must be 1…65536 (omit it for no response data)"
        case .reservedInstruction(let ins):
            return "INS \(hexByte(ins)) is reserved (6X and 9X are procedure bytes in ISO/IEC 7816-3)"
        case .shortFormCannotCarry(let dataCount, let le):
            var parts: [String] = []
            if dataCount > 255 { parts.append("\(dataCount) data bytes (short Lc holds 255)") }
            if let le, le > 256 { parts.append("Le \(le) (short Le holds 256)") }
            return "the short form cannot carry " + parts.joined(separator: " and ") + "; use the extended form"
        case .outputTooSmall(let needed, let available):
            return "the command needs \(needed) bytes but the buffer holds \(available)"
        case .invalidSegmentSize(let size):
            return "chain segment size \(size) is invalid (1…255 for short commands)"
        case .responseTooShort(let count):
            return "a response needs at least the two status bytes SW1 SW2; got \(count) byte\(count == 1 ? "" : "s")"
        case .commandTooShort(let count):
            return "a command needs at least the four header bytes; got \(count)"
        case .malformedCommand(let count, let reason):
            return "malformed \(count)-byte command: \(reason)"
        }
    }
}

@usableFromInline
func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
}

// MARK: - Throwing

extension APDUError {
    /// Throws `error`, out of line. The encoder and the response view are inlined into their
    /// callers; failing through here leaves them no error-building code, so their valid path needs
    /// no saved registers (for a 5-byte READ BINARY that was a third of its instructions).
    @usableFromInline @inline(never)
    static func reject(_ error: APDUError) throws(APDUError) -> Never {
        throw error
    }
}
