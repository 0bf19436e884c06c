import APDU
import CardTransport
import Measurement
import Testing
import Traces

/// A duration the source did not record is unknown, not zero: scriptor records no times, and an
/// apdu4j exchange may lack its `# Nms` comment. Stored as 0, such a trace would show a table of
/// 0.000 ms and replay at infinite speed under "recorded" timing: numbers nobody measured.
@Suite("Durations the source did not record")
struct UnrecordedDurationTests {
    static func scriptorTrace() throws -> Trace {
        try TraceImport.scriptor(try Fixture.text("scriptor-output.txt"))
    }

    @Test("scriptor output imports with no duration on any exchange, and keeps none through a file")
    func scriptorHasNoDurations() throws {
        let trace = try Self.scriptorTrace()
        let transmits = trace.events.filter { $0.kind == .transmit }
        #expect(transmits.count == 4)
        #expect(transmits.allSatisfy { !$0.hasDuration })
        var writer = TraceWriter(header: trace.header)
        try writer.write(trace)
        let written = writer.writtenBytes
        #expect(!text(written).contains("\"d\":"))
        let loaded = try Trace(parsing: written)
        #expect(loaded.events.filter { $0.kind == .transmit }.allSatisfy { !$0.hasDuration })
    }

    @Test("an apdu4j exchange without a '# Nms' comment has no duration; the others keep theirs")
    func apdu4jWithoutComment() throws {
        let dump = "# ATR: 3B00\n00A4040C0AD392F000260100000001\n# 12ms\n9000\n00B0000004\n4A504B499000\n"
        let trace = try TraceImport.apdu4j(dump)
        #expect(trace.events[0].hasDuration && trace.events[0].duration == 12_000_000)
        #expect(!trace.events[1].hasDuration)
    }

    @Test("a transmit line without \"d\" loads as an exchange of unknown duration")
    func formatAllowsAbsentDuration() throws {
        let line = "{\"type\":\"transmit\",\"t\":0,\"c\":\"00A4040C\",\"r\":\"9000\",\"rv\":0}"
        let trace = try Trace(parsing: Array(testHeader().jsonLine()) + Array("\n\(line)\n".utf8))
        #expect(trace.exchangeCount == 1)
        #expect(!trace.events[0].hasDuration)
    }

    @Test("trace info of a trace without timing has no latency table and no span")
    func infoWithoutTiming() throws {
        let info = TraceInfo(try Self.scriptorTrace())
        #expect(info.exchanges == 4)
        #expect(info.latencies.isEmpty)
        #expect(info.untimedExchanges == 4)
        #expect(info.spanNanoseconds == nil)
    }

    @Test("trace info of a partly timed trace summarises only the recorded durations")
    func infoPartlyTimed() throws {
        let dump = "00A4040C0AD392F000260100000001\n# 12ms\n9000\n00A4040C0AD392F000260100000001\n9000\n"
        let info = TraceInfo(try TraceImport.apdu4j(dump))
        #expect(info.untimedExchanges == 1)
        let select = try #require(info.latencies.first)
        #expect(select.summary.count == 1 && select.summary.min == 12_000_000)
    }

    @Test("diff compares timing only where both traces recorded it")
    func diffWithoutTiming() throws {
        let trace = try Self.scriptorTrace()
        #expect(TraceDiff(trace, trace).timing.isEmpty)
    }

    static let timingModes: [ReplayTiming] = [.recorded, .scaled(2), .sampled(seed: 1)]

    @Test("replay refuses timing other than none for a trace with unrecorded durations", arguments: timingModes)
    func replayRefusesMissingTiming(_ timing: ReplayTiming) throws {
        let trace = try Self.scriptorTrace()
        let channelError = #expect(throws: TraceError.self) { try TraceReplayChannel(trace: trace, timing: timing) }
        #expect(channelError?.code == .missingDurations)
        let cardError = #expect(throws: TraceError.self) { try TraceCard(trace: trace, timing: timing) }
        #expect(cardError?.code == .missingDurations)
    }

    @Test("replay without timing serves a trace with unrecorded durations")
    func replayWithoutTiming() throws {
        var channel = try TraceReplayChannel(trace: try Self.scriptorTrace(), timing: .none)
        var response = APDUBuffer()
        let select = bytes("00A4040C0AD392F000260100000001")
        try channel.transmitRaw(select.span, into: &response)
        #expect(response.copyBytes() == bytes("9000"))
        _ = try TraceCard(trace: try Self.scriptorTrace(), timing: .none)
    }
}
