import CardCrypto
import CardIdentity
import CardTiming
import CardTransport
import Foundation
import Measurement
import PCSC
import ReadPath
import Results
import SimulatedCard
import Simulator

/// How a run ended, for the exit status.
struct RunOutcome {
    var summary: RunSummary
    var exitStatus: Int32
}

/// What a card source may do around each iteration, outside its clock: a replayed trace supplies
/// the recorded challenge; a recorder marks iteration boundaries and writes what it captured.
struct IterationHooks<Channel: ~Copyable> {
    /// The run is about to start: who is measured and how (a recorder writes its header now).
    var started: ((ResultHeader) throws -> Void)?
    /// The challenge to sign in the next iteration, when the source dictates it.
    var challenge: ((inout Channel) -> [UInt8]?)?
    /// The iteration is about to start (its number, mode and challenge).
    var willBegin: ((inout Channel, Int, IterationMode, [UInt8]) -> Void)?
    /// The iteration has ended and its samples are taken.
    var didEnd: ((inout Channel) throws -> Void)?

    init() {}
}

/// One run's settings, and the loop that carries them out on any card connection.
struct RunPlan {
    var scenario: Scenario
    var strategy: ReadPath.ReadStrategy
    var modes: [IterationMode]
    var iterations: Int
    var warmup: Int
    var intervalMilliseconds: Int
    var timeoutMilliseconds: Int
    var pinFloor: Int?
    var outPath: String?
    var csvPath: String?
    var readerRequested: String?
    var modelRequested: String?
    var simulator: SimulatorConfiguration
    var showProgress: Bool

    /// Runs every mode's iterations on `channel`, writing results as it goes.
    func execute<Channel: CardConnection & ~Copyable>(
        channel: consuming Channel, source: CardSource, pin: SecretPIN?, hooks: IterationHooks<Channel> = IterationHooks()
    ) throws -> RunOutcome {
        var channel = channel
        // Who and what is measured, before the first iteration (and outside it).
        let probe = probeReader(&channel, source: source)
        let overhead = InstrumentationCost.measure()
        let header = makeHeader(source: source, reader: probe, overhead: overhead)
        let sink = try ResultSink(header: header, outPath: outPath, csvPath: csvPath)
        try hooks.started?(header)

        printError("readerbench: \(scenario.name) scenario on \(probe.name) — measures \(source.measures)")
        if let atr = probe.atr { printError("readerbench: ATR \(atr.hex) (\(atr.interface))") }
        printError(
            "readerbench: model \(probe.modelKey); \(modes.map(\.rawValue).joined(separator: " + ")), \(warmup) warm-up + "
                + "\(iterations) iterations each; instrumentation \(String(format: "%.0f", overhead)) ns per APDU (measured)")
        if source.isSimulated {
            printError(
                "readerbench: simulated \(simulator.card.name) card, timing profile '\(simulator.timing.name)' (modelled, not measured)")
        }

        var engine = ReadPathEngine(channel: channel, scenario: scenario, strategy: strategy, pin: pin, pinFloor: pinFloor)
        let labels = header.labels
        // The watchdog allows a little past the timeout, so a channel that enforces the timeout
        // itself (the in-process card) reports first, as an ordinary failed iteration.
        let watchdog = Watchdog(timeoutMilliseconds: timeoutMilliseconds + 250) { [scenario, timeoutMilliseconds] step, waited in
            let label = step >= 0 && step < scenario.steps.count ? scenario.steps[step].label : "connect/disconnect"
            let message =
                "\(label) did not complete within the \(timeoutMilliseconds) ms timeout (waited \(milliseconds(waited)) ms): "
                + "the card or reader stopped answering"
            let summary = sink.finish(stopReason: .timeout, note: message)
            printError("")
            printError("readerbench: error: \(message); every finished iteration is saved")
            SummaryTable.print(summary, header: header)
            exit(ExitStatus.environment)
        }
        engine.heartbeat = watchdog.heartbeat
        engine.exchangeTimeoutNanoseconds = UInt64(timeoutMilliseconds) * 1_000_000
        watchdog.start()
        defer { watchdog.stop() }

        let runStart = MonotonicClock.now()
        var index = 0
        var stop: (RunSummary.StopReason, String)?
        modes: for mode in modes {
            prepare(&engine, for: mode)
            var progress = ProgressDisplay(label: mode.rawValue, total: warmup + iterations)
            var failures = 0
            for round in 0..<(warmup + iterations) {
                if Interruption.requested {
                    stop = (.interrupted, "stopped by the user after \(sink.measuredIterations) measured iterations")
                    break modes
                }
                let challenge: [UInt8]
                do {
                    challenge = try hooks.challenge?(&engine.transport.channel) ?? Challenge.random()
                    engine.setChallenge(digestInfo: try Challenge.digestInfo(for: challenge))
                } catch {
                    stop = (.error, "cannot make a challenge: \(error)")
                    break modes
                }
                hooks.willBegin?(&engine.transport.channel, index, mode, challenge)
                var failure = engine.runIteration(powerAfter: mode == .cold ? .unpower : .leave)
                do { try hooks.didEnd?(&engine.transport.channel) } catch {
                    printError("readerbench: warning: \(error)")
                }
                if failure == nil { failure = engine.checkResults() }
                let result = iterationResult(
                    engine.recorder, index: index, mode: mode, warmup: round < warmup, runStart: runStart, failure: failure,
                    labels: labels)
                sink.append(result)
                index += 1
                if failure != nil { failures += 1 }
                if showProgress {
                    progress.update(done: round + 1, failures: failures, lastNanoseconds: failure == nil ? result.totalNanoseconds : nil)
                }
                if let failure, let reason = failure.stopsRun {
                    if showProgress { progress.finish() }
                    stop = (Self.stopReason(reason), failure.description)
                    break modes
                }
                pause()
            }
            if showProgress { progress.finish() }
        }
        watchdog.stop()
        let (reason, note) = stop ?? (.completed, "")
        let summary = sink.finish(stopReason: reason, note: note)
        SummaryTable.print(summary, header: header)
        if let outPath { printError("readerbench: results in \(outPath)") }
        if let csvPath { printError("readerbench: samples in \(csvPath)") }
        let status: Int32 =
            switch reason {
            case .completed, .interrupted: 0
            case .pinStopped: 4
            case .timeout, .error: ExitStatus.environment
            }
        return RunOutcome(summary: summary, exitStatus: status)
    }

