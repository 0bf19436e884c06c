/// Why an iteration failed, in the classes results count failures by.
///
/// The raw values are what result files hold; version 1 files know the first five.
public enum FailureCause: String, Codable, Sendable, Hashable, CaseIterable {
    /// The reader, driver or pcscd reported an error not covered by a finer class below.
    case pcsc
    /// The card answered with a status word the scenario does not accept.
    case statusWord = "status-word"
    /// Every exchange succeeded but what the card returned failed a check (DER, signature,
    /// text fields): a fast wrong answer.
    case checkFailed = "check-failed"
    /// The card or reader did not answer within the run's timeout.
    case timeout
    /// The run was stopped while the iteration was under way.
    case cancelled
    /// The card left the reader (lifted off, pulled out) or was not there
    /// (`SCARD_W_REMOVED_CARD`, `SCARD_E_NO_SMARTCARD`).
    case cardRemoved = "card-removed"
    /// The reader went away (`SCARD_E_READER_UNAVAILABLE`, `SCARD_E_UNKNOWN_READER`).
    case readerGone = "reader-gone"
    /// pcscd stopped or restarted (`SCARD_E_NO_SERVICE`, `SCARD_E_SERVICE_STOPPED`,
    /// `SCARD_F_COMM_ERROR`).
    case serviceGone = "service-gone"
    /// The card's answer broke the transport rules: fewer than two bytes, endless `61XX`
    /// chains, `6CXX` loops, more data than a response can hold.
    case protocolViolation = "protocol-violation"
    /// A replayed trace does not hold the command that was sent.
    case replayMismatch = "replay-mismatch"
}
