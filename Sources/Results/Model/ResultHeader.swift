import RunModel

// MARK: - Header

/// Everything a result file says before its first iteration: what was run, where, on which
/// readers and cards, how it was timed, how noisy the host was, and the names the compact APDU
/// rows refer to.
///
/// In the file these fields sit at the top level next to `iterations`, `summary` and `complete`,
/// so `jq '.readers[].modelKey'` works without knowing about a header object.
public struct ResultHeader: Codable, Sendable, Hashable {
    /// The format name every result file carries.
    public static let formatName = "readerbench-result"
    /// The format version this module writes.
    public static let currentVersion = 2
    /// The versions this module reads (see the versioning policy in docs/result-format.md).
    public static let readableVersions: ClosedRange<Int> = 1...2

    /// Always ``formatName``; lets a reader reject other JSON files with a clear message.
    public var format: String
    /// ``currentVersion`` when written by this module; 1 for a version-1 file read back.
    public var version: Int
    /// The program that wrote the file.
    public var tool: ToolInfo
    /// When the run started, ISO 8601 in UTC (`2025-11-22T02:27:00Z`).
    public var createdAt: String
    /// The options the run was started with.
    public var run: RunOptions
    /// The machine the run was on.
    public var environment: Environment
    /// The readers known when the run started, each with the card it held. Readers plugged in
    /// during the run are announced in the iteration stream (see ``ReaderRecord``) and listed
    /// by ``ResultFile/readers``.
    public var readers: [ReaderRecord]
    /// How time was taken.
    public var instrumentation: Instrumentation
    /// The host's own error bars on this stack: its round-trip floor, what it adds to a card
    /// that is busy, and how far two identical runs differ. Absent in version-1 files and in
    /// runs that could not calibrate (the summary says so).
    public var calibration: HostCalibration?
    /// The names the integer indices in ``APDUTiming`` rows refer to.
    public var labels: SampleLabels

    /// A header for a new run of the current format and version.
    public init(
        tool: ToolInfo, createdAt: String, run: RunOptions, environment: Environment, readers: [ReaderRecord],
        instrumentation: Instrumentation, calibration: HostCalibration? = nil, labels: SampleLabels
    ) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.tool = tool
        self.createdAt = createdAt
        self.run = run
        self.environment = environment
        self.readers = readers
        self.instrumentation = instrumentation
        self.calibration = calibration
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey {
        case format, version, tool, createdAt, run, environment, readers, instrumentation, calibration, labels
        // Version 1 held one reader and its card at the top level.
        case reader, card
    }

    /// Reads a version-2 header, or a version-1 header as one reader with id 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(Int.self, forKey: .version)
        tool = try container.decode(ToolInfo.self, forKey: .tool)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        run = try container.decode(RunOptions.self, forKey: .run)
        environment = try container.decode(Environment.self, forKey: .environment)
        instrumentation = try container.decode(Instrumentation.self, forKey: .instrumentation)
        calibration = try container.decodeIfPresent(HostCalibration.self, forKey: .calibration)
        labels = try container.decode(SampleLabels.self, forKey: .labels)
        if version == 1 {
            let reader = try container.decode(ReaderInfo.self, forKey: .reader)
            let card = try container.decode(CardInfo.self, forKey: .card)
            readers = [ReaderRecord(id: 0, reader: reader, card: card)]
        } else {
            readers = try container.decode([ReaderRecord].self, forKey: .readers)
        }
    }

    /// Writes the current layout, and so the current version: a header read from a version-1
    /// file is written back as version 2, never as a version-1 file in the new layout.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(Self.currentVersion, forKey: .version)
        try container.encode(tool, forKey: .tool)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(run, forKey: .run)
        try container.encode(environment, forKey: .environment)
        try container.encode(readers, forKey: .readers)
        try container.encode(instrumentation, forKey: .instrumentation)
        try container.encodeIfPresent(calibration, forKey: .calibration)
        try container.encode(labels, forKey: .labels)
    }

    /// Whether every reader's card is a simulation or a replay: the numbers are then the
    /// harness's and a model's, never a reader's own.
    public var isModelled: Bool { readers.allSatisfy { $0.card.isModelled } }
}

