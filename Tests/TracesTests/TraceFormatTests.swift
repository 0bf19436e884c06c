import APDU
import Foundation
import CardTransport
import HexCoding
import Testing
import Traces

@Suite("Trace format v1: writing and loading")
struct TraceFormatTests {
    @Test("a written trace loads back with the same header, events and bytes")
    func roundTrip() throws {
        let trace = try Trace(parsing: sampleTraceText())
        #expect(trace.header.reader.name == "Test Reader 00 00")
        #expect(trace.header.atr == [0x3B, 0x80, 0x80, 0x01, 0x01])
        #expect(trace.header.redacted == ["pin"])
        #expect(trace.header.synthetic)
        #expect(trace.events.count == 14)
        #expect(trace.exchangeCount == 8)
        let select = trace.events[2]
        #expect(select.kind == .transmit && select.duration == 1_000 && select.time == 10_000)
        #expect(trace.commandBytes(of: 2) == bytes("00A4040C0AD392F000260100000001"))
        #expect(trace.responseBytes(of: 3) == bytes("010203049000"))
        #expect(trace.events[0].mode == .cold && trace.events[0].iterationNumber == 0)
        #expect(trace.challenge(of: 0) == Array(repeating: 0x11, count: 32))
        #expect(trace.events[1].kind == .connect && trace.events[1].duration == 500)
        #expect(trace.events[6].action == .leave)

        // Written again, the text is the same.
        var writer = TraceWriter(header: trace.header)
        try writer.write(trace)
        #expect(writer.writtenBytes == sampleTraceText())
    }

    @Test("PIN bytes are redacted on the way into the file, keeping their length")
    func pinRedaction() throws {
        let text = text(sampleTraceText())
        #expect(!text.contains("31323334"))
        #expect(text.contains("\"c\":\"00200080042A2A2A2A\""))
    }

    @Test("an unredacted writer says so in the header")
    func noRedaction() throws {
        var writer = TraceWriter(header: testHeader(), redactPINs: false)
        let verify = bytes("002000800431323334"), ok = bytes("9000")
        try writer.transmit(time: 0, duration: 1, command: verify.span, response: ok.span)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(!trace.header.isRedacted(.pin))
        #expect(trace.commandBytes(of: 0) == verify)
    }

    @Test("key order and whitespace do not matter; unknown fields are ignored")
    func tolerantScanner() throws {
        var lines = Array(testHeader().jsonLine())
        lines += Array(
            "\n  { \"rv\" : 0 , \"future\": {\"a\":[1,2,{\"b\":null}]}, \"r\":\"90 00\",\"c\":\"00a4040c\", \"d\":5,\"t\":7,\"type\":\"transmit\" }  \r\n\n"
                .utf8)
        let trace = try Trace(parsing: lines)
        #expect(trace.events.count == 1)
        #expect(trace.commandBytes(of: 0) == [0x00, 0xA4, 0x04, 0x0C])
        #expect(trace.events[0].time == 7 && trace.events[0].duration == 5)
    }

    @Test("a trace whose last line has no newline still loads")
    func noFinalNewline() throws {
        var text = sampleTraceText()
        text.removeLast()
        #expect(try Trace(parsing: text).events.count == 14)
    }

    @Test("unknown event types fail strict loading with the line number and are skipped on request")
    func unknownEventTypes() throws {
        var text = Array(testHeader().jsonLine()) + [0x0A]
        text += Array("{\"type\":\"teleport\",\"t\":1}\n".utf8)
        let error = #expect(throws: TraceError.self) { try Trace(parsing: text) }
        #expect(error?.code == .unknownEventType && error?.line == 2)
        let skipped = try Trace(parsing: text, options: TraceLoadOptions(unknownEvents: .skip))
        #expect(skipped.events.isEmpty)
    }

