// MARK: - Host calibration

/// The error bars of the host a run was measured on: what the machine and its PC/SC stack add
/// to every exchange, and how far two identical runs land apart.
///
/// Measured, never assumed: `readerbench calibrate` writes the full set to a file of its own
/// (format ``formatName``), and every `run` embeds a short one taken at its start on the same
/// stack (or the latest file's, with its age). A latency figure means little without these
/// beside it: a reader 40 µs faster than another on a host whose A/A noise is 5% at p99 has not
/// been shown faster at p99.
///
/// All times are nanoseconds from `CLOCK_MONOTONIC`.
public struct HostCalibration: Codable, Sendable, Hashable {
    /// The format name of a standalone calibration file.
    public static let formatName = "readerbench-calibration"
    /// The version this module writes and reads.
    public static let currentVersion = 1

    /// Where these figures come from.
    public enum Origin: String, Codable, Sendable, Hashable {
        /// Measured by the run itself, just before its first iteration.
        case runStart = "run-start"
        /// Taken from a `readerbench calibrate` file (see ``file`` and ``ageSeconds``).
        case calibrateFile = "calibrate-file"
        /// A full `readerbench calibrate`.
        case calibrate
    }

    /// Always ``formatName``.
    public var format: String
    /// Always ``currentVersion`` when written by this module.
    public var version: Int
    /// When the figures were measured, ISO 8601 in UTC.
    public var measuredAt: String
    /// How they were obtained.
    public var origin: Origin
    /// The calibration file, for ``Origin/calibrateFile``.
    public var file: String?
    /// Seconds between the measurement and the run that uses it, for ``Origin/calibrateFile``.
    public var ageSeconds: Double?
    /// The stack measured, in words ("pcscd 1.9.9 + vpcd, instant simulated card").
    public var stack: String
    /// The reader the stack was measured through, when there was one.
    public var reader: String?
    /// The machine (in standalone files; a result file has its own ``Environment``).
    public var environment: Environment?
    /// The clock every timestamp comes from.
    public var clock: ClockFigures
    /// What timing one APDU costs the harness itself (two clock reads and one sample).
    public var instrumentationNanosecondsPerAPDU: Double
    /// How late a wait for a deadline returns on this host: the lateness of the simulated
    /// card's own clock, and the wake-up latency of an idle thread.
    public var wakeUpLateness: Distribution?
    /// The round trip of a card that answers at once, through the same stack: the least any
    /// exchange can take here.
    public var floor: Distribution?
    /// What the stack adds on top of a card that is busy for a known time.
    public var delays: [DelayOverhead]
    /// Experiments that show where the added time comes from (full calibrations only).
    public var causes: [OverheadExperiment]?
    /// How closely a recorded trace replays through the same stack.
    public var replay: ReplayFidelity?
    /// How far two identical, back-to-back runs differ.
    public var aa: AANoise?
    /// Sentences for people: what was skipped and why, what the figures mean.
    public var notes: [String]

    /// A calibration from its parts.
    public init(
        measuredAt: String, origin: Origin, stack: String, reader: String? = nil, environment: Environment? = nil,
        clock: ClockFigures, instrumentationNanosecondsPerAPDU: Double, wakeUpLateness: Distribution? = nil,
        floor: Distribution? = nil, delays: [DelayOverhead] = [], causes: [OverheadExperiment]? = nil,
        replay: ReplayFidelity? = nil, aa: AANoise? = nil, notes: [String] = []
    ) {
        format = Self.formatName
        version = Self.currentVersion
        self.measuredAt = measuredAt
        self.origin = origin
        self.stack = stack
        self.reader = reader
        self.environment = environment
        self.clock = clock
        self.instrumentationNanosecondsPerAPDU = instrumentationNanosecondsPerAPDU
        self.wakeUpLateness = wakeUpLateness
        self.floor = floor
        self.delays = delays
        self.causes = causes
        self.replay = replay
        self.aa = aa
        self.notes = notes
    }

    // MARK: - Reading the figures

    /// What the host adds (median) to one exchange during which the card is busy for about
    /// `cardNanoseconds`: the floor for an instant card, the measured overhead at the injected
    /// delays, linear in between and flat beyond the largest. Nil without a floor.
    public func hostNanoseconds(forCardTime cardNanoseconds: UInt64) -> UInt64? {
        guard let floor else { return nil }
        var points: [(x: Double, y: Double)] = [(0, Double(floor.p50))]
        points += delays.sorted { $0.injectedNanoseconds < $1.injectedNanoseconds }
            .map { (Double($0.injectedNanoseconds), Double(max(0, $0.overheadP50))) }
        let x = Double(cardNanoseconds)
        guard let last = points.last else { return floor.p50 }
        if x >= last.x { return UInt64(max(0, last.y)) }
        for (a, b) in zip(points, points.dropFirst()) where x <= b.x {
            let t = b.x == a.x ? 1 : (x - a.x) / (b.x - a.x)
            return UInt64(max(0, a.y + t * (b.y - a.y)))
        }
        return UInt64(max(0, last.y))
    }

    /// The host's share of an exchange that took `measuredNanoseconds` (median): an estimate of
    /// how much of it is this machine and its PC/SC stack rather than the reader and card.
    public func hostShare(ofExchange measuredNanoseconds: UInt64) -> Double? {
        guard measuredNanoseconds > 0, let floor else { return nil }
        let cardTime = measuredNanoseconds > floor.p50 ? measuredNanoseconds - floor.p50 : 0
        guard let host = hostNanoseconds(forCardTime: cardTime) else { return nil }
        return min(1, Double(host) / Double(measuredNanoseconds))
    }
}

