import HexCoding
import Testing

@Suite("Hex text")
struct HexTests {
    @Test("decodes compact, spaced, colon-separated and lower-case hex to the same bytes")
    func decodesAllAcceptedShapes() throws {
        let expected: [UInt8] = [0x00, 0xA4, 0x04, 0x0C]
        for text in ["00A4040C", "00 A4 04 0C", "00:a4:04:0c", " 00\tA4\n04 0C \r\n", "00a4 040c"] {
            #expect(try Hex.decode(text) == expected, "\(text)")
        }
    }

    @Test("empty and whitespace-only text decode to no bytes")
    func emptyTextIsNoBytes() throws {
        #expect(try Hex.decode("") == [])
        #expect(try Hex.decode("   ") == [])
    }

    @Test("an odd digit count names the orphan digit's offset")
    func oddDigitCountIsRejected() {
        #expect(throws: HexError.oddDigitCount(offset: 4)) { try Hex.decode("00A40") }
    }

    @Test("a separator inside a byte is rejected")
    func splitByteIsRejected() {
        #expect(throws: HexError.splitByte(offset: 0)) { try Hex.decode("0 0") }
    }

    @Test("a non-hex character names itself and its offset")
    func invalidCharacterIsNamed() {
        #expect(throws: HexError.invalidCharacter(offset: 2, character: UInt8(ascii: "G"))) { try Hex.decode("00G0") }
        let message = HexError.invalidCharacter(offset: 2, character: UInt8(ascii: "G")).description
        #expect(message.contains("'G'") && message.contains("offset 2"))
    }

    @Test("formats compact and spaced upper-case hex and round-trips every byte value")
    func formatsAndRoundTrips() throws {
        let all = (0...255).map { UInt8($0) }
        let compact = Hex.encode(all)
        #expect(compact.count == 512)
        #expect(compact.hasPrefix("000102") && compact.hasSuffix("FDFEFF"))
        #expect(try Hex.decode(compact) == all)
        let spaced = Hex.encode(all, style: .spaced)
        #expect(spaced.hasPrefix("00 01 02"))
        #expect(try Hex.decode(spaced) == all)
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0xAB], style: .spaced) == "AB")
    }
}
