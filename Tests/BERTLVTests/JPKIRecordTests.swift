import BERTLV
import HexCoding
import Testing

/// The text-AP record shapes of docs jpki.md, filled with fictitious data.
@Suite("JPKI text-AP records")
struct JPKIRecordTests {
    // MARK: - Fictitious record contents

    static let name = "試験 花子"
    /// Long enough (over 127 UTF-8 bytes with the rest) that FF20 needs a long-form length.
    static let address = "東京都千代田区架空町一丁目二番三号" + " リーダーベンチ試験住宅四〇五号室"
    static let birthDate = "20000101"
    static let sex = "2"
    static let myNumber = "123456789012"

    /// EF 0002: `FF20 L { DF21 08 <4 BE uint16 offsets>, DF22 name, DF23 address, DF24 birth, DF25 sex }`.
    static func basicInformation() -> [UInt8] {
        let items = [
            tlv(0xDF22, Array(name.utf8)), tlv(0xDF23, Array(address.utf8)),
            tlv(0xDF24, Array(birthDate.utf8)), tlv(0xDF25, Array(sex.utf8)),
        ]
        // DF21 lists where DF22...DF25 start; fictitious, counted from the start of the FF20 value.
        var offsets: [UInt8] = []
        var position = 2 + 1 + 8
        for item in items {
            offsets += [UInt8(position >> 8), UInt8(position & 0xFF)]
            position += item.count
        }
        return tlv(0xFF20, tlv(0xDF21, offsets) + items.joined())
    }

    /// EF 0001: `FF 10 0C <12 ASCII digits> FF FF`, 17 bytes with the padding.
    static func myNumberRecord() -> [UInt8] {
        hex("FF 10 0C") + Array(myNumber.utf8) + hex("FF FF")
    }

    // MARK: - FF20 basic information

    @Test("the name is found inside FF20 by the tag path FF20/DF22")
    func findNameByPath() throws {
        let record = Self.basicInformation()
        guard let name = try TLV.find(path: [0xFF20, 0xDF22], in: record.span, mode: .ber) else {
            throw MissingNode("DF22")
        }
        let range = name.valueRange
        #expect(String(decoding: record[range], as: UTF8.self) == Self.name)
        let tag = name.tag
        #expect(tag == 0xDF22)
    }

    @Test("a tag path that does not exist finds nothing, and an empty path finds nothing")
    func missingPath() throws {
        let record = Self.basicInformation()
        let missing = try TLV.find(path: [0xFF20, 0xDF29], in: record.span, mode: .ber)?.tag
        #expect(missing == nil)
        let wrongRoot = try TLV.find(path: [0xFF30, 0xDF22], in: record.span, mode: .ber)?.tag
        #expect(wrongRoot == nil)
        let empty = try TLV.find(path: [], in: record.span)?.tag
        #expect(empty == nil)
    }

    @Test("FF20 holds DF21 to DF25 in order: private tags, primitive, with their lengths")
    func itemsInOrder() throws {
        let record = Self.basicInformation()
        var reader = TLVReader(record.span, mode: .ber)
        guard let root = try reader.next() else { throw MissingNode("FF20") }
        let rootInfo = root.info
        #expect(rootInfo.tag == 0xFF20)
        #expect(rootInfo.tagClass == .private)
        #expect(rootInfo.isConstructed)
        #expect(rootInfo.valueLength > 127)  // the long address makes FF20 use the 81/82 form
        var items = root.children
        var infos: [TLVNodeInfo] = []
        while let item = try items.next() { infos.append(item.info) }
        #expect(infos.map(\.tag) == [0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25])
        #expect(infos.allSatisfy { $0.tagClass == .private && !$0.isConstructed && $0.headerLength >= 3 })
        #expect(infos.map(\.valueLength) == [8, Self.name.utf8.count, Self.address.utf8.count, 8, 1])
        #expect(infos.last?.range.upperBound == record.count)
    }

