// MARK: - Header

/// Everything a result file says before its first iteration: what was run, where, on which
/// reader and card, how it was timed, and the names the compact APDU rows refer to.
///
/// In the file these fields sit at the top level next to `iterations`, `summary` and `complete`,
/// so `jq .reader.modelKey` works without knowing about a header object.
public struct ResultHeader: Codable, Sendable, Hashable {
    /// The format name every result file carries.
    public static let formatName = "readerbench-result"
    /// The format version this module writes and reads.
    public static let currentVersion = 1

    /// Always ``formatName``; lets a reader reject other JSON files with a clear message.
    public var format: String
    /// Always ``currentVersion`` when written by this module; see the versioning policy in
    /// docs/result-format.md.
    public var version: Int
    /// The program that wrote the file.
    public var tool: ToolInfo
    /// When the run started, ISO 8601 in UTC (`2025-11-22T02:27:00Z`).
    public var createdAt: String
    /// The options the run was started with.
    public var run: RunOptions
    /// The machine the run was on.
    public var environment: Environment
    /// The reader that was measured.
    public var reader: ReaderInfo
    /// What answered: a real card or a simulation, and what the numbers therefore mean.
    public var card: CardInfo
    /// How time was taken.
    public var instrumentation: Instrumentation
    /// The names the integer indices in ``APDUTiming`` rows refer to.
    public var labels: SampleLabels

    /// A header for a new run of the current format and version.
    public init(
        tool: ToolInfo, createdAt: String, run: RunOptions, environment: Environment, reader: ReaderInfo,
        card: CardInfo, instrumentation: Instrumentation, labels: SampleLabels
    ) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.tool = tool
        self.createdAt = createdAt
        self.run = run
        self.environment = environment
        self.reader = reader
        self.card = card
        self.instrumentation = instrumentation
        self.labels = labels
    }
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

/// Whether an iteration started with the card already connected and the applet selected
/// (`warm`), or from a fresh connection (`cold`). The two are reported apart because cold
/// iterations include the reader's power-up and protocol negotiation.
public enum IterationMode: String, Codable, Sendable, Hashable, CaseIterable {
    case warm
    case cold
}

/// The options a run was started with, as given (after defaults were applied).
public struct RunOptions: Codable, Sendable, Hashable {
    /// The scenario name (the sequence of steps each iteration runs).
    public var scenario: String
    /// Measured iterations per mode.
    public var iterations: Int
    /// Iterations per mode run first and excluded from the summary.
    public var warmup: Int
    /// The modes run, in order.
    public var modes: [IterationMode]
    /// The pause between iterations.
    public var intervalMilliseconds: Int
    /// The limit for one iteration.
    public var timeoutMilliseconds: Int
    /// How the certificate was read.
    public var readStrategy: ReadStrategy
    /// The reader name or pattern asked for, when one was.
    public var readerRequested: String?
    /// The model key asked for, when one was.
    public var modelRequested: String?
    /// The PIN retry count below which the run stops rather than risk blocking the card.
    public var pinFloor: Int?

    /// Run options from their values.
    public init(
        scenario: String, iterations: Int, warmup: Int, modes: [IterationMode], intervalMilliseconds: Int,
        timeoutMilliseconds: Int, readStrategy: ReadStrategy, readerRequested: String? = nil,
        modelRequested: String? = nil, pinFloor: Int? = nil
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
    }
}

/// How READ BINARY fetched the certificate; part of the options because it changes the number
/// and size of exchanges, and so the times.
public struct ReadStrategy: Codable, Sendable, Hashable {
    /// How many bytes were read first to learn the certificate's length.
    public enum HeaderLength: Int, Codable, Sendable, Hashable {
        /// Tag, 82, two length bytes: enough for a DER SEQUENCE under 64 KiB.
        case four = 4
        /// Seven bytes, for cards that wrap the certificate in an outer tag.
        case seven = 7
    }

    /// How the rest of the certificate was split into READ BINARY commands.
    public enum Chunking: String, Codable, Sendable, Hashable {
        /// Short APDUs of Le = 256 (00) until the end.
        case fixed256 = "256"
        /// Short APDUs, the last one asking for exactly what is left.
        case exact
        /// One extended-length APDU for the rest.
        case extended
    }

    /// The length of the first READ BINARY.
    public var headerLength: HeaderLength
    /// How the rest was read.
    public var chunking: Chunking

    /// A read strategy from its two choices.
    public init(headerLength: HeaderLength, chunking: Chunking) {
        self.headerLength = headerLength
        self.chunking = chunking
    }
}
