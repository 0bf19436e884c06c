import CardIdentity
import CardTransport
import HexCoding
import Foundation
import Measurement
import ReadPath
import Results
import RunModel
import Synchronization

/// What a worker needs from the pool it belongs to.
protocol WorkerCoordinator: AnyObject, Sendable {
    var plan: RunPlan { get }
    var runStart: UInt64 { get }
    var observer: any RunObserver { get }
    var turns: (any Turns)? { get }
    func shouldStop() -> Bool
    /// The reader is described; waits until the header is written (the run's first readers) or
    /// announces it (a reader that joined later). Nil when the run ends before it starts.
    func readerReady(_ record: ReaderRecord) -> (header: ResultHeader, sink: ResultSink)?
    /// The reader could not be opened or described.
    func readerFailedToOpen(_ reader: Int, name: String, problem: String)
    /// The reader's part is over.
    func readerStopped(_ reader: Int, reason: StopReason, note: String)
}

/// One reader's worker: its own thread and its own card connection (and so its own PC/SC
/// context), running the read path iteration after iteration and surviving what a long trial
/// meets: a card lifted off, pcscd restarting, a reader unplugged, taps.
///
/// Blocking PC/SC calls stay on this thread, off Swift's cooperative pool. What it measures goes
/// to the sink after every iteration, so nothing finished is lost whatever happens next.
final class ReaderWorker<Channel: CardConnection & SendableMetatype & ~Copyable>: @unchecked Sendable {
    let id: Int
    let endpoint: ReaderEndpoint<Channel>
    let pin: SecretPIN?
    /// Beats at every exchange; the watchdog reads it.
    let heartbeat = Heartbeat()
    /// Strong: an abandoned worker may wake up long after the run (when its stuck exchange finally
    /// fails) and must still find the pool, which then ignores it.
    private let coordinator: any WorkerCoordinator
    private let abandoned = Atomic<Bool>(false)
    /// The iteration under way (index, mode, warm-up, start), for the watchdog's record of a
    /// worker it abandons.
    private let current = Mutex<(index: Int, mode: IterationMode, warmup: Bool, start: UInt64)>((0, .warm, false, 0))
    /// The read strategy of this reader: the plan's, or its fallback for what the reader can do.
    private var strategy = ReadStrategy()
    /// The card's ATR as read when the reader joined, for the read path's ATR check.
    private var answerToReset: [UInt8] = []

    /// What every engine of this worker is told: the watchdog's heartbeat, the per-exchange
    /// timeout, and the ATR read when the reader joined.
    private func configure(_ engine: inout ReadPathEngine<Channel>, plan: RunPlan) {
        engine.heartbeat = heartbeat
        engine.exchangeTimeoutNanoseconds = UInt64(plan.timeoutMilliseconds) * 1_000_000
        engine.answerToReset = answerToReset
    }

    init(id: Int, endpoint: ReaderEndpoint<Channel>, pin: SecretPIN?, coordinator: any WorkerCoordinator) {
        self.id = id
        self.endpoint = endpoint
        self.pin = pin
        self.coordinator = coordinator
    }

    func start() {
        let thread = Thread { [self] in main() }
        thread.name = "readerbench reader \(id)"
        // Not kept in a property: the thread holds this worker until it ends, and a worker holding
        // its thread back made a cycle that outlived the run (LeakSanitizer found it).
        thread.start()
    }

    /// The watchdog gave up on this worker: whatever it does from now on is not recorded.
    func abandon() { abandoned.store(true, ordering: .releasing) }

    private var isAbandoned: Bool { abandoned.load(ordering: .acquiring) }

    /// The iteration in flight, as the watchdog records it when it abandons the worker.
    var iterationInFlight: (index: Int, mode: IterationMode, warmup: Bool, start: UInt64) {
        current.withLock { $0 }
    }

    // MARK: - The worker's thread

