import CardTransport
import Foundation
import Measurement
import ReadPath
import Results
import RigSupport
import RunModel
import Synchronization
import Testing

@testable import RunEngine

@Suite("The reader pool, in-process")
struct ReaderPoolTests {
    @Test(
        "three readers, each schedule: one document, every reader's iterations, completed",
        arguments: RunOptions.Schedule.allCases)
    func everyScheduleCompletes(schedule: RunOptions.Schedule) throws {
        let (pool, path) = makePool(visualPlan(iterations: 5, schedule: schedule))
        for name in ["A", "B", "C"] { pool.add(scriptedEndpoint(name), pin: nil) }
        let outcome = try pool.run()
        #expect(outcome.verdict == .passed)
        let file = try ResultFile.load(path)
        #expect(file.complete && file.header.version == 2)
        #expect(file.readers.map(\.reader.name).sorted() == ["A", "B", "C"])
        for reader in file.readers {
            #expect(file.iterations.filter { $0.reader == reader.id }.count == 6)
            #expect(file.summary?.reader(reader.id)?.warm?.succeeded == 5)
        }
        let order = file.iterations.map(\.reader)
        switch schedule {
        case .sequential:
            // One reader's whole part after another's.
            #expect(order == order.sorted())
        case .roundRobin:
            // No reader gets a second iteration before every reader had its first, and so on.
            for (position, iteration) in file.iterations.enumerated() {
                #expect(!file.iterations[..<position].contains { $0.index >= iteration.index + 2 })
            }
        case .parallel:
            break
        }
    }

    @Test("a reader that goes away ends its part as reader-gone, keeps its iterations; the others finish")
    func readerGone() throws {
        let observer = RecordingObserver()
        let (pool, path) = makePool(visualPlan(iterations: 5), observer: observer)
        pool.add(scriptedEndpoint("stays"), pin: nil)
        // The visual path sends 10 exchanges: three iterations, then the reader is gone.
        pool.add(scriptedEndpoint("leaves", trouble: .readerGoneAfter(30)), pin: nil)
        let outcome = try pool.run()
        guard case .environment(let why) = outcome.verdict else {
            Issue.record("verdict \(outcome.verdict)")
            return
        }
        #expect(why.contains("reader-gone"))
        let file = try ResultFile.load(path)
        let gone = try #require(file.readers.first { $0.reader.name == "leaves" })
        let stays = try #require(file.readers.first { $0.reader.name == "stays" })
        #expect(file.summary?.reader(gone.id)?.stopReason == .readerGone)
        #expect(file.summary?.reader(stays.id)?.stopReason == .completed)
        #expect(file.iterations.filter { $0.reader == gone.id && $0.ok }.count == 3)
        #expect(file.iterations.last { $0.reader == gone.id }?.failure?.cause == .readerGone)
        #expect(observer.stops.withLock { $0[gone.id] } == .readerGone)
    }

    @Test("a reader stuck in an exchange is abandoned by the watchdog; the run ends without it")
    func stuckReaderIsAbandoned() throws {
        let gate = Gate()
        defer { gate.open() }
        let (pool, path) = makePool(visualPlan(iterations: 4, schedule: .parallel, timeoutMilliseconds: 200))
        pool.add(scriptedEndpoint("fine"), pin: nil)
        pool.add(scriptedEndpoint("stuck", trouble: .stuckAfter(12, gate)), pin: nil)
        let outcome = try pool.run()
        let file = try ResultFile.load(path)
        #expect(file.complete)
        let stuck = try #require(file.readers.first { $0.reader.name == "stuck" })
        let fine = try #require(file.readers.first { $0.reader.name == "fine" })
        #expect(file.summary?.reader(stuck.id)?.stopReason == .timeout)
        #expect(file.summary?.reader(fine.id)?.warm?.succeeded == 4)
        let last = try #require(file.iterations.last { $0.reader == stuck.id })
        #expect(last.failure?.cause == .timeout)
        #expect(last.failure?.message.contains("abandoned") == true)
        if case .environment = outcome.verdict {} else { Issue.record("verdict \(outcome.verdict)") }
    }

