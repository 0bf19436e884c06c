import Foundation
import Results
import RunModel

/// Somewhere else a run's results go as they happen, besides the result file and the CSV (the
/// run history database, a metrics exporter). Called under the sink's lock, from any worker's
/// thread, after the result file has the same record; a recorder that fails says so in `warn`
/// and the run goes on.
public protocol RunRecorder: AnyObject, Sendable {
    /// The header, before any iteration.
    func started(_ header: ResultHeader) throws
    /// A reader that joined during the run.
    func joined(_ reader: ReaderRecord) throws
    /// One finished iteration (warm-ups included; `warmup` tells).
    func append(_ iteration: IterationResult) throws
    /// The run's summary; the last call.
    func finished(_ summary: RunSummary) throws
}

/// Everything a run writes, behind one lock: workers append after each iteration from their own
/// threads, the watchdog records an abandoned reader from its thread, and the pool finishes the
/// files. Every finished iteration is on disk the moment ``append(_:)`` returns, and the files
/// are finished exactly once.
public final class ResultSink: @unchecked Sendable {
    private let lock = NSLock()
    private var writer: ResultFileWriter?
    private var csv: CSVSampleWriter?
    private var aggregator: RunAggregator
    private var readerStops: [Int: (reason: StopReason, note: String)] = [:]
    private var abandoned: Set<Int> = []
    private var failed: [Int: Int] = [:]
    private var finished: RunSummary?
    /// The first problem writing the files, if any (measuring goes on; the summary says so).
    public private(set) var writeProblem: String?
    /// Told when a write fails (once).
    private let warn: @Sendable (String) -> Void
    /// Where else results go; a recorder that fails is dropped with a warning.
    private var recorders: [any RunRecorder]

    /// Creates the result and CSV files (either may be nil) with `header`, and starts `recorders`.
    public init(
        header: ResultHeader, outPath: String?, csvPath: String?, recorders: [any RunRecorder] = [],
        warn: @escaping @Sendable (String) -> Void
    ) throws(RunEngineError) {
        aggregator = RunAggregator(labels: header.labels)
        for reader in header.readers { aggregator.register(reader: reader.id) }
        self.warn = warn
        self.recorders = []
        do {
            if let outPath { writer = try ResultFileWriter(path: outPath, header: header, replacingExisting: true) }
            if let csvPath { csv = try CSVSampleWriter(path: csvPath, labels: header.labels, replacingExisting: true) }
        } catch {
            throw RunEngineError(.cannotWrite, "\(error)")
        }
        for recorder in recorders {
            do {
                try recorder.started(header)
                self.recorders.append(recorder)
            } catch {
                warn("results will not be recorded there: \(error)")
            }
        }
    }

    /// Lock held: tells every recorder; one that fails is dropped, once, with a warning.
    private func tell(_ call: (any RunRecorder) throws -> Void) {
        recorders.removeAll { recorder in
            do {
                try call(recorder)
                return false
            } catch {
                warn("stopped recording there: \(error)")
                return true
            }
        }
    }

    /// Adds a reader that joined during the run.
    public func announce(_ reader: ReaderRecord) {
        lock.lock()
        defer { lock.unlock() }
        guard finished == nil else { return }
        aggregator.register(reader: reader.id)
        record { () throws(ResultsError) in try writer?.announce(reader) }
        tell { try $0.joined(reader) }
    }

    /// Adds one finished iteration to the statistics and the files. Iterations of a reader the
    /// watchdog abandoned are refused (its result was recorded as a timeout).
    @discardableResult
    public func append(_ iteration: IterationResult) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard finished == nil, !abandoned.contains(iteration.reader) else { return false }
        aggregator.add(iteration)
        if !iteration.ok && !iteration.warmup { failed[iteration.reader, default: 0] += 1 }
        record { () throws(ResultsError) in
            try writer?.append(iteration)
            try csv?.append(iteration)
        }
        tell { try $0.append(iteration) }
        return true
    }

    /// Records that `reader`'s worker is stuck in an exchange that will not return: `failure`
    /// (a timeout at the step it hung in) is its last iteration, and nothing it does later counts.
    public func abandon(reader: Int, failure: IterationResult, note: String) {
        lock.lock()
        defer { lock.unlock() }
        guard finished == nil, !abandoned.contains(reader) else { return }
        aggregator.add(failure)
        failed[reader, default: 0] += 1
        record { () throws(ResultsError) in try writer?.append(failure) }
        tell { try $0.append(failure) }
        abandoned.insert(reader)
        readerStops[reader] = (.timeout, note)
    }

    /// Whether the watchdog gave up on `reader`.
    public func isAbandoned(_ reader: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return abandoned.contains(reader)
    }

    /// Why `reader`'s part ended (first word wins; an abandoned reader stays a timeout).
    public func readerStopped(_ reader: Int, reason: StopReason, note: String) {
        lock.lock()
        defer { lock.unlock() }
        if readerStops[reader] == nil { readerStops[reader] = (reason, note) }
    }

    /// Measured iterations so far, over all readers.
    public var measuredIterations: Int {
        lock.lock()
        defer { lock.unlock() }
        return aggregator.measuredIterations
    }

    /// The summary so far, without finishing anything (soak reports).
    public func currentSummary() -> RunSummary {
        lock.lock()
        defer { lock.unlock() }
        return aggregator.summary(stopReason: .completed, note: "under way", readerStops: readerStops)
    }

    /// Summarises, writes the summary, closes the files; later calls return the first summary.
    @discardableResult
    public func finish(stopReason: StopReason, note: String) -> RunSummary {
        lock.lock()
        defer { lock.unlock() }
        if let finished { return finished }
        var note = note
        if let writeProblem { note += (note.isEmpty ? "" : "; ") + "the result files are incomplete: \(writeProblem)" }
        let summary = aggregator.summary(stopReason: stopReason, note: note, readerStops: readerStops)
        finished = summary
        do {
            try writer?.finish(summary: summary)
            try csv?.close()
        } catch {
            warn("cannot finish the result files: \(error)")
        }
        tell { try $0.finished(summary) }
        return summary
    }

    /// Runs a write; the first failure is kept and reported once, and measuring goes on.
    private func record(_ write: () throws(ResultsError) -> Void) {
        do { try write() } catch {
            if writeProblem == nil {
                writeProblem = "\(error)"
                warn("cannot write results: \(error)")
            }
        }
    }
}