    private func main() {
        var channel: Channel
        do { channel = try endpoint.makeChannel() } catch {
            coordinator.readerFailedToOpen(id, name: endpoint.name, problem: error.description)
            return
        }
        let described = endpoint.describe(&channel)
        let record = ReaderRecord(id: id, reader: described.reader, card: described.card)
        guard let (header, sink) = coordinator.readerReady(record) else {
            coordinator.readerStopped(id, reason: .interrupted, note: "the run ended before it started")
            return
        }
        do { try endpoint.started?(header, record) } catch {
            coordinator.readerStopped(id, reason: .error, note: "\(error)")
            return
        }
        let plan = coordinator.plan
        strategy = ReaderUSB.strategy(for: record.reader, plan: plan.strategy)
        answerToReset = record.reader.atr.flatMap { try? Hex.decode($0.hex) } ?? []
        var engine = ReadPathEngine(
            channel: channel, scenario: plan.scenario, strategy: strategy, pin: pin, pinFloor: plan.pinFloor)
        configure(&engine, plan: plan)
        let (reason, note) = loop(&engine, sink: sink)
        do { try endpoint.finished?() } catch {
            coordinator.observer.warning("\(endpoint.name): \(error)")
        }
        coordinator.turns?.leave(id)
        coordinator.readerStopped(id, reason: reason, note: note)
    }

    // MARK: - Iterations

    private func loop(
        _ engine: inout ReadPathEngine<Channel>, sink: ResultSink
    ) -> (StopReason, String) {
        let plan = coordinator.plan
        var index = 0
        var failures = 0
        for (modeNumber, mode) in plan.modes.enumerated() {
            if mode == .cold && plan.taps == nil {
                // Cold iterations must begin with the card powered off: power it down once, untimed.
                try? engine.transport.channel.connect()
                try? engine.transport.channel.disconnect(.unpower)
            }
            let planned = plan.iterationsPerMode
            let modeEnd = plan.durationNanoseconds.map {
                coordinator.runStart &+ $0 / UInt64(plan.modes.count) * UInt64(modeNumber + 1)
            }
            var round = 0
            while planned.map({ round < $0 }) ?? (MonotonicClock.now() < modeEnd ?? 0) {
                if coordinator.shouldStop() { return (.interrupted, "stopped by the user") }
                let warmup = plan.taps == nil && plan.durationNanoseconds == nil && round < plan.warmup

                // A tap: wait for the clerk to present the card (outside every clock).
                var presentAt: UInt64?
                let waitStart = MonotonicClock.now()
                if plan.taps != nil {
                    switch waitForCard(present: true, engine: &engine) {
                    case .seen(let at): presentAt = at
                    case .stop(let reason, let note): return (reason, note)
                    }
                }

                guard coordinator.turns?.acquire(id, shouldStop: coordinator.shouldStop) ?? true else {
                    return (.interrupted, "stopped by the user")
                }
                let challenge: [UInt8]
                do {
                    challenge = try endpoint.nextChallenge?(&engine.transport.channel) ?? Challenge.random()
                    engine.setChallenge(digestInfo: try Challenge.digestInfo(for: challenge))
                } catch {
                    coordinator.turns?.release(id)
                    return (.error, "cannot make a challenge: \(error)")
                }
                current.withLock { $0 = (index, mode, warmup, MonotonicClock.now()) }
                endpoint.willBegin?(&engine.transport.channel, index, mode, challenge)
                var failure = engine.runIteration(powerAfter: mode == .cold ? .unpower : .leave)
                do { try endpoint.didEnd?(&engine.transport.channel) } catch {
                    coordinator.observer.warning("\(endpoint.name): \(error)")
                }
                // The turn is held until the result is written, so the file holds the iterations
                // in the order they ran; a card check and a lifted-card wait happen outside it.
                var resultsWithinTurn = plan.taps == nil
                if !resultsWithinTurn { coordinator.turns?.release(id) }
                if failure == nil { failure = engine.checkResults() }
                if isAbandoned { return (.timeout, "abandoned by the watchdog") }
                // A PC/SC error or an empty answer may be a card that left mid-exchange: vpcd and
                // many drivers say only "not transacted", vpcd even hands back zero bytes. If the
                // reader reports the card gone within one status poll, that is the cause; the
                // worker then waits for the card to come back.
                var cardLeft = false
                if var known = failure, plan.taps == nil, endpoint.watchesCardPresence,
                    [.pcsc, .cardRemoved, .protocolViolation].contains(known.cause)
                {
                    // Watching the reader takes up to a second: not while others wait for the turn.
                    if resultsWithinTurn {
                        coordinator.turns?.release(id)
                        resultsWithinTurn = false
                    }
                    if case .seen = waitForCard(
                        present: false, engine: &engine, timeoutNanoseconds: cardRemovalWindowNanoseconds)
                    {
                        cardLeft = true
                        if known.cause != .cardRemoved {
                            known.cause = .cardRemoved
                            known.message += " — the card left the reader"
                            failure = known
                        }
                    }
                }

                // A tap: how long detection took, then wait for the card to leave.
                var tap: TapTiming?
                if let presentAt {
                    let connectEnd = engine.recorder.phases.first?.endNanoseconds ?? presentAt
                    tap = TapTiming(
                        waitNanoseconds: presentAt &- waitStart,
                        detectionNanoseconds: connectEnd > presentAt ? connectEnd - presentAt : 0)
                }

                let result = Self.iterationResult(
                    engine.recorder, reader: id, index: index, mode: mode, warmup: warmup,
                    runStart: coordinator.runStart, failure: failure, tap: tap)
                if tap != nil {
                    let liftStart = MonotonicClock.now()
                    switch waitForCard(present: false, engine: &engine) {
                    case .seen(let at):
                        var withRemoval = result
                        withRemoval.tap?.removalNanoseconds = at &- liftStart
                        sink.append(withRemoval)
                    case .stop(let reason, let note):
                        sink.append(result)
                        return (reason, note)
                    }
                } else {
                    sink.append(result)
                }
                if resultsWithinTurn { coordinator.turns?.release(id) }
                index += 1
                round += 1
                if failure != nil && !warmup { failures += 1 }
                coordinator.observer.iterationFinished(
                    ReaderProgress(
                        reader: id, mode: mode, done: round, total: planned, failures: failures,
                        lastNanoseconds: failure == nil ? result.totalNanoseconds : nil,
                        lastFailure: failure?.description))

                if let failure {
                    if let stop = failure.stopsRun { return (stop, failure.description) }
                    if failure.cause == .serviceGone {
                        guard recoverService(&engine, after: failure) else {
                            return (
                                .error,
                                "pcscd did not come back within \(plan.serviceWaitMilliseconds) ms after: \(failure.description)"
                            )
                        }
                    } else if failure.cause == .readerGone {
                        return (.readerGone, "the reader went away: \(failure.description)")
                    } else if cardLeft
                        || (failure.cause == .cardRemoved && endpoint.watchesCardPresence && plan.taps == nil
                            && !isPresentNow(&engine))
                    {
                        // The card left: wait for it to come back (a lifted card is put back).
                        if case .stop(let reason, let note) = waitForCard(present: true, engine: &engine) {
                            return (reason, note)
                        }
                    }
                }
                if !pause(plan.intervalMilliseconds) { return (.interrupted, "stopped by the user") }
            }
        }
        return (.completed, "")
    }

