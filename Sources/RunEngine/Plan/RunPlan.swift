import ReadPath
import Results
import RunModel

/// What a run does on every reader: the scenario, how many times and in which modes, how the
/// readers take turns, and the limits that stop it.
public struct RunPlan: Sendable {
    /// The steps of one iteration.
    public var scenario: Scenario
    /// How certificates and records are read.
    public var strategy: ReadStrategy
    /// Modes in order: each runs its warm-up and iterations before the next.
    public var modes: [IterationMode]
    /// Measured iterations per mode and reader (ignored with ``taps`` or ``duration``).
    public var iterations: Int
    /// Unmeasured iterations before each mode.
    public var warmup: Int
    /// Pause between iterations.
    public var intervalMilliseconds: Int
    /// The longest one exchange (or connect, or disconnect) may take before the reader's
    /// worker is abandoned.
    public var timeoutMilliseconds: Int
    /// VERIFY is refused below this many tries left (nil: the PIN's maximum).
    public var pinFloor: Int?
    /// How a pool's readers take turns.
    public var schedule: RunOptions.Schedule
    /// Tap trials per reader instead of back-to-back iterations: wait for a card, run once,
    /// wait for it to leave.
    public var taps: Int?
    /// Run until this much time has passed instead of a number of iterations (a soak).
    public var durationNanoseconds: UInt64?
    /// How long a worker waits for a card that left (or, in tap trials, for the next tap).
    public var cardWaitMilliseconds: Int
    /// How long a worker keeps trying to reach pcscd after it went away.
    public var serviceWaitMilliseconds: Int
    /// The share of measured iterations that may fail before the run counts as failed (0: any
    /// failure fails it).
    public var maxFailureRate: Double
    /// How often a soak prints a summary line per reader (nil: never).
    public var periodicSummaryNanoseconds: UInt64?

    /// A plan; the defaults are `readerbench run`'s.
    public init(
        scenario: Scenario, strategy: ReadStrategy = ReadStrategy(), modes: [IterationMode] = [.warm, .cold],
        iterations: Int = 200, warmup: Int = 5, intervalMilliseconds: Int = 0, timeoutMilliseconds: Int = 10_000,
        pinFloor: Int? = nil, schedule: RunOptions.Schedule = .roundRobin, taps: Int? = nil,
        durationNanoseconds: UInt64? = nil, cardWaitMilliseconds: Int = 30_000, serviceWaitMilliseconds: Int = 30_000,
        maxFailureRate: Double = 0, periodicSummaryNanoseconds: UInt64? = nil
    ) {
        self.scenario = scenario
        self.strategy = strategy
        self.modes = modes
        self.iterations = iterations
        self.warmup = warmup
        self.intervalMilliseconds = intervalMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.pinFloor = pinFloor
        self.schedule = schedule
        self.taps = taps
        self.durationNanoseconds = durationNanoseconds
        self.cardWaitMilliseconds = cardWaitMilliseconds
        self.serviceWaitMilliseconds = serviceWaitMilliseconds
        self.maxFailureRate = maxFailureRate
        self.periodicSummaryNanoseconds = periodicSummaryNanoseconds
    }

    /// The options as a result header records them.
    public func options(
        readerRequested: String? = nil, modelRequested: String? = nil, readersRequested: [String]? = nil,
        pool: Bool = false
    ) -> RunOptions {
        RunOptions(
            scenario: scenario.name, iterations: taps == nil && durationNanoseconds == nil ? iterations : 0,
            warmup: warmup, modes: modes, intervalMilliseconds: intervalMilliseconds,
            timeoutMilliseconds: timeoutMilliseconds, readStrategy: strategy, readerRequested: readerRequested,
            modelRequested: modelRequested, pinFloor: scenario.pinRole == nil ? nil : max(1, pinFloor ?? 3),
            schedule: pool ? schedule : nil, readersRequested: readersRequested, taps: taps,
            durationSeconds: durationNanoseconds.map { Double($0) / 1e9 },
            cardWaitMilliseconds: taps != nil || pool ? cardWaitMilliseconds : nil,
            maxFailureRate: maxFailureRate > 0 ? maxFailureRate : nil)
    }

    /// Iterations one reader runs in a mode, warm-ups included (nil: until the duration ends).
    var iterationsPerMode: Int? {
        if let taps { return taps }
        if durationNanoseconds != nil { return nil }
        return warmup + iterations
    }
}
