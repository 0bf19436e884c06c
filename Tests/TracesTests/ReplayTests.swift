import APDU
import CardTransport
import HexCoding
import Testing
import Traces

@Suite("Replay from a trace")
struct ReplayTests {
    static func trace() -> Trace { try! Trace(parsing: sampleTraceText()) }

    /// Sends the sample trace's commands for `iteration`, with `pin` in VERIFY.
    static func runIteration(
        _ channel: inout TraceReplayChannel, pin: String = "9999", challenge: [UInt8]? = nil
    ) throws(TransportError) -> [[UInt8]] {
        var responses: [[UInt8]] = []
        var response = APDUBuffer()
        try channel.connect()
        let sign = "002A9E9A03" + Hex.encode((challenge ?? channel.currentChallenge ?? []).prefix(3)) + "00"
        for hex in ["00A4040C0AD392F000260100000001", "00B0000004", "0020008004" + Hex.encode(Array(pin.utf8)), sign] {
            let command = bytes(hex)
            try channel.transmitRaw(command.span, into: &response)
            responses.append(response.copyBytes())
        }
        try channel.disconnect(.leave)
        return responses
    }

    @Test("strict replay answers the recorded responses, any PIN matching the redacted bytes")
    func strictReplay() throws {
        var channel = try TraceReplayChannel(trace: Self.trace())
        #expect(channel.atr == [0x3B, 0x80, 0x80, 0x01, 0x01])
        channel.beginIteration()
        #expect(channel.currentChallenge == Array(repeating: 0x11, count: 32))
        #expect(channel.currentIterationMode == .cold)
        let responses = try Self.runIteration(&channel)
        #expect(responses == [bytes("9000"), bytes("010203049000"), bytes("9000"), bytes("AABB9000")])
        #expect(!channel.isConnected)
    }

    @Test("replay loops over the iterations, each with its own challenge")
    func loops() throws {
        var channel = try TraceReplayChannel(trace: Self.trace())
        var challenges: [[UInt8]?] = []
        for _ in 0..<5 {
            channel.beginIteration()
            challenges.append(channel.currentChallenge)
            _ = try Self.runIteration(&channel)
        }
        let one = Array(repeating: UInt8(0x11), count: 32), two = Array(repeating: UInt8(0x22), count: 32)
        #expect(challenges == [one, two, one, two, one])
        #expect(channel.iterationCount == 2)
    }

    @Test("without beginIteration, replay moves on when an iteration runs out")
    func automaticIterations() throws {
        var channel = try TraceReplayChannel(trace: Self.trace())
        _ = try Self.runIteration(&channel, challenge: Array(repeating: 0x11, count: 32))
        _ = try Self.runIteration(&channel, challenge: Array(repeating: 0x22, count: 32))
        _ = try Self.runIteration(&channel, challenge: Array(repeating: 0x11, count: 32))
    }

    @Test("a different command fails strict replay, naming the event and showing both commands with the PIN redacted")
    func mismatch() throws {
        var channel = try TraceReplayChannel(trace: Self.trace())
        channel.beginIteration()
        var response = APDUBuffer()
        let select = bytes("00A4040C0AD392F000260100000001")
        try channel.transmitRaw(select.span, into: &response)
        let wrong = bytes("00B0000008")
        let error = #expect(throws: TransportError.self) { try channel.transmitRaw(wrong.span, into: &response) }
        #expect(error?.kind == .replayMismatch)
        #expect(error?.message.contains("event 3") == true)
        #expect(error?.message.contains("exchange 2") == true)
        #expect(error?.message.contains("00 B0 00 00 08") == true)
        #expect(error?.message.contains("00 B0 00 00 04") == true)

        // A wrong VERIFY shows no PIN.
        var other = try TraceReplayChannel(trace: Self.trace())
        other.beginIteration()
        let verify = bytes("002000800531323334")  // one digit more than recorded
        let pinError = #expect(throws: TransportError.self) { try other.transmitRaw(verify.span, into: &response) }
        #expect(pinError?.message.contains("31 32 33 34") == false)
        #expect(pinError?.message.contains("2A 2A 2A 2A") == true)
    }

    @Test("lenient replay matches by kind and searches forward within the iteration")
    func lenient() throws {
        var channel = try TraceReplayChannel(trace: Self.trace(), matching: .lenient)
        channel.beginIteration()
        var response = APDUBuffer()
        // Skip the SELECT; READ BINARY with another Le still matches by offset.
        let read = bytes("00B00000FF")
        try channel.transmitRaw(read.span, into: &response)
        #expect(response.copyBytes() == bytes("010203049000"))
        let sign = bytes("002A9E9A03FFFFFF00")
        try channel.transmitRaw(sign.span, into: &response)
        #expect(response.copyBytes() == bytes("AABB9000"))
        // Nothing SELECT-like is left in this iteration.
        let select = bytes("00A4040C0AD392F000260100000001")
        #expect(throws: TransportError.self) { try channel.transmitRaw(select.span, into: &response) }
    }

    @Test("lenient replay answers a recorded command shorter than a header when sent byte for byte (fuzz finding)")
    func lenientShortCommand() throws {
        var writer = TraceWriter(header: testHeader())
        try writer.transmit(time: 0, duration: 1, command: bytes("00").span, response: bytes("6D00").span)
        try writer.transmit(time: 1, duration: 1, command: bytes("00A4").span, response: bytes("6700").span)
        var channel = try TraceReplayChannel(trace: try Trace(parsing: writer.writtenBytes), matching: .lenient)
        var response = APDUBuffer()
        for (hex, answer) in [("00", "6D00"), ("00A4", "6700")] {
            let command = bytes(hex)
            try channel.transmitRaw(command.span, into: &response)
            #expect(Hex.encode(response.copyBytes()) == answer)
        }
        // Another short command is still a mismatch.
        let other = bytes("01")
        #expect(throws: TransportError.self) { try channel.transmitRaw(other.span, into: &response) }
    }

