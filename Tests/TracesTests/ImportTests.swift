import APDU
import CardTransport
import HexCoding
import Measurement
import Testing
import Traces

@Suite("Importing pcsc-spy, apdu4j and scriptor logs")
struct ImportTests {
    @Test(
        "a real pcsc-spy 1.9.9 raw log imports with durations from entry and exit times",
        arguments: ["pcsc-spy-1.9.9.log", "pcsc-spy-5field.log"])
    func pcscSpy(_ name: String) throws {
        let text = try Fixture.text(name)
        #expect(TraceImport.detectFormat(text) == .pcscSpy)
        let trace = try TraceImport.pcscSpy(text)
        #expect(trace.header.reader.name == "Virtual PCD 00 01")
        #expect(trace.exchangeCount == 8)
        let transmits = trace.events.indices.filter { trace.events[$0].kind == .transmit }
        #expect(trace.commandBytes(of: transmits[0]) == bytes("00A4040C0AD392F000260100000001"))
        #expect(trace.responseBytes(of: transmits[2]) == Array("JPKIAPICCTOKEN2     ".utf8) + [0x90, 0x00])
        // 1795315005.860546 → .860873: 327 µs.
        #expect(trace.events[transmits[0]].duration == 327_000)
        #expect(trace.responseBytes(of: transmits[3]) == bytes("6A82"))
        // The transmit after SCardDisconnect failed with an invalid handle and has no response.
        #expect(trace.events[transmits[7]].result == PCSCResult.invalidHandle)
        #expect(trace.responseBytes(of: transmits[7]).isEmpty)
        let kinds = trace.events.map(\.kind)
        #expect(kinds.first == .iteration && kinds[1] == .connect)
        #expect(kinds.contains(.reconnect) && kinds.contains(.disconnect))
        #expect(trace.events.first { $0.kind == .reconnect }?.action == .reset)

        // The import replays.
        var channel = try TraceReplayChannel(trace: trace)
        var response = APDUBuffer()
        channel.beginIteration()
        try channel.connect()
        let select = bytes("00A4040C0AD392F000260100000001")
        try channel.transmitRaw(select.span, into: &response)
        #expect(response.copyBytes() == bytes("9000"))
    }

