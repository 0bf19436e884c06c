import Foundation
import Testing

@testable import CardCrypto

@Suite("X.509 certificates")
struct X509CertificateTests {
    @Test("the auth certificate is 1.5–1.6 KB and its CA about 1.3 KB, like the real card's")
    func sizes() throws {
        let certificate = try Fixture.authCertificateDER()
        let ca = try Fixture.authCADER()
        #expect((1500...1600).contains(certificate.count))
        #expect((1250...1400).contains(ca.count))
    }

    @Test("the auth certificate exposes an RSA-2048 key, one-line names and 2025–2035 validity")
    func fields() throws {
        let certificate = try Fixture.authCertificate()
        let publicKey = try certificate.publicKey()
        #expect(publicKey.modulusBitCount == 2048)
        #expect(publicKey.subjectPublicKeyInfo.count == 294)
        #expect(certificate.issuer.hasPrefix("CN=ReaderBench Synthetic JPKI-like Auth CA (NOT JPKI), "))
        #expect(certificate.issuer.hasSuffix(", C=JP"))
        #expect(!certificate.subject.contains("\n"))
        #expect(certificate.subject.hasSuffix("C=JP"))
        #expect(certificate.notBefore == Date(timeIntervalSince1970: 1_735_689_600))  // 2025-01-01T00:00:00Z
        #expect(certificate.notAfter == Date(timeIntervalSince1970: 2_051_222_400))  // 2035-01-01T00:00:00Z
        #expect(certificate.serialNumber == [0x52, 0x42, 0, 0, 0, 0, 0, 0xA2])
        #expect(certificate.derEncoded == (try Fixture.authCertificateDER()))
    }

    @Test("the auth certificate chains to the auth CA, and the CA does not chain to it")
    func chain() throws {
        let certificate = try Fixture.authCertificate()
        let ca = try Fixture.authCA()
        #expect(certificate.issuer == ca.subject)
        #expect(certificate.isSigned(by: ca))
        #expect(certificate.isSigned(by: try ca.publicKey()))
        #expect(ca.isSigned(by: ca))
        #expect(!ca.isSigned(by: certificate))
        #expect(!certificate.isSigned(by: try certificate.publicKey()))
    }

    @Test("a certificate with a flipped signature bit no longer chains")
    func tamperedSignature() throws {
        var der = try Fixture.authCertificateDER()
        der[der.count - 1] ^= 0x01
        let certificate = try X509Certificate(derEncoded: der.span)
        let caKey = try Fixture.authCA().publicKey()
        #expect(!certificate.isSigned(by: caKey))
    }

    // MARK: - Malformed input

    @Test("every truncation of the certificate is refused with malformedInput")
    func truncations() throws {
        let der = try Fixture.authCertificateDER()
        let outcomes = (0..<der.count).map { length in
            let prefix = Array(der[..<length])
            return outcome { () throws(CardCryptoError) in _ = try X509Certificate(derEncoded: prefix.span) }
        }
        #expect(outcomes.allSatisfy { $0 == .malformedInput })
    }

    @Test("trailing bytes after the certificate are refused with malformedInput")
    func trailingBytes() throws {
        let der = try Fixture.authCertificateDER() + [0x00]
        let error = #expect(throws: CardCryptoError.self) {
            _ = try X509Certificate(derEncoded: der.span)
        }
        #expect(error?.code == .malformedInput)
    }

    @Test("a private key is not a certificate, and the error names d2i_X509 with OpenSSL's reason")
    func keyIsNotCertificate() throws {
        let key = try Fixture.authKeyDER()
        let error = #expect(throws: CardCryptoError.self) {
            _ = try X509Certificate(derEncoded: key.span)
        }
        #expect(error?.code == .malformedInput)
        #expect(error?.call == "d2i_X509")
        #expect(error?.openSSLErrors.isEmpty == false)
        // The queue was drained: a second failure reports only its own entries.
        let again = #expect(throws: CardCryptoError.self) {
            _ = try X509Certificate(derEncoded: key.span)
        }
        #expect(again?.openSSLErrors.count == error?.openSSLErrors.count)
    }
}
