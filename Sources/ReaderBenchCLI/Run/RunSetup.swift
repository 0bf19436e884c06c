import ArgumentParser
import Calibration
import CardCrypto
import CardTransport
import Foundation
import History
import HistoryPostgres
import LiveMetrics
import PCSC
import ReadPath
import Results
import RunEngine
import RunModel
import SimulatedCard
import Simulator
import Traces

/// Turns `run`'s options into readers for the engine, runs it, prints and picks the exit status.
/// What is measured and how lives in RunEngine; this only wires and prints.
struct RunSetup {
    let command: RunCommand
    let plan: RunPlan
    let simulator: SimulatorConfiguration

    func execute() throws {
        let observer = ConsoleObserver(quiet: command.quiet)
        var cleanup: [() -> Void] = []
        defer { cleanup.reversed().forEach { $0() } }

        // Which readers (or which card) this run measures.
        var named: [String] = []
        var served: ServedSimulator?
        var inProcessReason: String?
        var replay: (path: String, trace: Trace)?
        if let path = command.trace {
            do { replay = (path, try Trace.load(path: path)) } catch {
                throw fail("\(path): \(error)", status: ExitStatus.badInput)
            }
        } else if command.inProcess {
            inProcessReason = "--in-process was given"
        } else if !command.reader.isEmpty || !command.model.isEmpty || command.readers != nil {
            do {
                named = try CardSourceSelection.resolve(
                    readers: command.reader, models: command.model, all: command.readers == "all")
            } catch {
                throw fail(
                    error.message, status: error.code == .badInput ? ExitStatus.badInput : ExitStatus.environment)
            }
        } else {
            let choice: CardSourceSelection.Choice
            do {
                choice = try CardSourceSelection.chooseDefault(
                    forceSimulator: command.simulate, simulator: simulator, note: { printError("readerbench: \($0)") })
            } catch { throw fail(error.message, status: ExitStatus.environment) }
            switch choice {
            case .reader(let name): named = [name]
            case .simulatedBehindRig(let simulator):
                served = simulator
                cleanup.append { simulator.stop() }
            case .simulatedInProcess(let reason): inProcessReason = reason
            }
        }
        let isPool = named.count > 1 || command.readers != nil

        // The PINs, per reader.
        let pins = try PINChoice(
            command: command, simulatorPINs: served != nil || inProcessReason != nil ? simulator.pins : nil,
            replay: replay != nil)

        // The history: opened before anything is measured, so a database that cannot be used
        // (another program's, damaged) stops the run here rather than losing it silently.
        // A run for a fleet's PostgreSQL history saves locally first (the default file) and is
        // forwarded from a thread of its own; the server is never on the measured path.
        var history: (recorder: HistoryRecorder, path: String)?
        var forwarding: (forwarder: HistoryForwarder, server: String)?
        var recorders: [any RunRecorder] = []
        if !command.noSave {
            let server = command.db.flatMap { PostgresLocation.isLocation($0) ? try? PostgresLocation($0) : nil }
            let path = server == nil ? (command.db ?? HistoryLocation.defaultPath()) : HistoryLocation.defaultPath()
            do {
                let store = try SQLiteHistoryStore(path: path)
                let recorder = HistoryRecorder(
                    store: store, origin: RunOrigin(kind: .run, hostID: HostIdentity.current(), site: command.site))
                history = (recorder, path)
                if let server {
                    let forwarder = HistoryForwarder(
                        uploader: HistoryUploader(local: store, remote: try PostgresSupport.receiver(server)))
                    forwarding = (forwarder, server.description)
                    forwarder.start()
                    recorders.append(ForwardingRecorder(recorder: recorder, forwarder: forwarder))
                } else {
                    recorders.append(recorder)
                }
            } catch {
                throw fail(
                    "the run cannot be saved in the history: \(error.reason); --no-save runs without it",
                    status: ExitStatus.environment)
            }
        }
        var pushing: MetricsPusher?
        if let target = command.metrics {
            guard case .pushgateway(let url) = try? MetricsTarget.parse(target) else {
                throw fail("--metrics takes pushgateway=URL", status: ExitStatus.badInput)
            }
            let metrics = RunMetrics(site: command.site)
            let pusher = MetricsPusher(
                metrics: metrics, client: PushgatewayClient(base: url, instance: HostIdentity.current() ?? "unknown"))
            pusher.start()
            pushing = pusher
            recorders.append(metrics)
        }

        // The host's error bars on this stack, before anything is measured.
        let calibration = startCalibration(
            named: named, servedOnRig: served != nil, inProcess: inProcessReason != nil || replay != nil)

        // The engine.
        let runPool = ReaderPool(
            plan: plan,
            settings: ReaderPool.Settings(
                tool: ToolInfo(version: ReaderBench.version),
                options: plan.options(
                    readerRequested: command.reader.first, modelRequested: command.model.first,
                    readersRequested: isPool
                        ? (command.reader + command.model + (command.readers.map { [$0] } ?? [])) : nil,
                    pool: isPool),
                environment: Environment.current(
                    pcscLiteVersion: PCSCContext.libraryVersion, openSSLVersion: OpenSSL.version),
                calibration: calibration, outPath: command.out, csvPath: command.csv,
                recorders: recorders),
            observer: observer, stopRequested: { Interruption.requested })
        if let replay {
            let timing = try ReplayOptionParsing.timing(command.timing, seed: command.seed)
            let matching = try ReplayOptionParsing.matching(command.matching)
            // Refuse what cannot replay (a trace without durations at recorded timing) here,
            // as bad input, before any reader starts.
            do { _ = try TraceReplayChannel(trace: replay.trace, matching: matching, timing: timing) } catch {
                throw fail("\(replay.path): \(error)", status: ExitStatus.badInput)
            }
            add(
                .trace(path: replay.path, trace: replay.trace, matching: matching, timing: timing), to: runPool,
                pin: try pins.pin(for: ""))
        } else if let inProcessReason {
            add(
                .inProcess(
                    configuration: simulator, reason: inProcessReason, muteTimeout: .milliseconds(command.timeout)),
                to: runPool, pin: try pins.pin(for: ""))
        } else if let served {
            add(served.endpoint(strategy: plan.strategy), to: runPool, pin: try pins.pin(for: served.readerName))
        } else {
            for name in named {
                add(.pcsc(reader: name, strategy: plan.strategy), to: runPool, pin: try pins.pin(for: name))
            }
            if command.readers == "all" {
                let strategy = plan.strategy
                runPool.watchForNewReaders(
                    endpoint: { .pcsc(reader: $0, strategy: strategy) }, pin: { (try? pins.pin(for: $0)) ?? nil },
                    known: named)
            }
        }

        let outcome: RunOutcome
        do { outcome = try runPool.run() } catch {
            throw fail(
                error.message, status: error.code == .cannotWrite ? ExitStatus.environment : ExitStatus.environment)
        }
        observer.finish()
        SummaryTable.print(outcome.summary, header: outcome.header, readers: outcome.header.readers)
        if let out = command.out { printError("readerbench: results in \(out)") }
        if let csv = command.csv { printError("readerbench: samples in \(csv)") }
        if let history, let id = history.recorder.runID {
            printError("readerbench: saved in the history as run:\(id) (\(history.path))")
        }
        if let forwarding {
            let sent = forwarding.forwarder.finish(timeout: 20)
            if sent.whole, let remote = sent.remoteRun {
                printError("readerbench: sent to \(forwarding.server) as run:\(remote)")
            } else {
                printError(
                    "readerbench: warning: not (wholly) sent to the fleet history: "
                        + (sent.lastError?.reason ?? "\(forwarding.server) did not answer in time")
                        + "; the run is kept in the local history"
                        + (history.flatMap { h in h.recorder.runID.map { " as run:\($0) (\(h.path))" } } ?? "")
                        + " and marked unsent: `readerbench history sync` (or the next run) sends it")
            }
            if sent.earlierRunsSent > 0 {
                printError("readerbench: also sent \(sent.earlierRunsSent) earlier unsent run(s)")
            }
        }
        if let pushing {
            let pushed = pushing.finish(timeout: 10)
            if let error = pushed.lastError { printError("readerbench: warning: metrics not pushed: \(error.reason)") }
        }
        if let record = command.record {
            printError(
                "readerbench: trace in \(record) (PINs redacted\(command.scrubPersonal ? ", personal data scrubbed" : ""))"
            )
        }
        switch outcome.verdict {
        case .passed: return
        case .pinStopped(let why):
            printError("readerbench: stopped for PIN safety: \(why)")
            throw ExitCode(ExitStatus.pinSafety)
        case .environment(let why):
            printError("readerbench: error: \(why); every finished iteration is saved")
            throw ExitCode(ExitStatus.environment)
        case .iterationsFailed(let failed, let of):
            let allowed = plan.maxFailureRate > 0 ? " (--max-failure-rate allows \(percent(plan.maxFailureRate)))" : ""
            printError(
                "readerbench: \(failed) of \(of) measured iterations failed\(allowed); see the failures above "
                    + "(exit status \(ExitStatus.iterationsFailed))")
            throw ExitCode(ExitStatus.iterationsFailed)
        }
    }

