// One APDU round trip through the real PC/SC stack: PCSCCard.transmit → libpcsclite → pcscd → vpcd → a card
// served in-process on a VPCDCardThread. The card answers SELECT JPKI AP with 9000 from a table, so what is
// measured is the client's path, which must allocate nothing per transmit (mallocCountTotal counts the whole
// process, the card thread included, so zero here means zero on both sides).
//
// PCSC.connectDisconnect times the read path's connect and disconnect phases: exactly SCardConnect and
// SCardDisconnect. ReaderBench allocates nothing there; libpcsclite 1.9.9 itself mallocs twice per SCardConnect
// (a strdup of the reader name and a node of its handle map, both freed by SCardDisconnect): a C loop under
// valgrind shows the same 2 per pair, so the threshold of 2 is the C library's, not ours.
//
// The card is served in-process so the benchmark needs nothing but the rig (scripts/virtual-reader start):
// CI's threshold check starts the rig before it, and a card process would be one more thing to start and stop.
// scripts/pcsc-bench-compare puts the card in a process of its own instead, so the C floor and the Swift loop
// see the very same card.
//
// Without the rig (pcscd down, or no "Virtual PCD 00 00") the benchmark is skipped, not failed.

import APDU
import Benchmark
import CardTransport
import PCSC
import VPCD

// MARK: - The rig

/// The reader the benchmark's card is served on (slot 0).
let benchmarkSlot = 0
let benchmarkReader = VPCDEndpoint.readerName(slot: benchmarkSlot)

/// SELECT JPKI AP by DF name, no response data: the first command of every My Number Card read.
let selectJPKI: [UInt8] = [0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]

/// Whether pcscd runs and lists the benchmark's reader; asked once, when benchmarks are registered.
func rigIsUp() -> Bool {
    guard let context = try? PCSCContext(), let names = try? context.readerNames() else { return false }
    return names.contains(benchmarkReader)
}

/// The served card, a context and a connection, with the buffers the measured loop reuses; made in the
/// benchmark's setup and released in its teardown.
final class TransmitSession: @unchecked Sendable {
    let server: VPCDCardThread<ScriptedCard>
    let context: PCSCContext
    let card: PCSCCard
    let command: APDUBuffer
    var response = APDUBuffer()

    init() throws {
        var scripted = ScriptedCard()
        scripted.script(selectJPKI, answer: [0x90, 0x00])
        server = try VPCDCardThread(
            card: scripted,
            configuration: VPCDServerConfiguration(endpoint: .slot(benchmarkSlot), giveUpConnectingAfter: .seconds(5)))
        context = try PCSCContext()
        card = try Self.connectWhenPresent(context, reader: benchmarkReader)
        var command = APDUBuffer()
        try command.assign(selectJPKI.span)
        self.command = command
        // One exchange outside the measurement: the card answers as scripted, or the benchmark stops here.
        try Self.send(card, self.command, &response)
        guard response.copyBytes() == [0x90, 0x00] else {
            throw BenchmarkRigError("the served card answered \(response.copyBytes()) to SELECT JPKI AP, not 9000")
        }
    }

    deinit {
        server.stop()
        _ = server.join()
    }

    /// Waits (up to 3 s) until the benchmark's reader shows no card: vpcd notices a card that
    /// left at its next 400 ms poll, and the next benchmark must not connect to a ghost.
    static func waitUntilEmpty() {
        guard let context = try? PCSCContext() else { return }
        var states = [ReaderState(name: benchmarkReader)]
        for _ in 0..<30 {
            guard (try? context.waitForChange(&states, timeout: .milliseconds(100))) != nil else { return }
            if !states[0].eventState.contains(.present) { return }
            states[0].acknowledge()
        }
    }

    /// Served card only, for benchmarks that open their own connections.
    static func serveOnly() throws -> VPCDCardThread<ScriptedCard> {
        var scripted = ScriptedCard()
        scripted.script(selectJPKI, answer: [0x90, 0x00])
        let server = try VPCDCardThread(
            card: scripted,
            configuration: VPCDServerConfiguration(endpoint: .slot(benchmarkSlot), giveUpConnectingAfter: .seconds(5)))
        let context = try PCSCContext()
        try connectWhenPresent(context, reader: benchmarkReader).disconnect(.leave)
        return server
    }

    /// Connects once vpcd has accepted the card (its presence poll runs every 400 ms).
    static func connectWhenPresent(_ context: borrowing PCSCContext, reader: String) throws -> PCSCCard {
        var states = [ReaderState(name: reader)]
        for _ in 0..<50 {
            if try context.waitForChange(&states, timeout: .milliseconds(100)),
                states[0].eventState.contains(.present)
            {
                return try context.connect(reader: reader, share: .exclusive)
            }
            states[0].acknowledge()
        }
        throw BenchmarkRigError(
            "the served card did not show up in \(reader) within 5 s; is slot \(benchmarkSlot) free?")
    }

    /// One measured exchange.
    @inline(__always)
    func transmit() throws(PCSCError) {
        try Self.send(card, command, &response)
    }

    /// The borrow of `command`'s span must end inside one function; a class property cannot lend it further.
    @inline(__always)
    static func send(_ card: borrowing PCSCCard, _ command: borrowing APDUBuffer, _ response: inout APDUBuffer)
        throws(PCSCError)
    {
        try card.transmit(command.span, into: &response)
    }
}

struct BenchmarkRigError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Benchmarks

nonisolated(unsafe) var session: TransmitSession?
nonisolated(unsafe) var servedOnly: VPCDCardThread<ScriptedCard>?

/// The read path's connect and disconnect phases exactly: `PCSCReaderChannel.connect()` (one
/// `SCardConnect`) and `disconnect(.leave)` (one `SCardDisconnect`), on a channel made once.
final class ConnectSession: @unchecked Sendable {
    var channel: PCSCReaderChannel
    init() throws { channel = try PCSCReaderChannel(readerName: benchmarkReader) }
}
nonisolated(unsafe) var connectSession: ConnectSession?

let benchmarks: @Sendable () -> Void = {
    let up = rigIsUp()
    if !up {
        print("PCSC.transmitSelect skipped: pcscd does not list '\(benchmarkReader)' (scripts/virtual-reader start)")
    }
    // One transmit per iteration, so the wall-clock percentiles read as per-APDU latency (compare the C floor,
    // scripts/pcsc-transmit-bench.c) and mallocCountTotal as allocations per transmit.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 200,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 20_000,
        skip: !up)

    Benchmark(
        "PCSC.transmitSelect", configuration: configuration,
        closure: { benchmark in
            guard let session else { fatalError("setup did not make the session") }
            for _ in benchmark.scaledIterations {
                try session.transmit()
            }
        },
        setup: { session = try TransmitSession() },
        teardown: {
            session = nil
            TransmitSession.waitUntilEmpty()
        })

    // The connect phase is SCardConnect and nothing else (no SCardStatus, no ATR array), and the
    // disconnect phase SCardDisconnect: mallocCountTotal per connect + disconnect pair.
    Benchmark(
        "PCSC.connectDisconnect", configuration: configuration,
        closure: { benchmark in
            guard let connectSession else { fatalError("setup did not make the channel") }
            for _ in benchmark.scaledIterations {
                try connectSession.channel.connect()
                try connectSession.channel.disconnect(.leave)
            }
        },
        setup: {
            servedOnly = try TransmitSession.serveOnly()
            connectSession = try ConnectSession()
        },
        teardown: {
            connectSession = nil
            servedOnly?.stop()
            _ = servedOnly?.join()
            servedOnly = nil
            TransmitSession.waitUntilEmpty()
        })
}
