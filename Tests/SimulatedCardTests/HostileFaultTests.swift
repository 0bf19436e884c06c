import APDU
import BERTLV
import CardTransport
import SimulatedCard
import Testing

/// The hostile faults' answers, byte by byte, in the buffer sizes the card really gets: 65,535
/// bytes behind vpcd (one frame's payload), 65,548 in-process (an extended PC/SC buffer).
@Suite("Hostile faults")
struct HostileFaultTests {
    typealias Card = FaultyCard<MyNumberCard>

    static let vpcdCapacity = 65_535

    static func card(_ faults: [CardFault], profile: CardProfile = .contactless) throws -> Card {
        var card = FaultyCard(try freshCard(profile), faults: faults)
        #expect(send(&card, Command.selectApplication(Command.jpkiAID)).bytes == [0x90, 0x00])
        #expect(send(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        return card
    }

    /// Runs `respond` into a buffer of `capacity` bytes, as the server would.
    static func send(_ card: inout Card, _ command: [UInt8], capacity: Int = vpcdCapacity) -> (
        action: CardAction, bytes: [UInt8]
    ) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var action = CardAction.respond
        let produced = buffer.withUnsafeMutableBufferPointer { raw in
            var out = OutputSpan<UInt8>(buffer: raw, initializedCount: 0)
            action = card.respond(to: command.span, into: &out)
            return out.finalize(for: raw)
        }
        return (action, Array(buffer[0..<produced]))
    }

    static let getResponse: [UInt8] = [0x00, 0xC0, 0x00, 0x00, 0x00]

    @Test("new faults parse from their text form and print back the same text")
    func parsing() throws {
        let forms: [(String, CardFault)] = [
            ("long-answer", .longAnswer), ("huge-answer", .hugeAnswer), ("endless-61xx", .endless61XX),
            ("wrong-le-loop", .wrongLeLoop), ("empty-answer", .emptyAnswer), ("one-byte-sw", .oneByteStatus),
            ("lying-atr", .lyingATR), ("deep-certificate", .deepCertificate),
            ("signature-length:0", .signatureLength(0)),
            ("signature-length:65533", .signatureLength(65_533)), ("late:1500", .late(milliseconds: 1500)),
        ]
        for (text, fault) in forms {
            #expect(try CardFault(parsing: text) == fault)
            #expect(fault.description == text)
        }
        for text in [
            "long-answer:1", "signature-length", "signature-length:-1", "signature-length:65534", "late", "late:0",
            "late:x",
        ] {
            #expect(throws: FaultParseError.self, "\(text)") { try CardFault(parsing: text) }
        }
        for name in CardFault.names { #expect(name.count > 2) }
    }

    @Test("long-answer: 16 bytes more than Le asked for")
    func longAnswer() throws {
        var card = try Self.card([.longAnswer])
        let answer = Self.send(&card, Command.readBinary(offset: 0, le: 4)).bytes
        #expect(answer.count == 4 + 16 + 2 && answer.suffix(2) == [0x90, 0x00])
        #expect(answer[0] == 0x30)
    }

    @Test("huge-answer: Le bytes and 61 00, then 256 bytes and 61 00 for every GET RESPONSE, until another command")
    func hugeAnswer() throws {
        var card = try Self.card([.hugeAnswer])
        let first = Self.send(&card, Command.readBinary(offset: 0, le: 4)).bytes
        #expect(first.count == 6 && first.suffix(2) == [0x61, 0x00])
        for _ in 0..<300 {
            let piece = Self.send(&card, Self.getResponse).bytes
            #expect(piece.count == 258 && piece.suffix(2) == [0x61, 0x00])
        }
        // Another command ends the loop; the card answers normally again.
        #expect(Self.send(&card, Command.selectFile(0x000A)).bytes == [0x90, 0x00])
        #expect(Self.send(&card, Self.getResponse).bytes != [])
    }

    @Test("endless-61xx: 61 10 and nothing else, for the command and every GET RESPONSE")
    func endless61XX() throws {
        var card = try Self.card([.endless61XX])
        #expect(Self.send(&card, Command.readBinary(offset: 0, le: 4)).bytes == [0x61, 0x10])
        for _ in 0..<600 { #expect(Self.send(&card, Self.getResponse).bytes == [0x61, 0x10]) }
    }

    @Test("wrong-le-loop: 6CXX naming another length every time, never the Le just sent")
    func wrongLeLoop() throws {
        var card = try Self.card([.wrongLeLoop])
        var le = 4
        for _ in 0..<300 {
            let answer = Self.send(&card, Command.readBinary(offset: 0, le: le)).bytes
            #expect(answer.count == 2 && answer[0] == 0x6C)
            let next = answer[1] == 0 ? 256 : Int(answer[1])
            #expect(next != le)
            le = next
        }
    }

    @Test("empty-answer and one-byte-sw: 0 and 1 bytes where data was due; SELECT still answers")
    func shortAnswers() throws {
        var empty = try Self.card([.emptyAnswer])
        #expect(Self.send(&empty, Command.readBinary(offset: 0, le: 4)) == (.respond, []))
        var oneByte = try Self.card([.oneByteStatus])
        #expect(Self.send(&oneByte, Command.readBinary(offset: 0, le: 4)) == (.respond, [0x90]))
    }

    @Test("lying-atr: T0 announces 15 historical bytes that are not there")
    func lyingATR() throws {
        let card = try Self.card([.lyingATR])
        #expect(card.atr == CardFault.lyingATRBytes)
        #expect(card.atr[1] & 0x0F == 15)
        #expect(card.atr.count < 2 + 2 + 15)
    }

    @Test("deep-certificate: the certificate EF holds 10,000 nested SEQUENCEs in shortest form, readable in pieces")
    func deepCertificate() throws {
        let content = CardFault.deepCertificateContent
        // Count the levels without recursion: every header is followed by the next.
        var offset = 0
        var levels = 0
        while offset < content.count {
            let header = try TLV.header(ofPrefix: content.span.extracting(offset...), mode: .der)
            #expect(header.totalLength == content.count - offset)
            if header.tag == .sequence { levels += 1 } else { #expect(header.tag == .null) }
            offset += header.headerLength
        }
        #expect(levels == 10_000)

        var card = try Self.card([.deepCertificate], profile: .contact)
        var read: [UInt8] = []
        while read.count < min(content.count, 0x7F00) {
            let answer = Self.send(&card, Command.readBinary(offset: read.count, le: 256)).bytes
            #expect(answer.suffix(2) == [0x90, 0x00])
            read += answer.dropLast(2)
        }
        #expect(read == Array(content.prefix(read.count)))
        // The text AP's EF 0001 is not a certificate: it is answered as usual.
        var text = try Self.card([.deepCertificate])
        #expect(Self.send(&text, Command.selectApplication(Command.textAID)).bytes == [0x90, 0x00])
    }

    @Test("signature-length:N: the signature step answers N bytes, capped by the buffer")
    func signatureLength() throws {
        for (length, capacity) in [
            (0, Self.vpcdCapacity), (255, Self.vpcdCapacity), (65_533, Self.vpcdCapacity), (65_533, 65_548),
        ] {
            var card = FaultyCard(try freshCard(), faults: [.signatureLength(length)])
            _ = Self.send(&card, Command.selectApplication(Command.jpkiAID))
            _ = Self.send(&card, Command.selectFile(0x0018))
            _ = Self.send(&card, Command.verify("1234"))
            _ = Self.send(&card, Command.selectFile(0x0017))
            let digestInfo = [UInt8](repeating: 0x11, count: 51)
            let answer = Self.send(
                &card, Command.build(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80, data: digestInfo, le: 256),
                capacity: capacity)
            #expect(answer.bytes.count == length + 2, "\(length)")
            #expect(answer.bytes.suffix(2) == [0x90, 0x00])
        }
    }

    @Test("every hostile answer fits a vpcd frame: 10,000 random commands, no trap, never over 65,535 bytes")
    func boundedAnswers() throws {
        var generator = SplitMix(seed: 14)
        let faults: [CardFault] = [
            .longAnswer, .hugeAnswer, .endless61XX, .wrongLeLoop, .emptyAnswer, .oneByteStatus, .deepCertificate,
            .signatureLength(65_533),
        ]
        for fault in faults {
            var card = try Self.card([fault], profile: .contact)
            for _ in 0..<1_250 {
                let command: [UInt8]
                switch generator.next() % 4 {
                case 0:
                    command = Command.readBinary(
                        offset: Int(generator.next() % 0x7FFF), le: Int(generator.next() % 256) + 1)
                case 1: command = Self.getResponse
                case 2:
                    command = Command.build(
                        ins: 0xB0, p1: 0, p2: 0, le: Int(generator.next() % 65_536) + 1, extended: true)
                default: command = Command.selectFile(0x000A)
                }
                let answer = Self.send(&card, command)
                #expect(answer.bytes.count <= Self.vpcdCapacity)
            }
        }
    }
}

/// A seeded generator, so the random commands repeat.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
