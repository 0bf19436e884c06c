import COpenSSL

// MARK: - RSAPrivateKey

/// An RSA private key that signs the way a JPKI card does: PKCS#1 v1.5 type-1 padding of caller-built
/// bytes (a ``DigestInfo``) and the raw private-key operation, with no hashing inside.
///
/// The simulated card holds one of these per key EF (0017 authentication, 001A signature). The object owns
/// its `EVP_PKEY` and frees it exactly once, in `deinit`.
///
/// Thread safety: an object may be used from one thread at a time; separate objects (for example one per
/// worker, each made from the same DER bytes or with ``duplicate()``) may sign concurrently. The type is
/// deliberately not `Sendable`: OpenSSL 3 would allow concurrent signing with one `EVP_PKEY`, but this
/// module does not promise it, so a key created in a task stays in that task's region.
public final class RSAPrivateKey {
    /// The owned `EVP_PKEY*`, never null.
    let pkey: OpaquePointer

    // MARK: - Loading

    /// Loads an unencrypted private key from DER: PKCS#8 `PrivateKeyInfo` or PKCS#1 `RSAPrivateKey`.
    ///
    /// Trailing bytes after the key are rejected, as a truncated or padded fixture is a bug to surface.
    public init(derEncoded: Span<UInt8>) throws(CardCryptoError) {
        guard !derEncoded.isEmpty else { throw .rejected(.malformedInput, "empty private key DER") }
        let parsed: OpaquePointer? = derEncoded.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let key = d2i_AutoPrivateKey(nil, &cursor, buffer.count) else { return nil }
            guard cursor == buffer.baseAddress! + buffer.count else {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
        guard let parsed else {
            throw .openSSL(.malformedInput, call: "d2i_AutoPrivateKey", "not a DER PKCS#8 or PKCS#1 private key")
        }
        self.pkey = try Self.requireRSA(parsed)
    }

    /// Loads an unencrypted private key from PEM text (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`).
    ///
    /// An encrypted key is refused with ``CardCryptoError/Code/unsupportedKey`` instead of OpenSSL's
    /// default of prompting on the terminal for a passphrase.
    public init(pemEncoded: Span<UInt8>) throws(CardCryptoError) {
        guard !pemEncoded.isEmpty, pemEncoded.count <= Int(Int32.max) else {
            throw .rejected(.malformedInput, "empty or oversized private key PEM")
        }
        let parsed: OpaquePointer? = pemEncoded.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no passphrase: encrypted keys fail instead of prompting.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let parsed else {
            if Self.contains(pemEncoded, "ENCRYPTED") {
                throw .openSSL(.unsupportedKey, call: "PEM_read_bio_PrivateKey", "the PEM private key is encrypted")
            }
            throw .openSSL(.malformedInput, call: "PEM_read_bio_PrivateKey", "not an unencrypted PEM private key")
        }
        self.pkey = try Self.requireRSA(parsed)
    }

    /// Takes ownership of `pkey`, which must be an RSA key.
    private init(owning pkey: OpaquePointer) {
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// Whether `text` contains the ASCII `word`; tells an encrypted PEM (`BEGIN ENCRYPTED PRIVATE KEY`,
    /// `Proc-Type: 4,ENCRYPTED`) from a broken one after OpenSSL has refused it.
    private static func contains(_ text: Span<UInt8>, _ word: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard text.count >= needle.count else { return false }
        for start in 0...(text.count - needle.count) {
            var matched = true
            for offset in needle.indices where text[start + offset] != needle[offset] {
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    /// Returns `key` if it is RSA, else frees it and throws.
    private static func requireRSA(_ key: OpaquePointer) throws(CardCryptoError) -> OpaquePointer {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw .rejected(.unsupportedKey, "the key is not an RSA key")
        }
        return key
    }

    /// An independent copy, for giving each thread its own key object.
    public func duplicate() throws(CardCryptoError) -> RSAPrivateKey {
        guard let copy = EVP_PKEY_dup(pkey) else {
            throw .openSSL(.operationFailed, call: "EVP_PKEY_dup", "could not copy the key")
        }
        return RSAPrivateKey(owning: copy)
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

    /// The longest input ``signPKCS1v15(digestInfo:)`` accepts: PKCS#1 v1.5 padding needs 11 bytes.
    public var maximumDigestInfoByteCount: Int {
        signatureByteCount - 11
    }

    /// The matching public key, as a separate object.
    public func publicKey() throws(CardCryptoError) -> RSAPublicKey {
        let spki = try RSAPublicKey.encodeSubjectPublicKeyInfo(pkey)
        return try RSAPublicKey(subjectPublicKeyInfo: spki.span)
    }

    // MARK: - Signing

    /// Signs `digestInfo` as the card's COMPUTE DIGITAL SIGNATURE does and returns the signature
    /// (``signatureByteCount`` bytes).
    ///
    /// The input is padded as-is (PKCS#1 v1.5 block type 1) and is not hashed; pass a ``DigestInfo``.
    /// PKCS#1 v1.5 signing is deterministic, so the same key and input always give the same bytes.
    public func signPKCS1v15(digestInfo: Span<UInt8>) throws(CardCryptoError) -> [UInt8] {
        try [UInt8](capacity: signatureByteCount) { (output: inout OutputSpan<UInt8>) throws(CardCryptoError) in
            try signPKCS1v15(digestInfo: digestInfo, into: &output)
        }
    }

    /// Signs `digestInfo` like ``signPKCS1v15(digestInfo:)`` and appends the signature to `output`, which
    /// must have room for ``signatureByteCount`` more bytes; lets a simulator build `signature ‖ 90 00` in
    /// one response buffer.
    public func signPKCS1v15(
        digestInfo: Span<UInt8>, into output: inout OutputSpan<UInt8>
    ) throws(CardCryptoError) {
        let signatureLength = signatureByteCount
        guard digestInfo.count <= maximumDigestInfoByteCount else {
            throw .rejected(
                .invalidLength,
                "\(digestInfo.count) bytes do not fit a \(modulusBitCount)-bit PKCS#1 v1.5 block "
                    + "(at most \(maximumDigestInfoByteCount))")
        }
        guard output.freeCapacity >= signatureLength else {
            throw .rejected(
                .invalidLength, "the output has room for \(output.freeCapacity) bytes, need \(signatureLength)")
        }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            throw .openSSL(.operationFailed, call: "EVP_PKEY_CTX_new_from_pkey", "no signing context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1 else {
            throw .openSSL(.operationFailed, call: "EVP_PKEY_sign_init", "could not start signing")
        }
        guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) > 0 else {
            throw .openSSL(.operationFailed, call: "EVP_PKEY_CTX_set_rsa_padding", "PKCS#1 v1.5 padding refused")
        }
        // No signature digest is set, so the provider pads the input itself and applies the private key.
        let ok = digestInfo.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer, initializedCount in
                var length = buffer.count - initializedCount
                let destination = buffer.baseAddress! + initializedCount
                guard EVP_PKEY_sign(context, destination, &length, input.baseAddress, input.count) == 1,
                    length == signatureLength
                else { return false }
                initializedCount += length
                return true
            }
        }
        guard ok else { throw .openSSL(.operationFailed, call: "EVP_PKEY_sign", "the RSA private operation failed") }
    }
}

@available(*, unavailable, message: "use one RSAPrivateKey per thread (see duplicate())")
extension RSAPrivateKey: Sendable {}
