import APDU
import CardTransport
import HexCoding
import Testing
import Traces

@Suite("Recording a channel")
struct RecordingTests {
    @Test("the recorder passes exchanges through and its drain writes a trace that replays them")
    func recordAndReplay() throws {
        var recorder = TraceRecordingChannel(InProcessChannel(card: ScriptedCard()))
        var writer = TraceWriter(header: testHeader())
        var response = APDUBuffer()
        let commands = ["00A4040C0AD392F000260100000001", "00B0000010", "002000800431323334", "00B0001010"].map(bytes)
        var seen: [[UInt8]] = []
        for iteration in 0..<3 {
            let challenge = [UInt8](repeating: UInt8(iteration), count: 32)
            recorder.beginIteration(number: iteration, mode: .warm, challenge: challenge.span)
            try recorder.connect()
            for command in commands {
                try recorder.transmitRaw(command.span, into: &response)
                if iteration == 0 { seen.append(response.copyBytes()) }
            }
            try recorder.disconnect(.leave)
            #expect(recorder.pendingEvents == 7)
            try recorder.drain(into: &writer)
            #expect(recorder.pendingEvents == 0)
        }
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.exchangeCount == 12)
        #expect(trace.iterationEventIndices.count == 3)
        #expect(trace.commandBytes(of: 4) == bytes("00200080042A2A2A2A"))
        #expect(trace.responseBytes(of: 3) == seen[1])
        #expect(trace.challenge(of: 7) == [UInt8](repeating: 1, count: 32))
        // Times grow; durations were measured.
        let times = trace.events.map(\.time)
        #expect(times == times.sorted())

        var replay = try TraceReplayChannel(trace: trace)
        for _ in 0..<3 {
            replay.beginIteration()
            try replay.connect()
            for (k, command) in commands.enumerated() {
                try replay.transmitRaw(command.span, into: &response)
                #expect(response.copyBytes() == seen[k])
            }
            try replay.disconnect(.leave)
        }
    }

    @Test("a failed exchange is recorded with its PC/SC code and an empty response")
    func failures() throws {
        var recorder = TraceRecordingChannel(InProcessChannel(card: ScriptedCard(removeOnINS: 0xB0)))
        var writer = TraceWriter(header: testHeader())
        var response = APDUBuffer()
        let read = bytes("00B0000010")
        #expect(throws: TransportError.self) { try recorder.transmitRaw(read.span, into: &response) }
        try recorder.drain(into: &writer)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.events[0].result == PCSCResult.removedCard)
        #expect(trace.responseBytes(of: 0).isEmpty)
    }

    @Test("when the storage fills, further events are dropped, counted, and noted in the trace")
    func storageFull() throws {
        var recorder = TraceRecordingChannel(InProcessChannel(card: ScriptedCard()), arenaBytes: 64, eventCapacity: 100)
        var writer = TraceWriter(header: testHeader())
        var response = APDUBuffer()
        let read = bytes("00B0000010")
        for _ in 0..<5 { try recorder.transmitRaw(read.span, into: &response) }
        #expect(recorder.droppedEvents == 3)
        try recorder.drain(into: &writer)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.exchangeCount == 2)
        #expect(trace.noteText(of: 2)?.contains("3 events") == true)
    }

    @Test("reconnects are recorded with their action")
    func reconnect() throws {
        var recorder = TraceRecordingChannel(InProcessChannel(card: ScriptedCard()))
        var writer = TraceWriter(header: testHeader())
        try recorder.reconnect(.unpower)
        try recorder.drain(into: &writer)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.events[0].kind == .reconnect && trace.events[0].action == .unpower && trace.events[0].hasDuration)
    }
}

@Suite("Personal data scrubbing")
struct ScrubberTests {
    static let textAID = "D3921000310001010408"
    static let myNumberRecord: [UInt8] = [0xFF, 0x10, 0x0C] + Array("987654321098".utf8) + [0xFF, 0xFF]