    /// Each case: a line after a valid header, the expected code.
    static let badLines: [(String, TraceError.Code)] = [
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4", .truncatedLine),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0", .truncatedLine),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00G4\",\"r\":\"9000\",\"rv\":0}", .invalidHex),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A\",\"r\":\"9000\",\"rv\":0}", .invalidHex),
        ("{\"type\":\"transmit\",\"t\":-1,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}", .outOfRange),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":-2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}", .outOfRange),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":3600000000001,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}", .outOfRange),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\"}", .missingField),
        ("{\"type\":\"transmit\",\"t\":\"1\",\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}", .wrongType),
        ("{\"type\":\"transmit\",\"t\":1.5,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}", .wrongType),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":42,\"r\":\"9000\",\"rv\":0}", .wrongType),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":2148532329}", .invalidValue),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4\",\"r\":\"90\",\"rv\":0}", .invalidValue),
        ("{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0,\"t\":3}", .invalidJSON),
        ("{\"type\":\"transmit\",\"t\":1} trailing", .invalidJSON),
        ("{\"type\":\"reconnect\",\"t\":1,\"action\":\"eject\"}", .invalidValue),
        ("{\"type\":\"iteration\",\"t\":1,\"index\":0}", .missingField),
        ("{\"type\":\"header\",\"format\":\"readerbench-trace\",\"version\":1}", .misplacedHeader),
        ("{\"t\":1}", .missingField),
        ("[1,2]", .invalidJSON),
        (
            "{\"type\":\"transmit\",\"t\":99999999999999999999,\"d\":2,\"c\":\"00A4\",\"r\":\"9000\",\"rv\":0}",
            .outOfRange
        ),
    ]

    @Test("broken event lines fail with their code and line number", arguments: 0..<TraceFormatTests.badLines.count)
    func badEventLines(_ index: Int) throws {
        let (line, code) = Self.badLines[index]
        let text = Array(testHeader().jsonLine()) + Array("\n{\"type\":\"connect\",\"t\":0}\n\(line)\n".utf8)
        let error = #expect(throws: TraceError.self) { try Trace(parsing: text) }
        #expect(error?.code == code, "\(line): \(String(describing: error))")
        #expect(error?.line == 3)
    }

    @Test("an oversized command is refused")
    func oversizedCommand() throws {
        let command = String(repeating: "00", count: TraceLimits.maximumCommandBytes + 1)
        let text =
            Array(testHeader().jsonLine())
            + Array("\n{\"type\":\"transmit\",\"t\":1,\"d\":2,\"c\":\"\(command)\",\"r\":\"9000\",\"rv\":0}\n".utf8)
        let error = #expect(throws: TraceError.self) { try Trace(parsing: text) }
        #expect(error?.code == .oversized && error?.line == 2)
    }

    @Test("headers of other formats and versions, and events before the header, are refused")
    func badHeaders() throws {
        let wrongFormat = Array("{\"type\":\"header\",\"format\":\"other\",\"version\":1}\n".utf8)
        #expect(throws: TraceError.self) { try Trace(parsing: wrongFormat) }
        #expect((try? Trace(parsing: wrongFormat)) == nil)
        let codes: [([UInt8], TraceError.Code)] = [
            (wrongFormat, .unknownFormat),
            (
                Array(
                    text(testHeader().jsonLine()).replacingOccurrences(of: "\"version\":1", with: "\"version\":2").utf8),
                .unsupportedVersion
            ),
            (Array("{\"type\":\"connect\",\"t\":0}\n".utf8), .misplacedHeader),
            (
                Array(text(testHeader().jsonLine()).replacingOccurrences(of: "\"synthetic\":true,", with: "").utf8),
                .missingField
            ),
            (
                Array(
                    text(testHeader().jsonLine()).replacingOccurrences(
                        of: "\"atr\":\"3B80800101\"", with: "\"atr\":\"3B8\""
                    ).utf8), .invalidHex
            ),
            ([], .missingHeader),
        ]
        for (input, code) in codes {
            let error = #expect(throws: TraceError.self) { try Trace(parsing: input) }
            #expect(error?.code == code)
        }
    }

    @Test("every prefix of a trace either loads a shorter trace or fails, and a cut inside a line fails")
    func everyPrefix() throws {
        let full = sampleTraceText()
        let lineEnds = Set(full.indices.filter { full[$0] == 0x0A })
        var loaded = 0
        for length in 0..<full.count {
            let prefix = Array(full[0..<length])
            let cutInsideLine = length > 0 && !lineEnds.contains(length - 1) && !lineEnds.contains(length)
            do {
                let trace = try Trace(parsing: prefix)
                #expect(trace.events.count <= 14)
                #expect(!cutInsideLine || full[length - 1] == 0x7D, "prefix of \(length) bytes loaded")
                loaded += 1
            } catch {
                if length > 0 { #expect(error.line != nil) }
            }
        }
        #expect(loaded >= 14)
    }

    @Test("random mutations never crash the loader")
    func mutations() throws {
        let full = sampleTraceText()
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("{}[]\":,0123456789-.eEabcdefABCDEF xtrnul\\\n".utf8)
        for _ in 0..<3_000 {
            var mutated = full
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[position] = alphabet.randomElement(using: &generator)!
                case 1: mutated.remove(at: position)
                default: mutated.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
            }
            do {
                let trace = try Trace(parsing: mutated)
                // A mutation the loader accepts still yields at most one event per line.
                let lines = mutated.split(separator: 0x0A, omittingEmptySubsequences: true).count
                #expect(trace.events.count < lines)
            } catch {
                // A rejection names the line (1-based) it found the problem on.
                let lines = mutated.split(separator: 0x0A, omittingEmptySubsequences: false).count
                if !mutated.isEmpty {
                    #expect(error.line.map { (1...lines).contains($0) } == true, "\(error)")
                }
            }
        }
    }

    @Test("a trace file loads from disk, and errors name the line")
    func loadFromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "trace-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            var writer = try TraceWriter(path: path, header: testHeader())
            try writer.write(try Trace(parsing: sampleTraceText()))
            try writer.close()
        }
        let trace = try Trace.load(path: path)
        #expect(trace.exchangeCount == 8)
        let missing = #expect(throws: TraceError.self) { try Trace.load(path: path + ".missing") }
        #expect(missing?.code == .io)
    }

    @Test("notes keep their text, escapes included")
    func notes() throws {
        var writer = TraceWriter(header: testHeader())
        try writer.note("line \"one\"\nline 2 — 試験", time: 5)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.noteText(of: 0) == "line \"one\"\nline 2 — 試験")
    }
}

/// A deterministic generator for the mutation test.
struct SeededGenerator: RandomNumberGenerator {
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

@Suite("Span access to a trace's bytes")
struct SpanAccessTests {
    static func compare(_ trace: Trace) -> Int {
        var checked = 0
        for index in trace.events.indices where trace.events[index].kind == .transmit {
            let command = trace.command(of: index)
            let response = trace.response(of: index)
            var c: [UInt8] = []
            for k in command.indices { c.append(command[k]) }
            var r: [UInt8] = []
            for k in response.indices { r.append(response[k]) }
            if c == trace.commandBytes(of: index) && r == trace.responseBytes(of: index) { checked += 1 }
        }
        return checked
    }

    @Test("command(of:) and response(of:) show the same bytes as the copying accessors")
    func spansMatchCopies() throws {
        let trace = try Trace(parsing: sampleTraceText())
        #expect(Self.compare(trace) == 8)
        let imported = try TraceImport.pcscSpy(try Fixture.text("pcsc-spy-1.9.9.log"))
        #expect(Self.compare(imported) == 8)
    }
}
