import Foundation
import Testing

@testable import CardCrypto

@Suite("RSA PKCS#1 v1.5 signing and verification")
struct RSASigningTests {
    let key: RSAPrivateKey
    let certificate: X509Certificate

    init() throws {
        key = try Fixture.authKey()
        certificate = try Fixture.authCertificate()
    }

    private func digestInfo(_ text: String) throws -> [UInt8] {
        let message = Array(text.utf8)
        return array(try DigestInfo.sha256(message: message.span))
    }

    // MARK: - Agreement with the card and the CLI

    @Test("a signature over a DigestInfo is 256 bytes and verifies with the certificate's public key")
    func signThenVerify() throws {
        let info = try digestInfo("server challenge 1")
        let signature = try key.signPKCS1v15(digestInfo: info.span)
        let publicKey = try certificate.publicKey()
        #expect(key.modulusBitCount == 2048)
        #expect(signature.count == 256)
        let verified = publicKey.verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(verified)
    }

    @Test("the signature equals what openssl pkeyutl -sign with PKCS#1 padding made for the same DigestInfo")
    func matchesCLI() throws {
        let info = try Fixture.bytes("vector-digestinfo.bin")
        let expected = try Fixture.bytes("vector-signature.bin")
        let signature = try key.signPKCS1v15(digestInfo: info.span)
        let again = try key.signPKCS1v15(digestInfo: info.span)
        #expect(signature == expected)
        #expect(again == signature)
    }

    @Test("the CLI's signature verifies over the vector message with the SHA-256 convenience")
    func cliSignatureVerifies() throws {
        let message = try Fixture.bytes("vector-message.bin")
        let signature = try Fixture.bytes("vector-signature.bin")
        let publicKey = try certificate.publicKey()
        let verified = publicKey.verifyPKCS1v15SHA256(signature: signature.span, message: message.span)
        var other = message
        other[0] ^= 0x01
        let otherVerified = publicKey.verifyPKCS1v15SHA256(signature: signature.span, message: other.span)
        #expect(verified)
        #expect(!otherVerified)
    }

    @Test("signing appends after bytes already in the output, so a response can end in 90 00")
    func appendsToOutput() throws {
        let info = try digestInfo("server challenge 2")
        let response = try [UInt8](capacity: 259) { (output: inout OutputSpan<UInt8>) throws(CardCryptoError) in
            output.append(0x01)
            try key.signPKCS1v15(digestInfo: info.span, into: &output)
            output.append(0x90)
            output.append(0x00)
        }
        let plain = try key.signPKCS1v15(digestInfo: info.span)
        #expect(response.count == 259)
        #expect(response.first == 0x01)
        #expect(Array(response[1..<257]) == plain)
        #expect(Array(response[257...]) == [0x90, 0x00])
    }

    // MARK: - What must not verify

    @Test("a signature does not verify against a different digest")
    func wrongDigest() throws {
        let signed = try digestInfo("server challenge 3")
        let other = try digestInfo("server challenge 4")
        let signature = try key.signPKCS1v15(digestInfo: signed.span)
        let verified = try certificate.publicKey().verifyPKCS1v15(signature: signature.span, digestInfo: other.span)
        #expect(!verified)
    }

    @Test("flipping one bit anywhere in the signature makes it fail", arguments: [0, 1, 127, 128, 254, 255])
    func flippedSignature(position: Int) throws {
        let info = try digestInfo("server challenge 5")
        var signature = try key.signPKCS1v15(digestInfo: info.span)
        signature[position] ^= 0x01
        let verified = try certificate.publicKey().verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(!verified)
    }

    @Test("a signature of the wrong length or from another key does not verify")
    func wrongLengthOrKey() throws {
        let info = try digestInfo("server challenge 6")
        let signature = try key.signPKCS1v15(digestInfo: info.span)
        let publicKey = try certificate.publicKey()
        let short = Array(signature.dropLast())
        let long = signature + [0]
        let shortVerified = publicKey.verifyPKCS1v15(signature: short.span, digestInfo: info.span)
        let longVerified = publicKey.verifyPKCS1v15(signature: long.span, digestInfo: info.span)
        let caKey = try Fixture.authCA().publicKey()
        let caVerified = caKey.verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(!shortVerified)
        #expect(!longVerified)
        #expect(!caVerified)
    }

    // MARK: - Limits and errors

    @Test("input longer than the modulus minus 11 bytes is refused with invalidLength")
    func tooLong() throws {
        let tooLong = [UInt8](repeating: 0x5A, count: 246)
        let longest = [UInt8](repeating: 0x5A, count: 245)
        let error = #expect(throws: CardCryptoError.self) {
            _ = try key.signPKCS1v15(digestInfo: tooLong.span)
        }
        #expect(error?.code == .invalidLength)
        let signature = try key.signPKCS1v15(digestInfo: longest.span)
        #expect(signature.count == 256)
    }

    @Test("an output span without room for the signature is refused with invalidLength")
    func outputTooSmall() throws {
        let info = try digestInfo("server challenge 7")
        let error = #expect(throws: CardCryptoError.self) {
            _ = try [UInt8](capacity: 255) { (output: inout OutputSpan<UInt8>) throws(CardCryptoError) in
                try key.signPKCS1v15(digestInfo: info.span, into: &output)
            }
        }
        #expect(error?.code == .invalidLength)
    }

    @Test("the key's public half has the certificate's SubjectPublicKeyInfo")
    func keyMatchesCertificate() throws {
        let fromKey = try key.publicKey()
        let fromCertificate = try certificate.publicKey()
        #expect(fromKey.subjectPublicKeyInfo == fromCertificate.subjectPublicKeyInfo)
        #expect(try fromKey.modulus().count == 256)
        #expect(fromKey.signatureByteCount == 256)
    }

    // MARK: - Threads

    @Test("keys on several threads, one object each, all give the single-thread signature")
    func concurrentSigning() async throws {
        let der = try Fixture.authKeyDER()
        let info = try digestInfo("server challenge 9")
        let expected = try key.signPKCS1v15(digestInfo: info.span)
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let own = try RSAPrivateKey(derEncoded: der.span)
                    var last: [UInt8] = []
                    for _ in 0..<10 { last = try own.signPKCS1v15(digestInfo: info.span) }
                    return last
                }
            }
            var all: [[UInt8]] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test("a duplicated key signs identically and outlives the original")
    func duplicate() throws {
        let info = try digestInfo("server challenge 10")
        var original: RSAPrivateKey? = try Fixture.authKey()
        let copy = try #require(try original?.duplicate())
        let expected = try #require(try original?.signPKCS1v15(digestInfo: info.span))
        original = nil
        let signature = try copy.signPKCS1v15(digestInfo: info.span)
        #expect(signature == expected)
    }
}
