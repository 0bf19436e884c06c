/// SW1-SW2, the two status bytes that end every response, with their ISO/IEC 7816-4 meanings.
public struct StatusWord: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// SW1 in the high byte, SW2 in the low byte: `0x9000`.
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    @inlinable
    public init(sw1: UInt8, sw2: UInt8) { rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    @inlinable public var sw1: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    @inlinable public var sw2: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    // MARK: - Named status words

    /// `9000` normal processing.
    public static let success = StatusWord(rawValue: 0x9000)
    /// `6700` wrong length (Lc or Le).
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    /// `6982` security status not satisfied (e.g. the PIN was not verified).
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    /// `6983` authentication method blocked.
    public static let authenticationMethodBlocked = StatusWord(rawValue: 0x6983)
    /// `6984` reference data not usable: on the My Number Card, a PIN that is locked.
    public static let referenceDataNotUsable = StatusWord(rawValue: 0x6984)
    /// `6985` conditions of use not satisfied.
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    /// `6986` command not allowed (no current EF).
    public static let commandNotAllowed = StatusWord(rawValue: 0x6986)
    /// `6A80` incorrect parameters in the data field.
    public static let incorrectData = StatusWord(rawValue: 0x6A80)
    /// `6A82` file or application not found.
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    /// `6A86` incorrect parameters P1-P2.
    public static let incorrectP1P2 = StatusWord(rawValue: 0x6A86)
    /// `6B00` wrong parameters P1-P2 (e.g. an offset beyond the file).
    public static let wrongParameters = StatusWord(rawValue: 0x6B00)
    /// `6D00` instruction not supported.
    public static let instructionNotSupported = StatusWord(rawValue: 0x6D00)
    /// `6E00` class not supported.
    public static let classNotSupported = StatusWord(rawValue: 0x6E00)
    /// `6F00` no precise diagnosis.
    public static let noPreciseDiagnosis = StatusWord(rawValue: 0x6F00)

    /// `61XX`: XX more bytes wait for GET RESPONSE (`00` means 256).
    @inlinable
    public static func bytesAvailable(_ count: Int) -> StatusWord {
        StatusWord(sw1: 0x61, sw2: UInt8(truncatingIfNeeded: count))
    }
    /// `6CXX`: wrong Le, resend with Le = XX (`00` means 256).
    @inlinable
    public static func wrongExpectedLength(exact: Int) -> StatusWord {
        StatusWord(sw1: 0x6C, sw2: UInt8(truncatingIfNeeded: exact))
    }
    /// `63CX`: verification failed, X tries left.
    @inlinable
    public static func verificationFailed(triesLeft: Int) -> StatusWord {
        StatusWord(sw1: 0x63, sw2: 0xC0 | UInt8(truncatingIfNeeded: triesLeft & 0x0F))
    }

    // MARK: - Meaning

    /// `9000`.
    @inlinable public var isSuccess: Bool { rawValue == 0x9000 }

    /// For `61XX`, how many bytes GET RESPONSE will return.
    @inlinable public var bytesAvailable: Int? { sw1 == 0x61 ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// For `6CXX`, the Le to resend with.
    @inlinable public var exactExpectedLength: Int? { sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// For `63CX`, the tries left on the PIN (0 means it just became blocked).
    @inlinable public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    /// Whether the command completed (`9000`, `61XX`, or a `62XX`/`63XX` warning).
    @inlinable public var isNormalOrWarning: Bool { sw1 == 0x90 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63 }

    /// What ISO/IEC 7816-4 says this status word means, for people.
    public var meaning: String {
        switch sw1 {
        case 0x90 where sw2 == 0: return "success"
        case 0x61: return "\(bytesAvailable ?? 0) more bytes available (GET RESPONSE)"
        case 0x6C: return "wrong Le: resend with Le \(exactExpectedLength ?? 0)"
        case 0x62:
            switch sw2 {
            case 0x81: return "warning: part of the returned data may be corrupted"
            case 0x82: return "warning: end of file reached before Le bytes were read"
            case 0x83: return "warning: selected file deactivated"
            case 0x84: return "warning: file control information not formatted"
            default: return "warning: non-volatile memory unchanged"
            }
        case 0x63:
            if let tries = triesLeft {
                return tries == 0
                    ? "verification failed: no tries left, the PIN is now blocked"
                    : "verification failed: \(tries) tr\(tries == 1 ? "y" : "ies") left"
            }
            return sw2 == 0x81 ? "warning: file filled up by the last write" : "warning: non-volatile memory changed"
        case 0x64: return "execution error: non-volatile memory unchanged"
        case 0x65: return sw2 == 0x81 ? "memory failure" : "execution error: non-volatile memory changed"
        case 0x67 where sw2 == 0: return "wrong length"
        case 0x68:
            switch sw2 {
            case 0x81: return "logical channel not supported"
            case 0x82: return "secure messaging not supported"
            default: return "functions in CLA not supported"
            }
        case 0x69:
            switch sw2 {
            case 0x81: return "command incompatible with file structure"
            case 0x82: return "security status not satisfied"
            case 0x83: return "authentication method blocked"
            case 0x84: return "reference data not usable (PIN blocked)"
            case 0x85: return "conditions of use not satisfied"
            case 0x86: return "command not allowed (no current EF)"
            case 0x87: return "expected secure messaging data objects missing"
            case 0x88: return "incorrect secure messaging data objects"
            default: return "command not allowed"
            }
        case 0x6A:
            switch sw2 {
            case 0x80: return "incorrect parameters in the data field"
            case 0x81: return "function not supported"
            case 0x82: return "file or application not found"
            case 0x83: return "record not found"
            case 0x84: return "not enough memory space in the file"
            case 0x86: return "incorrect parameters P1-P2"
            case 0x88: return "referenced data not found"
            default: return "wrong parameters"
            }
        case 0x6B where sw2 == 0: return "wrong parameters P1-P2 (offset outside the file)"
        case 0x6D where sw2 == 0: return "instruction not supported"
        case 0x6E where sw2 == 0: return "class not supported"
        case 0x6F where sw2 == 0: return "no precise diagnosis"
        default: return "unknown status"
        }
    }

    /// `6982 (security status not satisfied)`.
    public var description: String { "\(hexByte(sw1))\(hexByte(sw2)) (\(meaning))" }
}