    private enum Wait {
        case seen(UInt64)
        case stop(StopReason, String)
    }

    /// Whether the reader reports a card right now.
    private func isPresentNow(_ engine: inout ReadPathEngine<Channel>) -> Bool {
        if case .seen = waitForCard(present: true, engine: &engine, timeoutNanoseconds: 0) { return true }
        return false
    }

    /// Waits (up to `--card-wait`, or `timeoutNanoseconds`) for the card to be present or absent.
    private func waitForCard(
        present: Bool, engine: inout ReadPathEngine<Channel>, timeoutNanoseconds: UInt64? = nil
    ) -> Wait {
        let plan = coordinator.plan
        let timeout = timeoutNanoseconds ?? UInt64(plan.cardWaitMilliseconds) * 1_000_000
        guard let wait = endpoint.waitForCard else { return .seen(MonotonicClock.now()) }
        // A reader waiting for its card does not hold up the others' turns.
        let long = timeout > cardRemovalWindowNanoseconds
        if long { coordinator.turns?.pause(id) }
        defer { if long { coordinator.turns?.resume(id) } }
        do {
            if let at = try wait(present, timeout, &engine.transport.channel, coordinator.shouldStop) {
                return .seen(at)
            }
        } catch {
            return .stop(.readerGone, "the reader went away while waiting for the card: \(error)")
        }
        if coordinator.shouldStop() { return .stop(.interrupted, "stopped by the user") }
        return .stop(
            .cardNotReturned,
            present
                ? "no card was presented within \(plan.cardWaitMilliseconds) ms (--card-wait)"
                : "the card was not lifted within \(plan.cardWaitMilliseconds) ms (--card-wait)")
    }

