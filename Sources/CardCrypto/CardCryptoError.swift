// MARK: - CardCryptoError

/// Why a CardCrypto operation failed.
///
/// Every throwing API in this module throws this one type, so callers catch one thing and tests compare
/// ``code`` rather than message text. When OpenSSL was the one to refuse, ``call`` names the C function
/// and ``openSSLErrors`` carries the text OpenSSL queued for it, because the queue is the only place that
/// says *why* (a bad tag, a short buffer, an unsupported algorithm). Building the error drains that
/// thread's queue, so a later failure is never blamed on an earlier one.
public struct CardCryptoError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this was; stable across OpenSSL versions, unlike the queue text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case malformedInput, unsupportedKey, invalidLength, operationFailed
        }

        private let kind: Kind

        /// The bytes are not a DER/PEM structure of the expected kind (truncated, trailing bytes, wrong tag).
        public static let malformedInput = Code(kind: .malformedInput)
        /// The key or certificate parsed but does not hold an RSA key, or the PEM key is encrypted.
        public static let unsupportedKey = Code(kind: .unsupportedKey)
        /// An input or output has the wrong size (digest not 32 bytes, DigestInfo too long for the key,
        /// output buffer too small).
        public static let invalidLength = Code(kind: .invalidLength)
        /// OpenSSL refused an operation on well-formed input (allocation, provider or algorithm failure).
        public static let operationFailed = Code(kind: .operationFailed)

        public var description: String {
            switch kind {
            case .malformedInput: "malformed input"
            case .unsupportedKey: "unsupported key"
            case .invalidLength: "invalid length"
            case .operationFailed: "OpenSSL operation failed"
            }
        }
    }

    /// What kind of failure this was.
    public let code: Code
    /// The OpenSSL function that failed (for example `d2i_X509`), or an empty string when this module
    /// rejected the input before calling OpenSSL.
    public let call: String
    /// A human explanation from this module.
    public let reason: String
    /// OpenSSL's error-queue entries for the failure, oldest first, as `ERR_error_string_n` formats them.
    public let openSSLErrors: [String]
    /// Where in this module the error was raised, for bug reports.
    public let fileID: String
    /// The line in ``fileID``.
    public let line: Int

    public var description: String {
        var text = "CardCryptoError.\(code): \(reason)"
        if !call.isEmpty { text += " [\(call)]" }
        if !openSSLErrors.isEmpty { text += " (" + openSSLErrors.joined(separator: "; ") + ")" }
        return text
    }

    // MARK: - Factories

    /// An error reported by an OpenSSL call; drains the calling thread's error queue into the error.
    static func openSSL(
        _ code: Code, call: String, _ reason: String, fileID: String = #fileID, line: Int = #line
    ) -> CardCryptoError {
        CardCryptoError(
            code: code, call: call, reason: reason, openSSLErrors: OpenSSL.drainErrorQueue(), fileID: fileID,
            line: line)
    }

    /// An error found by this module before or without asking OpenSSL.
    static func rejected(
        _ code: Code, _ reason: String, fileID: String = #fileID, line: Int = #line
    ) -> CardCryptoError {
        CardCryptoError(code: code, call: "", reason: reason, openSSLErrors: [], fileID: fileID, line: line)
    }
}
