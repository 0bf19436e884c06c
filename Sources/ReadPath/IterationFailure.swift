import CardTransport
import RunModel

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
    /// The card source's own code for the failure (`SCARD_W_REMOVED_CARD 0x80100069`), when it
    /// has one.
    public var code: String?
    /// The status word the card answered, for ``FailureCause/statusWord`` failures.
    public var statusWord: UInt16?

    public init(_ cause: FailureCause, step: String?, _ message: String, stopsRun: StopReason? = nil) {
        self.cause = cause
        self.step = step
        self.message = message
        self.stopsRun = stopsRun
    }

    /// A transport error in these terms: the class it counts under, its source's own code
    /// (a PC/SC error name), and whether the run (or this reader's part of it) can go on.
    public init(_ error: TransportError, step: String?) {
        switch error.kind {
        case .timeout: self.init(.timeout, step: step, error.description, stopsRun: .timeout)
        case .cancelled: self.init(.cancelled, step: step, error.description, stopsRun: .interrupted)
        // pcscd gone or the reader gone: whoever runs the iterations decides (reconnect with
        // backoff, or end that reader's part of the run); the failure only names the cause.
        case .serviceUnavailable: self.init(.serviceGone, step: step, error.description)
        case .readerUnavailable: self.init(.readerGone, step: step, error.description)
        case .cardRemoved, .noCard: self.init(.cardRemoved, step: step, error.description)
        case .protocolViolation: self.init(.protocolViolation, step: step, error.description)
        case .replayMismatch: self.init(.replayMismatch, step: step, error.description)
        case .sharingViolation, .other: self.init(.pcsc, step: step, error.description)
        }
        code = error.code
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
