import CardTransport

/// PC/SC result codes as a trace stores them (`rv`), and their link to ``TransportError``.
///
/// A recording keeps the code a failure had, so replay can fail the same way; sources that
/// do not speak PC/SC (the simulator in-process) get the code closest to their error's kind.
public enum PCSCResult {
    /// `SCARD_S_SUCCESS`.
    public static let success: UInt32 = 0
    /// `SCARD_F_INTERNAL_ERROR`.
    public static let internalError: UInt32 = 0x8010_0001
    /// `SCARD_E_INVALID_HANDLE`.
    public static let invalidHandle: UInt32 = 0x8010_0003
    /// `SCARD_E_TIMEOUT`.
    public static let timeout: UInt32 = 0x8010_000A
    /// `SCARD_E_SHARING_VIOLATION`.
    public static let sharingViolation: UInt32 = 0x8010_000B
    /// `SCARD_E_NO_SMARTCARD`.
    public static let noSmartcard: UInt32 = 0x8010_000C
    /// `SCARD_E_NOT_TRANSACTED`.
    public static let notTransacted: UInt32 = 0x8010_0016
    /// `SCARD_E_READER_UNAVAILABLE`.
    public static let readerUnavailable: UInt32 = 0x8010_0017
    /// `SCARD_E_NO_SERVICE`.
    public static let noService: UInt32 = 0x8010_001D
    /// `SCARD_E_CANCELLED`.
    public static let cancelled: UInt32 = 0x8010_0002
    /// `SCARD_E_PROTO_MISMATCH`.
    public static let protocolMismatch: UInt32 = 0x8010_000F
    /// `SCARD_W_UNRESPONSIVE_CARD`.
    public static let unresponsiveCard: UInt32 = 0x8010_0066
    /// `SCARD_W_REMOVED_CARD`.
    public static let removedCard: UInt32 = 0x8010_0069
    /// `SCARD_W_RESET_CARD`.
    public static let resetCard: UInt32 = 0x8010_0068

    /// The code to store for `error`: the `0x…` code a PC/SC error carries, else the code of
    /// its kind.
    public static func code(for error: TransportError) -> UInt32 {
        if let text = error.code, let parsed = hexCode(in: text) { return parsed }
        switch error.kind {
        case .cardRemoved: return removedCard
        case .noCard: return noSmartcard
        case .readerUnavailable: return readerUnavailable
        case .serviceUnavailable: return noService
        case .sharingViolation: return sharingViolation
        case .timeout: return timeout
        case .protocolViolation: return notTransacted
        case .cancelled: return cancelled
        case .replayMismatch, .other: return internalError
        }
    }

    /// The error replay raises for a recorded failure.
    public static func transportError(for result: UInt32, _ context: String) -> TransportError {
        let kind: TransportError.Kind
        switch result {
        case removedCard, resetCard: kind = .cardRemoved
        case noSmartcard: kind = .noCard
        case readerUnavailable: kind = .readerUnavailable
        case noService, 0x8010_001E: kind = .serviceUnavailable
        case sharingViolation: kind = .sharingViolation
        case timeout, unresponsiveCard: kind = .timeout
        case notTransacted: kind = .protocolViolation
        case cancelled: kind = .cancelled
        default: kind = .other
        }
        return TransportError(
            kind, "\(context): the recorded exchange failed with \(name(of: result))", code: name(of: result))
    }

    /// `SCARD_W_REMOVED_CARD (0x80100069)` style text.
    public static func name(of result: UInt32) -> String {
        let known: String? =
            switch result {
            case success: "SCARD_S_SUCCESS"
            case internalError: "SCARD_F_INTERNAL_ERROR"
            case invalidHandle: "SCARD_E_INVALID_HANDLE"
            case timeout: "SCARD_E_TIMEOUT"
            case sharingViolation: "SCARD_E_SHARING_VIOLATION"
            case noSmartcard: "SCARD_E_NO_SMARTCARD"
            case notTransacted: "SCARD_E_NOT_TRANSACTED"
            case readerUnavailable: "SCARD_E_READER_UNAVAILABLE"
            case noService: "SCARD_E_NO_SERVICE"
            case cancelled: "SCARD_E_CANCELLED"
            case protocolMismatch: "SCARD_E_PROTO_MISMATCH"
            case unresponsiveCard: "SCARD_W_UNRESPONSIVE_CARD"
            case removedCard: "SCARD_W_REMOVED_CARD"
            case resetCard: "SCARD_W_RESET_CARD"
            default: nil
            }
        let hex = String(result, radix: 16, uppercase: true)
        let code = "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        if let known { return "\(known) (\(code))" }
        return code
    }

    /// The first `0x` number in `text`, e.g. in `SCARD_W_REMOVED_CARD 0x80100069`.
    static func hexCode(in text: String) -> UInt32? {
        let utf8 = Array(text.utf8)
        var i = 0
        while i + 2 < utf8.count {
            if utf8[i] == 0x30 && (utf8[i + 1] == 0x78 || utf8[i + 1] == 0x58) {
                var value: UInt64 = 0
                var digits = 0
                var j = i + 2
                while j < utf8.count, digits < 16 {
                    let c = utf8[j]
                    let digit: UInt64
                    switch c {
                    case 0x30...0x39: digit = UInt64(c - 0x30)
                    case 0x41...0x46: digit = UInt64(c - 0x37)
                    case 0x61...0x66: digit = UInt64(c - 0x57)
                    default: digit = 99
                    }
                    if digit == 99 { break }
                    value = value << 4 | digit
                    digits += 1
                    j += 1
                }
                if digits > 0, value <= UInt64(UInt32.max) { return UInt32(value) }
            }
            i += 1
        }
        return nil
    }
}