    // MARK: - Pieces

    /// Cold iterations must begin with the card powered off: power it down once, untimed.
    private func prepare<Channel: CardConnection & ~Copyable>(_ engine: inout ReadPathEngine<Channel>, for mode: IterationMode) {
        guard mode == .cold else { return }
        try? engine.transport.channel.connect()
        try? engine.transport.channel.disconnect(.unpower)
    }

    /// Waits the interval, noticing Ctrl-C within 50 ms.
    private func pause() {
        guard intervalMilliseconds > 0 else { return }
        let end = MonotonicClock.now() + UInt64(intervalMilliseconds) * 1_000_000
        while !Interruption.requested {
            let now = MonotonicClock.now()
            if now >= end { return }
            PreciseWait.sleep(until: min(end, now + 50_000_000))
        }
    }

    private static func stopReason(_ reason: StopReason) -> RunSummary.StopReason {
        switch reason {
        case .pinSafety: .pinStopped
        case .environment: .error
        case .timeout: .timeout
        case .interrupted: .interrupted
        }
    }

    /// The recorder's timestamps as offsets: from the run's start for the iteration, from the
    /// iteration's start for its phases and APDUs.
    private func iterationResult(
        _ recorder: IterationRecorder, index: Int, mode: IterationMode, warmup: Bool, runStart: UInt64,
        failure: IterationFailure?, labels: SampleLabels
    ) -> IterationResult {
        let phases = recorder.phases
        let start = phases.first?.startNanoseconds ?? runStart
        let end = phases.last?.endNanoseconds ?? start
        let phaseNames = Phase.allCases.map(\.label)
        return IterationResult(
            index: index, mode: mode, warmup: warmup, startOffsetNanoseconds: start &- runStart,
            totalNanoseconds: end &- start,
            failure: failure.map {
                // Version 1 files have no "protocol" cause (a new value of a closed set needs a new
                // version): a card that broke the transport rules counts as "pcsc", and says so.
                Failure(
                    cause: Failure.Cause(rawValue: $0.cause.rawValue) ?? .pcsc, step: $0.step, apdu: $0.apduIndex,
                    message: $0.cause == .protocolViolation ? "protocol violation: " + $0.message : $0.message)
            },
            phases: phases.map {
                PhaseTiming(
                    phase: phaseNames[Int($0.phase)], startOffsetNanoseconds: $0.startNanoseconds &- start,
                    durationNanoseconds: $0.durationNanoseconds)
            },
            apdus: recorder.apdus.map {
                APDUTiming(
                    step: Int($0.step), kind: Int($0.kind), phase: Int($0.phase), startOffsetNanoseconds: $0.startNanoseconds &- start,
                    durationNanoseconds: $0.durationNanoseconds,
                    statusWord: $0.statusWord == 0 ? APDUTiming.noStatusWord : Int($0.statusWord), roundTrips: Int($0.roundTrips))
            })
    }

