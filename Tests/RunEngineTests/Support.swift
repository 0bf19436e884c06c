import APDU
import CardTransport
import Foundation
import ReadPath
import Results
import RunModel
import SimulatedCard
import Simulator
import Synchronization
import Testing

@testable import RunEngine

/// What the engine tests need: the simulated card in-process, wrapped in a channel that can be
/// told to fail as a real reader would (gone, stuck), for the faults the real stack cannot
/// produce on demand (a reader unplugged, hot-plug; the end-to-end suites cover the rest through
/// pcscd and vpcd).
struct ScriptedChannel: CardConnection {
    enum Trouble: Sendable {
        /// After this many exchanges, every exchange fails: the reader is gone.
        case readerGoneAfter(Int)
        /// After this many exchanges, the exchange blocks until the gate opens (a mute reader
        /// inside SCardTransmit, which nothing can interrupt).
        case stuckAfter(Int, Gate)
    }

    var inner: InProcessChannel<FaultyCard<MyNumberCard>>
    let trouble: Trouble?
    var exchanges = 0

    init(trouble: Trouble?) throws {
        inner = try makeInProcessChannel(SimulatorConfiguration())
        self.trouble = trouble
    }

    var atr: [UInt8] { inner.atr }
    var isConnected: Bool { inner.isConnected }
    mutating func connect() throws(TransportError) { try inner.connect() }
    mutating func disconnect(_ action: PowerAction) throws(TransportError) { try inner.disconnect(action) }
    mutating func reconnect(_ action: PowerAction) throws(TransportError) { try inner.reconnect(action) }

    mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        exchanges += 1
        switch trouble {
        case .readerGoneAfter(let limit) where exchanges > limit:
            throw TransportError(
                .readerUnavailable, "the reader went away", code: "SCARD_E_READER_UNAVAILABLE 0x80100017")
        case .stuckAfter(let limit, let gate) where exchanges > limit:
            gate.wait()
            throw TransportError(.other, "released after the test")
        default:
            try inner.transmitRaw(command, into: &response)
        }
    }
}

/// A gate a stuck exchange waits at until the test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open() { semaphore.signal() }
}

/// An endpoint over a ``ScriptedChannel``.
func scriptedEndpoint(_ name: String, trouble: ScriptedChannel.Trouble? = nil) -> ReaderEndpoint<ScriptedChannel> {
    ReaderEndpoint(
        name: name,
        makeChannel: { () throws(TransportError) -> ScriptedChannel in
            do { return try ScriptedChannel(trouble: trouble) } catch { throw TransportError(.other, "\(error)") }
        },
        describe: { _ in
            (
                ReaderInfo(name: name, identity: nil, modelKey: "name:\(name)", atr: nil),
                CardInfo(source: .simulatedInProcess, measures: "the simulated card in-process (engine tests)")
            )
        })
}

/// Collects what the engine reports.
final class RecordingObserver: RunObserver, Sendable {
    let joined = Mutex<[ReaderRecord]>([])
    let stops = Mutex<[Int: StopReason]>([:])
    let warnings = Mutex<[String]>([])

    func readerJoined(_ reader: ReaderRecord) { joined.withLock { $0.append(reader) } }
    func readerStopped(_ reader: Int, reason: StopReason, note: String) { stops.withLock { $0[reader] = reason } }
    func warning(_ message: String) { warnings.withLock { $0.append(message) } }
}

/// A pool writing to a fresh file; returns the pool and the file's path.
func makePool(
    _ plan: RunPlan, observer: any RunObserver = SilentObserver(), stop: @escaping @Sendable () -> Bool = { false }
) -> (ReaderPool, String) {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("readerbench-engine-\(UUID().uuidString).json").path
    let pool = ReaderPool(
        plan: plan,
        settings: ReaderPool.Settings(
            tool: ToolInfo(version: "test"), options: plan.options(pool: true),
            environment: Environment(os: nil, kernel: nil, machine: nil, cpu: nil, cpuCount: 1), outPath: path),
        observer: observer, stopRequested: stop)
    return (pool, path)
}

/// A quick plan of the visual scenario (no PIN, no signature).
func visualPlan(
    iterations: Int = 6, schedule: RunOptions.Schedule = .roundRobin, timeoutMilliseconds: Int = 10_000
) -> RunPlan {
    RunPlan(
        scenario: .visual, modes: [.warm], iterations: iterations, warmup: 1, timeoutMilliseconds: timeoutMilliseconds,
        schedule: schedule)
}
