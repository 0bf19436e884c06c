import APDU
import CardLayout
import CardTransport
import HexCoding
import SimulatedCard
import Testing

// MARK: - What the card answered

/// A response APDU split into its data and its status word.
struct Answer: Equatable, CustomStringConvertible {
    var data: [UInt8]
    var sw: UInt16

    init(data: [UInt8] = [], sw: UInt16) {
        self.data = data
        self.sw = sw
    }

    /// A bare `9000`.
    static let ok = Answer(sw: 0x9000)

    /// A status word with no data.
    static func status(_ sw: UInt16) -> Answer { Answer(sw: sw) }

    var description: String {
        let status = String(sw, radix: 16, uppercase: true)
        return data.isEmpty ? status : "\(data.count) bytes \(Hex.encode(data.prefix(16), style: .spaced))… \(status)"
    }
}

/// Splits raw response bytes; nil when there are not even two status bytes.
func answer(of bytes: [UInt8]) -> Answer? {
    guard bytes.count >= 2 else { return nil }
    let sw = UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
    return Answer(data: Array(bytes.dropLast(2)), sw: sw)
}

/// The response buffer the vpcd server gives a card: room for a full extended response.
let responseCapacity = 65538

extension MyNumberCard {
    /// Runs `process` into a fresh `OutputSpan` and returns every byte it wrote.
    mutating func rawResponse(_ command: [UInt8]) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: responseCapacity)
        let produced = buffer.withUnsafeMutableBufferPointer { raw in
            var out = OutputSpan<UInt8>(buffer: raw, initializedCount: 0)
            let span = command.span
            process(span, into: &out)
            return out.finalize(for: raw)
        }
        return Array(buffer[0..<produced])
    }

    /// Sends one command and splits the answer. A response shorter than two bytes is recorded as
    /// an issue and reported as SW `0000`, which no test expects.
    mutating func send(_ command: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Answer {
        let bytes = rawResponse(command)
        guard let split = answer(of: bytes) else {
            Issue.record(
                "the card answered \(bytes.count) bytes, fewer than a status word", sourceLocation: sourceLocation)
            return Answer(sw: 0x0000)
        }
        return split
    }

    /// Sends a command written in hex.
    mutating func send(hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Answer {
        send(try Hex.decode(hex), sourceLocation: sourceLocation)
    }

    /// SELECT of an application then of an EF in it; both must succeed.
    mutating func open(_ aid: [UInt8], _ ef: UInt16, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(send(Command.selectApplication(aid)) == .ok, "SELECT AP", sourceLocation: sourceLocation)
        #expect(send(Command.selectFile(ef)) == .ok, "SELECT EF \(ef)", sourceLocation: sourceLocation)
    }

    /// Reads a whole transparent EF in 256-byte short READ BINARY chunks up to `count` bytes.
    mutating func readChunks(count: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let le = min(256, count - bytes.count)
            let reply = send(Command.readBinary(offset: bytes.count, le: le))
            #expect(reply.sw == 0x9000, "READ BINARY at \(bytes.count)", sourceLocation: sourceLocation)
            #expect(reply.data.count == le, sourceLocation: sourceLocation)
            if reply.sw != 0x9000 || reply.data.isEmpty { break }
            bytes += reply.data
        }
        return bytes
    }
}

/// Runs any virtual card's `respond` into a fresh buffer.
func exchange<Card: VirtualCard>(_ card: inout Card, _ command: [UInt8]) -> (action: CardAction, bytes: [UInt8]) {
    var buffer = [UInt8](repeating: 0, count: responseCapacity)
    var action = CardAction.respond
    let produced = buffer.withUnsafeMutableBufferPointer { raw in
        var out = OutputSpan<UInt8>(buffer: raw, initializedCount: 0)
        let span = command.span
        action = card.respond(to: span, into: &out)
        return out.finalize(for: raw)
    }
    return (action, Array(buffer[0..<produced]))
}

// MARK: - Commands, encoded by hand

/// Command APDUs written out byte by byte from ISO/IEC 7816-4 and `shared/reference/jpki.md`,
/// independently of the APDU module's encoder, so an encoder bug cannot hide a card bug.
enum Command {
    /// Application identifiers, copied from `shared/reference/jpki.md` (not from CardLayout).
    static let jpkiAID: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
    static let textAID: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
    static let visualAID: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]
    static let jukiAID: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00]
    static let allAIDs = [jpkiAID, textAID, visualAID, jukiAID]

    /// Any case, short or extended.
    static func build(
        cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil,
        extended: Bool = false
    ) -> [UInt8] {
        var bytes = [cla, ins, p1, p2]
        if extended {
            if !data.isEmpty { bytes += [0x00, UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data }
            if let le {
                let value = le == 65536 ? 0 : le
                if data.isEmpty { bytes.append(0x00) }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
        } else {
            if !data.isEmpty { bytes += [UInt8(data.count)] + data }
            if let le { bytes.append(le == 256 ? 0x00 : UInt8(le)) }
        }
        return bytes
    }

    /// `00 A4 04 P2 Lc AID [Le]`.
    static func selectApplication(_ aid: [UInt8], p2: UInt8 = 0x0C, le: Int? = nil) -> [UInt8] {
        build(ins: 0xA4, p1: 0x04, p2: p2, data: aid, le: le)
    }

    /// `00 A4 02 0C 02 <EF>`.
    static func selectFile(_ id: UInt16) -> [UInt8] {
        build(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [UInt8(id >> 8), UInt8(id & 0xFF)])
    }

    /// `00 B0 <offset> <Le>`.
    static func readBinary(offset: Int, le: Int, extended: Bool = false) -> [UInt8] {
        build(ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), le: le, extended: extended)
    }

    /// `00 20 00 80 Lc <ASCII PIN>`, or the retry-counter query `00 20 00 80` when `pin` is nil.
    static func verify(_ pin: String?) -> [UInt8] {
        build(ins: 0x20, p1: 0x00, p2: 0x80, data: pin.map { Array($0.utf8) } ?? [])
    }

    /// `80 2A 00 80 Lc <DigestInfo> 00`.
    static func computeSignature(_ digestInfo: [UInt8]) -> [UInt8] {
        build(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80, data: digestInfo, le: 256)
    }
}

// MARK: - Fixtures

/// A fresh card with the default PINs (auth 1234, text 1234, signature ABC123).
func freshCard(_ profile: CardProfile = .contactless, person: FictitiousPerson = FictitiousPerson()) throws
    -> MyNumberCard
{
    try MyNumberCard(profile: profile, person: person)
}

/// Bytes of an InlineArray, for comparing and sending.
func array<let n: Int>(_ inline: InlineArray<n, UInt8>) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(n)
    for index in inline.indices { bytes.append(inline[index]) }
    return bytes
}

/// A small seeded generator (xorshift64*), so "random" inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
