/// The person on the simulated card: clearly fictitious, so nothing a test prints, records or
/// ships can be anyone's real data.
public struct FictitiousPerson: Sendable, Hashable {
    /// 12 digits with a valid check digit, but issued to nobody: the simulator's own number.
    public var myNumber: String = "123456789018"
    public var name: String = "試験　花子"
    public var address: String = "東京都千代田区試験町一丁目二番三号（架空）"
    /// YYYYMMDD.
    public var birthDate: String = "19800101"
    /// "1" male, "2" female, "9" not applicable (as on the card).
    public var sex: String = "2"

    public init() {}

    /// Text AP EF 0001: `FF 10 0C <12 ASCII digits> FF FF` (17 bytes).
    public var myNumberRecord: [UInt8] {
        [0xFF, 0x10, 0x0C] + Array(myNumber.utf8) + [0xFF, 0xFF]
    }

    /// Text AP EF 0002: `FF 20 L { DF21 08 offsets, DF22 name, DF23 address, DF24 08 birth, DF25 01 sex }`.
    ///
    /// The reference gives DF21 as four big-endian 16-bit offsets without saying from where;
    /// the simulator takes them as the offsets of the DF22…DF25 objects from the start of the
    /// EF (the `FF` of `FF 20`). Readers of the record should find fields by tag, not offset.
    public var basicFourRecord: [UInt8] {
        let fields: [(UInt8, [UInt8])] = [
            (0x22, Array(name.utf8)), (0x23, Array(address.utf8)), (0x24, Array(birthDate.utf8)),
            (0x25, Array(sex.utf8)),
        ]
        let encodedFields = fields.map { tag, value in [0xDF, tag] + Self.length(value.count) + value }
        let offsetsObjectLength = 3 + 8
        let contentLength = offsetsObjectLength + encodedFields.reduce(0) { $0 + $1.count }
        let header: [UInt8] = [0xFF, 0x20] + Self.length(contentLength)
        var offsets: [UInt8] = []
        var position = header.count + offsetsObjectLength
        for field in encodedFields {
            offsets += [UInt8(position >> 8), UInt8(position & 0xFF)]
            position += field.count
        }
        return header + [0xDF, 0x21, 0x08] + offsets + encodedFields.flatMap { $0 }
    }

    /// A DER definite length.
    static func length(_ count: Int) -> [UInt8] {
        switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        default: [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        }
    }
}