    @Test("a recorded failure fails the same way on replay")
    func recordedFailure() throws {
        var trace = Trace(header: testHeader())
        let select = bytes("00A4040C0AD392F000260100000001")
        trace.appendTransmit(time: 0, duration: 10, command: select.span, response: Span<UInt8>(), result: PCSCResult.removedCard)
        var channel = try TraceReplayChannel(trace: trace)
        var response = APDUBuffer()
        let error = #expect(throws: TransportError.self) { try channel.transmitRaw(select.span, into: &response) }
        #expect(error?.kind == .cardRemoved)
        #expect(error?.code == "SCARD_W_REMOVED_CARD (0x80100069)")
    }

    @Test("a trace without responses is refused unless accepted, and then its exchanges fail")
    func missingResponses() throws {
        let trace = try TraceImport.scriptor(try Fixture.text("scriptor-script.txt"), acceptMissingResponses: true)
        let error = #expect(throws: TraceError.self) { try TraceReplayChannel(trace: trace) }
        #expect(error?.code == .missingResponses)
        var channel = try TraceReplayChannel(trace: trace, acceptMissingResponses: true)
        var response = APDUBuffer()
        let select = bytes("00A4040C0AD392F000260100000001")
        #expect(throws: TransportError.self) { try channel.transmitRaw(select.span, into: &response) }
    }

    @Test("connect and disconnect succeed whether or not the trace has them")
    func powerEventsOptional() throws {
        var trace = Trace(header: testHeader())
        let select = bytes("00A4040C0AD392F000260100000001"), ok = bytes("9000")
        trace.appendTransmit(time: 0, duration: 10, command: select.span, response: ok.span)
        var channel = try TraceReplayChannel(trace: trace)
        try channel.connect()
        try channel.reconnect(.reset)
        var response = APDUBuffer()
        try channel.transmitRaw(select.span, into: &response)
        try channel.disconnect(.unpower)
        #expect(channel.servedExchanges == 1)
    }

    @Test("recorded timing replays durations, at least as long as recorded")
    func recordedTimingIsNotShorter() throws {
        // Not a timing measurement: only that replay never returns before the recorded
        // duration (50 µs for the sign step), which holds on any machine.
        var channel = try TraceReplayChannel(trace: Self.trace(), timing: .scaled(2))
        channel.beginIteration()
        var response = APDUBuffer()
        try channel.connect()
        let select = bytes("00A4040C0AD392F000260100000001")
        let start = ContinuousClock.now
        try channel.transmitRaw(select.span, into: &response)
        #expect(ContinuousClock.now - start >= .nanoseconds(2_000))
    }

    @Test("TraceCard answers through the VirtualCard protocol and reports the recorded duration")
    func traceCard() throws {
        var card = try TraceCard(trace: Self.trace(), timing: .recorded)
        var storage = [UInt8](repeating: 0, count: 300)
        let select = bytes("00A4040C0AD392F000260100000001")
        let answered: [UInt8] = storage.withUnsafeMutableBufferPointer { buffer in
            var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
            let action = card.respond(to: select.span, into: &out)
            #expect(action == .respond)
            let count = out.finalize(for: buffer)
            return Array(buffer[0..<count])
        }
        #expect(answered == bytes("9000"))
        #expect(card.lastRecordedDurationNanoseconds == 1_000)
        let wrong = bytes("00CA000000")
        let mismatch: [UInt8] = storage.withUnsafeMutableBufferPointer { buffer in
            var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
            _ = card.respond(to: wrong.span, into: &out)
            let count = out.finalize(for: buffer)
            return Array(buffer[0..<count])
        }
        #expect(mismatch == bytes("6F00"))
        #expect(card.mismatchCount == 1)
        #expect(card.lastMismatch?.kind == .replayMismatch)
    }

    @Test("sampled timing draws the same sequence for the same seed")
    func sampledIsSeeded() throws {
        func durations(seed: UInt64) throws -> [UInt64] {
            var card = try TraceCard(trace: Self.trace(), matching: .lenient, timing: .sampled(seed: seed))
            var result: [UInt64] = []
            var storage = [UInt8](repeating: 0, count: 300)
            for _ in 0..<6 {
                for hex in ["00A4040C0AD392F000260100000001", "00B0000004"] {
                    let command = bytes(hex)
                    storage.withUnsafeMutableBufferPointer { buffer in
                        var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
                        _ = card.respond(to: command.span, into: &out)
                        _ = out.finalize(for: buffer)
                    }
                    result.append(card.lastRecordedDurationNanoseconds)
                }
                // Skip to the next iteration's exchanges by sending them in order.
                for hex in ["002000800431323334"] {
                    let command = bytes(hex)
                    storage.withUnsafeMutableBufferPointer { buffer in
                        var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
                        _ = card.respond(to: command.span, into: &out)
                        _ = out.finalize(for: buffer)
                    }
                }
            }
            return result
        }
        let a = try durations(seed: 7), b = try durations(seed: 7)
        #expect(a == b)
        // READ BINARY at offset 0 was recorded as 2000 and 2100 ns: samples come from those.
        for (k, value) in a.enumerated() where k % 2 == 1 { #expect(value == 2_000 || value == 2_100) }
    }
}