    /// Connects once to learn the ATR and the reader's identity, then lets go, so the first
    /// iteration connects as every other does.
    private func probeReader<Channel: CardConnection & ~Copyable>(_ channel: inout Channel, source: CardSource) -> ReaderInfo {
        try? channel.connect()
        let atr = channel.atr
        try? channel.disconnect(.leave)
        let name: String
        var identity: ReaderIdentity?
        switch source {
        case .reader(let reader): name = reader
        case .simulatedBehindRig(let served, _): name = served.readerName
        case .simulatedInProcess: name = "in-process simulated card (no reader)"
        case .trace(_, let reader, let modelKey):
            return ReaderInfo(name: reader, identity: nil, modelKey: modelKey, atr: atr.isEmpty ? nil : ATRDescription(atr))
        }
        if case .simulatedInProcess = source {} else {
            identity = (try? PCSCContext().connectDirect(reader: name).readerIdentity())
                ?? ReaderIdentity(name: name, attributes: ReaderAttributes())
        }
        let key = identity?.modelKey.description ?? "in-process"
        return ReaderInfo(name: name, identity: identity, modelKey: key, atr: atr.isEmpty ? nil : ATRDescription(atr))
    }

    private func makeHeader(source: CardSource, reader: ReaderInfo, overhead: Double) -> ResultHeader {
        let timing = simulator.effectiveTiming
        // Only a card this process serves has a known profile; a Virtual PCD reader named with
        // --reader may be anyone's card.
        let simulated: SimulationInfo? =
            source.isSimulated
            ? SimulationInfo(cardProfile: simulator.card.name, timingProfile: timing.name, imitates: timing.imitates) : nil
        let formatter = ISO8601DateFormatter()
        return ResultHeader(
            tool: ToolInfo(version: ReaderBench.version),
            createdAt: formatter.string(from: Date()),
            run: RunOptions(
                scenario: scenario.name, iterations: iterations, warmup: warmup, modes: modes,
                intervalMilliseconds: intervalMilliseconds, timeoutMilliseconds: timeoutMilliseconds,
                readStrategy: Results.ReadStrategy(
                    headerLength: strategy.headerLength == 7 ? .seven : .four,
                    chunking: Results.ReadStrategy.Chunking(rawValue: strategy.chunking.rawValue) ?? .exact),
                readerRequested: readerRequested, modelRequested: modelRequested,
                pinFloor: scenario.pinRole == nil ? nil : max(1, pinFloor ?? 3)),
            environment: Environment.current(pcscLiteVersion: PCSCContext.libraryVersion, openSSLVersion: OpenSSL.version),
            reader: reader,
            card: CardInfo(source: CardInfo.Source(rawValue: source.resultSource) ?? .pcsc, measures: source.measures, simulated: simulated),
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: overhead),
            labels: SampleLabels(
                phases: Phase.allCases.map(\.label), apduKinds: APDUKind.allCases.map(\.label),
                steps: scenario.steps.map(\.label)))
    }
}
