import Results

// MARK: - The store's interface

/// What every history backend does. The SQLite store (one file, one machine) is the first; a
/// PostgreSQL store for fleets (issue 17) runs the same ``HistorySchema`` and ``HistoryQueries``
/// through its own driver and plugs in here.
///
/// Saving is split the way a run goes, so that a run killed mid-way keeps every iteration it
/// finished: ``beginRun(_:origin:)`` when the header is known, ``append(_:run:labels:firstSequence:)``
/// after each iteration (or small batch), ``finishRun(_:summary:)`` at the end.
public protocol HistoryStore: AnyObject, Sendable {
    /// Saves a run's header and readers; returns its id. A run with the same fingerprint (the
    /// same header) already saved is ``HistoryError/Code/duplicate``.
    func beginRun(_ header: ResultHeader, origin: RunOrigin) throws(HistoryError) -> Int64
    /// A reader that joined during the run, after `iterationsBefore` saved iterations.
    func addReader(_ record: ReaderRecord, run: Int64, iterationsBefore: Int) throws(HistoryError)
    /// Saves iterations numbered from `firstSequence`, in one transaction.
    func append(_ iterations: [IterationResult], run: Int64, labels: SampleLabels, firstSequence: Int)
        throws(HistoryError)
    /// Saves the summary and the percentiles trends read; the run is then complete.
    func finishRun(_ run: Int64, summary: RunSummary) throws(HistoryError)

    /// Runs matching `query`, newest first.
    func runs(_ query: RunQuery) throws(HistoryError) -> [RunListing]
    /// How many runs match `query` (its limit aside).
    func count(_ query: RunQuery) throws(HistoryError) -> Int
    /// One run, whole.
    func run(_ id: Int64) throws(HistoryError) -> StoredRun
    /// One model's percentile across runs, oldest first.
    func trendPoints(_ query: TrendQuery) throws(HistoryError) -> [TrendPoint]
}

extension HistoryStore {
    /// A whole result file saved at once (`history import`); returns the new run's id.
    public func importRun(_ file: ResultFile, origin: RunOrigin) throws(HistoryError) -> Int64 {
        var header = file.header
        header.readers = file.header.readers
        let id = try beginRun(header, origin: origin)
        let joined = file.readers.filter { record in !header.readers.contains { $0.id == record.id } }
        // Joined readers are placed before the first iteration of theirs (where the run announced them).
        var pending = joined
        var batch: [IterationResult] = []
        var sequence = 0
        func flush() throws(HistoryError) {
            guard !batch.isEmpty else { return }
            try append(batch, run: id, labels: header.labels, firstSequence: sequence)
            sequence += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        for iteration in file.iterations {
            if let index = pending.firstIndex(where: { $0.id == iteration.reader }) {
                try flush()
                try addReader(pending.remove(at: index), run: id, iterationsBefore: sequence)
            }
            batch.append(iteration)
            if batch.count == 500 { try flush() }
        }
        try flush()
        for record in pending { try addReader(record, run: id, iterationsBefore: sequence) }
        if let summary = file.summary { try finishRun(id, summary: summary) }
        return id
    }

    /// One model's percentile across runs, with its change points.
    public func trend(_ query: TrendQuery, detector: ChangePointDetector = ChangePointDetector()) throws(HistoryError)
        -> Trend
    {
        let points = try trendPoints(query)
        var changes: [ChangePoint] = []
        // Each reader of a model is a series of its own (two units of one model may differ);
        // change points are found per reader name and mapped back to positions in `points`.
        var byReader: [String: [Int]] = [:]
        var order: [String] = []
        for (position, point) in points.enumerated() where point.valueNanoseconds != nil {
            if byReader[point.readerName] == nil { order.append(point.readerName) }
            byReader[point.readerName, default: []].append(position)
        }
        for name in order {
            let positions = byReader[name]!
            let values = positions.map { Double(points[$0].valueNanoseconds!) }
            for change in detector.detect(values) {
                var mapped = change
                mapped.index = positions[change.index]
                let before = points[positions[change.index - 1]]
                let after = points[positions[change.index]]
                mapped.coincidesWith = ChangePoint.conditionsChanged(from: before, to: after)
                changes.append(mapped)
            }
        }
        return Trend(
            model: query.model, metric: query.metric, mode: query.mode, points: points,
            changes: changes.sorted { $0.index < $1.index })
    }
}
