import COpenSSL

// MARK: - OpenSSL

/// Facts about the linked OpenSSL and control of its per-thread error queue.
public enum OpenSSL {
    /// The linked library's version text, such as `OpenSSL 3.0.22 25 Aug 2026`, from
    /// `OpenSSL_version(OPENSSL_VERSION)`; result files record it because RSA timings depend on it.
    public static var version: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION))
    }

    /// The linked library's numeric version (`OpenSSL_version_num()`), for comparisons.
    public static var versionNumber: UInt {
        UInt(OpenSSL_version_num())
    }

    /// Discards every entry on the calling thread's OpenSSL error queue (`ERR_clear_error`).
    ///
    /// CardCrypto drains the queue whenever it reports an error and after a failed verification, so this
    /// is only needed by code that also calls OpenSSL directly and wants a clean start.
    public static func clearErrorQueue() {
        ERR_clear_error()
    }

    /// Pops every entry off the calling thread's error queue, oldest first, as text.
    static func drainErrorQueue() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)
            }
            messages.append(text)
        }
        return messages
    }
}
