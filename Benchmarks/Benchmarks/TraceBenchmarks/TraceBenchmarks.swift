// Trace replay and loading. Replay with `none` timing is the harness's own cost per APDU (goal:
// 5 million APDUs a second on one core, no allocation); loading a million-exchange trace shows
// the loader's speed (MB/s = file size / wall clock) and that memory stays near the decoded
// bytes rather than a multiple of the file. CI gates on mallocCountTotal only (Thresholds/6.3/).

import APDU
import Benchmark
import CardTransport
import Foundation
import HexCoding
import Traces

// MARK: - A synthetic read path

/// One iteration's exchanges, shaped like the JPKI read path: SELECTs, a token read, certificate
/// reads of 256 bytes, a PIN check and a signature.
func readPathExchanges() -> [(command: [UInt8], response: [UInt8], duration: UInt64)] {
    func hex(_ text: String) -> [UInt8] { try! Hex.decode(text) }
    let block = [UInt8](repeating: 0x5A, count: 256) + [0x90, 0x00]
    return [
        (hex("00A4040C0AD392F000260100000001"), hex("9000"), 900_000),
        (hex("00A4020C020006"), hex("9000"), 700_000),
        (hex("00B0000014"), Array("JPKIAPICCTOKEN2     ".utf8) + [0x90, 0x00], 1_100_000),
        (hex("00A4020C02000A"), hex("9000"), 700_000),
        (hex("00B0000000"), block, 4_000_000),
        (hex("00B0010000"), block, 4_000_000),
        (hex("00B0020064"), [UInt8](repeating: 0x33, count: 100) + [0x90, 0x00], 2_000_000),
        (hex("00A4020C020018"), hex("9000"), 700_000),
        (hex("00200080042A2A2A2A"), hex("9000"), 3_000_000),
        (hex("00A4020C020017"), hex("9000"), 700_000),
        (hex("002A9E9A33" + String(repeating: "AB", count: 51) + "00"), block, 80_000_000),
    ]
}

/// A trace of `iterations` identical iterations (same challenge, so one command list replays).
func makeTrace(iterations: Int) -> Trace {
    let exchanges = readPathExchanges()
    var trace = Trace(
        header: TraceHeader(
            reader: .init(name: "Benchmark Reader", modelKey: "bench"), atr: [0x3B, 0x80, 0x80, 0x01, 0x01],
            synthetic: true))
    let challenge = [UInt8](repeating: 0x42, count: 32)
    var t: UInt64 = 0
    for k in 0..<iterations {
        trace.appendIteration(time: t, number: k, mode: .warm, challenge: challenge.span)
        trace.appendConnect(time: t)
        for exchange in exchanges {
            trace.appendTransmit(
                time: t, duration: exchange.duration, command: exchange.command.span, response: exchange.response.span)
            t += exchange.duration
        }
        trace.appendDisconnect(time: t, action: .leave)
    }
    return trace
}

/// Writes a trace of about `exchangeCount` exchanges to a temporary file; returns its path and size.
func writeLargeTrace(exchangeCount: Int) -> (path: String, bytes: Int) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("readerbench-trace-1M-\(getpid()).jsonl")
        .path
    let exchanges = readPathExchanges()
    let header = TraceHeader(
        reader: .init(name: "Benchmark Reader", modelKey: "bench"), atr: [0x3B, 0x80, 0x80, 0x01, 0x01], synthetic: true
    )
    var writer = try! TraceWriter(path: path, header: header)
    let challenge = [UInt8](repeating: 0x42, count: 32)
    var t: UInt64 = 0
    var written = 0
    var iteration = 0
    while written < exchangeCount {
        try! writer.iteration(time: t, number: iteration, mode: .warm, challenge: challenge.span)
        for exchange in exchanges where written < exchangeCount {
            try! writer.transmit(
                time: t, duration: exchange.duration, command: exchange.command.span, response: exchange.response.span)
            t += exchange.duration
            written += 1
        }
        iteration += 1
    }
    try! writer.close()
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    return (path, size)
}

/// The generated file, set by the load benchmark's setup.
enum LargeTrace {
    nonisolated(unsafe) static var file: (path: String, bytes: Int)?
}

// MARK: - Benchmarks

