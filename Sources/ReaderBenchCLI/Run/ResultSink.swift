import Foundation
import Results

/// Everything a run writes, behind one lock: the main thread appends after each iteration, and
/// the watchdog may finish the files from its own thread when a reader stops answering. Either
/// way every finished iteration is on disk, and the files are finished exactly once.
final class ResultSink: @unchecked Sendable {
    private let lock = NSLock()
    private var writer: ResultFileWriter?
    private var csv: CSVSampleWriter?
    private var aggregator: RunAggregator
    private var finished: RunSummary?
    private(set) var writeProblem: String?

    init(header: ResultHeader, outPath: String?, csvPath: String?) throws {
        aggregator = RunAggregator(labels: header.labels)
        do {
            if let outPath { writer = try ResultFileWriter(path: outPath, header: header, replacingExisting: true) }
            if let csvPath { csv = try CSVSampleWriter(path: csvPath, labels: header.labels, replacingExisting: true) }
        } catch {
            throw fail("\(error)", status: ExitStatus.environment)
        }
    }

    /// Adds one finished iteration to the statistics and the files.
    func append(_ iteration: IterationResult) {
        lock.lock()
        defer { lock.unlock() }
        guard finished == nil else { return }
        aggregator.add(iteration)
        do {
            try writer?.append(iteration)
            try csv?.append(iteration)
        } catch {
            // Keep measuring and keep the statistics; say once that the file is incomplete.
            if writeProblem == nil {
                writeProblem = "\(error)"
                printError("readerbench: warning: cannot write results: \(error)")
            }
        }
    }

    /// How many measured (non-warmup) iterations were added.
    var measuredIterations: Int {
        lock.lock()
        defer { lock.unlock() }
        return aggregator.measuredIterations
    }

    /// Summarises, writes the summary, closes the files; later calls return the first summary.
    @discardableResult
    func finish(stopReason: RunSummary.StopReason, note: String) -> RunSummary {
        lock.lock()
        defer { lock.unlock() }
        if let finished { return finished }
        let summary = aggregator.summary(stopReason: stopReason, note: note)
        finished = summary
        do {
            try writer?.finish(summary: summary)
            try csv?.close()
        } catch {
            printError("readerbench: warning: cannot finish the result files: \(error)")
        }
        return summary
    }
}
