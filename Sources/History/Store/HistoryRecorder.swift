import Foundation
import Results

// MARK: - A run saving as it goes

/// Saves a run into the history while it runs: the header at the start, each iteration as it
/// finishes (its own transaction, so a run killed mid-way keeps every finished iteration), the
/// summary at the end.
///
/// It has the shape of RunEngine's `RunRecorder` (the CLI declares the conformance), so the run
/// engine calls it under its sink's lock, after the result file has the same record.
public final class HistoryRecorder: @unchecked Sendable {
    private let store: any HistoryStore
    private let origin: RunOrigin
    private let batchSize: Int
    private let lock = NSLock()
    private var run: Int64?
    private var labels: SampleLabels?
    private var saved = 0
    private var pending: [IterationResult] = []

    /// The run's id, once ``started(_:)`` saved its header.
    public var runID: Int64? {
        lock.lock()
        defer { lock.unlock() }
        return run
    }

    /// A recorder into `store`. `batchSize` iterations are saved per transaction (1: each on its
    /// own, nothing lost; more: fewer fsyncs on slow disks, at most `batchSize − 1` iterations
    /// lost to a kill).
    public init(store: any HistoryStore, origin: RunOrigin, batchSize: Int = 1) {
        self.store = store
        self.origin = origin
        self.batchSize = max(1, batchSize)
    }

    public func started(_ header: ResultHeader) throws {
        lock.lock()
        defer { lock.unlock() }
        run = try store.beginRun(header, origin: origin)
        labels = header.labels
    }

    public func joined(_ reader: ReaderRecord) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let run else { return }
        try flush(run)
        try store.addReader(reader, run: run, iterationsBefore: saved)
    }

    public func append(_ iteration: IterationResult) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let run else { return }
        pending.append(iteration)
        if pending.count >= batchSize { try flush(run) }
    }

    public func finished(_ summary: RunSummary) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let run else { return }
        try flush(run)
        try store.finishRun(run, summary: summary)
    }

    private func flush(_ run: Int64) throws {
        guard !pending.isEmpty, let labels else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        try store.append(batch, run: run, labels: labels, firstSequence: saved)
        saved += batch.count
    }
}
