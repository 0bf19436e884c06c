import CardIdentity
import Results
import RunModel

// MARK: - One reader of one run

/// One side of the report: a reader of a run, with the samples every table and chart uses.
///
/// What counts, as in `compare`: warm-ups never; failed iterations are counted (failure rate)
/// and left out of every latency; exchanges without a response are never APDU samples.
public struct ReportSide: Sendable, Hashable {
    /// The position in ``ProcurementReport/sides``.
    public var id: Int
    /// The run's name (its path or `run:42`).
    public var runName: String
    /// The reader's record in its run.
    public var record: ReaderRecord
    /// Whether its times are a model's (simulated card, replayed trace, vpcd) rather than a reader's.
    public var modelled: Bool
    /// Per mode (`warm`, `cold`), in the run's mode order.
    public var modes: [ModeSamples]
    /// Tap detection times (card-present event to connected), when the run had taps.
    public var tapDetections: [Double]
    /// Tap trials, and how many of them succeeded.
    public var taps: (tried: Int, succeeded: Int)
    /// Every measured iteration in run order, for the run-order chart.
    public var order: [OrderPoint]

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id && lhs.runName == rhs.runName }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(runName)
    }

    /// The name people know the reader by: the name the reader reports (PC/SC), without the
    /// pcsc-lite index and slot, unless another side of the report has the same
    /// (``ProcurementReport`` then gives the full name, then the run).
    public var readerName: String { displayName.isEmpty ? modelName : displayName }

    /// The reader's model name as it reports it (PC/SC name without index, slot and serial).
    public var modelName: String {
        let parts = ReaderName(record.reader.name)
        return parts.modelName.isEmpty ? record.reader.name : parts.modelName
    }

    /// The run's name as tables show it: a file's name without its folder, or `run:42`.
    public var runLabel: String {
        guard runName.contains("/"), let last = runName.split(separator: "/").last else { return runName }
        return String(last)
    }

    /// The name the report shows; set by ``ProcurementReport`` to keep rows apart.
    public internal(set) var displayName = ""

    /// The samples of `mode`, when the side ran it.
    public func mode(_ name: String) -> ModeSamples? { modes.first { $0.mode == name } }

    /// One measured iteration, for the run-order chart.
    public struct OrderPoint: Sendable, Hashable {
        /// From the start of the run.
        public var startNanoseconds: UInt64
        public var totalNanoseconds: UInt64
        public var mode: String
        public var ok: Bool
    }
}

/// One mode's samples of a side.
public struct ModeSamples: Sendable, Hashable {
    public var mode: String
    /// Measured iterations (warm-ups excluded), and how many failed.
    public var measured: Int
    public var failed: Int
    /// Failed iterations by cause.
    public var failuresByCause: [String: Int]
    /// Totals of the successful iterations, ns, in run order.
    public var totals: [Double]
    /// Phase name → durations, ns; in the order phases run.
    public var phases: [(name: String, samples: [Double])]
    /// APDU kind → durations, ns; in the labels' order.
    public var kinds: [(name: String, samples: [Double])]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.mode == rhs.mode && lhs.measured == rhs.measured && lhs.failed == rhs.failed && lhs.totals == rhs.totals
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(mode)
        hasher.combine(totals)
    }
}

extension ReportSide {
    /// The sides of one run: each reader with at least one measured iteration, in id order.
    static func sides(of run: ReportRun, firstID: Int) -> [ReportSide] {
        let file = run.file
        let labels = file.header.labels
        var modeOrder = file.header.run.modes.map(\.rawValue)
        for iteration in file.iterations where !modeOrder.contains(iteration.mode.rawValue) {
            modeOrder.append(iteration.mode.rawValue)
        }
        var result: [ReportSide] = []
        for record in file.readers.sorted(by: { $0.id < $1.id }) {
            let iterations = file.iterations.filter { $0.reader == record.id && !$0.warmup }
            guard !iterations.isEmpty else { continue }
            var modes: [ModeSamples] = []
            for mode in modeOrder {
                let ofMode = iterations.filter { $0.mode.rawValue == mode }
                guard !ofMode.isEmpty else { continue }
                var samples = ModeSamples(
                    mode: mode, measured: ofMode.count, failed: 0, failuresByCause: [:], totals: [], phases: [],
                    kinds: [])
                var phases: [String: [Double]] = [:]
                var phaseOrder = labels.phases
                var kinds: [Int: [Double]] = [:]
                for iteration in ofMode {
                    if let failure = iteration.failure {
                        samples.failed += 1
                        samples.failuresByCause[failure.cause.rawValue, default: 0] += 1
                        continue
                    }
                    samples.totals.append(Double(max(1, iteration.totalNanoseconds)))
                    for phase in iteration.phases {
                        if !phaseOrder.contains(phase.phase) { phaseOrder.append(phase.phase) }
                        phases[phase.phase, default: []].append(Double(max(1, phase.durationNanoseconds)))
                    }
                    for row in iteration.apdus where row.hasResponse {
                        kinds[row.kind, default: []].append(Double(max(1, row.durationNanoseconds)))
                    }
                }
                samples.phases = phaseOrder.compactMap { name in phases[name].map { (name, $0) } }
                samples.kinds = kinds.sorted { $0.key < $1.key }.map { index, values in
                    (labels.apduKinds.indices.contains(index) ? labels.apduKinds[index] : "kind-\(index)", values)
                }
                modes.append(samples)
            }
            let tapped = iterations.filter { $0.tap != nil }
            result.append(
                ReportSide(
                    id: firstID + result.count, runName: run.name, record: record, modelled: record.card.isModelled,
                    modes: modes,
                    tapDetections: tapped.compactMap { $0.tap }.filter { $0.detectionNanoseconds > 0 }.map {
                        Double($0.detectionNanoseconds)
                    },
                    taps: (tapped.count, tapped.filter(\.ok).count),
                    order: iterations.map {
                        OrderPoint(
                            startNanoseconds: $0.startOffsetNanoseconds, totalNanoseconds: $0.totalNanoseconds,
                            mode: $0.mode.rawValue, ok: $0.ok)
                    }))
        }
        return result
    }
}
