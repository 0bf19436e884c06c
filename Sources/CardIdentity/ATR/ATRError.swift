/// Why bytes are not an ATR, and where the problem was found.
///
/// Only structural problems are errors; a bad or missing TCK is reported by
/// ``ATR/checkCharacter`` instead. Tests compare cases, never descriptions.
public enum ATRError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer than the two bytes (TS, T0) every ATR starts with.
    case tooShort(length: Int)
    /// TS is neither 3B (direct convention) nor 3F (inverse convention); offset 0.
    case invalidInitialCharacter(UInt8)
    /// The presence bits of T0 or a TD announce an interface byte of `group` that is not there.
    case truncatedInterfaceBytes(group: Int, offset: Int)
    /// T0 declares more historical bytes than the ATR has left after its interface bytes.
    case truncatedHistoricalBytes(declared: Int, available: Int, offset: Int)
    /// Bytes follow the last byte the ATR's structure accounts for (TCK, or the last historical
    /// byte when only T=0 is indicated).
    case trailingBytes(count: Int, offset: Int)

    /// The offset of the first byte that is wrong or missing.
    public var offset: Int {
        switch self {
        case .tooShort(let length): length
        case .invalidInitialCharacter: 0
        case .truncatedInterfaceBytes(_, let offset): offset
        case .truncatedHistoricalBytes(_, _, let offset): offset
        case .trailingBytes(_, let offset): offset
        }
    }

    public var description: String {
        switch self {
        case .tooShort(let length):
            "ATR too short: \(length) byte(s), need at least TS and T0"
        case .invalidInitialCharacter(let ts):
            "invalid TS \(hexByte(ts)) at offset 0: expected 3B (direct) or 3F (inverse)"
        case .truncatedInterfaceBytes(let group, let offset):
            "interface bytes of group \(group) truncated at offset \(offset)"
        case .truncatedHistoricalBytes(let declared, let available, let offset):
            "T0 declares \(declared) historical byte(s) but only \(available) remain at offset \(offset)"
        case .trailingBytes(let count, let offset):
            "\(count) unexpected byte(s) after the end of the ATR at offset \(offset)"
        }
    }
}

/// Two upper-case hex digits, for messages.
func hexByte(_ byte: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
