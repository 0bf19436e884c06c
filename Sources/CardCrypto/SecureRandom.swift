import COpenSSL

// MARK: - SecureRandom

/// Cryptographically strong random bytes from OpenSSL's default generator (`RAND_bytes`), for the
/// challenges a host asks the card to sign. Safe to call from any thread.
public enum SecureRandom {
    /// Overwrites every byte of `bytes` with random data.
    public static func fill(_ bytes: inout MutableSpan<UInt8>) throws(CardCryptoError) {
        guard bytes.count <= Int(Int32.max) else {
            throw .rejected(.invalidLength, "RAND_bytes takes at most \(Int32.max) bytes at once")
        }
        let ok = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.isEmpty || RAND_bytes(buffer.baseAddress, Int32(buffer.count)) == 1
        }
        guard ok else { throw .openSSL(.operationFailed, call: "RAND_bytes", "the random generator failed") }
    }

    /// `count` random bytes.
    public static func bytes(count: Int) throws(CardCryptoError) -> [UInt8] {
        guard count >= 0 else { throw .rejected(.invalidLength, "cannot make \(count) random bytes") }
        var bytes = [UInt8](repeating: 0, count: count)
        var span = bytes.mutableSpan
        try fill(&span)
        return bytes
    }
}