    @Test("every prefix of a pcsc-spy log imports the exchanges it holds in full, or fails naming a line")
    func pcscSpyPrefixes() throws {
        let text = Array(try Fixture.text("pcsc-spy-1.9.9.log").utf8)
        let whole = try TraceImport.pcscSpy(String(decoding: text, as: UTF8.self))
        let exchanges = Self.exchanges(whole)
        #expect(!exchanges.isEmpty)
        for length in 0...text.count {
            do {
                let trace = try TraceImport.pcscSpy(String(decoding: text[0..<length], as: UTF8.self))
                // What a cut log yields is the first exchanges of the whole, never a changed one.
                let found = Self.exchanges(trace)
                #expect(Array(exchanges.prefix(found.count)) == found, "prefix of \(length) bytes")
            } catch {
                // A log cut before its first call holds nothing to import; any other problem is on a line.
                let holdsACall = String(decoding: text[0..<length], as: UTF8.self).contains("|SCard")
                #expect(
                    error.line != nil || (error.code == .importFormat && !holdsACall),
                    "prefix of \(length) bytes: \(error)")
            }
        }
    }

    /// Command and response bytes of every transmit, in order.
    static func exchanges(_ trace: Trace) -> [[UInt8]] {
        trace.events.indices.filter { trace.events[$0].kind == .transmit }
            .map { trace.commandBytes(of: $0) + [0xFF] + trace.responseBytes(of: $0) }
    }

    @Test("pcsc-spy lines out of order fail with their line number")
    func pcscSpyErrors() throws {
        let exitFirst = "1@<|1|2|SCardTransmit|0x00000000\n"
        let error = #expect(throws: TraceError.self) { try TraceImport.pcscSpy(exitFirst) }
        #expect(error?.code == .importFormat && error?.line == 1)
        let badHex = "1@>|1|2|SCardTransmit\n1@0x1\n1@0x2\n1@0x10\n1@0x2\n1@00 GG\n1@<|1|3|SCardTransmit|0x00000000\n"
        let hexError = #expect(throws: TraceError.self) { try TraceImport.pcscSpy(badHex) }
        #expect(hexError?.code == .invalidHex && hexError?.line == 6)
        let verify =
            "1@>|1|2|SCardTransmit\n1@0x1\n1@0x2\n1@0x10\n1@0x00000009\n1@00 20 00 80 04 31 32 33 34 \n1@0x1\n1@0x10\n1@0x2\n1@90 00 \n1@<|1|9|SCardTransmit|0x00000000\n"
        let trace = try TraceImport.pcscSpy(verify)
        #expect(trace.commandBytes(of: 0) == bytes("00200080042A2A2A2A"))
        #expect(trace.events[0].duration == 7_000)
    }

    @Test("an apdu4j dump imports with millisecond durations, its ATR, and failures")
    func apdu4j() throws {
        let text = try Fixture.text("apdu4j.dump")
        #expect(TraceImport.detectFormat(text) == .apdu4j)
        let trace = try TraceImport.apdu4j(text)
        #expect(trace.header.atr == bytes("3B888001000000000000000009"))
        #expect(trace.header.protocolName == "T=1")
        #expect(trace.exchangeCount == 6)
        #expect(trace.events[0].duration == 12_000_000)
        #expect(trace.events[1].time == 12_000_000)
        #expect(trace.commandBytes(of: 3) == bytes("00200080042A2A2A2A00"))
        let failed = trace.events.firstIndex { $0.result != 0 }!
        #expect(trace.commandBytes(of: failed) == bytes("00A4020C027F7F"))
        #expect(trace.noteText(of: failed + 1) == "exchange failed: card removed")
    }

    @Test("an apdu4j dump that ends after a command fails with that line")
    func apdu4jTruncated() throws {
        let error = #expect(throws: TraceError.self) {
            try TraceImport.apdu4j("# ATR: 3B00\n00A4040C\n# 1ms\n9000\n00B00000\n")
        }
        #expect(error?.code == .truncatedLine && error?.line == 5)
    }

    @Test("scriptor output imports with responses; a script needs consent and is marked as without responses")
    func scriptor() throws {
        let output = try TraceImport.scriptor(try Fixture.text("scriptor-output.txt"))
        #expect(output.exchangeCount == 4)
        #expect(output.responseBytes(of: 2) == bytes("4A504B499000"))
        #expect(!output.header.responsesMissing)

        let script = try Fixture.text("scriptor-script.txt")
        let refused = #expect(throws: TraceError.self) { try TraceImport.scriptor(script) }
        #expect(refused?.code == .missingResponses)
        let trace = try TraceImport.scriptor(script, acceptMissingResponses: true)
        #expect(trace.header.responsesMissing)
        #expect(trace.events.first?.kind == .reconnect)
        #expect(trace.exchangeCount == 3)  // "exit" ends the script
        #expect(trace.commandBytes(of: 2) == bytes("00A4020C020006"))
        // It still writes and loads as a trace.
        var writer = TraceWriter(header: trace.header)
        try writer.write(trace)
        let loaded = try Trace(parsing: writer.writtenBytes)
        #expect(loaded.header.responsesMissing && loaded.exchangeCount == 3)
    }

    @Test("importFile reads and detects the format")
    func importFile() throws {
        let trace = try TraceImport.importFile(path: Fixture.path("pcsc-spy-1.9.9.log"))
        #expect(trace.exchangeCount == 8)
    }
}

@Suite("Trace info and diff")
struct InfoDiffTests {
    @Test("info counts events and summarises durations by command kind")
    func info() throws {
        let info = TraceInfo(try Trace(parsing: sampleTraceText()))
        #expect(info.exchanges == 8 && info.iterations == 2)
        #expect(info.eventCounts[.connect] == 2 && info.eventCounts[.disconnect] == 2)
        #expect(info.latencies.map(\.kind) == ["SELECT", "READ BINARY", "VERIFY", "COMPUTE DIGITAL SIGNATURE"])
        let read = info.latencies[1].summary
        #expect(read.count == 2 && read.min == 2_000 && read.max == 2_100)
    }

    @Test("diff finds the first differing command, response and the timing ratio per kind")
    func diff() throws {
        let a = try Trace(parsing: sampleTraceText())
        #expect(TraceDiff(a, a).sameExchanges)
        var b = Trace(header: a.header)
        for index in a.events.indices where a.events[index].kind == .transmit {
            var response = a.responseBytes(of: index)
            var command = a.commandBytes(of: index)
            if index == 3 { response = bytes("6A82") }
            if index == 10 { command = bytes("00B0000008") }
            b.appendTransmit(
                time: 0, duration: a.events[index].duration * 2, command: command.span, response: response.span)
        }
        let diff = TraceDiff(a, b)
        #expect(diff.firstResponseDifference?.exchange == 1)
        #expect(diff.firstResponseDifference?.hexB == "6A 82")
        #expect(diff.firstCommandDifference?.exchange == 5)
        #expect(diff.firstCommandDifference?.hexA == "00 B0 00 00 04")
        #expect(diff.timing.first { $0.kind == "SELECT" }?.ratio == 2)
    }
}
