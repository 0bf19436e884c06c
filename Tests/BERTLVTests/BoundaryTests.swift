import BERTLV
import HexCoding
import Testing

// MARK: - Lengths

@Suite("Length forms")
struct LengthTests {
    @Test(
        "minimal lengths in every form are read in DER: short, 81, 82, 83",
        arguments: [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000])
    func minimalLengths(length: Int) throws {
        let bytes = tlv(0x04, [UInt8](repeating: 0xA5, count: length))
        var reader = TLVReader(bytes.span)
        guard let node = try reader.next() else { throw MissingNode("04") }
        let info = node.info
        #expect(info.valueLength == length)
        #expect(info.headerLength == 1 + derLength(length).count)
        #expect(info.range == 0..<bytes.count)
        #expect(validationError(bytes) == nil)
    }

    @Test("the 84 form is read from a header alone: 4 length bytes, up to 0xFFFFFFFF")
    func fourByteLength() throws {
        let headerBytes = hex("04 84 01 00 00 00")
        let header = try TLV.header(ofPrefix: headerBytes.span)
        #expect(header.headerLength == 6)
        #expect(header.valueLength == 0x0100_0000)
        let largestBytes = hex("04 84 FF FF FF FF")
        let largest = try TLV.header(ofPrefix: largestBytes.span)
        #expect(largest.valueLength == 0xFFFF_FFFF)
        #expect(largest.totalLength == 0xFFFF_FFFF + 6)
    }

    @Test("an 84 length larger than the input is a value past the end, not a crash")
    func fourByteLengthBeyondInput() throws {
        let error = validationError(hex("04 84 FF FF FF FF 00"))
        #expect(error?.code == .valueBeyondEnd)
        #expect(error?.offset == 0)
        #expect(error?.value == 0xFFFF_FFFF)
    }

    @Test("85 and longer length forms are rejected as too long, at the length byte", arguments: [0x85, 0x88, 0xFF])
    func overLongLengthForms(lengthByte: UInt8) throws {
        let bytes: [UInt8] = [0x04, lengthByte] + [UInt8](repeating: 0, count: 12)
        for mode in [TLVMode.der, .ber] {
            let error = validationError(bytes, mode: mode)
            #expect(error?.code == .lengthTooLong)
            #expect(error?.offset == 1)
            #expect(error?.value == Int(lengthByte & 0x7F))
        }
    }

    @Test(
        "non-minimal lengths are rejected in DER and accepted in BER",
        arguments: ["04 81 05", "04 82 00 05", "04 83 00 00 05", "04 84 00 00 00 05", "04 81 00"])
    func nonMinimalLengths(header: String) throws {
        let declared = hex(header).last!
        let bytes = hex(header) + [UInt8](repeating: 0x11, count: Int(declared))
        let error = validationError(bytes, mode: .der)
        #expect(error?.code == .nonMinimalLength)
        #expect(error?.offset == 1)
        #expect(validationError(bytes, mode: .ber) == nil)
    }

    @Test("a long form with a leading zero byte is non-minimal in DER even above 127")
    func leadingZeroLengthByte() throws {
        let bytes = hex("04 82 00 80") + [UInt8](repeating: 0, count: 0x80)
        #expect(validationError(bytes, mode: .der)?.code == .nonMinimalLength)
        #expect(validationError(bytes, mode: .ber) == nil)
    }

    @Test("indefinite lengths are rejected in both modes, at the length byte")
    func indefiniteLength() throws {
        let bytes = hex("30 80 04 01 AA 00 00")
        for mode in [TLVMode.der, .ber] {
            let error = validationError(bytes, mode: mode)
            #expect(error?.code == .indefiniteLength)
            #expect(error?.offset == 1)
        }
    }

    @Test("an input that ends inside a length field is a truncated length")
    func truncatedLength() throws {
        #expect(validationError(hex("04"))?.code == .truncatedLength)
        let error = validationError(hex("04 82 01"))
        #expect(error?.code == .truncatedLength)
        #expect(error?.offset == 1)
        let cut = hex("30 82 06")
        #expect(throws: TLVError.self) { try TLV.header(ofPrefix: cut.span) }
    }

    @Test("zero-length values: primitive, constructed, and last in their parent")
    func zeroLengthValues() throws {
        let bytes = hex("30 06 04 00 30 00 05 00")
        let (nodes, result) = walkAll(bytes)
        #expect(try result.get().nodeCount == 4)
        #expect(nodes.map(\.info.valueLength) == [6, 0, 0, 0])
        #expect(nodes.map(\.depth) == [0, 1, 1, 1])
        #expect(nodes.last?.info.range == 6..<8)
    }

    @Test("a child's length running past its parent is reported at the child, against the parent's end")
    func childPastParent() throws {
        let error = try #require(validationError(hex("30 03 04 05 00 00 00 00 00")))
        #expect(error.code == .valueBeyondEnd)
        #expect(error.offset == 2)
        #expect(error.limit == 5)
        #expect(!error.limitIsInputEnd)
    }
}

// MARK: - Tags

@Suite("Tag forms")
struct TagTests {
    @Test(
        "multi-byte tags keep their wire bytes, class, constructed bit and number",
        arguments: [
            (0xDF21 as UInt32, TLVClass.private, false, 0x21 as UInt32),
            (0xFF20, .private, true, 0x20),
            (0x7F21, .application, true, 0x21),
            (0x5F4E, .application, false, 0x4E),
            (0xDF8101, .private, false, 129),
            (0x9F81_8001, .contextSpecific, false, 0x4001),
        ])
    func multiByteTags(raw: UInt32, tagClass: TLVClass, constructed: Bool, number: UInt32) throws {
        let tag = TLVTag(rawValue: raw)
        let value: [UInt8] = constructed ? [] : [0x01]
        let bytes = tlv(raw, value)
        var reader = TLVReader(bytes.span)
        guard let node = try reader.next() else { throw MissingNode("\(tag)") }
        let info = node.info
        #expect(info.tag == tag)
        #expect(info.tagClass == tagClass)
        #expect(info.isConstructed == constructed)
        #expect(info.headerLength == tag.byteCount + 1)
        #expect(tag.number == number)
        #expect(validationError(bytes) == nil)
    }

