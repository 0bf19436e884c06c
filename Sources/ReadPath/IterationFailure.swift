import CardTransport

/// Why an iteration failed, sorted into the causes results are counted by.
public enum FailureCause: String, Sendable, Hashable, Codable, CaseIterable {
    /// The reader, driver or pcscd reported an error.
    case pcsc
    /// The card answered with an unexpected status word.
    case statusWord = "status-word"
    /// The card answered, but what it returned failed a check (DER, signature, text fields).
    case checkFailed = "check-failed"
    /// The card or reader did not answer in time.
    case timeout
    /// The user stopped the run.
    case cancelled
    /// The card's answer broke the ISO/IEC 7816 transport rules (no status word, more data than
    /// Le, an endless `61XX` chain, a `6CXX` loop): a broken or hostile card, not a reader error.
    /// Result files of version 1 have no such cause and count it as ``pcsc``.
    case protocolViolation = "protocol"
}

/// Why the whole run must stop, not just this iteration.
public enum StopReason: String, Sendable, Hashable, Codable {
    /// PIN safety: a wrong PIN, a blocked PIN, or tries left below the floor.
    case pinSafety = "pin-stopped"
    /// The reader or pcscd is gone; further iterations cannot succeed.
    case environment = "error"
    /// A card or reader stopped answering.
    case timeout
    /// The user pressed Ctrl-C.
    case interrupted
}

/// One failed iteration: the cause, the step, and words a user can act on.
public struct IterationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var cause: FailureCause
    /// The step that failed (its label), or nil for connect/disconnect and post-iteration checks.
    public var step: String?
    public var message: String
    /// Set when the run must not go on.
    public var stopsRun: StopReason?
    /// The index (in the iteration's samples) of the exchange that failed, when an exchange did:
    /// its time is then a failure's, not a latency to count.
    public var apduIndex: Int?

    public init(_ cause: FailureCause, step: String?, _ message: String, stopsRun: StopReason? = nil) {
        self.cause = cause
        self.step = step
        self.message = message
        self.stopsRun = stopsRun
    }

    /// A transport error in these terms.
    public init(_ error: TransportError, step: String?) {
        switch error.kind {
        case .timeout: self.init(.timeout, step: step, error.description, stopsRun: .timeout)
        case .cancelled: self.init(.cancelled, step: step, error.description, stopsRun: .interrupted)
        case .serviceUnavailable, .readerUnavailable:
            self.init(.pcsc, step: step, error.description, stopsRun: .environment)
        case .protocolViolation: self.init(.protocolViolation, step: step, error.description)
        default: self.init(.pcsc, step: step, error.description)
        }
    }

    public var description: String { (step.map { "\($0): " } ?? "") + message }
}

/// A PIN held for VERIFY: never printed, logged, encoded or stored. Its description is a fixed
/// placeholder so string interpolation cannot leak it.
public struct SecretPIN: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }
    public var description: String { "<PIN redacted>" }
    public var debugDescription: String { "<PIN redacted>" }
}
