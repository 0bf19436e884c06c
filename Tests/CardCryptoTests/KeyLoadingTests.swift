import Foundation
import Testing

@testable import CardCrypto

@Suite("Private key loading")
struct KeyLoadingTests {
    /// The PEM form of `der`, as `openssl` writes it.
    private func pem(_ der: [UInt8], label: String) -> [UInt8] {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return Array("-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n".utf8)
    }

    private func signature(_ key: RSAPrivateKey) throws -> [UInt8] {
        let info = try Fixture.bytes("vector-digestinfo.bin")
        return try key.signPKCS1v15(digestInfo: info.span)
    }

    @Test("the fixture key is PKCS#8: PrivateKeyInfo version 0 with the rsaEncryption algorithm")
    func fixtureIsPKCS8() throws {
        let der = try Fixture.authKeyDER()
        let header: [UInt8] = [
            0x02, 0x01, 0x00, 0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01,
        ]
        #expect(Array(der[4..<20]) == header)
    }

    @Test("PKCS#8 and PKCS#1 keys, in DER and in PEM, load as the same key and sign alike")
    func encodings() throws {
        let pkcs8 = try Fixture.authKeyDER()
        let pkcs1 = try Fixture.bytes("auth-key-pkcs1.der")
        let pkcs8PEM = pem(pkcs8, label: "PRIVATE KEY")
        let pkcs1PEM = pem(pkcs1, label: "RSA PRIVATE KEY")
        let expected = try Fixture.bytes("vector-signature.bin")
        let fromPKCS8 = try signature(try RSAPrivateKey(derEncoded: pkcs8.span))
        let fromPKCS1 = try signature(try RSAPrivateKey(derEncoded: pkcs1.span))
        let fromPKCS8PEM = try signature(try RSAPrivateKey(pemEncoded: pkcs8PEM.span))
        let fromPKCS1PEM = try signature(try RSAPrivateKey(pemEncoded: pkcs1PEM.span))
        #expect(fromPKCS8 == expected)
        #expect(fromPKCS1 == expected)
        #expect(fromPKCS8PEM == expected)
        #expect(fromPKCS1PEM == expected)
    }

    @Test("an encrypted PEM key is refused with unsupportedKey rather than prompting for a passphrase")
    func encryptedPEM() throws {
        let pem = try Fixture.bytes("auth-key-encrypted.pem")
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(pemEncoded: pem.span)
        }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.call == "PEM_read_bio_PrivateKey")
    }

    @Test("a PEM key with the wrong label or a DER key given as PEM is refused with malformedInput")
    func pemMismatch() throws {
        let der = try Fixture.authKeyDER()
        let mislabelled = pem(der, label: "CERTIFICATE")
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(pemEncoded: mislabelled.span)
        }
        let derAsPEM = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(pemEncoded: der.span)
        }
        #expect(error?.code == .malformedInput)
        #expect(derAsPEM?.code == .malformedInput)
    }

    @Test("every truncation of the PKCS#8 key is refused with malformedInput")
    func truncations() throws {
        let der = try Fixture.authKeyDER()
        let outcomes = (0..<der.count).map { length in
            let prefix = Array(der[..<length])
            return outcome { () throws(CardCryptoError) in _ = try RSAPrivateKey(derEncoded: prefix.span) }
        }
        #expect(outcomes.allSatisfy { $0 == .malformedInput })
    }

    @Test("trailing bytes after the key are refused with malformedInput")
    func trailingBytes() throws {
        let der = try Fixture.authKeyDER() + [0x00, 0x00]
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(derEncoded: der.span)
        }
        #expect(error?.code == .malformedInput)
    }

    @Test("a certificate is not a private key")
    func certificateIsNotKey() throws {
        let der = try Fixture.authCertificateDER()
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(derEncoded: der.span)
        }
        #expect(error?.code == .malformedInput)
        #expect(error?.call == "d2i_AutoPrivateKey")
    }

    @Test("an EC key is refused with unsupportedKey")
    func ecKey() throws {
        let der = try Fixture.bytes("ec-p256-key.der")
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(derEncoded: der.span)
        }
        #expect(error?.code == .unsupportedKey)
    }

    @Test("PEM text that holds no key is refused with malformedInput, and empty input too")
    func badPEM() {
        let garbage = Array("-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n".utf8)
        let empty: [UInt8] = []
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(pemEncoded: garbage.span)
        }
        let emptyError = #expect(throws: CardCryptoError.self) {
            _ = try RSAPrivateKey(pemEncoded: empty.span)
        }
        #expect(error?.code == .malformedInput)
        #expect(emptyError?.code == .malformedInput)
    }

    @Test("a SubjectPublicKeyInfo round-trips and garbage is refused with malformedInput")
    func subjectPublicKeyInfo() throws {
        let key = try Fixture.authKey()
        let spki = try key.publicKey().subjectPublicKeyInfo
        let reloaded = try RSAPublicKey(subjectPublicKeyInfo: spki.span)
        #expect(reloaded.subjectPublicKeyInfo == spki)
        let truncated = Array(spki.dropLast())
        let error = #expect(throws: CardCryptoError.self) {
            _ = try RSAPublicKey(subjectPublicKeyInfo: truncated.span)
        }
        #expect(error?.code == .malformedInput)
    }
}