    @Test("DF21's offsets point at DF22 to DF25 inside the FF20 value")
    func headerOffsets() throws {
        let record = Self.basicInformation()
        guard let root = try TLV.find(path: [0xFF20], in: record.span, mode: .ber) else { throw MissingNode("FF20") }
        let valueOffset = root.valueOffset
        guard let header = try TLV.find(path: [0xFF20, 0xDF21], in: record.span, mode: .ber) else {
            throw MissingNode("DF21")
        }
        let headerBytes = Array(record[header.valueRange])
        let offsets = stride(from: 0, to: 8, by: 2).map { Int(headerBytes[$0]) << 8 | Int(headerBytes[$0 + 1]) }
        let tags = try offsets.map { offset throws(TLVError) -> TLVTag in
            try TLV.header(ofPrefix: record.span.extracting((valueOffset + offset)...), mode: .ber).tag
        }
        #expect(tags == [0xDF22, 0xDF23, 0xDF24, 0xDF25])
    }

    @Test("the FF20 record is also valid DER: its tag numbers are all 31 or more")
    func basicInformationIsDER() {
        let record = Self.basicInformation()
        #expect(validationError(record, mode: .der) == nil)
        #expect(validationError(record, mode: .ber) == nil)
    }

    @Test("FF FF padding after FF20 is trailing bytes in DER and accepted padding in BER")
    func paddingAfterBasicInformation() {
        let record = Self.basicInformation()
        let padded = record + [0xFF, 0xFF]
        let error = validationError(padded, mode: .der)
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == record.count)
        #expect(validationError(padded, mode: .ber) == nil)
    }

    // MARK: - FF10 my number

    @Test("reading FF10 in BER yields the 12 digits, then stops at the FF FF padding and says where it starts")
    func myNumberStopsAtPadding() throws {
        let record = Self.myNumberRecord()
        var reader = TLVReader(record.span, mode: .ber)
        guard let number = try reader.next() else { throw MissingNode("FF10") }
        let info = number.info
        #expect(info.tag == 0xFF10)
        #expect(info.tagClass == .private)
        #expect(info.headerLength == 3)
        #expect(String(decoding: record[info.valueRange], as: UTF8.self) == Self.myNumber)
        let after = try reader.nextTag()
        #expect(after == nil)
        #expect(reader.offset == 15)
        #expect(reader.remainingBytes.count == 2)
        #expect(reader.isAtEnd == false)
        // Asking again stays put: padding is not consumed as objects.
        let again = try reader.nextTag()
        #expect(again == nil)
    }

    @Test("FF10 sets the constructed bit on 12 ASCII digits, so validating its inside fails at offset 3")
    func myNumberIsNotATree() throws {
        let record = Self.myNumberRecord()
        let error = validationError(record, mode: .ber)
        #expect(error?.code == .valueBeyondEnd)
        #expect(error?.offset == 3)
    }

    @Test("BER validation with FF10 as a leaf accepts the record and its padding, ending the object at 15")
    func myNumberValidatesAsLeaf() throws {
        let record = Self.myNumberRecord()
        let summary = try TLV.validate(record.span, mode: .ber, leafTags: [0xFF10])
        #expect(summary.nodeCount == 1)
        #expect(summary.objectEnd == 15)
    }

    @Test("DER rejects FF10 at offset 0: tag number 16 must be written in one byte")
    func myNumberIsNotDER() throws {
        let record = Self.myNumberRecord()
        let error = validationError(record, mode: .der)
        #expect(error?.code == .nonMinimalTag)
        #expect(error?.offset == 0)
    }

    @Test("in BER, only padding may follow: FF FF then another byte is trailing bytes")
    func paddingThenData() throws {
        let record = Self.myNumberRecord() + [0x01]
        let error = validationError(record, mode: .ber, leafTags: [0xFF10])
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 15)
    }

    @Test("a DER reader over FF10 with padding fails on the padding as a truncated tag")
    func derReaderOnPadding() throws {
        // Construct an FF10-shaped record that DER accepts (tag DF3F) to reach the padding in DER mode.
        let record = hex("DF 3F 02 31 32 FF FF")
        var reader = TLVReader(record.span, mode: .der)
        _ = try reader.nextTag()
        do {
            _ = try reader.nextTag()
            Issue.record("the padding was read as an object")
        } catch {
            #expect(error.code == .truncatedTag)
            #expect(error.offset == 5)
        }
    }

    @Test("padding inside a constructed value ends its children in BER")
    func paddingInsideConstructed() throws {
        let record = hex("FF 20 05 DF 25 01 31 FF")
        #expect(validationError(record, mode: .ber) == nil)
        #expect(validationError(record, mode: .der)?.code == .truncatedTag)
    }
}
