import HexCoding
import Testing

@testable import CardCrypto

// Known answers from FIPS 180-2 appendix B.1 and the well-known digest of empty input.
@Suite("SHA-256")
struct SHA256Tests {
    @Test("the digest of \"abc\" is the FIPS 180-2 known answer")
    func abc() throws {
        let message: [UInt8] = Array("abc".utf8)
        let digest = array(try SHA256.hash(message.span))
        #expect(digest == (try Hex.decode("BA7816BF 8F01CFEA 414140DE 5DAE2223 B00361A3 96177A9C B410FF61 F20015AD")))
    }

    @Test("the digest of empty input is the known answer")
    func empty() throws {
        let message: [UInt8] = []
        let digest = try SHA256.digest(message.span)
        #expect(digest == (try Hex.decode("E3B0C442 98FC1C14 9AFBF4C8 996FB924 27AE41E4 649B934C A495991B 7852B855")))
    }

    @Test("hashing into a caller's buffer writes the same 32 bytes and leaves the rest alone")
    func intoBuffer() throws {
        let message: [UInt8] = Array("abc".utf8)
        var buffer = [UInt8](repeating: 0xEE, count: 40)
        do {
            var output = buffer.mutableSpan
            try SHA256.hash(message.span.bytes, into: &output)
        }
        let expected = array(try SHA256.hash(message.span))
        #expect(Array(buffer[..<32]) == expected)
        #expect(buffer[32...].allSatisfy { $0 == 0xEE })
    }

    @Test("a buffer shorter than 32 bytes is refused with invalidLength")
    func shortBuffer() {
        let message: [UInt8] = Array("abc".utf8)
        var buffer = [UInt8](repeating: 0, count: 31)
        let error = #expect(throws: CardCryptoError.self) {
            var output = buffer.mutableSpan
            try SHA256.hash(message.span.bytes, into: &output)
        }
        #expect(error?.code == .invalidLength)
    }
}