    static func basicFour() -> [UInt8] {
        let name = Array("山田　太郎".utf8), address = Array("大阪府大阪市北区一丁目".utf8)
        let fields: [[UInt8]] = [
            [0xDF, 0x22, UInt8(name.count)] + name, [0xDF, 0x23, UInt8(address.count)] + address,
            [0xDF, 0x24, 0x08] + Array("19751231".utf8), [0xDF, 0x25, 0x01, 0x31],
        ]
        let content: [UInt8] = [0xDF, 0x21, 0x08, 0, 0, 0, 0, 0, 0, 0, 0] + fields.flatMap { $0 }
        return [0xFF, 0x20, UInt8(content.count)] + content + [0xFF, 0xFF]
    }

    static func scrubbed(_ file: [UInt8], ef: String, chunks: [Int]) -> [UInt8] {
        var scrubber = PersonalDataScrubber()
        let ok = bytes("9000")
        let selectAP = bytes("00A4040C0A" + textAID), selectEF = bytes("00A4020C02" + ef)
        _ = scrubber.scrub(command: selectAP.span, response: ok.span)
        _ = scrubber.scrub(command: selectEF.span, response: ok.span)
        var result: [UInt8] = []
        var offset = 0
        for size in chunks {
            let read: [UInt8] = [0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), UInt8(size)]
            let response = Array(file[offset..<(offset + size)]) + [0x90, 0x00]
            let out = scrubber.scrub(command: read.span, response: response.span) ?? response
            #expect(out.count == response.count)
            result += out.dropLast(2)
            offset += size
        }
        return result
    }

    @Test("the My Number in EF 0001 becomes a fictitious number of the same length")
    func myNumber() {
        let out = Self.scrubbed(Self.myNumberRecord, ef: "0001", chunks: [Self.myNumberRecord.count])
        #expect(out == [0xFF, 0x10, 0x0C] + Array("123456789018".utf8) + [0xFF, 0xFF])
    }

    @Test("EF 0002 keeps its TLV shape with fictitious values, also when read in pieces")
    func basicFourItems() {
        let file = Self.basicFour()
        let whole = Self.scrubbed(file, ef: "0002", chunks: [file.count])
        let pieces = Self.scrubbed(file, ef: "0002", chunks: [4, 20, file.count - 24])
        #expect(whole == pieces)
        #expect(whole.count == file.count)
        let text = String(decoding: whole, as: UTF8.self)
        #expect(!text.contains("山田") && !text.contains("大阪") && !text.contains("1975"))
        #expect(text.contains("19800101"))
        // Tags and lengths stay where they were.
        for k in [0, 1, 2, 3, 4, 5] { #expect(whole[k] == file[k]) }
        let nameStart = 3 + 11
        #expect(Array(whole[nameStart..<(nameStart + 3)]) == Array(file[nameStart..<(nameStart + 3)]))
    }

    @Test("other applications' EF 0001 (the JPKI signature certificate) is left alone")
    func otherApplications() {
        var scrubber = PersonalDataScrubber()
        let ok = bytes("9000")
        _ = scrubber.scrub(command: bytes("00A4040C0AD392F000260100000001").span, response: ok.span)
        _ = scrubber.scrub(command: bytes("00A4020C020001").span, response: ok.span)
        let response = bytes("30820100" + "9000")
        #expect(scrubber.scrub(command: bytes("00B0000004").span, response: response.span) == nil)
    }

    @Test("a writer with a scrubber stores scrubbed responses and says so in the header")
    func writerScrubs() throws {
        var writer = TraceWriter(header: testHeader(), scrubber: PersonalDataScrubber())
        let ok = bytes("9000")
        try writer.transmit(time: 0, duration: 1, command: bytes("00A4040C0A" + Self.textAID).span, response: ok.span)
        try writer.transmit(time: 1, duration: 1, command: bytes("00A4020C020001").span, response: ok.span)
        let response = Self.myNumberRecord + [0x90, 0x00]
        try writer.transmit(time: 2, duration: 1, command: bytes("00B0000011").span, response: response.span)
        let trace = try Trace(parsing: writer.writtenBytes)
        #expect(trace.header.isRedacted(.personal))
        #expect(!text(writer.writtenBytes).contains(Hex.encode(Array("987654321098".utf8))))
        #expect(trace.responseBytes(of: 2).count == response.count)
    }
}
