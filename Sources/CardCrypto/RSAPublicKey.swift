import COpenSSL

// MARK: - RSAPublicKey

/// An RSA public key that checks card signatures: it recovers the PKCS#1 v1.5 block and compares the
/// DigestInfo inside it with the one expected, which is what a host does with a JPKI authentication
/// response.
///
/// The object owns its `EVP_PKEY` and frees it exactly once, in `deinit`. Thread safety: as for
/// ``RSAPrivateKey``, one thread at a time per object.
public final class RSAPublicKey {
    /// The owned `EVP_PKEY*`, never null.
    let pkey: OpaquePointer

    /// The DER `SubjectPublicKeyInfo`, as it appears in the certificate.
    public let subjectPublicKeyInfo: [UInt8]

    // MARK: - Loading

    /// Loads an RSA public key from a DER `SubjectPublicKeyInfo`; trailing bytes are rejected.
    public convenience init(subjectPublicKeyInfo: Span<UInt8>) throws(CardCryptoError) {
        guard !subjectPublicKeyInfo.isEmpty else { throw .rejected(.malformedInput, "empty SubjectPublicKeyInfo") }
        let parsed: OpaquePointer? = subjectPublicKeyInfo.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count) else { return nil }
            guard cursor == buffer.baseAddress! + buffer.count else {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
        guard let parsed else {
            throw .openSSL(.malformedInput, call: "d2i_PUBKEY", "not a DER SubjectPublicKeyInfo")
        }
        try self.init(owning: parsed)
    }

    /// Takes ownership of `pkey`; frees it and throws if it is not RSA.
    init(owning pkey: OpaquePointer) throws(CardCryptoError) {
        guard EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA else {
            EVP_PKEY_free(pkey)
            throw .rejected(.unsupportedKey, "the public key is not an RSA key")
        }
        do {
            self.subjectPublicKeyInfo = try Self.encodeSubjectPublicKeyInfo(pkey)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// The DER `SubjectPublicKeyInfo` of any key (`i2d_PUBKEY`).
    static func encodeSubjectPublicKeyInfo(_ pkey: OpaquePointer) throws(CardCryptoError) -> [UInt8] {
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0 else {
            throw .openSSL(.operationFailed, call: "i2d_PUBKEY", "could not encode the public key")
        }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else {
            throw .openSSL(.operationFailed, call: "i2d_PUBKEY", "the public key encoding changed length")
        }
        return bytes
    }

    // MARK: - Properties

    /// The modulus size in bits (2048 for a My Number Card key).
    public var modulusBitCount: Int {
        Int(EVP_PKEY_get_bits(pkey))
    }

    /// The signature size in bytes, equal to the modulus size (256 for RSA-2048).
    public var signatureByteCount: Int {
        Int(EVP_PKEY_get_size(pkey))
    }

    /// The modulus as unsigned big-endian bytes without leading zeros.
    public func modulus() throws(CardCryptoError) -> [UInt8] {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, "n", &number) == 1, let number else {
            throw .openSSL(.operationFailed, call: "EVP_PKEY_get_bn_param", "the key has no modulus")
        }
        defer { BN_free(number) }
        let count = Int((BN_num_bits(number) + 7) / 8)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(BN_bn2bin(number, buffer.baseAddress))
        }
    }

    // MARK: - Verifying

    /// Whether `signature` is a PKCS#1 v1.5 signature by this key over exactly `digestInfo`.
    ///
    /// The PKCS#1 block is recovered with the public key and its payload compared with `digestInfo` in
    /// constant time (`CRYPTO_memcmp`). Any failure, including a signature of the wrong length or bad
    /// padding, answers `false` and leaves the thread's OpenSSL error queue empty.
    public func verifyPKCS1v15(signature: Span<UInt8>, digestInfo: Span<UInt8>) -> Bool {
        let modulusLength = signatureByteCount
        guard signature.count == modulusLength, digestInfo.count <= modulusLength - 11 else { return false }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            OpenSSL.clearErrorQueue()
            return false
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_recover_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) > 0
        else {
            OpenSSL.clearErrorQueue()
            return false
        }
        let matches = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: modulusLength) { recovered in
            signature.withUnsafeBufferPointer { signatureBytes in
                digestInfo.withUnsafeBufferPointer { expected in
                    var length = recovered.count
                    let status = EVP_PKEY_verify_recover(
                        context, recovered.baseAddress, &length, signatureBytes.baseAddress, signatureBytes.count)
                    guard status == 1, length == expected.count else { return false }
                    if length == 0 { return true }
                    return CRYPTO_memcmp(recovered.baseAddress, expected.baseAddress, length) == 0
                }
            }
        }
        if !matches { OpenSSL.clearErrorQueue() }
        return matches
    }

    /// Whether `signature` is a PKCS#1 v1.5 SHA-256 signature by this key over `message` (the message is
    /// hashed and wrapped in a ``DigestInfo`` first).
    public func verifyPKCS1v15SHA256(signature: Span<UInt8>, message: Span<UInt8>) -> Bool {
        guard let digestInfo = try? DigestInfo.sha256(message: message) else { return false }
        return verifyPKCS1v15(signature: signature, digestInfo: digestInfo.span)
    }
}

@available(*, unavailable, message: "use one RSAPublicKey per thread")
extension RSAPublicKey: Sendable {}
