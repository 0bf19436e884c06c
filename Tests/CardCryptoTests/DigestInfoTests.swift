import HexCoding
import Testing

@testable import CardCrypto

@Suite("DigestInfo")
struct DigestInfoTests {
    @Test("a SHA-256 DigestInfo is the 19-byte prefix from the JPKI notes followed by the digest")
    func layout() throws {
        let digest: [UInt8] = (0..<32).map { UInt8($0) }
        let info = array(try DigestInfo.sha256(digest: digest.span))
        let prefix = try Hex.decode("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")
        #expect(info.count == 51)
        #expect(DigestInfo.sha256ByteCount == 51)
        #expect(Array(info[..<19]) == prefix)
        #expect(Array(info[19...]) == digest)
        #expect(array(DigestInfo.sha256Prefix) == prefix)
    }

    @Test("the DigestInfo of the vector message equals the one built with the openssl CLI")
    func matchesCLI() throws {
        let message = try Fixture.bytes("vector-message.bin")
        let expected = try Fixture.bytes("vector-digestinfo.bin")
        let info = array(try DigestInfo.sha256(message: message.span))
        #expect(info == expected)
    }

    @Test("a digest that is not 32 bytes is refused with invalidLength", arguments: [0, 20, 31, 33, 64])
    func wrongDigestLength(length: Int) {
        let digest = [UInt8](repeating: 0xAB, count: length)
        let error = #expect(throws: CardCryptoError.self) {
            _ = try DigestInfo.sha256(digest: digest.span)
        }
        #expect(error?.code == .invalidLength)
        #expect(error?.call == "")
    }
}
