import COpenSSL

// MARK: - SHA256

/// SHA-256, the only digest the JPKI read path uses (DigestInfo for COMPUTE DIGITAL SIGNATURE, certificate
/// signatures).
///
/// The digest algorithm is fetched from the default provider once per process: OpenSSL 3 would otherwise
/// look it up again on every call, which costs more than hashing a short challenge. The `InlineArray` and
/// `MutableSpan` forms make no Swift allocations (OpenSSL still allocates its digest context internally).
/// All functions are safe to call from any thread.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// The digest of `message`, without allocating.
    public static func hash(_ message: RawSpan) throws(CardCryptoError) -> InlineArray<32, UInt8> {
        var digest = InlineArray<32, UInt8>(repeating: 0)
        var output = digest.mutableSpan
        try hash(message, into: &output)
        return digest
    }

    /// The digest of `message`, without allocating.
    public static func hash(_ message: Span<UInt8>) throws(CardCryptoError) -> InlineArray<32, UInt8> {
        try hash(message.bytes)
    }

    /// Writes the digest of `message` into the first 32 bytes of `digest`, which must hold at least 32.
    public static func hash(_ message: RawSpan, into digest: inout MutableSpan<UInt8>) throws(CardCryptoError) {
        guard digest.count >= byteCount else {
            throw .rejected(.invalidLength, "SHA-256 needs a 32-byte output buffer, got \(digest.count)")
        }
        guard let md = FetchedSHA256.shared.md else {
            throw .openSSL(.operationFailed, call: "EVP_MD_fetch", "SHA-256 is not available from the provider")
        }
        let ok = message.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                var length: UInt32 = 0
                return EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, md, nil) == 1
                    && length == UInt32(byteCount)
            }
        }
        guard ok else { throw .openSSL(.operationFailed, call: "EVP_Digest", "SHA-256 failed") }
    }

    /// The digest of `message` as an array, for callers that store it.
    public static func digest(_ message: Span<UInt8>) throws(CardCryptoError) -> [UInt8] {
        try [UInt8](capacity: byteCount) { (output: inout OutputSpan<UInt8>) throws(CardCryptoError) in
            let digest = try hash(message.bytes)
            for index in digest.indices { output.append(digest[index]) }
        }
    }
}

// MARK: - Fetched algorithm

/// The SHA-256 `EVP_MD` fetched once; OpenSSL documents fetched algorithms as immutable and shareable
/// between threads, hence the unchecked conformance. It is never freed: it lives as long as the process.
struct FetchedSHA256: @unchecked Sendable {
    let md: OpaquePointer?

    static let shared = FetchedSHA256(md: EVP_MD_fetch(nil, "SHA256", nil))
}