    @Test("a reader added while the run is under way is announced in the file and measured")
    func lateReaderJoins() throws {
        let observer = RecordingObserver()
        let (pool, path) = makePool(
            RunPlan(
                scenario: .visual, modes: [.warm], iterations: 40, warmup: 0, intervalMilliseconds: 5,
                schedule: .parallel),
            observer: observer)
        pool.add(scriptedEndpoint("first"), pin: nil)
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<RunOutcome, RunEngineError>?>(nil)
        Thread {
            result.withLock { $0 = Result { () throws(RunEngineError) in try pool.run() } }
            done.signal()
        }.start()
        // Once the first reader is measuring, a second one is plugged in.
        // (A deadline of a minute bounds a hang on a loaded machine; it measures nothing.)
        for _ in 0..<6000 where observer.joined.withLock({ $0.isEmpty }) { Thread.sleep(forTimeInterval: 0.01) }
        pool.add(scriptedEndpoint("second"), pin: nil)
        done.wait()
        let outcome = try #require(result.withLock { $0 }).get()
        #expect(outcome.verdict == .passed)
        let file = try ResultFile.load(path)
        #expect(file.header.readers.map(\.reader.name) == ["first"])
        #expect(file.readers.map(\.reader.name) == ["first", "second"])
        #expect(file.iterations.filter { $0.reader == 1 }.count == 40)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"readerJoined\""))
    }

    @Test("hot-plug: a reader that appears in the reader list joins the run")
    func hotPlugJoins() throws {
        let (pool, path) = makePool(
            RunPlan(
                scenario: .visual, modes: [.warm], iterations: 30, warmup: 0, intervalMilliseconds: 5,
                schedule: .parallel))
        pool.add(scriptedEndpoint("A"), pin: nil)
        let listing = ScriptedListing(steps: [["A"], ["A", "B"]])
        pool.watchForNewReaders(
            endpoint: { scriptedEndpoint($0) }, pin: { _ in nil }, known: ["A"], listing: { listing })
        _ = try pool.run()
        let file = try ResultFile.load(path)
        #expect(file.readers.map(\.reader.name) == ["A", "B"])
        #expect(file.iterations.contains { $0.reader == 1 })
    }

    @Test("Ctrl-C stops every reader after its current iteration; the file is complete")
    func stopRequested() throws {
        let stop = Atomic<Bool>(false)
        let (pool, path) = makePool(
            RunPlan(scenario: .visual, modes: [.warm], iterations: 100_000, warmup: 0, schedule: .parallel),
            stop: { stop.load(ordering: .relaxed) })
        pool.add(scriptedEndpoint("A"), pin: nil)
        pool.add(scriptedEndpoint("B"), pin: nil)
        Thread {
            Thread.sleep(forTimeInterval: 0.3)
            stop.store(true, ordering: .relaxed)
        }.start()
        let outcome = try pool.run()
        #expect(outcome.summary.stopReason == .interrupted)
        #expect(outcome.verdict == .passed)
        let file = try ResultFile.load(path)
        #expect(file.complete)
        #expect(file.summary?.readers.allSatisfy { $0.stopReason == .interrupted } == true)
    }

    /// A reader that cannot be opened (gone before the run starts).
    static var unopenable: ReaderEndpoint<ScriptedChannel> {
        ReaderEndpoint<ScriptedChannel>(
            name: "broken",
            makeChannel: { () throws(TransportError) -> ScriptedChannel in
                throw TransportError(.readerUnavailable, "gone")
            },
            describe: { _ in fatalError("never described") })
    }