/// Whether event `index` of `trace` holds exactly `command` and `response` (the trace is a
/// parameter on purpose: the accessors' spans must outlive nothing they borrow).
@inline(never)
func sameBytes(_ trace: Trace, _ index: Int, _ command: [UInt8], _ response: [UInt8]) -> Bool {
    let c = trace.command(of: index)
    let r = trace.response(of: index)
    guard c.count == command.count, r.count == response.count else { return false }
    for k in c.indices where c[k] != command[k] { return false }
    for k in r.indices where r[k] != response[k] { return false }
    return true
}

/// Sums the first and last byte of an event's command and response.
@inline(never)
func eventChecksum(_ trace: Trace, _ index: Int) -> Int {
    let c = trace.command(of: index)
    let r = trace.response(of: index)
    return Int(c[0]) &+ Int(c[c.count - 1]) &+ Int(r[0]) &+ Int(r[r.count - 1])
}

let benchmarks: @Sendable () -> Void = {
    // One measured iteration = one APDU; 1000 per batch keeps the timer out of a sub-µs call.
    Benchmark(
        "Trace.replayNone",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 10,
            scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        let commands = readPathExchanges().map(\.command)
        var channel = try TraceReplayChannel(trace: makeTrace(iterations: 8))
        var response = APDUBuffer()
        var next = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            if next == 0 { channel.beginIteration() }
            let command = commands[next]
            let span = command.span
            try channel.transmitRaw(span, into: &response)
            next += 1
            if next == commands.count { next = 0 }
        }
        benchmark.stopMeasurement()
        blackHole(response.count)
    }

    // The event byte accessors in release mode, which the debug test suite cannot cover: a span
    // of the arena handed out through a Trace passed as a parameter (Trace.swift once built it
    // from a pointer that outlived `withUnsafeBufferPointer`). Every span is checked against the
    // bytes the trace was built from, so a miscompile fails the threshold run, and 0 allocations
    // per event are gated.
    Benchmark(
        "Trace.eventBytes",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 10,
            scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 10_000)
    ) { benchmark in
        let exchanges = readPathExchanges()
        let trace = makeTrace(iterations: 8)
        let transmits = trace.events.indices.filter { trace.events[$0].kind == .transmit }
        for (position, index) in transmits.enumerated() {
            let expected = exchanges[position % exchanges.count]
            guard sameBytes(trace, index, expected.command, expected.response) else {
                fatalError("Trace.command/response(of: \(index)) returned other bytes than were appended")
            }
        }
        var next = 0
        var checksum = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            checksum &+= eventChecksum(trace, transmits[next])
            next += 1
            if next == transmits.count { next = 0 }
        }
        benchmark.stopMeasurement()
        blackHole(checksum)
    }

    // Recording on the measured path: the recorder wraps a replay channel (itself allocation
    // free), so any allocation counted here is the recorder's. Storage is made before measuring.
    Benchmark(
        "Trace.recordReplay",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 10,
            scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 10_000)
    ) { benchmark in
        let commands = readPathExchanges().map(\.command)
        let replay = try TraceReplayChannel(trace: makeTrace(iterations: 8))
        var recorder = TraceRecordingChannel(replay, arenaBytes: 1 << 20, eventCapacity: 4_096)
        var response = APDUBuffer()
        var next = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            if next == 0 { recorder.base.beginIteration() }
            let command = commands[next]
            let span = command.span
            try recorder.transmitRaw(span, into: &response)
            next += 1
            if next == commands.count { next = 0 }
        }
        benchmark.stopMeasurement()
        blackHole(recorder.pendingEvents)
    }

    // The file is made once in setup (only in the process that runs this benchmark), outside
    // the measurement; each measured iteration loads it whole.
    Benchmark(
        "Trace.load1M",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal], timeUnits: .milliseconds,
            warmupIterations: 1,
            maxDuration: .seconds(30), maxIterations: 5,
            setup: {
                let file = writeLargeTrace(exchangeCount: 1_000_000)
                LargeTrace.file = file
                FileHandle.standardError.write(Data("Trace.load1M: \(file.path), \(file.bytes) bytes\n".utf8))
            },
            teardown: {
                if let path = LargeTrace.file?.path { try? FileManager.default.removeItem(atPath: path) }
            })
    ) { benchmark in
        guard let path = LargeTrace.file?.path else { return }
        let trace = try Trace.load(path: path)
        blackHole(trace.events.count)
        blackHole(trace.arena.count)
    }
}