/// The clock's own figures.
public struct ClockFigures: Codable, Sendable, Hashable {
    /// Always `CLOCK_MONOTONIC`.
    public var name: String
    /// What `clock_getres` reports.
    public var resolutionNanoseconds: UInt64
    /// The smallest step seen between two successive readings.
    public var smallestStepNanoseconds: UInt64
    /// The median cost of one reading.
    public var readNanoseconds: Double

    /// Clock figures from their values.
    public init(
        name: String = "CLOCK_MONOTONIC", resolutionNanoseconds: UInt64, smallestStepNanoseconds: UInt64,
        readNanoseconds: Double
    ) {
        self.name = name
        self.resolutionNanoseconds = resolutionNanoseconds
        self.smallestStepNanoseconds = smallestStepNanoseconds
        self.readNanoseconds = readNanoseconds
    }
}

/// A distribution, as calibration reports it.
public struct Distribution: Codable, Sendable, Hashable {
    public var count: Int
    public var min: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var max: UInt64

    /// A distribution from its values.
    public init(count: Int, min: UInt64, p50: UInt64, p90: UInt64, p99: UInt64, max: UInt64) {
        self.count = count
        self.min = min
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }

    /// The distribution of `samples` (nearest-rank percentiles of the exact values); nil when empty.
    public init?(samples: [UInt64]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> UInt64 {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        self.init(
            count: sorted.count, min: sorted[0], p50: rank(0.50), p90: rank(0.90), p99: rank(0.99),
            max: sorted[sorted.count - 1])
    }
}

/// What the stack added to exchanges during which the card was busy for a known time.
public struct DelayOverhead: Codable, Sendable, Hashable {
    /// The card-side delay injected before each answer.
    public var injectedNanoseconds: UInt64
    /// Exchanges measured.
    public var count: Int
    /// Median measured round trip.
    public var measuredP50: UInt64
    /// Measured minus injected, median: the stack's cost while the card is busy this long.
    public var overheadP50: Int64
    /// Measured minus injected, 99th percentile.
    public var overheadP99: Int64

    /// Figures from their values.
    public init(injectedNanoseconds: UInt64, count: Int, measuredP50: UInt64, overheadP50: Int64, overheadP99: Int64) {
        self.injectedNanoseconds = injectedNanoseconds
        self.count = count
        self.measuredP50 = measuredP50
        self.overheadP50 = overheadP50
        self.overheadP99 = overheadP99
    }
}

/// One experiment on where the overhead of a busy card comes from: the same injected delay,
/// measured with one thing changed.
public struct OverheadExperiment: Codable, Sendable, Hashable {
    /// What was changed ("card spins instead of sleeping").
    public var name: String
    /// The injected delay.
    public var injectedNanoseconds: UInt64
    /// Measured minus injected, median and 99th percentile.
    public var overheadP50: Int64
    public var overheadP99: Int64

    /// An experiment's figures.
    public init(name: String, injectedNanoseconds: UInt64, overheadP50: Int64, overheadP99: Int64) {
        self.name = name
        self.injectedNanoseconds = injectedNanoseconds
        self.overheadP50 = overheadP50
        self.overheadP99 = overheadP99
    }
}

/// Recorded against replayed per-APDU-kind medians of a trace served through the stack.
public struct ReplayFidelity: Codable, Sendable, Hashable {
    /// One APDU kind.
    public struct Kind: Codable, Sendable, Hashable {
        public var kind: String
        /// Median duration in the recording.
        public var recordedP50: UInt64
        /// Median measured when served at recorded timing.
        public var replayedP50: UInt64
        /// Median measured when served at recorded timing minus the compensation.
        public var compensatedP50: UInt64

        public init(kind: String, recordedP50: UInt64, replayedP50: UInt64, compensatedP50: UInt64) {
            self.kind = kind
            self.recordedP50 = recordedP50
            self.replayedP50 = replayedP50
            self.compensatedP50 = compensatedP50
        }

        /// Replayed / recorded − 1, without and with compensation.
        public var error: (plain: Double, compensated: Double) {
            let recorded = Double(Swift.max(recordedP50, 1))
            return (Double(replayedP50) / recorded - 1, Double(compensatedP50) / recorded - 1)
        }
    }

    /// The trace replayed.
    public var trace: String
    /// What was taken off each recorded duration in the compensated replay (the floor's median).
    public var compensationNanoseconds: UInt64
    /// Per APDU kind.
    public var kinds: [Kind]

    public init(trace: String, compensationNanoseconds: UInt64, kinds: [Kind]) {
        self.trace = trace
        self.compensationNanoseconds = compensationNanoseconds
        self.kinds = kinds
    }
}

/// How far two identical runs, back to back on the same stack, land apart: the least
/// difference a comparison on this host can call real.
public struct AANoise: Codable, Sendable, Hashable {
    /// One series' second-run / first-run − 1 at three quantiles.
    public struct Series: Codable, Sendable, Hashable {
        public var name: String
        public var p50: Double
        public var p90: Double
        public var p99: Double

        public init(name: String, p50: Double, p90: Double, p99: Double) {
            self.name = name
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
        }
    }

    /// What each side ran ("visual scenario, warm, instant card").
    public var workload: String
    /// Iterations per side.
    public var iterationsPerSide: Int
    /// The check's total and each APDU kind.
    public var series: [Series]

    public init(workload: String, iterationsPerSide: Int, series: [Series]) {
        self.workload = workload
        self.iterationsPerSide = iterationsPerSide
        self.series = series
    }

    /// The largest |ratio − 1| over the series, per quantile.
    public var worst: (p50: Double, p90: Double, p99: Double) {
        (
            series.map { abs($0.p50) }.max() ?? 0, series.map { abs($0.p90) }.max() ?? 0,
            series.map { abs($0.p99) }.max() ?? 0
        )
    }
}