    @Test("no reader that opens is an error, and the file is not created")
    func noReaderOpens() throws {
        let (pool, path) = makePool(visualPlan())
        pool.add(Self.unopenable, pin: nil)
        let error = #expect(throws: RunEngineError.self) { try pool.run() }
        #expect(error?.code == .noReader)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// The pool and its workers hold each other while a run goes; a run that ends, returned or
    /// thrown, lets go of them. LeakSanitizer found the cycle left behind when no reader opened.
    @Test("a pool is freed once its run ends, thrown or returned", arguments: [false, true])
    func poolFreedAfterRun(readerOpens: Bool) throws {
        weak var released: ReaderPool?
        do {
            let (pool, path) = makePool(visualPlan(iterations: 2))
            defer { try? FileManager.default.removeItem(atPath: path) }
            released = pool
            if readerOpens {
                pool.add(scriptedEndpoint("A"), pin: nil)
                _ = try pool.run()
            } else {
                pool.add(Self.unopenable, pin: nil)
                #expect(throws: RunEngineError.self) { try pool.run() }
            }
        }
        // A worker's thread may still be returning; it lets go of the pool when it ends.
        #expect(Poll.until { released == nil })
    }
}

/// A reader list that changes as scripted, one step per wait.
final class ScriptedListing: ReaderListing, @unchecked Sendable {
    private var steps: [[String]]
    private var current: [String]
    let cancel: @Sendable () -> Void = {}

    init(steps: [[String]]) {
        self.steps = steps
        current = steps.first ?? []
    }

    func waitForChange(timeout: Duration) -> Bool? {
        Thread.sleep(forTimeInterval: 0.05)
        guard steps.count > 1 else { return false }
        steps.removeFirst()
        current = steps[0]
        return true
    }

    func names() -> [String]? { current }
}

@Suite("Run verdicts")
struct VerdictTests {
    func outcome(_ readers: [(StopReason, Int, Int)], allowed: Double = 0) -> RunOutcome {
        let labels = SampleLabels(phases: [], apduKinds: [], steps: [])
        let header = ResultHeader(
            tool: ToolInfo(version: "test"), createdAt: "",
            run: RunOptions(
                scenario: "visual", iterations: 1, warmup: 0, modes: [.warm], intervalMilliseconds: 0,
                timeoutMilliseconds: 1, readStrategy: ReadStrategy()),
            environment: Environment(os: nil, kernel: nil, machine: nil, cpu: nil, cpuCount: 1), readers: [],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 1), labels: labels)
        let summaries = readers.enumerated().map { id, reader in
            ReaderSummary(
                reader: id,
                warm: ModeSummary(
                    iterations: reader.1, succeeded: reader.1 - reader.2, failuresByCause: ["pcsc": reader.2],
                    total: nil,
                    phases: [], apduKinds: []),
                cold: nil, stopReason: reader.0, note: "")
        }
        return RunOutcome(
            header: header, summary: RunSummary(readers: summaries, stopReason: .completed, note: ""),
            maxFailureRate: allowed)
    }

    @Test("PIN safety outranks a reader that could not finish, which outranks failed iterations")
    func order() {
        #expect(outcome([(.completed, 10, 0)]).verdict == .passed)
        #expect(outcome([(.completed, 10, 1)]).verdict == .iterationsFailed(failed: 1, of: 10))
        #expect(outcome([(.completed, 10, 1)], allowed: 0.1).verdict == .passed)
        #expect(outcome([(.completed, 10, 2)], allowed: 0.1).verdict == .iterationsFailed(failed: 2, of: 10))
        if case .environment = outcome([(.readerGone, 10, 1), (.completed, 10, 5)]).verdict {
        } else {
            Issue.record("reader gone")
        }
        if case .pinStopped = outcome([(.timeout, 10, 1), (.pinStopped, 1, 1)]).verdict {} else { Issue.record("PIN") }
        #expect(outcome([(.interrupted, 3, 0)]).verdict == .passed)
    }
}
