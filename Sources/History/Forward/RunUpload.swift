// MARK: - A run on its way to a shared history

/// What the local history sends of one run: the run row, every reader, a slice of iterations and,
/// once the run finished, its summary and statistics. The values are the columns of
/// ``HistoryQueries``' forwarding statements, read from one store and written into another
/// unchanged, so the shared history holds byte for byte what the host saved.
public struct RunUpload: Sendable {
    /// The run's identity in every history (``RunFingerprint``).
    public var fingerprint: String
    /// The run's columns, in ``HistoryQueries/forwardedRunColumnList`` order.
    public var run: [SQLValue]
    /// Each reader's columns, as ``HistoryQueries/forwardedReaders`` selects them.
    public var readers: [[SQLValue]]
    /// Iterations as ``HistoryQueries/forwardedIterations`` selects them (seq first).
    public var iterations: [[SQLValue]]
    /// The summary, when the run finished and this upload carries its last iterations.
    public var finish: Finish?
    /// How many iterations the local run has (this slice may be fewer).
    public var localIterations: Int

    /// A finished run's ending.
    public struct Finish: Sendable {
        public var stopReason: String?
        public var summaryJSON: String?
        /// ``HistoryQueries/forwardedStats`` rows.
        public var stats: [[SQLValue]]
    }
}

/// What a shared history holds of one run.
public struct HeldRun: Sendable, Hashable {
    /// Its id there.
    public var id: Int64
    /// Iterations it holds (they are numbered 0 to this − 1: forwarding sends them in order).
    public var iterations: Int
    /// Whether it holds the summary.
    public var complete: Bool

    public init(id: Int64, iterations: Int, complete: Bool) {
        self.id = id
        self.iterations = iterations
        self.complete = complete
    }
}

/// A history that runs can be forwarded to (the PostgreSQL store): it says what it holds of a run
/// and takes what it lacks, idempotently.
public protocol HistoryReceiver: AnyObject, Sendable {
    /// Where it is, without secrets (`postgresql://user@host:port/db`): the key of the local
    /// upload records and what messages name.
    var location: String { get }
    /// What it holds of the run with this fingerprint; nil when nothing.
    func held(fingerprint: String) throws(HistoryError) -> HeldRun?
    /// Adds what `upload` has and it lacks, in one transaction (all or nothing), and says what it
    /// then holds.
    func receive(_ upload: RunUpload) throws(HistoryError) -> HeldRun
}

/// A local run's upload record.
public struct UploadState: Sendable, Hashable, Codable {
    public var run: Int64
    public var remote: String
    public var iterationsSent: Int
    public var localIterations: Int
    public var completeSent: Bool
    public var localComplete: Bool
    /// Why the last attempt failed, when it did.
    public var lastError: String?
    public var attemptedAt: String?

    /// Whether the remote holds everything the local run has.
    public var isSent: Bool { iterationsSent >= localIterations && (completeSent || !localComplete) }
}