    /// The short calibration a run embeds: measured now on the same stack (the harness in-process,
    /// or a free vpcd slot of the rig), or for a real reader the latest `calibrate --reader` of it
    /// with its age. What cannot be measured is said in the calibration's notes.
    private func startCalibration(named: [String], servedOnRig: Bool, inProcess: Bool) -> HostCalibration {
        let progress: (String) -> Void = { printError("readerbench: calibrating: \($0)") }
        if inProcess {
            if let measured = try? Calibrator.measure(
                .inProcess, options: .quick, origin: .runStart, progress: progress)
            {
                return measured
            }
        } else if servedOnRig || named.allSatisfy(CardSourceSelection.isVirtual) {
            if let slot = CardSourceSelection.freeVirtualSlot() {
                do {
                    return try Calibrator.measure(
                        .vpcd(slot: slot), options: .quick, origin: .runStart, progress: progress)
                } catch {
                    printError("readerbench: warning: the host calibration failed: \(error)")
                }
            }
            if let latest = CalibrationFiles.latest(stack: Calibrator.stackName(.vpcd(slot: 0))) { return latest }
            return Calibrator.clockOnly(
                stack: "pcscd + vpcd",
                note: "no free virtual reader slot to calibrate the stack on at the start of the run "
                    + "(scripts/virtual-reader start --readers N gives more), and no earlier `readerbench calibrate`")
        } else if let first = named.first(where: { !CardSourceSelection.isVirtual($0) }) {
            if let latest = CalibrationFiles.latest(stack: Calibrator.stackName(.reader(first))) { return latest }
            return Calibrator.clockOnly(
                stack: "pcscd + \(first)",
                note: "no calibration of \(first) yet: `readerbench calibrate --reader \"\(first)\"` measures its "
                    + "round-trip floor and A/A noise, and later runs embed it with its age")
        }
        return Calibrator.clockOnly(stack: "unknown", note: "the stack could not be calibrated")
    }