/// The program that wrote a result file, so a reader of the file can tie numbers to a build.
public struct ToolInfo: Codable, Sendable, Hashable {
    /// Always "readerbench" for files this tool writes.
    public var name: String
    /// The tool's version string.
    public var version: String

    /// The tool information; the name defaults to this tool's.
    public init(name: String = "readerbench", version: String) {
        self.name = name
        self.version = version
    }
}

// MARK: - Run options

/// The options a run was started with, as given (after defaults were applied).
public struct RunOptions: Codable, Sendable, Hashable {
    /// How the readers of a pool take turns.
    public enum Schedule: String, Codable, Sendable, Hashable, CaseIterable {
        /// All readers at once, each on its own thread: also shows how readers disturb each other.
        case parallel
        /// One iteration per reader in turn, so drift of the host hits every reader alike: the
        /// default for comparisons.
        case roundRobin = "round-robin"
        /// One reader's iterations after another's.
        case sequential
    }

    /// The scenario name (the sequence of steps each iteration runs).
    public var scenario: String
    /// Measured iterations per mode and reader (0 when the run is bounded by ``durationSeconds``
    /// or counts ``taps``).
    public var iterations: Int
    /// Iterations per mode run first and excluded from the summary.
    public var warmup: Int
    /// The modes run, in order.
    public var modes: [IterationMode]
    /// The pause between iterations.
    public var intervalMilliseconds: Int
    /// The longest one APDU may take before the reader's part of the run stops as a timeout.
    public var timeoutMilliseconds: Int
    /// How the certificate was read.
    public var readStrategy: ReadStrategy
    /// The reader name or pattern asked for, when one was.
    public var readerRequested: String?
    /// The model key asked for, when one was.
    public var modelRequested: String?
    /// The PIN retry count below which the run stops rather than risk blocking the card.
    public var pinFloor: Int?
    /// How a pool's readers took turns (absent for a single reader).
    public var schedule: Schedule?
    /// Every reader name, pattern or model key asked for (`--reader`, `--model`, `--readers all`).
    public var readersRequested: [String]?
    /// Tap trials per reader (`--taps`), when the run was one.
    public var taps: Int?
    /// The run's length bound (`--duration`), for soaks.
    public var durationSeconds: Double?
    /// How long a worker waits for a card to come back (`--card-wait`).
    public var cardWaitMilliseconds: Int?
    /// The failure rate the user allowed before the run counts as failed (`--max-failure-rate`).
    public var maxFailureRate: Double?

    /// Run options from their values.
    public init(
        scenario: String, iterations: Int, warmup: Int, modes: [IterationMode], intervalMilliseconds: Int,
        timeoutMilliseconds: Int, readStrategy: ReadStrategy, readerRequested: String? = nil,
        modelRequested: String? = nil, pinFloor: Int? = nil, schedule: Schedule? = nil,
        readersRequested: [String]? = nil, taps: Int? = nil, durationSeconds: Double? = nil,
        cardWaitMilliseconds: Int? = nil, maxFailureRate: Double? = nil
    ) {
        self.scenario = scenario
        self.iterations = iterations
        self.warmup = warmup
        self.modes = modes
        self.intervalMilliseconds = intervalMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.readStrategy = readStrategy
        self.readerRequested = readerRequested
        self.modelRequested = modelRequested
        self.pinFloor = pinFloor
        self.schedule = schedule
        self.readersRequested = readersRequested
        self.taps = taps
        self.durationSeconds = durationSeconds
        self.cardWaitMilliseconds = cardWaitMilliseconds
        self.maxFailureRate = maxFailureRate
    }
}
