/// Why an exchange with a card failed, in terms every card source shares.
///
/// Each source (PC/SC, simulator, trace replay) maps its own errors to a ``Kind`` so the
/// measurement can count failures by cause, and keeps its own words in ``message`` and
/// ``code`` so the user sees what actually happened.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The shared categories of failure.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The card left the reader (or was reset by someone else) during the exchange.
        case cardRemoved
        /// No card is in the reader.
        case noCard
        /// The reader went away or cannot be used.
        case readerUnavailable
        /// The PC/SC service (pcscd) is not running or stopped.
        case serviceUnavailable
        /// Another application holds the reader exclusively.
        case sharingViolation
        /// The card or reader did not answer in time.
        case timeout
        /// The card's answer broke the protocol (e.g. fewer than two bytes, endless `61XX`).
        case protocolViolation
        /// A replayed trace does not hold the command that was sent.
        case replayMismatch
        /// The run was cancelled by the user.
        case cancelled
        /// Anything else; ``TransportError/message`` says what.
        case other
    }

    public var kind: Kind
    /// What happened and, where possible, what to do about it.
    public var message: String
    /// The source's own code, e.g. `SCARD_W_REMOVED_CARD (0x80100069)`, when there is one.
    public var code: String?

    public init(_ kind: Kind, _ message: String, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String {
        if let code { return "\(message) [\(code)]" }
        return message
    }
}
