import Measurement
import RunModel

// MARK: - Aggregator

/// Turns iterations into a ``RunSummary``, per reader and mode, as they finish.
///
/// What counts where:
/// - Warmup iterations are ignored entirely.
/// - Every measured iteration counts in `iterations`; failed ones are counted by cause.
/// - Total and phase times come from successful iterations only: a failed iteration's total
///   stops at the failure, and would pull the distribution towards zero.
/// - Per-kind APDU times include exchanges of failed iterations that got a response, except the
///   exchange the iteration failed at (``Failure/apdu``). That one, and any exchange without a
///   response, counts as a failure of its kind instead.
/// - Tap trials (iterations with ``IterationResult/tap``) also feed the reader's ``TapSummary``.
///
/// Memory stays constant whatever the number of iterations (HdrHistograms, not samples).
public struct RunAggregator: Sendable {
    /// The labels APDU rows are resolved against.
    public let labels: SampleLabels
    private var readers: [Int: ReaderAccumulator] = [:]

    /// An empty aggregator; `labels` name the kinds in the summary.
    public init(labels: SampleLabels) {
        self.labels = labels
    }

    /// Makes sure `reader` appears in the summary even if none of its iterations finish.
    public mutating func register(reader: Int) {
        if readers[reader] == nil { readers[reader] = ReaderAccumulator() }
    }

    /// Takes one iteration into account (nothing happens for a warmup).
    public mutating func add(_ iteration: IterationResult) {
        register(reader: iteration.reader)
        guard !iteration.warmup else { return }
        readers[iteration.reader]!.add(iteration)
    }

    /// Iterations taken into account so far, warmups excluded, over all readers.
    public var measuredIterations: Int { readers.values.reduce(0) { $0 + $1.measuredIterations } }

    /// Measured iterations of one reader so far.
    public func measuredIterations(reader: Int) -> Int { readers[reader]?.measuredIterations ?? 0 }

    /// The summary of everything added so far.
    ///
    /// - Parameters:
    ///   - stopReason, note: why the run as a whole ended.
    ///   - readerStops: why each reader's part ended; a reader not named here gets the run's.
    public func summary(
        stopReason: RunSummary.StopReason, note: String,
        readerStops: [Int: (reason: RunSummary.StopReason, note: String)] = [:]
    ) -> RunSummary {
        let entries = readers.keys.sorted().map { id in
            let stop = readerStops[id] ?? (stopReason, note)
            return readers[id]!.summary(reader: id, labels: labels, stopReason: stop.reason, note: stop.note)
        }
        return RunSummary(readers: entries, stopReason: stopReason, note: note)
    }
}

// MARK: - One reader

private struct ReaderAccumulator: Sendable {
    var modes: [IterationMode: ModeAccumulator] = [:]
    var taps = 0
    var tapsSucceeded = 0
    var detection = LatencyHistogram()
    var removal = LatencyHistogram()

    var measuredIterations: Int { modes.values.reduce(0) { $0 + $1.iterations } }

    mutating func add(_ iteration: IterationResult) {
        modes[iteration.mode, default: ModeAccumulator()].add(iteration)
        if let tap = iteration.tap {
            taps += 1
            if iteration.ok { tapsSucceeded += 1 }
            if tap.detectionNanoseconds > 0 { detection.record(tap.detectionNanoseconds) }
            if tap.removalNanoseconds > 0 { removal.record(tap.removalNanoseconds) }
        }
    }

    func summary(reader: Int, labels: SampleLabels, stopReason: RunSummary.StopReason, note: String) -> ReaderSummary {
        ReaderSummary(
            reader: reader, warm: modes[.warm].map { $0.summary(labels: labels) },
            cold: modes[.cold].map { $0.summary(labels: labels) },
            taps: taps == 0
                ? nil
                : TapSummary(
                    taps: taps, succeeded: tapsSucceeded, detection: detection.summary, removal: removal.summary),
            stopReason: stopReason, note: note)
    }
}

// MARK: - One mode

private struct ModeAccumulator: Sendable {
    var iterations = 0
    var succeeded = 0
    var failuresByCause: [String: Int] = [:]
    var total = LatencyHistogram()
    /// Phase name to histogram, plus the order names were first seen in.
    var phases: [String: LatencyHistogram] = [:]
    var phaseOrder: [String] = []
    /// Kind index to histogram and failures.
    var kinds: [Int: KindAccumulator] = [:]

    struct KindAccumulator: Sendable {
        var latency = LatencyHistogram()
        var failures = 0
    }

    mutating func add(_ iteration: IterationResult) {
        iterations += 1
        if let failure = iteration.failure {
            failuresByCause[failure.cause.rawValue, default: 0] += 1
        } else {
            succeeded += 1
            total.record(iteration.totalNanoseconds)
            for phase in iteration.phases {
                if phases[phase.phase] == nil { phaseOrder.append(phase.phase) }
                phases[phase.phase, default: LatencyHistogram()].record(phase.durationNanoseconds)
            }
        }
        let failedExchange = iteration.failure?.apdu
        for (position, row) in iteration.apdus.enumerated() {
            if row.hasResponse && position != failedExchange {
                kinds[row.kind, default: KindAccumulator()].latency.record(row.durationNanoseconds)
            } else {
                kinds[row.kind, default: KindAccumulator()].failures += 1
            }
        }
    }

    func summary(labels: SampleLabels) -> ModeSummary {
        let labelled = labels.phases.filter { phases[$0] != nil }
        let others = phaseOrder.filter { !labels.phases.contains($0) }
        let phaseSummaries = (labelled + others).compactMap { name in
            phases[name]?.summary.map { PhaseSummary(name: name, summary: $0) }
        }
        let kindSummaries = kinds.sorted { $0.key < $1.key }.map { index, kind in
            let name = labels.apduKinds.indices.contains(index) ? labels.apduKinds[index] : "kind-\(index)"
            return APDUKindSummary(name: name, summary: kind.latency.summary, failures: kind.failures)
        }
        return ModeSummary(
            iterations: iterations, succeeded: succeeded, failuresByCause: failuresByCause, total: total.summary,
            phases: phaseSummaries, apduKinds: kindSummaries)
    }
}