    /// Adds an endpoint, recorded as a trace when --record asks.
    private func add<Channel: CardConnection & ~Copyable>(
        _ endpoint: ReaderEndpoint<Channel>, to pool: ReaderPool, pin: SecretPIN?
    ) {
        if let record = command.record {
            pool.add(
                endpoint.recorded(to: record, scrubPersonal: command.scrubPersonal, toolVersion: ReaderBench.version),
                pin: pin)
        } else {
            pool.add(endpoint, pin: pin)
        }
    }
}

/// Where each reader's PIN comes from: the simulated card's test PIN, a placeholder for a replay
/// (its VERIFY data is redacted: any well-formed PIN matches and no card is touched), or the
/// environment / a prompt for real cards.
struct PINChoice: Sendable {
    private let role: PINRole?
    private let fixed: SecretPIN?
    /// `READER=VAR` entries, and the plain `VAR` for the rest.
    private let perReader: [(pattern: String, variable: String)]
    private let fallback: String?

    init(command: RunCommand, simulatorPINs: CardPINs?, replay: Bool) throws {
        role = Scenario.named(command.scenario)?.pinRole
        var perReader: [(String, String)] = []
        var fallback: String?
        for entry in command.pinEnv {
            if let equals = entry.firstIndex(of: "=") {
                perReader.append((String(entry[..<equals]), String(entry[entry.index(after: equals)...])))
            } else {
                guard fallback == nil else {
                    throw fail(
                        "--pin-env VAR may be given once; use READER=VAR for the others", status: ExitStatus.badInput)
                }
                fallback = entry
            }
        }
        self.perReader = perReader
        self.fallback = fallback
        if role == nil {
            fixed = nil
        } else if replay {
            fixed = SecretPIN(Array("0000".utf8))
        } else if let simulatorPINs, command.pinEnv.isEmpty {
            fixed = SecretPIN(Array((role == .authentication ? simulatorPINs.authentication : simulatorPINs.text).utf8))
        } else {
            fixed = nil
        }
    }

    /// The PIN for the reader named `reader`, or nil when the scenario verifies none.
    func pin(for reader: String) throws -> SecretPIN? {
        guard let role else { return nil }
        if let fixed { return fixed }
        let variable = perReader.first { reader.lowercased().contains($0.pattern.lowercased()) }?.variable ?? fallback
        return try PINInput.obtain(environmentVariable: variable, role: role)
    }
}

func percent(_ share: Double) -> String { String(format: "%g%%", share * 100) }
