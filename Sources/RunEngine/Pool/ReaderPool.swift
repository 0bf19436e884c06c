import CardCrypto
import CardTransport
import Foundation
import Measurement
import PCSC
import ReadPath
import Results
import RunModel

/// A run on one reader or many: one worker thread per reader, all under the same plan, results
/// in one document, and a reader that fails costing only its own iterations.
///
/// The life of a run:
/// 1. ``add(_:pin:)`` each reader (or ``addReaders(watchingForMore:)`` for `--readers all`);
/// 2. ``run()`` starts the workers; each opens and describes its reader on its own thread;
/// 3. the header (every reader, the host calibration) is written, then all start together;
/// 4. workers run their iterations in the plan's schedule; the watchdog abandons a worker stuck
///    in an exchange and the others go on; readers plugged in later join;
/// 5. when every worker has ended, the summary is written and the outcome returned.
public final class ReaderPool: WorkerCoordinator, @unchecked Sendable {
    /// What the run records about itself beyond the readers.
    public struct Settings: Sendable {
        public var tool: ToolInfo
        public var options: RunOptions
        public var environment: Environment
        public var calibration: HostCalibration?
        public var outPath: String?
        public var csvPath: String?
        /// Where else results go as they happen (the run history).
        public var recorders: [any RunRecorder]

        public init(
            tool: ToolInfo, options: RunOptions, environment: Environment, calibration: HostCalibration? = nil,
            outPath: String? = nil, csvPath: String? = nil, recorders: [any RunRecorder] = []
        ) {
            self.tool = tool
            self.options = options
            self.environment = environment
            self.calibration = calibration
            self.outPath = outPath
            self.csvPath = csvPath
            self.recorders = recorders
        }
    }

    public let plan: RunPlan
    public let observer: any RunObserver
    let turns: (any Turns)?
    private let settings: Settings
    private let stopRequested: @Sendable () -> Bool
    private let watchdog = Watchdog()
    private let condition = NSCondition()

    // Guarded by `condition`.
    private var members: [Int: any PoolMember] = [:]
    private var nextID = 0
    private var starting: Set<Int> = []
    private var described: [Int: ReaderRecord] = [:]
    private var unopened: [(name: String, problem: String)] = []
    private var output: (header: ResultHeader, sink: ResultSink)?
    private var startAborted = false
    private var running: Set<Int> = []
    private var hotPlug: HotPlugWatcher?

    /// When the run's iterations started (``MonotonicClock``); every offset counts from here.
    public private(set) var runStart: UInt64 = 0

    /// A pool that runs `plan`; `stopRequested` is asked between iterations (Ctrl-C).
    public init(
        plan: RunPlan, settings: Settings, observer: any RunObserver = SilentObserver(),
        stopRequested: @escaping @Sendable () -> Bool = { false }
    ) {
        self.plan = plan
        self.settings = settings
        self.observer = observer
        self.stopRequested = stopRequested
        switch plan.schedule {
        case .parallel: turns = nil
        case .roundRobin: turns = RoundRobinTurns()
        case .sequential: turns = SequentialTurns()
        }
    }

    /// Adds a reader; its worker starts with ``run()`` (or at once, if the run is under way).
    @discardableResult
    public func add<Channel: CardConnection & SendableMetatype & ~Copyable>(
        _ endpoint: ReaderEndpoint<Channel>, pin: SecretPIN?
    ) -> Int {
        condition.lock()
        let id = nextID
        nextID += 1
        let worker = ReaderWorker(id: id, endpoint: endpoint, pin: pin, coordinator: self)
        members[id] = worker
        turns?.join(id)
        let underWay = output != nil
        if underWay {
            running.insert(id)
            starting.insert(id)
        }
        condition.unlock()
        if underWay { worker.start() }
        return id
    }

    /// With `--readers all`: readers plugged in during the run join it. `endpoint` makes the
    /// endpoint for a new reader's name (nil ignores it), `pin` its PIN.
    public func watchForNewReaders(
        endpoint: @escaping @Sendable (String) -> ReaderEndpoint<PCSCReaderChannel>?,
        pin: @escaping @Sendable (String) -> SecretPIN?,
        known: [String]
    ) {
        watchForNewReaders(endpoint: endpoint, pin: pin, known: known, listing: { PCSCReaderListing() })
    }

    /// ``watchForNewReaders(endpoint:pin:known:)`` with the reader list from `listing` (tests).
    func watchForNewReaders<Channel: CardConnection & SendableMetatype & ~Copyable>(
        endpoint: @escaping @Sendable (String) -> ReaderEndpoint<Channel>?,
        pin: @escaping @Sendable (String) -> SecretPIN?,
        known: [String], listing: @escaping @Sendable () -> (any ReaderListing)?
    ) {
        condition.lock()
        defer { condition.unlock() }
        hotPlug = HotPlugWatcher(known: Set(known), listing: listing) { [weak self] name in
            guard let self, !self.shouldStop(), let made = endpoint(name) else { return }
            self.observer.warning("\(name) was plugged in; it joins the run")
            self.add(made, pin: pin(name))
        }
    }

