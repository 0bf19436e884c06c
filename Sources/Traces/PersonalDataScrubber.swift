/// Replaces personal data in recorded responses with fictitious values of the same length and
/// TLV shape, for traces that leave the office they were recorded in (`--scrub-personal`).
///
/// What it covers: the text AP (券面事項入力補助AP), whose EF 0001 holds the My Number
/// (`FF10`) and EF 0002 the basic four items (`FF20 { DF21 offsets, DF22 name, DF23 address,
/// DF24 birth date, DF25 sex }`). A response only says which file it came from through the
/// commands before it, so the scrubber watches SELECTs (AP by AID, EF by identifier) and READ
/// BINARY offsets, keeps the bytes of those two files as far as they were read, and finds the
/// value bytes by walking their TLV structure. Tags, lengths, the DF21 offsets and padding stay,
/// so a replayed read path parses the scrubbed file exactly as the real one; the values become
/// digits of a fictitious number and date, or 試験 repeated for text.
///
/// Bytes it cannot place (a READ BINARY that starts past what was read of the file before) are
/// all replaced with `*`: when the structure is unknown, losing shape beats leaking data.
public struct PersonalDataScrubber: Sendable, Hashable {
    /// The text AP's AID.
    static let textAID: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
    /// EF 0001 and EF 0002 of the text AP.
    static let myNumberEF: UInt16 = 0x0001
    static let basicFourEF: UInt16 = 0x0002

    private var inTextAP = false
    private var currentEF: UInt16?
    /// What was read of EF 0001 and EF 0002 since the last power event, from offset 0.
    private var myNumberImage: [UInt8] = []
    private var basicFourImage: [UInt8] = []

    /// How many responses were changed so far.
    public private(set) var scrubbedResponses = 0

    public init() {}

    /// Forgets the selection: the card lost it (connect, reconnect, disconnect).
    public mutating func reset() {
        inTextAP = false
        currentEF = nil
        myNumberImage.removeAll(keepingCapacity: true)
        basicFourImage.removeAll(keepingCapacity: true)
    }

    /// Follows `command` and returns the response to store: a scrubbed copy when it carries
    /// text-AP personal data, else nil (store it unchanged).
    public mutating func scrub(command: Span<UInt8>, response: Span<UInt8>) -> [UInt8]? {
        guard command.count >= 4, response.count >= 2 else { return nil }
        let ins = command[1], p1 = command[2], p2 = command[3]
        let sw1 = response[response.count - 2]
        let succeeded = sw1 == 0x90 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63
        switch ins {
        case 0xA4:
            guard succeeded else { return nil }
            let data = Self.commandData(command)
            if p1 == 0x04 {
                inTextAP = data == Self.textAID
                currentEF = nil
            } else if data.count == 2 {
                currentEF = UInt16(data[0]) << 8 | UInt16(data[1])
            }
            return nil
        case 0xB0:
            var offset = Int(p1 & 0x7F) << 8 | Int(p2)
            if p1 & 0x80 != 0 {
                // Short EF identifier in P1: it selects the file, P2 is the offset.
                currentEF = UInt16(p1 & 0x1F)
                offset = Int(p2)
            }
            guard inTextAP, let ef = currentEF, ef == Self.myNumberEF || ef == Self.basicFourEF else { return nil }
            let dataCount = response.count - 2
            guard dataCount > 0 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(response.count)
            for index in response.indices { bytes.append(response[index]) }
            if ef == Self.myNumberEF {
                Self.scrub(&bytes, dataCount: dataCount, offset: offset, image: &myNumberImage)
            } else {
                Self.scrub(&bytes, dataCount: dataCount, offset: offset, image: &basicFourImage)
            }
            scrubbedResponses += 1
            return bytes
        default:
            return nil
        }
    }

    // MARK: - Placing and replacing

    private static func commandData(_ command: Span<UInt8>) -> [UInt8] {
        guard command.count > 5 else { return [] }
        let lc = Int(command[4])
        guard lc > 0, command.count >= 5 + lc else { return [] }
        var data: [UInt8] = []
        for index in 5..<(5 + lc) { data.append(command[index]) }
        return data
    }

    private static func scrub(_ bytes: inout [UInt8], dataCount: Int, offset: Int, image: inout [UInt8]) {
        if offset <= image.count {
            // Extend what is known of the file with this read.
            let overlap = image.count - offset
            if dataCount > overlap { image.append(contentsOf: bytes[overlap..<dataCount]) }
        }
        let fields = personalFields(in: image)
        for k in 0..<dataCount {
            let position = offset + k
            if position >= image.count {
                bytes[k] = 0x2A
                continue
            }
            for field in fields where field.range.contains(position) {
                bytes[k] = fictitiousByte(
                    tag: field.tag, index: position - field.range.lowerBound, count: field.range.count)
                break
            }
        }
    }

    /// Where personal values lie in a (possibly partial) EF image: tag and byte range.
    static func personalFields(in image: [UInt8]) -> [(tag: UInt16, range: Range<Int>)] {
        var fields: [(tag: UInt16, range: Range<Int>)] = []
        walk(image, 0..<image.count, depth: 0, into: &fields)
        return fields
    }

    private static func walk(
        _ image: [UInt8], _ bounds: Range<Int>, depth: Int, into fields: inout [(tag: UInt16, range: Range<Int>)]
    ) {
        var i = bounds.lowerBound
        while i < bounds.upperBound {
            let first = image[i]
            if first == 0xFF && (i + 1 >= bounds.upperBound || image[i + 1] == 0xFF) { return }  // padding
            var tag = UInt16(first)
            var j = i + 1
            if first & 0x1F == 0x1F {
                guard j < bounds.upperBound else { return }
                tag = tag << 8 | UInt16(image[j])
                j += 1
            }
            guard j < bounds.upperBound else { return }
            var length = Int(image[j])
            j += 1
            if length == 0x81 || length == 0x82 {
                let extra = length - 0x80
                guard j + extra <= bounds.upperBound else { return }
                length = 0
                for _ in 0..<extra {
                    length = length << 8 | Int(image[j])
                    j += 1
                }
            } else if length > 0x82 {
                return
            }
            // The value may run past what was read so far: mark what is known of it.
            let end = min(j + length, bounds.upperBound)
            switch tag {
            case 0xFF20 where depth == 0:
                walk(image, j..<end, depth: 1, into: &fields)
            case 0xFF10, 0xDF22, 0xDF23, 0xDF24, 0xDF25:
                fields.append((tag, j..<(j + length)))
            default:
                break
            }
            i = j + length
        }
    }

    private static let myNumberDigits = Array("123456789018".utf8)
    private static let birthDigits = Array("19800101".utf8)
    /// 試験 in UTF-8: three bytes a character.
    private static let textPattern: [UInt8] = [0xE8, 0xA9, 0xA6, 0xE9, 0xA8, 0x93]

    /// The fictitious byte at `index` of a value of `count` bytes with `tag`; a function of the
    /// position only, so pieces read separately fit together.
    static func fictitiousByte(tag: UInt16, index: Int, count: Int) -> UInt8 {
        switch tag {
        case 0xFF10: return myNumberDigits[index % myNumberDigits.count]
        case 0xDF24: return birthDigits[index % birthDigits.count]
        case 0xDF25: return 0x39  // "9": not applicable
        default:
            // Whole three-byte characters, then ASCII spaces for what does not divide by three.
            let whole = count - count % 3
            return index < whole ? textPattern[index % textPattern.count] : 0x20
        }
    }
}
