import Results

// MARK: - A document as series

/// A result document reduced to what a comparison needs: for each reader (by model key), for
/// each series, the samples; and what the run was.
///
/// This is the seam between file formats and statistics. Format v1 holds one reader per file;
/// a format holding many readers' series in one document (a pool run) maps onto the same shape
/// with one more initialiser, and nothing downstream changes.
public struct SeriesDocument: Sendable {
    /// Where the document came from (its path), for reports.
    public var name: String
    /// What was run, where, on what; the same for every reader of the document.
    public var context: RunContext
    /// The readers, in the document's order.
    public var readers: [ReaderSeries]

    /// A document from its parts.
    public init(name: String, context: RunContext, readers: [ReaderSeries]) {
        self.name = name
        self.context = context
        self.readers = readers
    }

    /// reader model key → series name (``SeriesKey/description``) → samples in nanoseconds.
    public var samplesByReader: [String: [String: [Double]]] {
        var result: [String: [String: [Double]]] = [:]
        for reader in readers {
            var series: [String: [Double]] = [:]
            for entry in reader.series { series[entry.key.description] = entry.samples }
            result[reader.key] = series
        }
        return result
    }

    /// Reads a result file of any version this build knows and extracts its series.
    public static func load(_ path: String) throws(RunComparisonError) -> SeriesDocument {
        let file: ResultFile
        do {
            file = try ResultFile.load(path)
        } catch {
            throw RunComparisonError(.unreadable, path: path, reason: error.reason, underlying: error)
        }
        let document = SeriesDocument(resultFile: file, name: path)
        guard document.readers.contains(where: { !$0.series.isEmpty }) else {
            throw RunComparisonError(
                .noSamples, path: path,
                reason: "no measured, successful iteration: every iteration is a warmup or failed")
        }
        return document
    }
}

/// One reader's series.
public struct ReaderSeries: Sendable {
    /// The model key readers are matched by (`usb:054c:0dc9 fw=1.00`, `name:…`).
    public var key: String
    /// The reader's name as PC/SC listed it.
    public var name: String
    /// Every series with at least one sample: per mode, the total, then phases, then APDU kinds.
    public var series: [Series]
    /// Measured and failed iterations per mode, in the run's mode order.
    public var iterations: [ModeIterations]

    /// A reader's series from its parts.
    public init(key: String, name: String, series: [Series], iterations: [ModeIterations]) {
        self.key = key
        self.name = name
        self.series = series
        self.iterations = iterations
    }

    /// The series with `key`, if the reader has it.
    public subscript(key: SeriesKey) -> Series? {
        series.first { $0.key == key }
    }
}

/// The samples of one series.
public struct Series: Sendable, Hashable {
    /// Which series.
    public var key: SeriesKey
    /// Durations in nanoseconds, in file order.
    public var samples: [Double]

    /// A series from its parts.
    public init(key: SeriesKey, samples: [Double]) {
        self.key = key
        self.samples = samples
    }
}

/// How many iterations of a mode were measured and how many of them failed.
///
/// Failed iterations are left out of every latency series (a failure stops the clock early and
/// would pull the distribution down) and counted here instead, so a change in the failure rate
/// is reported beside the latency.
public struct ModeIterations: Sendable, Hashable, Codable {
    /// `warm` or `cold`.
    public var mode: String
    /// Measured iterations, warmups excluded.
    public var measured: Int
    /// Of those, failed.
    public var failed: Int
    /// Failed iterations by cause (`timeout`, `status-word`, …).
    public var failuresByCause: [String: Int]

    /// Counts from their values.
    public init(mode: String, measured: Int, failed: Int, failuresByCause: [String: Int]) {
        self.mode = mode
        self.measured = measured
        self.failed = failed
        self.failuresByCause = failuresByCause
    }
}

// MARK: - What the run was

/// What a run measured and under which conditions: what decides whether two documents can be
/// compared at all.
public struct RunContext: Sendable, Hashable, Codable {
    /// What answered the commands, which decides what the numbers mean.
    public enum Measurement: String, Sendable, Hashable, Codable {
        /// A real card in a real reader: measured.
        case reader
        /// The simulated card: card-side time comes from a timing profile, a model.
        case modelled
        /// A recorded trace replayed: card time is the recording's.
        case replayed
    }

    /// The scenario.
    public var scenario: String
    /// The run's options, as written in the file.
    public var options: RunOptions
    /// `card.source` of the file (`pcsc`, `simulated-vpcd`, `simulated-in-process`, `trace`).
    public var cardSource: String
    /// Measured, modelled or replayed.
    public var measurement: Measurement
    /// The timing profile, for a simulated card.
    public var timingProfile: String?
    /// The machine.
    public var environment: Environment
    /// The host calibration (round-trip floor and A/A noise), when the document carries one.
    public var hostCalibration: HostNoise?
    /// Whether the run finished.
    public var complete: Bool
    /// The tool version that wrote the document.
    public var toolVersion: String
    /// When the run started.
    public var createdAt: String

    /// A context from its parts.
    public init(
        scenario: String, options: RunOptions, cardSource: String, measurement: Measurement, timingProfile: String?,
        environment: Environment, hostCalibration: HostNoise?, complete: Bool, toolVersion: String,
        createdAt: String
    ) {
        self.scenario = scenario
        self.options = options
        self.cardSource = cardSource
        self.measurement = measurement
        self.timingProfile = timingProfile
        self.environment = environment
        self.hostCalibration = hostCalibration
        self.complete = complete
        self.toolVersion = toolVersion
        self.createdAt = createdAt
    }
}