    @Test("tags print as the hex of their wire bytes")
    func tagDescription() {
        #expect(TLVTag(0x30).description == "30")
        #expect(TLVTag(0x02).description == "02")
        #expect(TLVTag(0xDF21).description == "DF21")
        #expect(TLVTag(0x7F21).description == "7F21")
        #expect(TLVTag(0xDF8101).description == "DF8101")
    }

    @Test("a tag of more than four bytes is rejected at its first byte")
    func tagTooLong() throws {
        let error = validationError(hex("DF 81 80 80 01 01 00"), mode: .ber)
        #expect(error?.code == .tagTooLong)
        #expect(error?.offset == 0)
    }

    @Test(
        "non-minimal tags are rejected in DER and accepted in BER", arguments: ["1F 05 00", "DF 80 21 00", "FF 10 00"])
    func nonMinimalTags(text: String) throws {
        let bytes = hex(text)
        let error = validationError(bytes, mode: .der)
        #expect(error?.code == .nonMinimalTag)
        #expect(error?.offset == 0)
        #expect(validationError(bytes, mode: .ber) == nil)
    }

    @Test("an input that ends inside a tag is a truncated tag, reported at the tag's start")
    func truncatedTags() throws {
        for text in ["DF", "DF 81", "30 03 DF 81 80"] {
            let error = validationError(hex(text), mode: .ber)
            #expect(error?.code == .truncatedTag, "\(text)")
        }
        #expect(validationError(hex("30 03 DF 81 80"))?.offset == 2)
        #expect(validationError([])?.code == .truncatedTag)
    }
}

// MARK: - Depth

@Suite("Depth limit")
struct DepthTests {
    /// `levels` nested empty-ending SEQUENCEs: `30 .. 30 .. ... 30 00`.
    static func nested(_ levels: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<levels { bytes = tlv(0x30, bytes) }
        return bytes
    }

    @Test("nesting up to the limit is accepted; one level more fails at the first too-deep object")
    func limitIsExact() throws {
        for limit in [1, 2, 5] {
            #expect(validationError(Self.nested(limit), maxDepth: limit) == nil)
            let deeper = Self.nested(limit + 1)
            let error = validationError(deeper, maxDepth: limit)
            #expect(error?.code == .depthExceeded)
            #expect(error?.value == limit)
            // The too-deep object is the innermost `30 00`, the last two bytes.
            #expect(error?.offset == deeper.count - 2)
        }
    }

    @Test("the default limit is 32 levels")
    func defaultLimit() {
        #expect(TLV.defaultMaxDepth == 32)
        #expect(validationError(Self.nested(32)) == nil)
        #expect(validationError(Self.nested(33))?.code == .depthExceeded)
    }

    @Test("thousands of nested levels end in a depth error, not a stack overflow")
    func hostileNesting() {
        #expect(validationError(Self.nested(5000), mode: .ber)?.code == .depthExceeded)
    }

    @Test("a depth limit of zero rejects even the top-level object")
    func zeroLimit() {
        #expect(validationError(Self.nested(1), maxDepth: 0)?.code == .depthExceeded)
    }
}

// MARK: - Errors and headers

@Suite("Errors and headers")
struct ErrorTests {
    @Test("error descriptions name the offset, the declared length in hex and the input size")
    func description() throws {
        let error = try #require(validationError(hex("30 82 06 12 00")))
        #expect(error.code == .valueBeyondEnd)
        #expect(error.description == "offset 0: length 0x0612 runs past the end of the input (5 bytes)")
        let nested = try #require(validationError(hex("30 03 04 05 00")))
        #expect(nested.description == "offset 2: length 0x05 runs past the end of the enclosing value (offset 5)")
    }

    @Test("every error code has a description starting with its offset")
    func allDescriptions() {
        for code in TLVError.Code.allCases {
            let text = TLVError(code, offset: 17, value: 3, limit: 20).description
            #expect(text.hasPrefix("offset 17: "), "\(code)")
        }
    }

    @Test("the header of a 4-byte prefix gives the certificate size the card path needs")
    func headerFromFourBytes() throws {
        let headerBytes = hex("30 82 06 1F")
        let header = try TLV.header(ofPrefix: headerBytes.span)
        #expect(header.tag == .sequence)
        #expect(header.headerLength == 4)
        #expect(header.valueLength == 0x061F)
        #expect(header.totalLength == 1571)
        let shortBytes = hex("7F 21 81 90 00 00 00")
        let short = try TLV.header(ofPrefix: shortBytes.span)
        #expect(short.tag == 0x7F21)
        #expect(short.totalLength == 4 + 0x90)
    }

    @Test("a reader that hit an error stays put and throws the same error again")
    func errorIsSticky() throws {
        let bytes = hex("04 01 AA 04 05 00")
        var reader = TLVReader(bytes.span)
        _ = try reader.nextTag()
        var errors: [TLVError] = []
        for _ in 0..<2 {
            do { _ = try reader.nextTag() } catch { errors.append(error) }
        }
        #expect(errors.count == 2)
        #expect(errors.first == errors.last)
        #expect(errors.first?.offset == 3)
    }
}
