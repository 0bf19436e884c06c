import Results
import RunModel

/// Told what a run is doing, from any worker's thread: the CLI prints progress and warnings;
/// tests collect events. Calls are short and never block the worker for long.
public protocol RunObserver: Sendable {
    /// The header is written; iterations start.
    func runStarted(_ header: ResultHeader)
    /// A reader joined (at the start, or plugged in during the run).
    func readerJoined(_ reader: ReaderRecord)
    /// An iteration of `reader` finished.
    func iterationFinished(_ progress: ReaderProgress)
    /// A reader's part of the run ended.
    func readerStopped(_ reader: Int, reason: StopReason, note: String)
    /// Something the user should know that is not a failure of an iteration.
    func warning(_ message: String)
    /// A soak's periodic summary (only with ``RunPlan/periodicSummaryNanoseconds``).
    func periodicSummary(_ summary: RunSummary, elapsedNanoseconds: UInt64)
}

extension RunObserver {
    public func runStarted(_ header: ResultHeader) {}
    public func readerJoined(_ reader: ReaderRecord) {}
    public func iterationFinished(_ progress: ReaderProgress) {}
    public func readerStopped(_ reader: Int, reason: StopReason, note: String) {}
    public func warning(_ message: String) {}
    public func periodicSummary(_ summary: RunSummary, elapsedNanoseconds: UInt64) {}
}

/// Where one reader is.
public struct ReaderProgress: Sendable, Hashable {
    /// The reader's id.
    public var reader: Int
    /// The mode under way.
    public var mode: IterationMode
    /// Iterations (or taps) done in this mode, warm-ups included.
    public var done: Int
    /// Planned in this mode, warm-ups included; nil for a run bounded by time.
    public var total: Int?
    /// Failed iterations of this reader so far (all modes).
    public var failures: Int
    /// The last iteration's total, nil when it failed.
    public var lastNanoseconds: UInt64?
    /// The last failure's message, when the last iteration failed.
    public var lastFailure: String?

    public init(
        reader: Int, mode: IterationMode, done: Int, total: Int?, failures: Int, lastNanoseconds: UInt64?,
        lastFailure: String? = nil
    ) {
        self.reader = reader
        self.mode = mode
        self.done = done
        self.total = total
        self.failures = failures
        self.lastNanoseconds = lastNanoseconds
        self.lastFailure = lastFailure
    }
}

/// An observer that says nothing.
public struct SilentObserver: RunObserver {
    public init() {}
}
