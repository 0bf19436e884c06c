import CardCrypto
import Foundation
import SimulatedCard
import Testing

/// READ BINARY of the JPKI application's files, as the read path does it.
@Suite("JPKI READ BINARY")
struct JPKIReadTests {
    /// The EF image a reader sees: the certificate DER, then `FF` padding to whole 256-byte
    /// blocks (the model's allocation; `shared/reference/jpki.md` says the EF is padded [I]).
    static func image(of der: [UInt8]) -> [UInt8] {
        let capacity = (der.count + 255) / 256 * 256
        return der + [UInt8](repeating: 0xFF, count: capacity - der.count)
    }

    @Test("the token EF 0006 holds JPKIAPICCTOKEN2 padded with spaces to 32 bytes")
    func token() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0006)
        let reply = card.send(Command.readBinary(offset: 0, le: 32))
        let expected = Array("JPKIAPICCTOKEN2".utf8) + [UInt8](repeating: 0x20, count: 17)
        #expect(reply == Answer(data: expected, sw: 0x9000))
        // Le 00 ("as many as there are") gets the same 32 bytes and 9000.
        #expect(card.send(Command.readBinary(offset: 0, le: 256)) == Answer(data: expected, sw: 0x9000))
        // The EF ends at 32 bytes.
        #expect(card.send(Command.readBinary(offset: 33, le: 1)) == .status(0x6B00))
    }

    /// Every offset from 0 to the end of the EF, with short Le 256 (`00`) and other lengths:
    /// the bytes must be the DER then the padding, never a byte shifted or missing. Fewer bytes
    /// than an explicit Le (not 256) ends with 6282 ("end of file reached").
    @Test(
        "READ BINARY of the auth certificate at every offset returns the DER then padding",
        arguments: [256, 1, 4, 7, 100, 255])
    func everyOffset(le: Int) throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x000A)
        let image = Self.image(of: SyntheticIdentity.authCertificate)
        #expect(image.count == 1792)
        var mismatches = 0
        for offset in 0..<image.count {
            let reply = card.send(Command.readBinary(offset: offset, le: le))
            let count = min(le, image.count - offset)
            let expected = Answer(
                data: Array(image[offset..<(offset + count)]), sw: count == le || le == 256 ? 0x9000 : 0x6282)
            if reply != expected {
                mismatches += 1
                if mismatches <= 5 { Issue.record("offset \(offset) Le \(le): got \(reply), expected \(expected)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("READ BINARY at or past the end of an EF answers 6B00")
    func offsetBeyondFile() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x000A)
        for offset in [1792, 1793, 2048, 0x7FFF] {
            #expect(card.send(Command.readBinary(offset: offset, le: 256)) == .status(0x6B00), "offset \(offset)")
            #expect(card.send(Command.readBinary(offset: offset, le: 1)) == .status(0x6B00), "offset \(offset)")
        }
        // Reads that end exactly at the last byte still succeed.
        #expect(card.send(Command.readBinary(offset: 1791, le: 1)) == Answer(data: [0xFF], sw: 0x9000))
    }

    @Test("READ BINARY with P1 bit 8 set (short EF identifier) answers 6A86 and without a selected EF 6986")
    func readBinaryRefusals() throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(Command.jpkiAID)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 4)) == .status(0x6986))
        #expect(card.send(Command.build(ins: 0xB0, p1: 0x8A, p2: 0x00, le: 4)) == .status(0x6A86))
        // A PIN EF and a key EF are not transparent files.
        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 4)) == .status(0x6981))
        #expect(card.send(Command.selectFile(0x0017)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 4)) == .status(0x6981))
    }

    @Test("the auth certificate read by its 4-byte header then in 256-byte chunks is the 1571-byte DER and parses")
    func reassembledCertificate() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x000A)
        let header = card.send(Command.readBinary(offset: 0, le: 4))
        #expect(header == Answer(data: [0x30, 0x82, 0x06, 0x1F], sw: 0x9000))
        let total = 4 + (Int(header.data[2]) << 8 | Int(header.data[3]))
        #expect(total == 1571)
        let der = card.readChunks(count: total)
        #expect(der == SyntheticIdentity.authCertificate)
        // What follows the DER is padding: 1792 - 1571 = 221 bytes of FF, read with Le 00.
        let tail = card.send(Command.readBinary(offset: total, le: 256))
        #expect(tail == Answer(data: [UInt8](repeating: 0xFF, count: 221), sw: 0x9000))
        let certificate = try X509Certificate(derEncoded: der.span)
        #expect(certificate.derEncoded.count == 1571)
        let key = try certificate.publicKey()
        #expect(key.modulusBitCount == 2048)
    }

    @Test("the sign certificate 0001 answers 6982 until the signature PIN is verified, then reads")
    func signatureCertificateNeedsPIN() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x0001)
        #expect(card.send(Command.readBinary(offset: 0, le: 4)) == .status(0x6982))
        // The authentication PIN does not open it.
        #expect(card.send(Command.selectFile(0x0018)) == .ok)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0001)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 4)) == .status(0x6982))
        // The signature PIN does.
        #expect(card.send(Command.selectFile(0x001B)) == .ok)
        #expect(card.send(Command.verify("ABC123")) == .ok)
        #expect(card.send(Command.selectFile(0x0001)) == .ok)
        let der = card.readChunks(count: SyntheticIdentity.signCertificate.count)
        #expect(der == SyntheticIdentity.signCertificate)
        #expect(der.count == 1742)
        let certificate = try X509Certificate(derEncoded: der.span)
        #expect(certificate.derEncoded == der)
    }

    @Test("the CA certificates 000B and 0002 are readable without a PIN and issue the card's certificates")
    func caCertificates() throws {
        var card = try freshCard()
        card.open(Command.jpkiAID, 0x000B)
        let authCA = card.readChunks(count: SyntheticIdentity.authCA.count)
        #expect(authCA == SyntheticIdentity.authCA)
        #expect(card.send(Command.selectFile(0x0002)) == .ok)
        let signCA = card.readChunks(count: SyntheticIdentity.signCA.count)
        #expect(signCA == SyntheticIdentity.signCA)

        let authCACertificate = try X509Certificate(derEncoded: authCA.span)
        let signCACertificate = try X509Certificate(derEncoded: signCA.span)
        let authBytes = SyntheticIdentity.authCertificate
        let signBytes = SyntheticIdentity.signCertificate
        let auth = try X509Certificate(derEncoded: authBytes.span)
        let sign = try X509Certificate(derEncoded: signBytes.span)
        #expect(auth.isSigned(by: authCACertificate))
        #expect(sign.isSigned(by: signCACertificate))
        #expect(!auth.isSigned(by: signCACertificate))
    }

    @Test("the compiled-in identity equals the DER files it was generated from")
    func compiledInIdentityMatchesFiles() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SimulatedCard/Identity")
        let pairs: [(String, [UInt8])] = [
            ("auth-cert.der", SyntheticIdentity.authCertificate), ("auth-ca.der", SyntheticIdentity.authCA),
            ("auth-key.der", SyntheticIdentity.authKeyPKCS8), ("sign-cert.der", SyntheticIdentity.signCertificate),
            ("sign-ca.der", SyntheticIdentity.signCA), ("sign-key.der", SyntheticIdentity.signKeyPKCS8),
        ]
        for (name, compiled) in pairs {
            let file = try Data(contentsOf: directory.appendingPathComponent(name))
            #expect([UInt8](file) == compiled, "\(name)")
        }
        // Sizes near the real card's, as Identity/README.md promises.
        #expect(SyntheticIdentity.authCertificate.count == 1571)
        #expect(SyntheticIdentity.signCertificate.count == 1742)
    }

    // MARK: - Short and extended length

    @Test(
        "on a short-only card an extended READ BINARY answers 6700",
        arguments: [CardProfile.contactless, .contactShort])
    func extendedRefused(profile: CardProfile) throws {
        var card = try freshCard(profile)
        card.open(Command.jpkiAID, 0x000A)
        #expect(card.send(Command.readBinary(offset: 0, le: 1571, extended: true)) == .status(0x6700))
        #expect(card.send(Command.readBinary(offset: 0, le: 65536, extended: true)) == .status(0x6700))
        // Short reads still work on the same card.
        #expect(card.send(Command.readBinary(offset: 0, le: 4)).sw == 0x9000)
    }

    @Test(
        "on an extended-length card one extended READ BINARY returns the whole certificate",
        arguments: [CardProfile.contactlessExtended, .contact])
    func extendedWholeCertificate(profile: CardProfile) throws {
        var card = try freshCard(profile)
        card.open(Command.jpkiAID, 0x000A)
        // 00 B0 00 00 00 06 23: Le = 1571, the DER's length, as peers send it.
        let exact = card.send(Command.readBinary(offset: 0, le: 1571, extended: true))
        #expect(exact == Answer(data: SyntheticIdentity.authCertificate, sw: 0x9000))
        // Le 00 00 (65536, "all"): the whole EF, DER then padding, and 9000.
        let all = card.send(Command.readBinary(offset: 0, le: 65536, extended: true))
        #expect(all == Answer(data: Self.image(of: SyntheticIdentity.authCertificate), sw: 0x9000))
        // An extended read of the rest after a 4-byte header.
        let rest = card.send(Command.readBinary(offset: 4, le: 1567, extended: true))
        #expect(rest == Answer(data: Array(SyntheticIdentity.authCertificate[4...]), sw: 0x9000))
    }
}
