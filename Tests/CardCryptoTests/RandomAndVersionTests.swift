import Testing

@testable import CardCrypto

@Suite("Randomness and library version")
struct RandomAndVersionTests {
    @Test("random bytes come in the requested count and two 32-byte draws differ")
    func randomBytes() throws {
        let first = try SecureRandom.bytes(count: 32)
        let second = try SecureRandom.bytes(count: 32)
        let none = try SecureRandom.bytes(count: 0)
        #expect(first.count == 32)
        #expect(first != second)
        #expect(none.isEmpty)
    }

    @Test("filling a span overwrites it in place")
    func fillSpan() throws {
        var buffer = [UInt8](repeating: 0, count: 64)
        do {
            var span = buffer.mutableSpan
            try SecureRandom.fill(&span)
        }
        #expect(buffer != [UInt8](repeating: 0, count: 64))
    }

    @Test("a negative count is refused with invalidLength")
    func negativeCount() {
        let error = #expect(throws: CardCryptoError.self) {
            _ = try SecureRandom.bytes(count: -1)
        }
        #expect(error?.code == .invalidLength)
    }

    @Test("the OpenSSL version names an OpenSSL 3 library")
    func version() {
        #expect(OpenSSL.version.hasPrefix("OpenSSL 3."))
        #expect(OpenSSL.versionNumber >> 28 == 3)
    }
}