    // MARK: - Running

    /// Runs every reader to the end of the plan; returns the outcome. Throws only when the run
    /// cannot start (no reader could be opened, the result file cannot be created).
    public func run() throws(RunEngineError) -> RunOutcome {
        // Workers hold the pool; however the run ends (returned or thrown), let go of them so both
        // can be freed. An abandoned worker keeps the pool alive until its exchange returns, and
        // is then ignored. (LeakSanitizer found the cycle on the path where no reader opened.)
        defer {
            condition.lock()
            members.removeAll()
            hotPlug = nil
            condition.unlock()
        }
        condition.lock()
        let initial = members
        running = Set(initial.keys)
        starting = Set(initial.keys)
        condition.unlock()
        guard !initial.isEmpty else { throw RunEngineError(.noReader, "no reader to measure") }
        for member in initial.values.sorted(by: { $0.id < $1.id }) { member.start() }

        // Every first reader described (or failed to open): then the header.
        condition.lock()
        while !starting.isEmpty { condition.wait() }
        let records = described.values.sorted { $0.id < $1.id }
        let failures = unopened
        condition.unlock()
        for failure in failures { observer.warning("\(failure.name) cannot be measured: \(failure.problem)") }
        guard !records.isEmpty else {
            abortStart()
            throw RunEngineError(
                .noReader, failures.map { "\($0.name): \($0.problem)" }.joined(separator: "; "))
        }
        let header = ResultHeader(
            tool: settings.tool, createdAt: ISO8601DateFormatter().string(from: Date()), run: settings.options,
            environment: settings.environment, readers: records,
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: InstrumentationCost.measure()),
            calibration: settings.calibration,
            labels: SampleLabels(
                phases: Phase.allCases.map(\.label), apduKinds: APDUKind.allCases.map(\.label),
                steps: plan.scenario.steps.map(\.label)))
        let sink: ResultSink
        do {
            sink = try ResultSink(
                header: header, outPath: settings.outPath, csvPath: settings.csvPath, recorders: settings.recorders,
                warn: { [observer] in observer.warning($0) })
        } catch {
            abortStart()
            throw error
        }

        // Go.
        runStart = MonotonicClock.now()
        for record in records { watch(record.id, sink: sink) }
        watchdog.start()
        condition.lock()
        output = (header, sink)
        let hotPlug = self.hotPlug
        condition.broadcast()
        condition.unlock()
        observer.runStarted(header)
        for record in records { observer.readerJoined(record) }
        hotPlug?.start()

        // Wait for every worker (and any that join), with periodic summaries for soaks.
        var nextSummary = plan.periodicSummaryNanoseconds.map { runStart &+ $0 }
        condition.lock()
        while !running.isEmpty {
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
            if let due = nextSummary, MonotonicClock.now() >= due, let period = plan.periodicSummaryNanoseconds {
                condition.unlock()
                observer.periodicSummary(sink.currentSummary(), elapsedNanoseconds: MonotonicClock.now() - runStart)
                condition.lock()
                nextSummary = due &+ period
            }
        }
        condition.unlock()
        hotPlug?.stop()
        watchdog.stop()

