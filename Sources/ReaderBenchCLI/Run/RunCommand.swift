import ArgumentParser
import History
import HistoryPostgres
import LiveMetrics
import CardCrypto
import CardTiming
import CardTransport
import Foundation
import PCSC
import ReadPath
import Results
import RunEngine
import RunModel
import SimulatedCard
import Simulator
import Traces

/// `readerbench run`: the qualification-check read path, measured on one reader or a pool.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the My Number Card read path many times and report the latency of every APDU and phase.",
        discussion: """
            With no reader named and no real reader plugged in, measures the built-in simulated card behind \
            the virtual reader (a private pcscd + vpcd), starting it if it can; failing that, the simulated \
            card in-process, which measures the harness, not a reader. Simulated card-side time is modelled \
            (--profile), and results say so.

            Pools: --reader A --reader B, --model KEY or --readers all measure several readers in one run, \
            one worker thread each, taking turns per --schedule (round-robin by default, so drift of the host \
            hits every reader alike). A reader that fails costs its own iterations only.

            PIN safety: the PIN comes from the environment variable named by --pin-env (READER=VAR for one \
            reader) or a prompt that does not echo, never from the command line; it is never printed, logged \
            or written. Before any VERIFY the retry counter is read, and the run refuses to VERIFY when fewer \
            tries are left than the card's maximum (lower the floor with --allow-pin-retry-below N). The first \
            wrong PIN stops that reader. The simulated card's PIN is test data (1234).

            Cold iterations start from a powered-off card; warm iterations keep it powered. Without --cold \
            or --warm both are run and reported separately. Ctrl-C stops after the current iteration and \
            still writes every result.

            History: every run is saved in a local SQLite database as it goes (one transaction per \
            iteration, so a run killed mid-way keeps what it finished): `readerbench history list`. \
            --no-save skips it, --db PATH chooses the file. --db postgresql://user@host:port/db forwards the \
            run to a fleet's shared history from a thread of its own (never on the measured path); a run that \
            could not reach it stays unsent locally until `readerbench history sync` or the next run sends it.

            Exit status: 0 success (also Ctrl-C), 2 bad input, 3 a reader could not finish (no pcscd, \
            reader gone, a card that stopped answering), 4 PIN safety stop, 5 measured iterations failed \
            (more than --max-failure-rate allows).
            """)

    // MARK: Readers
    @Option(help: "Reader name, or a unique part of it (repeat for a pool).") var reader: [String] = []
    @Option(help: "Reader model key (see `readerbench readers`; repeat for a pool).") var model: [String] = []
    @Option(help: "'all': every reader holding a card, and readers plugged in during the run.") var readers: String?
    @Flag(help: "Measure the built-in simulated card even when a real reader is plugged in.") var simulate = false
    @Flag(help: "Measure the simulated card inside this process, without pcscd (measures the harness only).")
    var inProcess = false
    @Option(help: "Pool schedule: round-robin, parallel or sequential.") var schedule: String = "round-robin"

    // MARK: What to run
    @Option(help: "Scenario: pin, visual or text.") var scenario: String = "pin"
    @Option(help: "Measured iterations per mode and reader.") var iterations: Int = 200
    @Option(help: "Unmeasured iterations before each mode.") var warmup: Int = 5
    @Flag(help: "Only cold iterations.") var cold = false
    @Flag(help: "Only warm iterations.") var warm = false
    @Option(help: "Tap trials per reader: wait for a card, run once, wait for it to leave.") var taps: Int?
    @Option(help: "Run for this long instead of a number of iterations (a soak): 90s, 30m, 8h.") var duration: String?
    @Option(help: "During a soak, print a summary this often (default 10m with --duration).") var summaryEvery: String?
    @Option(help: "Pause between iterations, in milliseconds.") var interval: Int = 0
    @Option(help: "Longest one APDU may take before its reader is abandoned, in milliseconds.") var timeout: Int =
        10_000
    @Option(help: "How long to wait for a card that left, or for the next tap, in milliseconds.")
    var cardWait: Int = 30_000
    @Option(help: "Failed measured iterations allowed before the exit status says so: e.g. 5% or 0.05.")
    var maxFailureRate: String = "0"
    @Option(help: "Certificate header read: 4 or 7 bytes.") var header: Int = 4
    @Option(help: "Chunking: 256 (whole blocks), exact (exact last chunk) or extended (one extended read).")
    var chunks: String = "exact"

    // MARK: Output
    @Option(help: "Write the versioned JSON result here (valid at every moment of the run).") var out: String?
    @Option(help: "Write raw per-APDU samples as CSV here.") var csv: String?
    @Flag(help: "No progress display.") var quiet = false
    @Option(help: "Record the run as a trace (PINs redacted): see docs/trace-format.md.") var record: String?
    @Flag(help: "With --record: replace the text AP's personal data with fictitious values of the same shape.")
    var scrubPersonal = false

    // MARK: History
    @Flag(help: "Do not save this run in the history database.") var noSave = false
    @Option(
        help: """
            The history: an SQLite file (default: $READERBENCH_HISTORY_DB, else ~/.local/share/readerbench/history.sqlite), \
            or postgresql://user@host:port/db: saved in the local one first, then forwarded there.
            """)
    var db: String?
    @Option(help: "A site name saved with the run, for fleets of hosts sharing a history.") var site: String?
    @Option(help: "Push live metrics: pushgateway=URL (Prometheus text format).") var metrics: String?

    // MARK: PIN
    @Option(help: "Environment variable holding the PIN; READER=VAR for one reader of a pool (repeatable).")
    var pinEnv: [String] = []
    @Option(help: "Allow VERIFY down to this many tries left (default: the PIN's maximum, 3).")
    var allowPinRetryBelow: Int?

    // MARK: Simulated card and traces
    @Option(help: "Simulated card variant (simulated runs; default: the one the timing profile models).")
    var card: String?
    @Option(help: "Timing profile of the simulated card (modelled): a built-in name or a JSON file.")
    var profile: String = "instant"
    @Option(help: "Fault injected into the simulated card (repeatable).") var fault: [String] = []
    @Option(help: "Replay this trace in-process instead of using a card.") var trace: String?
    @Option(help: "Replay timing: none, recorded, scaled:K or sampled.") var timing: String = "recorded"
    @Option(help: "Replay matching: strict (same bytes, PINs aside) or lenient (same instruction and file).")
    var matching: String = "strict"
    @Option(help: "Seed for --timing sampled.") var seed: UInt64 = 1

    func run() throws {
        let plan = try makePlan()
        let simulator = try SimulateCommand.simulatorConfiguration(
            card: card, profile: profile, faults: fault, pins: CardPINs())
        let pool = readers != nil || reader.count + model.count > 1 || !model.isEmpty
        if trace != nil
            && (record != nil || !reader.isEmpty || !model.isEmpty || readers != nil || simulate || inProcess)
        {
            throw fail(
                "--trace replays a recording; it cannot be combined with --record, --reader, --model, --readers, "
                    + "--simulate or --in-process", status: ExitStatus.badInput)
        }
        if record != nil && pool {
            throw fail("--record records one reader; name only one", status: ExitStatus.badInput)
        }
        if taps != nil && (trace != nil || inProcess) {
            throw fail(
                "--taps waits for a card on a PC/SC reader; a trace or the in-process card has none",
                status: ExitStatus.badInput)
        }
        if let readers, readers != "all" { throw fail("--readers takes 'all'", status: ExitStatus.badInput) }
        if let metrics {
            do { _ = try MetricsTarget.parse(metrics) } catch { throw fail(error.reason, status: ExitStatus.badInput) }
        }
        if let db, PostgresLocation.isLocation(db) {
            do { try PostgresSupport.requireBuilt(for: try PostgresLocation(db)) } catch {
                throw fail(error.reason, status: error.code == .notBuilt ? ExitStatus.environment : ExitStatus.badInput)
            }
        }
        // --site labels the saved run and the live metrics: with --no-save it needs --metrics.
        if noSave && (db != nil || (site != nil && metrics == nil)) {
            throw fail(
                "--no-save does not save: --db has nothing to do, and --site labels only saved runs and --metrics",
                status: ExitStatus.badInput)
        }
        Interruption.install()

        try RunSetup(command: self, plan: plan, simulator: simulator).execute()
    }

    /// The plan from the options, or an error naming the option that is wrong.
    func makePlan() throws -> RunPlan {
        guard let scenario = Scenario.named(self.scenario) else {
            throw fail("no scenario '\(self.scenario)'; one of pin, visual, text", status: ExitStatus.badInput)
        }
        guard iterations > 0 else {
            throw fail("--iterations must be positive, not \(iterations)", status: ExitStatus.badInput)
        }
        guard warmup >= 0 else {
            throw fail("--warmup must not be negative, not \(warmup)", status: ExitStatus.badInput)
        }
        guard interval >= 0 else {
            throw fail("--interval must not be negative, not \(interval)", status: ExitStatus.badInput)
        }
        guard timeout > 0 else { throw fail("--timeout must be positive, not \(timeout)", status: ExitStatus.badInput) }
        guard cardWait > 0 else {
            throw fail("--card-wait must be positive, not \(cardWait)", status: ExitStatus.badInput)
        }
        guard let headerLength = ReadStrategy.HeaderLength(rawValue: header) else {
            throw fail("--header must be 4 or 7", status: ExitStatus.badInput)
        }
        guard let chunking = ReadStrategy.Chunking(rawValue: chunks) else {
            throw fail("--chunks must be 256, exact or extended", status: ExitStatus.badInput)
        }
        if let floor = allowPinRetryBelow, floor < 1 {
            throw fail(
                "--allow-pin-retry-below must be at least 1: a PIN with no tries left is blocked",
                status: ExitStatus.badInput)
        }
        if cold && warm {
            throw fail("--cold and --warm exclude each other; give neither to run both", status: ExitStatus.badInput)
        }
        guard let scheduled = RunOptions.Schedule(rawValue: schedule) else {
            throw fail("--schedule must be round-robin, parallel or sequential", status: ExitStatus.badInput)
        }
        if let taps, taps <= 0 { throw fail("--taps must be positive, not \(taps)", status: ExitStatus.badInput) }
        if taps != nil && duration != nil {
            throw fail("--taps and --duration exclude each other", status: ExitStatus.badInput)
        }
        let soak = try duration.map { try Self.parseDuration($0, option: "--duration") }
        let every = try summaryEvery.map { try Self.parseDuration($0, option: "--summary-every") }
        guard let allowed = Self.parseRate(maxFailureRate) else {
            throw fail(
                "--max-failure-rate must be a share between 0 and 1 or a percentage (5%), not '\(maxFailureRate)'",
                status: ExitStatus.badInput)
        }
        // A tap is a card entering the field: a cold start, nothing to warm up.
        let modes: [IterationMode] = taps != nil ? [.cold] : cold ? [.cold] : warm ? [.warm] : [.warm, .cold]
        return RunPlan(
            scenario: scenario, strategy: ReadStrategy(headerLength: headerLength, chunking: chunking), modes: modes,
            iterations: iterations, warmup: taps != nil ? 0 : warmup, intervalMilliseconds: interval,
            timeoutMilliseconds: timeout, pinFloor: allowPinRetryBelow, schedule: scheduled, taps: taps,
            durationNanoseconds: soak, cardWaitMilliseconds: cardWait, maxFailureRate: allowed,
            periodicSummaryNanoseconds: every ?? soak.map { _ in 600_000_000_000 })
    }

    /// `90s`, `30m`, `8h`, `1d` or plain seconds, as nanoseconds.
    static func parseDuration(_ text: String, option: String) throws -> UInt64 {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text)
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            number = text.dropLast()
            scale = unit
        }
        guard let value = Double(number), value > 0, value.isFinite else {
            throw fail(
                "\(option) must be a positive duration such as 90s, 30m or 8h, not '\(text)'",
                status: ExitStatus.badInput)
        }
        return UInt64(value * scale * 1e9)
    }

    /// `5%` or `0.05` as 0.05; nil when not a share in [0, 1].
    static func parseRate(_ text: String) -> Double? {
        let value: Double?
        if text.hasSuffix("%") { value = Double(text.dropLast()).map { $0 / 100 } } else { value = Double(text) }
        guard let value, value >= 0, value <= 1 else { return nil }
        return value
    }
}
