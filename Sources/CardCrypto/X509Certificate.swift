import COpenSSL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - X509Certificate

/// A parsed X.509 certificate as read from the card (EF 000A, 000B, 0001, 0002).
///
/// Names, dates and the serial number are read out once at parse time into Swift values, so inspecting a
/// certificate after that never calls OpenSSL. The object owns its `X509` and frees it exactly once, in
/// `deinit`. Thread safety: one thread at a time per object.
public final class X509Certificate {
    /// The owned `X509*`, never null.
    let x509: OpaquePointer

    /// The certificate exactly as parsed.
    public let derEncoded: [UInt8]
    /// The subject in RFC 2253 order on one line, `CN=…, O=…, C=JP`, UTF-8 unescaped.
    public let subject: String
    /// The issuer, formatted like ``subject``.
    public let issuer: String
    /// The serial number as unsigned big-endian bytes.
    public let serialNumber: [UInt8]
    /// The start of the validity period.
    public let notBefore: Date
    /// The end of the validity period.
    public let notAfter: Date

    // MARK: - Parsing

    /// Parses a DER certificate; truncated input, trailing bytes and anything but a certificate throw
    /// ``CardCryptoError/Code/malformedInput``.
    public init(derEncoded: Span<UInt8>) throws(CardCryptoError) {
        guard !derEncoded.isEmpty else { throw .rejected(.malformedInput, "empty certificate DER") }
        let parsed: OpaquePointer? = derEncoded.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            guard cursor == buffer.baseAddress! + buffer.count else {
                X509_free(certificate)
                return nil
            }
            return certificate
        }
        guard let parsed else { throw .openSSL(.malformedInput, call: "d2i_X509", "not a DER X.509 certificate") }
        do {
            self.subject = try Self.oneLine(X509_get_subject_name(parsed))
            self.issuer = try Self.oneLine(X509_get_issuer_name(parsed))
            self.serialNumber = try Self.unsignedBytes(X509_get0_serialNumber(parsed))
            self.notBefore = try Self.date(X509_get0_notBefore(parsed))
            self.notAfter = try Self.date(X509_get0_notAfter(parsed))
        } catch {
            X509_free(parsed)
            throw error
        }
        self.derEncoded = [UInt8](unsafeUninitializedCapacity: derEncoded.count) { buffer, initialized in
            for index in derEncoded.indices { buffer[index] = derEncoded[index] }
            initialized = derEncoded.count
        }
        self.x509 = parsed
    }

    deinit {
        X509_free(x509)
    }

    // MARK: - Public key and chain

    /// The certificate's RSA public key; throws ``CardCryptoError/Code/unsupportedKey`` for other key types.
    public func publicKey() throws(CardCryptoError) -> RSAPublicKey {
        guard let key = X509_get_pubkey(x509) else {
            throw .openSSL(.malformedInput, call: "X509_get_pubkey", "the certificate's public key does not decode")
        }
        return try RSAPublicKey(owning: key)
    }

    /// Whether this certificate's signature verifies with `issuerKey` (`X509_verify`).
    ///
    /// This checks the signature only, not validity dates, extensions or a path: enough to tell that the
    /// card's certificate belongs to the CA certificate it also carries.
    public func isSigned(by issuerKey: RSAPublicKey) -> Bool {
        let verified = X509_verify(x509, issuerKey.pkey) == 1
        if !verified { OpenSSL.clearErrorQueue() }
        return verified
    }

    /// Whether `issuer`'s subject names this certificate's issuer and its key verifies the signature.
    public func isSigned(by issuer: X509Certificate) -> Bool {
        guard self.issuer == issuer.subject, let key = try? issuer.publicKey() else { return false }
        return isSigned(by: key)
    }

    // MARK: - Field conversion

    /// RFC 2253 order and escaping with ", " between RDNs, but UTF-8 left readable (no `ESC_MSB`).
    private static let nameFlags = UInt(
        ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_DUMP_UNKNOWN
            | ASN1_STRFLGS_DUMP_DER | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | XN_FLAG_FN_SN
            | XN_FLAG_DUMP_UNKNOWN_FIELDS)

    private static func oneLine(_ name: OpaquePointer?) throws(CardCryptoError) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else {
            throw .openSSL(.operationFailed, call: "BIO_new", "no memory BIO for a name")
        }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, nameFlags) >= 0 else {
            throw .openSSL(.malformedInput, call: "X509_NAME_print_ex", "the name does not print")
        }
        let pending = Int(BIO_ctrl_pending(bio))
        let bytes = [UInt8](unsafeUninitializedCapacity: pending) { buffer, initialized in
            initialized = pending == 0 ? 0 : max(0, Int(BIO_read(bio, buffer.baseAddress, Int32(pending))))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func unsignedBytes(_ integer: UnsafePointer<ASN1_INTEGER>?) throws(CardCryptoError) -> [UInt8] {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else {
            throw .openSSL(.malformedInput, call: "ASN1_INTEGER_to_BN", "the serial number does not decode")
        }
        defer { BN_free(number) }
        let count = Int((BN_num_bits(number) + 7) / 8)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(BN_bn2bin(number, buffer.baseAddress))
        }
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) throws(CardCryptoError) -> Date {
        var fields = tm()
        guard let time, ASN1_TIME_to_tm(time, &fields) == 1 else {
            throw .openSSL(.malformedInput, call: "ASN1_TIME_to_tm", "a validity time does not decode")
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }
}

@available(*, unavailable, message: "use one X509Certificate per thread")
extension X509Certificate: Sendable {}