    /// pcscd went away: reopen with backoff until it answers again (up to `serviceWait`).
    private func recoverService(
        _ engine: inout ReadPathEngine<Channel>, after failure: IterationFailure
    ) -> Bool {
        let plan = coordinator.plan
        let start = MonotonicClock.now()
        let deadline = start &+ UInt64(plan.serviceWaitMilliseconds) * 1_000_000
        var delay: UInt64 = 100_000_000
        coordinator.observer.warning("\(endpoint.name): \(failure.description); reconnecting")
        while MonotonicClock.now() < deadline {
            if !pause(Int(delay / 1_000_000)) { return false }
            delay = min(delay * 2, 2_000_000_000)
            guard var channel = try? endpoint.makeChannel() else { continue }
            do {
                try channel.connect()
                try channel.disconnect(.leave)
            } catch {
                continue
            }
            engine = ReadPathEngine(
                channel: channel, scenario: plan.scenario, strategy: strategy, pin: pin, pinFloor: plan.pinFloor)
            configure(&engine, plan: plan)
            coordinator.observer.warning(
                "\(endpoint.name): pcscd answers again after \(milliseconds(MonotonicClock.now() - start)) ms; going on"
            )
            return true
        }
        return false
    }

    /// Waits `milliseconds`, noticing a stop within 50 ms; false when stopped.
    private func pause(_ milliseconds: Int) -> Bool {
        guard milliseconds > 0 else { return !coordinator.shouldStop() }
        let end = MonotonicClock.now() + UInt64(milliseconds) * 1_000_000
        while !coordinator.shouldStop() {
            let now = MonotonicClock.now()
            if now >= end { return true }
            PreciseWait.sleep(until: min(end, now + 50_000_000))
        }
        return false
    }

    // MARK: - Results

    /// The recorder's timestamps as offsets: from the run's start for the iteration, from the
    /// iteration's start for its phases and APDUs.
    static func iterationResult(
        _ recorder: IterationRecorder, reader: Int, index: Int, mode: IterationMode, warmup: Bool, runStart: UInt64,
        failure: IterationFailure?, tap: TapTiming?
    ) -> IterationResult {
        let phases = recorder.phases
        let start = phases.first?.startNanoseconds ?? runStart
        let end = phases.last?.endNanoseconds ?? start
        let phaseNames = Phase.allCases.map(\.label)
        return IterationResult(
            reader: reader, index: index, mode: mode, warmup: warmup, startOffsetNanoseconds: start &- runStart,
            totalNanoseconds: end &- start,
            failure: failure.map {
                Failure(
                    cause: $0.cause, step: $0.step, apdu: $0.apduIndex, message: $0.message, code: $0.code,
                    statusWord: $0.statusWord.map(Int.init))
            },
            tap: tap,
            phases: phases.map {
                PhaseTiming(
                    phase: phaseNames[Int($0.phase)], startOffsetNanoseconds: $0.startNanoseconds &- start,
                    durationNanoseconds: $0.durationNanoseconds)
            },
            apdus: recorder.apdus.map {
                APDUTiming(
                    step: Int($0.step), kind: Int($0.kind), phase: Int($0.phase),
                    startOffsetNanoseconds: $0.startNanoseconds &- start, durationNanoseconds: $0.durationNanoseconds,
                    statusWord: $0.statusWord == 0 ? APDUTiming.noStatusWord : Int($0.statusWord),
                    roundTrips: Int($0.roundTrips))
            })
    }
}

/// How long after a PC/SC error the reader is watched for the card leaving: three of pcscd's
/// 400 ms status polls (vpcd and drivers without an interrupt endpoint report a removal no
/// sooner, and a loaded host polls late). Paid only after a failed exchange.
let cardRemovalWindowNanoseconds: UInt64 = 1_200_000_000

/// Milliseconds with three decimals, for messages.
func milliseconds(_ nanoseconds: UInt64) -> String {
    let micro = (nanoseconds + 500) / 1000
    let whole = micro / 1000
    let fraction = micro % 1000
    return "\(whole)." + String(repeating: "0", count: fraction < 10 ? 2 : fraction < 100 ? 1 : 0) + "\(fraction)"
}