        // The run's own stop: the user's, else a single reader's, else completed (each reader's
        // reason is in its own entry).
        var stopReason: StopReason = .completed
        var note = ""
        let sofar = sink.currentSummary()
        if stopRequested() {
            stopReason = .interrupted
            note = "stopped by the user after \(sink.measuredIterations) measured iterations"
        } else if sofar.readers.count == 1, let only = sofar.readers.first {
            stopReason = only.stopReason
            note = only.note
        }
        let summary = sink.finish(stopReason: stopReason, note: note)
        return RunOutcome(header: header, summary: summary, maxFailureRate: plan.maxFailureRate)
    }

    /// Tells workers waiting at the start that there will be no run.
    private func abortStart() {
        condition.lock()
        startAborted = true
        condition.broadcast()
        condition.unlock()
    }

    private func watch(_ reader: Int, sink: ResultSink) {
        condition.lock()
        guard let member = members[reader] else {
            condition.unlock()
            return
        }
        condition.unlock()
        // The watchdog allows 250 ms past the timeout, so a channel that enforces the timeout
        // itself (the read path's per-exchange limit, the in-process card) reports first, as an
        // ordinary failed iteration, and only a worker truly stuck in a call is abandoned.
        let timeout = UInt64(plan.timeoutMilliseconds + Self.watchdogGraceMilliseconds) * 1_000_000
        let steps = plan.scenario.steps.map(\.label)
        watchdog.watch(reader, heartbeat: member.heartbeat, timeoutNanoseconds: timeout) {
            [weak self, weak member] step, waited in
            guard let self, let member else { return }
            self.abandon(
                member, step: step < 0 || step >= steps.count ? "connect/disconnect" : steps[step], waited: waited,
                sink: sink)
        }
    }

    /// How long past the timeout the watchdog waits before it abandons a worker.
    static let watchdogGraceMilliseconds = 250

    /// The watchdog's verdict on a worker stuck in an exchange: its iteration is recorded as a
    /// timeout, its turn is given up, and the run goes on without it.
    private func abandon(_ member: any PoolMember, step: String, waited: UInt64, sink: ResultSink) {
        member.abandon()
        let inFlight = member.iterationInFlight
        let message =
            "\(step) did not complete within the \(plan.timeoutMilliseconds) ms timeout (waited \(milliseconds(waited)) ms): "
            + "the card or reader stopped answering; the exchange cannot be interrupted, so this reader's worker "
            + "was abandoned"
        let failure = IterationResult(
            reader: member.id, index: inFlight.index, mode: inFlight.mode, warmup: inFlight.warmup,
            startOffsetNanoseconds: inFlight.start &- runStart, totalNanoseconds: waited,
            failure: Failure(cause: .timeout, step: step, message: message), phases: [], apdus: [])
        sink.abandon(reader: member.id, failure: failure, note: message)
        turns?.leave(member.id)
        observer.readerStopped(member.id, reason: .timeout, note: message)
        watchdog.forget(member.id)
        condition.lock()
        running.remove(member.id)
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - WorkerCoordinator

    func shouldStop() -> Bool { stopRequested() }

    func readerReady(_ record: ReaderRecord) -> (header: ResultHeader, sink: ResultSink)? {
        condition.lock()
        if let output {
            // A reader that joined during the run.
            starting.remove(record.id)
            condition.unlock()
            output.sink.announce(record)
            watch(record.id, sink: output.sink)
            observer.readerJoined(record)
            return output
        }
        described[record.id] = record
        starting.remove(record.id)
        condition.broadcast()
        while output == nil && !startAborted { condition.wait() }
        let result = output
        condition.unlock()
        return result
    }

    func readerFailedToOpen(_ reader: Int, name: String, problem: String) {
        condition.lock()
        let late = output != nil
        unopened.append((name, problem))
        starting.remove(reader)
        running.remove(reader)
        condition.broadcast()
        condition.unlock()
        turns?.leave(reader)
        if late { observer.warning("\(name) cannot be measured: \(problem)") }
    }

    func readerStopped(_ reader: Int, reason: StopReason, note: String) {
        condition.lock()
        let sink = output?.sink
        condition.unlock()
        if let sink, !sink.isAbandoned(reader) {
            sink.readerStopped(reader, reason: reason, note: note)
            observer.readerStopped(reader, reason: reason, note: note)
        }
        watchdog.forget(reader)
        condition.lock()
        running.remove(reader)
        condition.broadcast()
        condition.unlock()
    }
}

/// A worker as the pool and its watchdog see it, whatever its endpoint.
protocol PoolMember: AnyObject, Sendable {
    var id: Int { get }
    var heartbeat: Heartbeat { get }
    var iterationInFlight: (index: Int, mode: IterationMode, warmup: Bool, start: UInt64) { get }
    func start()
    func abandon()
}

extension ReaderWorker: PoolMember where Channel: ~Copyable {}

// MARK: - Outcome

/// How a run ended, in the terms a caller acts on.
public struct RunOutcome: Sendable {
    /// The header as written.
    public var header: ResultHeader
    /// The summary as written.
    public var summary: RunSummary
    /// The failure rate the user allowed.
    public var maxFailureRate: Double

    /// What the run amounts to, most serious first.
    public enum Verdict: Sendable, Hashable {
        /// A reader stopped for PIN safety: nothing more was sent to its card.
        case pinStopped(String)
        /// A reader could not finish (pcscd gone, reader unplugged, a stuck exchange, no card).
        case environment(String)
        /// More measured iterations failed than allowed.
        case iterationsFailed(failed: Int, of: Int)
        /// Everything ran (or the user stopped it) with failures within the allowance.
        case passed
    }

    /// The verdict: PIN safety first, then readers that could not finish, then failed iterations.
    public var verdict: Verdict {
        let stops = summary.readers.map { ($0.reader, $0.stopReason, $0.note) }
        if let pin = stops.first(where: { $0.1 == .pinStopped }) { return .pinStopped(pin.2) }
        if let stuck = stops.first(where: { [.timeout, .error, .readerGone, .cardNotReturned].contains($0.1) }) {
            return .environment("reader \(stuck.0): \(stuck.1.rawValue) — \(stuck.2)")
        }
        let (iterations, failed) = summary.counts
        if failed > 0, Double(failed) > maxFailureRate * Double(iterations) {
            return .iterationsFailed(failed: failed, of: iterations)
        }
        return .passed
    }
}
