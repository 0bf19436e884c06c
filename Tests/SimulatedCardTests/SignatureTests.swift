import CardCrypto
import SimulatedCard
import Testing

/// COMPUTE DIGITAL SIGNATURE with the card's two keys, checked against the certificates the card
/// itself hands out.
@Suite("COMPUTE DIGITAL SIGNATURE")
struct SignatureTests {
    /// The DigestInfo a host sends to have `message` signed.
    static func digestInfo(_ message: String) throws -> [UInt8] {
        let bytes = Array(message.utf8)
        return array(try DigestInfo.sha256(message: bytes.span))
    }

    /// The certificate in EF `ef`, read from the card.
    static func certificate(_ card: inout MyNumberCard, ef: UInt16, count: Int) throws -> X509Certificate {
        #expect(card.send(Command.selectFile(ef)) == .ok)
        let der = card.readChunks(count: count)
        return try X509Certificate(derEncoded: der.span)
    }

    @Test("signing is refused with 6982 until the authentication PIN is verified")
    func refusedWithoutPIN() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0017)
        let info = try Self.digestInfo("challenge")
        #expect(card.send(Command.computeSignature(info)) == .status(0x6982))
        // A wrong PIN does not open it either.
        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.computeSignature(info)) == .status(0x6982))
    }

    @Test("after VERIFY of 0018 the auth key signs 256 bytes that verify with the auth certificate's key")
    func authenticationSignature() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        let info = try Self.digestInfo("server challenge 0001")
        #expect(info.count == 51)
        let reply = card.send(Command.computeSignature(info))
        #expect(reply.sw == 0x9000)
        #expect(reply.data.count == 256)

        let certificate = try Self.certificate(&card, ef: 0x000A, count: 1571)
        let key = try certificate.publicKey()
        let signature = reply.data
        let verifies = key.verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(verifies)
        // Not a verifier that accepts anything: another DigestInfo fails with the same signature.
        let other = try Self.digestInfo("server challenge 0002")
        let verifiesOther = key.verifyPKCS1v15(signature: signature.span, digestInfo: other.span)
        #expect(!verifiesOther)
        // PKCS#1 v1.5 is deterministic: the same input signs to the same bytes.
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.computeSignature(info)) == reply)
    }

    @Test("after VERIFY of 001B the signature key 001A signs what the signature certificate verifies")
    func signatureKey() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x001A)
        let info = try Self.digestInfo("document")
        #expect(card.send(Command.computeSignature(info)) == .status(0x6982))
        // The authentication PIN does not open the signature key.
        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x001A)) == .ok)
        #expect(card.send(Command.computeSignature(info)) == .status(0x6982))

        #expect(card.send(Command.selectFile(0x001B)) == .ok)
        #expect(card.send(Command.verify("ABC123")) == .ok)
        #expect(card.send(Command.selectFile(0x001A)) == .ok)
        let reply = card.send(Command.computeSignature(info))
        #expect(reply.sw == 0x9000)
        #expect(reply.data.count == 256)
        let signature = reply.data

        let signCertificate = try Self.certificate(&card, ef: 0x0001, count: 1742)
        let signKey = try signCertificate.publicKey()
        let verifies = signKey.verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(verifies)
        // And it is not the authentication key's signature.
        let authCertificate = try Self.certificate(&card, ef: 0x000A, count: 1571)
        let authKey = try authCertificate.publicKey()
        let verifiesWithAuth = authKey.verifyPKCS1v15(signature: signature.span, digestInfo: info.span)
        #expect(!verifiesWithAuth)
    }

    @Test("signing with no key EF selected answers 6986")
    func noKeySelected() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        let info = try Self.digestInfo("x")
        // The current EF is the PIN, not a key.
        #expect(card.send(Command.computeSignature(info)) == .status(0x6986))
        #expect(card.send(Command.selectFile(0x000A)) == .ok)
        #expect(card.send(Command.computeSignature(info)) == .status(0x6986))
        // Nothing selected at all.
        var bare = try freshCard()
        #expect(bare.send(Command.computeSignature(info)) == .status(0x6986))
    }

    @Test("signing with no data answers 6700 and with more than the key can pad 6A80")
    func badInput() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(try card.send(hex: "80 2A 00 80 00") == .status(0x6700))
        #expect(card.send(Command.computeSignature([UInt8](repeating: 0x41, count: 246))) == .status(0x6A80))
        // The largest input PKCS#1 v1.5 allows for a 2048-bit key is 245 bytes.
        #expect(card.send(Command.computeSignature([UInt8](repeating: 0x41, count: 245))).sw == 0x9000)
    }

    @Test("signing with P1/P2 other than 00 80 answers 6A86")
    func wrongParameters() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        let info = try Self.digestInfo("x")
        #expect(
            card.send(Command.build(cla: 0x80, ins: 0x2A, p1: 0x9E, p2: 0x9A, data: info, le: 256)) == .status(0x6A86))
    }
}
