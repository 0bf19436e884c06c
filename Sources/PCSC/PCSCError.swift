import CPCSCLite
import CardTransport

/// A pcsc-lite call that did not succeed: the call, its `LONG` result, the constant's name and
/// what a user can do about it.
public struct PCSCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `LONG` pcsc-lite returned (e.g. `0x80100069`).
    public let code: Int
    /// The function that returned it, e.g. `SCardTransmit`.
    public let function: String

    public init(code: Int, function: String) {
        self.code = code
        self.function = function
    }

    /// The constant's name, e.g. `SCARD_W_REMOVED_CARD`.
    public var name: String { Self.known[UInt32(truncatingIfNeeded: code)]?.name ?? "unknown PC/SC error" }

    /// What went wrong, worded for the person at the reader.
    public var message: String {
        Self.known[UInt32(truncatingIfNeeded: code)]?.message ?? "pcsc-lite returned an unknown error"
    }

    /// `0x80100069`.
    public var hexCode: String {
        let value = UInt32(truncatingIfNeeded: code)
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    public var description: String { "\(function): \(message) [\(name) \(hexCode)]" }

    /// The shared failure category, for counting failures by cause.
    public var kind: TransportError.Kind {
        switch UInt32(truncatingIfNeeded: code) {
        case UInt32(truncatingIfNeeded: SCARD_W_REMOVED_CARD), UInt32(truncatingIfNeeded: SCARD_W_RESET_CARD):
            return .cardRemoved
        case UInt32(truncatingIfNeeded: SCARD_E_NO_SMARTCARD), UInt32(truncatingIfNeeded: SCARD_W_UNPOWERED_CARD):
            return .noCard
        case UInt32(truncatingIfNeeded: SCARD_E_READER_UNAVAILABLE), UInt32(truncatingIfNeeded: SCARD_E_UNKNOWN_READER),
            UInt32(truncatingIfNeeded: SCARD_E_NO_READERS_AVAILABLE),
            UInt32(truncatingIfNeeded: SCARD_E_INVALID_HANDLE):
            return .readerUnavailable
        case UInt32(truncatingIfNeeded: SCARD_E_NO_SERVICE), UInt32(truncatingIfNeeded: SCARD_E_SERVICE_STOPPED),
            UInt32(truncatingIfNeeded: SCARD_F_COMM_ERROR):
            return .serviceUnavailable
        case UInt32(truncatingIfNeeded: SCARD_E_SHARING_VIOLATION): return .sharingViolation
        case UInt32(truncatingIfNeeded: SCARD_E_TIMEOUT), UInt32(truncatingIfNeeded: SCARD_W_UNRESPONSIVE_CARD):
            return .timeout
        case UInt32(truncatingIfNeeded: SCARD_E_CANCELLED): return .cancelled
        default: return .other
        }
    }

    /// The same failure in the terms every card source shares.
    public var transportError: TransportError {
        TransportError(kind, "\(function): \(message)", code: "\(name) \(hexCode)")
    }

    // MARK: - The codes that matter

    private static let known: [UInt32: (name: String, message: String)] = {
        func entry(_ value: Int, _ name: String, _ message: String) -> (UInt32, (String, String)) {
            (UInt32(truncatingIfNeeded: value), (name, message))
        }
        let entries: [(UInt32, (String, String))] = [
            entry(SCARD_S_SUCCESS, "SCARD_S_SUCCESS", "success"),
            entry(SCARD_F_INTERNAL_ERROR, "SCARD_F_INTERNAL_ERROR", "internal error in pcsc-lite"),
            entry(SCARD_E_CANCELLED, "SCARD_E_CANCELLED", "the wait was cancelled"),
            entry(
                SCARD_E_INVALID_HANDLE, "SCARD_E_INVALID_HANDLE",
                "the connection to the card is no longer valid (reader removed or pcscd restarted)"),
            entry(
                SCARD_E_INVALID_PARAMETER, "SCARD_E_INVALID_PARAMETER", "an invalid parameter was passed to pcsc-lite"),
            entry(SCARD_E_NO_MEMORY, "SCARD_E_NO_MEMORY", "pcsc-lite ran out of memory"),
            entry(
                SCARD_E_INSUFFICIENT_BUFFER, "SCARD_E_INSUFFICIENT_BUFFER",
                "the answer does not fit the buffer (the driver reported more data than expected)"),
            entry(
                SCARD_E_UNKNOWN_READER, "SCARD_E_UNKNOWN_READER",
                "no reader with that name: list readers with `readerbench readers`"),
            entry(SCARD_E_TIMEOUT, "SCARD_E_TIMEOUT", "the wait timed out"),
            entry(
                SCARD_E_SHARING_VIOLATION, "SCARD_E_SHARING_VIOLATION",
                "reader is in use by another application: close it (e.g. the マイナ資格確認アプリ or a browser plug-in) and retry"
            ),
            entry(
                SCARD_E_NO_SMARTCARD, "SCARD_E_NO_SMARTCARD",
                "no card in the reader: place the card on or in the reader"),
            entry(SCARD_E_PROTO_MISMATCH, "SCARD_E_PROTO_MISMATCH", "the card does not support the requested protocol"),
            entry(SCARD_E_NOT_READY, "SCARD_E_NOT_READY", "the reader or card is not ready"),
            entry(
                SCARD_F_COMM_ERROR, "SCARD_F_COMM_ERROR",
                "communication with pcscd failed: it stopped or restarted (check with scripts/virtual-reader status; "
                    + "start it with scripts/virtual-reader start or systemctl start pcscd)"),
            entry(
                SCARD_E_NOT_TRANSACTED, "SCARD_E_NOT_TRANSACTED",
                "the reader did not complete the exchange (card moved away or did not answer)"),
            entry(
                SCARD_E_READER_UNAVAILABLE, "SCARD_E_READER_UNAVAILABLE",
                "the reader is unavailable: it was unplugged or its driver failed"),
            entry(
                SCARD_E_NO_SERVICE, "SCARD_E_NO_SERVICE",
                "pcscd is not running: start it with scripts/virtual-reader start or systemctl start pcscd"),
            entry(
                SCARD_E_SERVICE_STOPPED, "SCARD_E_SERVICE_STOPPED",
                "pcscd stopped: start it again with scripts/virtual-reader start or systemctl start pcscd"),
            entry(
                SCARD_E_UNSUPPORTED_FEATURE, "SCARD_E_UNSUPPORTED_FEATURE", "the reader's driver does not support this"),
            entry(
                SCARD_E_NO_READERS_AVAILABLE, "SCARD_E_NO_READERS_AVAILABLE",
                "no readers are connected: plug one in, or start the virtual reader with scripts/virtual-reader start"),
            entry(SCARD_W_UNRESPONSIVE_CARD, "SCARD_W_UNRESPONSIVE_CARD", "the card does not answer to reset"),
            entry(SCARD_W_UNPOWERED_CARD, "SCARD_W_UNPOWERED_CARD", "the card is not powered"),
            entry(SCARD_W_RESET_CARD, "SCARD_W_RESET_CARD", "the card was reset by another application"),
            entry(SCARD_W_REMOVED_CARD, "SCARD_W_REMOVED_CARD", "card removed during the command"),
            entry(SCARD_E_UNKNOWN_CARD, "SCARD_E_UNKNOWN_CARD", "unknown card"),
            entry(SCARD_E_INVALID_VALUE, "SCARD_E_INVALID_VALUE", "an invalid value was passed to pcsc-lite"),
            entry(SCARD_F_UNKNOWN_ERROR, "SCARD_F_UNKNOWN_ERROR", "unknown internal error in pcsc-lite"),
            entry(SCARD_E_INVALID_ATR, "SCARD_E_INVALID_ATR", "the card's ATR is invalid"),
            entry(SCARD_E_READER_UNSUPPORTED, "SCARD_E_READER_UNSUPPORTED", "the reader is not supported"),
            entry(SCARD_E_CARD_UNSUPPORTED, "SCARD_E_CARD_UNSUPPORTED", "the card is not supported"),
            entry(SCARD_W_UNSUPPORTED_CARD, "SCARD_W_UNSUPPORTED_CARD", "the card is not supported (ATR)"),
            entry(SCARD_E_NO_ACCESS, "SCARD_E_NO_ACCESS", "access to pcscd denied (polkit or permissions)"),
            entry(SCARD_E_COMM_DATA_LOST, "SCARD_E_COMM_DATA_LOST", "data was lost in communication with the reader"),
            entry(SCARD_E_SERVER_TOO_BUSY, "SCARD_E_SERVER_TOO_BUSY", "pcscd is too busy"),
        ]
        return Dictionary(
            entries.map { ($0.0, (name: $0.1.0, message: $0.1.1)) }, uniquingKeysWith: { first, _ in first })
    }()
}

/// Turns a pcsc-lite result into a throw.
@usableFromInline @inline(__always)
func check(_ result: Int, _ function: StaticString) throws(PCSCError) {
    if result != SCARD_S_SUCCESS { throw PCSCError(code: result, function: "\(function)") }
}
