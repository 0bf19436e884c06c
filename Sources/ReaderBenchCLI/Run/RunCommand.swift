import ArgumentParser
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
import Traces

/// `readerbench run`: the qualification-check read path, measured.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the My Number Card read path many times and report the latency of every APDU and phase.",
        discussion: """
            With no reader named and no real reader plugged in, measures the built-in simulated card behind \
            the virtual reader (pcscd + vpcd), starting it if it can; failing that, the simulated card \
            in-process, which measures the harness, not a reader. Simulated card-side time is modelled \
            (--profile), and results say so.

            PIN safety: the PIN comes from the environment variable named by --pin-env or a prompt that does \
            not echo, never from the command line; it is never printed, logged or written. Before any VERIFY \
            the retry counter is read, and the run refuses to VERIFY when fewer tries are left than the card's \
            maximum (lower the floor with --allow-pin-retry-below N). The first wrong PIN stops the run. \
            The simulated card's PIN is test data (1234) and is used without asking.

            Cold iterations start from a powered-off card (disconnect with SCARD_UNPOWER_CARD before each); \
            warm iterations keep it powered. Without --cold or --warm both are run and reported separately. \
            Ctrl-C stops after the current iteration and still writes every result.
            """)

    @Option(help: "Reader name, or a unique part of it.") var reader: String?
    @Option(help: "Reader model key (see `readerbench readers`).") var model: String?
    @Flag(help: "Measure the built-in simulated card even when a real reader is plugged in.") var simulate = false
    @Flag(help: "Measure the simulated card inside this process, without pcscd (measures the harness only).")
    var inProcess = false
    @Option(help: "Scenario: pin, visual or text.") var scenario: String = "pin"
    @Option(help: "Measured iterations per mode.") var iterations: Int = 200
    @Option(help: "Unmeasured iterations before each mode.") var warmup: Int = 5
    @Flag(help: "Only cold iterations.") var cold = false
    @Flag(help: "Only warm iterations.") var warm = false
    @Option(help: "Pause between iterations, in milliseconds.") var interval: Int = 0
    @Option(help: "Longest an APDU may take before the run stops as a timeout, in milliseconds.") var timeout: Int = 10_000
    @Option(help: "Certificate header read: 4 or 7 bytes.") var header: Int = 4
    @Option(help: "Chunking: 256 (whole blocks), exact (exact last chunk) or extended (one extended read).")
    var chunks: String = "exact"
    @Option(help: "Write the versioned JSON result here (valid at every moment of the run).") var out: String?
    @Option(help: "Write raw per-APDU samples as CSV here.") var csv: String?
    @Option(help: "Environment variable holding the PIN (a real card's PIN is never read from argv).") var pinEnv: String?
    @Option(help: "Allow VERIFY down to this many tries left (default: the PIN's maximum, 3).")
    var allowPinRetryBelow: Int?
    @Option(help: "Simulated card variant (simulated runs; default: the one the timing profile models).")
    var card: String?
    @Option(help: "Timing profile of the simulated card (modelled): a built-in name or a JSON file.")
    var profile: String = "instant"
    @Option(help: "Fault injected into the simulated card (repeatable).") var fault: [String] = []
    @Flag(help: "No progress display.") var quiet = false
    @Option(help: "Record the run as a trace (PINs redacted): see docs/trace-format.md.") var record: String?
    @Flag(help: "With --record: replace the text AP's personal data with fictitious values of the same shape.")
    var scrubPersonal = false
    @Option(help: "Replay this trace in-process instead of using a card.") var trace: String?
    @Option(help: "Replay timing: none, recorded, scaled:K or sampled.") var timing: String = "recorded"
    @Option(help: "Replay matching: strict (same bytes, PINs aside) or lenient (same instruction and file).")
    var matching: String = "strict"
    @Option(help: "Seed for --timing sampled.") var seed: UInt64 = 1

    func run() throws {
        guard let scenario = Scenario.named(self.scenario) else {
            throw fail("no scenario '\(self.scenario)'; one of pin, visual, text", status: ExitStatus.badInput)
        }
        guard iterations > 0, warmup >= 0, interval >= 0, timeout > 0 else {
            throw fail("--iterations and --timeout must be positive, --warmup and --interval not negative", status: ExitStatus.badInput)
        }
        guard header == 4 || header == 7 else { throw fail("--header must be 4 or 7", status: ExitStatus.badInput) }
        guard let chunking = ReadPath.ReadStrategy.Chunking(rawValue: chunks) else {
            throw fail("--chunks must be 256, exact or extended", status: ExitStatus.badInput)
        }
        if let floor = allowPinRetryBelow, floor < 1 {
            throw fail("--allow-pin-retry-below must be at least 1: a PIN with no tries left is blocked", status: ExitStatus.badInput)
        }
        if cold && warm { throw fail("--cold and --warm exclude each other; give neither to run both", status: ExitStatus.badInput) }
        let strategy = ReadPath.ReadStrategy(headerLength: header, chunking: chunking)
        let simulator = try SimulateCommand.configuration(card: card, profile: profile, faults: fault, pins: CardPINs())
        let modes: [IterationMode] = cold ? [.cold] : warm ? [.warm] : [.warm, .cold]

        Interruption.install()
        if trace != nil && (record != nil || reader != nil || model != nil || simulate || inProcess) {
            throw fail("--trace replays a recording; it cannot be combined with --record, --reader, --model, --simulate or --in-process", status: ExitStatus.badInput)
        }
        var replay: TraceReplayChannel?
        if let trace {
            replay = try openTrace(trace)
        }
        let source: CardSource
        if let replay, let trace {
            source = .trace(path: trace, reader: replay.trace.header.reader.name, modelKey: replay.trace.header.reader.modelKey)
        } else if inProcess {
            source = .simulatedInProcess(reason: "--in-process was given")
        } else {
            source = try CardSourceSelection.select(reader: reader, model: model, forceSimulator: simulate, simulator: simulator)
        }
        defer {
            if case .simulatedBehindRig(let served, let lease) = source {
                served.stop()
                // Leave the slot free for whoever comes next: vpcd notices the card has gone at its
                // next 400 ms presence poll.
                _ = CardSourceSelection.waitForCard(in: served.readerName, seconds: 2, present: false)
                lease?.stop()
            }
        }

        var pin: SecretPIN?
        if let role = scenario.pinRole {
            if case .trace = source {
                // A trace's VERIFY data is redacted: any well-formed PIN matches, and no card is touched.
                pin = SecretPIN(Array("0000".utf8))
            } else if source.isSimulated && pinEnv == nil {
                pin = SecretPIN(Array((role == .authentication ? simulator.pins.authentication : simulator.pins.text).utf8))
            } else {
                pin = try PINInput.obtain(environmentVariable: pinEnv, role: role)
            }
        }

        let plan = RunPlan(
            scenario: scenario, strategy: strategy, modes: modes, iterations: iterations, warmup: warmup,
            intervalMilliseconds: interval, timeoutMilliseconds: timeout, pinFloor: allowPinRetryBelow,
            outPath: out, csvPath: csv, readerRequested: reader, modelRequested: model, simulator: simulator,
            showProgress: !quiet)
        let outcome: RunOutcome
        switch source {
        case .reader(let name):
            outcome = try launch(openReader(name), plan, source, pin)
        case .simulatedBehindRig(let served, _):
            outcome = try launch(openReader(served.readerName), plan, source, pin)
        case .simulatedInProcess:
            outcome = try launch(try makeInProcessChannel(simulator, muteTimeout: .milliseconds(timeout)), plan, source, pin)
        case .trace:
            guard let replay else { preconditionFailure("a trace source without its replay channel") }
            var hooks = IterationHooks<TraceReplayChannel>()
            hooks.challenge = { channel in
                channel.beginIteration()
                return channel.currentChallenge
            }
            outcome = try plan.execute(channel: replay, source: source, pin: pin, hooks: hooks)
        }
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }

    /// Runs the plan on `channel`, recording a trace around it when --record asks.
    private func launch<Channel: CardConnection & ~Copyable>(
        _ channel: consuming Channel, _ plan: RunPlan, _ source: CardSource, _ pin: SecretPIN?
    ) throws -> RunOutcome {
        guard let record else { return try plan.execute(channel: channel, source: source, pin: pin) }
        let recorder = TraceRecordingChannel(channel)
        let sink = TraceSink(path: record, scrubPersonal: scrubPersonal, source: source, profile: plan.simulator)
        var hooks = IterationHooks<TraceRecordingChannel<Channel>>()
        hooks.started = { header in try sink.open(header) }
        hooks.willBegin = { channel, number, mode, challenge in
            channel.beginIteration(number: number, mode: mode == .cold ? .cold : .warm, challenge: challenge.span)
        }
        hooks.didEnd = { channel in try sink.drain(&channel) }
        let outcome = try plan.execute(channel: recorder, source: source, pin: pin, hooks: hooks)
        try sink.close()
        printError("readerbench: trace in \(record) (PINs redacted\(scrubPersonal ? ", personal data scrubbed" : ""))")
        return outcome
    }

    private func openTrace(_ path: String) throws -> TraceReplayChannel {
        let replayTiming = try ReplayOptionParsing.timing(timing, seed: seed)
        let replayMatching = try ReplayOptionParsing.matching(matching)
        do {
            return try TraceReplayChannel(trace: try Trace.load(path: path), matching: replayMatching, timing: replayTiming)
        } catch {
            throw fail("\(path): \(error)", status: ExitStatus.badInput)
        }
    }

    private func openReader(_ name: String) throws -> PCSCReaderChannel {
        do { return try PCSCReaderChannel(readerName: name) } catch {
            throw fail(error.message, status: ExitStatus.environment)
        }
    }
}
