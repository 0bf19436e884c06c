import BERTLV
import CardLayout
import SimulatedCard
import Testing

/// The 券面事項入力補助AP (text AP): My Number and the basic four items behind PIN 0011.
@Suite("Text AP")
struct TextApplicationTests {
    /// A person unlike the default one, so a card that ignored its `person` would be caught.
    static let person: FictitiousPerson = {
        var person = FictitiousPerson()
        person.myNumber = "987654321098"
        person.name = "架空　次郎"
        // Long enough that FF20's length needs the long form (over 127 bytes in all).
        person.address = "北海道架空市試験区一条二丁目三番四号　リーダーベンチ試験住宅五〇六号室"
        person.birthDate = "19991231"
        person.sex = "1"
        return person
    }()

    /// The value of `FF20/tag` in `record`, read with the BER-TLV module.
    static func field(_ tag: TLVTag, in record: [UInt8]) throws -> [UInt8]? {
        let span = record.span
        guard let node = try TLV.find(path: [0xFF20, tag], in: span, mode: .ber) else { return nil }
        let range = node.valueRange
        return Array(record[range])
    }

    @Test("EF 0001 and EF 0002 answer 6982 before VERIFY of the text PIN 0011")
    func protectedBeforeVerify() throws {
        var card = try freshCard(person: Self.person)
        card.open(Command.textAID, 0x0001)
        #expect(card.send(Command.readBinary(offset: 0, le: 256)) == .status(0x6982))
        #expect(card.send(Command.selectFile(0x0002)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 256)) == .status(0x6982))
        // The JPKI authentication PIN, although its value is the same, does not open the text AP.
        card.open(Command.jpkiAID, 0x0018)
        #expect(card.send(Command.verify("1234")) == .ok)
        card.open(Command.textAID, 0x0002)
        #expect(card.send(Command.readBinary(offset: 0, le: 256)) == .status(0x6982))
    }

    @Test("EF 0001 is FF 10 0C, the 12 digits and FF FF: 17 bytes")
    func myNumberRecord() throws {
        var card = try freshCard(person: Self.person)
        card.open(Command.textAID, 0x0011)
        #expect(card.send(Command.verify(nil)) == .status(0x63C3))
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0001)) == .ok)
        let reply = card.send(Command.readBinary(offset: 0, le: 256))
        let expected: [UInt8] = [0xFF, 0x10, 0x0C] + Array("987654321098".utf8) + [0xFF, 0xFF]
        #expect(reply == Answer(data: expected, sw: 0x9000))
        #expect(reply.data.count == 17)
        // An explicit Le of 17 gets the same; Le 20 the same with "end of file" 6282.
        #expect(card.send(Command.readBinary(offset: 0, le: 17)) == Answer(data: expected, sw: 0x9000))
        #expect(card.send(Command.readBinary(offset: 0, le: 20)) == Answer(data: expected, sw: 0x6282))
        #expect(card.send(Command.readBinary(offset: 17, le: 1)) == .status(0x6B00))
        // The value inside FF10 found by the TLV module.
        let span = reply.data.span
        let digits = try TLV.find(path: [0xFF10], in: span, mode: .ber)?.valueRange
        #expect(digits.map { Array(reply.data[$0]) } == Array("987654321098".utf8))
    }

    @Test("EF 0002 is an FF20 record whose DF22…DF25 decode to the person's name, address, birth date and sex")
    func basicFourRecord() throws {
        var card = try freshCard(person: Self.person)
        card.open(Command.textAID, 0x0011)
        #expect(card.send(Command.verify("1234")) == .ok)
        #expect(card.send(Command.selectFile(0x0002)) == .ok)
        let header = card.send(Command.readBinary(offset: 0, le: 5))
        #expect(header.sw == 0x9000)
        #expect(header.data.prefix(3) == [0xFF, 0x20, 0x81])
        // FF 20 81 LL: a 4-byte header, then LL bytes.
        let total = 4 + Int(header.data[3])
        let record = card.readChunks(count: total)

        let name = try Self.field(0xDF22, in: record)
        let address = try Self.field(0xDF23, in: record)
        let birth = try Self.field(0xDF24, in: record)
        let sex = try Self.field(0xDF25, in: record)
        #expect(name.map { String(decoding: $0, as: UTF8.self) } == "架空　次郎")
        #expect(address.map { String(decoding: $0, as: UTF8.self) } == Self.person.address)
        #expect(birth == Array("19991231".utf8))
        #expect(birth?.count == 8)
        #expect(sex == [0x31])

        // DF21 holds four big-endian offsets; the model counts them from the start of the EF, and
        // each must point at the DF22…DF25 object it stands for.
        let offsets = try #require(try Self.field(0xDF21, in: record))
        #expect(offsets.count == 8)
        for (index, tag) in [0x22, 0x23, 0x24, 0x25].enumerated() {
            let position = Int(offsets[2 * index]) << 8 | Int(offsets[2 * index + 1])
            #expect(position + 1 < record.count && record[position] == 0xDF && Int(record[position + 1]) == tag)
        }

        // The padding after the record (a whole 256-byte read) does not disturb the TLV walk.
        let padded = card.send(Command.readBinary(offset: 0, le: 256))
        #expect(padded.data.count == 256)
        #expect(Array(padded.data.prefix(total)) == record)
        #expect(padded.data[total...].allSatisfy { $0 == 0xFF })
        #expect(try Self.field(0xDF25, in: padded.data) == [0x31])
    }

    @Test("the text AP's PIN has its own 3-try counter")
    func textPINCounter() throws {
        var card = try freshCard()
        card.open(Command.textAID, 0x0011)
        #expect(card.send(Command.verify("0000")) == .status(0x63C2))
        #expect(card.tries(.text) == 2)
        #expect(card.tries(.jpkiAuthentication) == 3)
    }

    @Test("the visual AP's face EF 0002 needs PIN-A (the My Number) from EF 0013")
    func visualApplication() throws {
        var card = try freshCard(person: Self.person)
        card.open(Command.visualAID, 0x0002)
        #expect(card.send(Command.readBinary(offset: 0, le: 3)) == .status(0x6982))
        #expect(card.send(Command.selectFile(0x0013)) == .ok)
        #expect(card.send(Command.verify("987654321098")) == .ok)
        #expect(card.send(Command.selectFile(0x0002)) == .ok)
        #expect(card.send(Command.readBinary(offset: 0, le: 3)) == Answer(data: [0xFF, 0x20, 0x00], sw: 0x9000))
    }

    @Test("the 住基AP answers READ RECORD 1 with a manufacture number, and other APs refuse READ RECORD")
    func jukiReadRecord() throws {
        var card = try freshCard()
        #expect(card.send(Command.selectApplication(Command.jukiAID)) == .ok)
        let reply = try card.send(hex: "00 B2 01 0C 00")
        #expect(reply.sw == 0x9000)
        #expect(!reply.data.isEmpty)
        #expect(try card.send(hex: "00 B2 02 0C 00") == .status(0x6A83))
        #expect(card.send(Command.selectApplication(Command.jpkiAID)) == .ok)
        #expect(try card.send(hex: "00 B2 01 0C 00") == .status(0x6986))
    }
}
