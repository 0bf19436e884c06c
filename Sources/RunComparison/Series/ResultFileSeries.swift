import RunModel
import Results

// MARK: - Result files (format versions 1 and 2)

extension SeriesDocument {
    /// The series of a `readerbench-result` file: one ``ReaderSeries`` per reader of the run
    /// (a version-1 file has one), and per mode the check total, every phase and every APDU kind.
    ///
    /// Readers are keyed by model key; two readers of one run with the same key (two slots of a
    /// virtual reader, two units of one model) are told apart by their names in the key.
    ///
    /// What counts:
    /// - Warmup iterations never count.
    /// - Failed iterations are left out of every series, APDU kinds included (unlike the
    ///   summary written in the file, which keeps their completed exchanges): a comparison
    ///   should set like against like, and an iteration that failed may have run in a degraded
    ///   state. They are counted per mode in ``ReaderSeries/iterations``.
    /// - Exchanges without a response (`sw = -1`) are never samples.
    /// - A duration of 0 ns (below the clock's resolution) counts as 1 ns, so ratios stay defined.
    public init(resultFile file: ResultFile, name: String) {
        let header = file.header
        let keyCounts = Dictionary(grouping: file.readers, by: \.reader.modelKey).mapValues(\.count)
        var readers: [ReaderSeries] = []
        for record in file.readers {
            let iterations = file.iterations.filter { $0.reader == record.id }
            let key =
                keyCounts[record.reader.modelKey, default: 0] > 1
                ? "\(record.reader.modelKey) (\(record.reader.name))" : record.reader.modelKey
            readers.append(Self.readerSeries(key: key, name: record.reader.name, iterations, header: header))
        }
        let sources = Set(file.readers.map(\.card.source))
        let measurement: RunContext.Measurement =
            sources.contains(.trace) ? .replayed : sources == [.pcsc] ? .reader : .modelled
        let context = RunContext(
            scenario: header.run.scenario, options: header.run,
            cardSource: sources.map(\.rawValue).sorted().joined(separator: "+"), measurement: measurement,
            timingProfile: file.readers.first?.card.simulated?.timingProfile, environment: header.environment,
            hostCalibration: header.calibration.map(HostNoise.init(calibration:)), complete: file.complete,
            toolVersion: header.tool.version, createdAt: header.createdAt)
        self.init(name: name, context: context, readers: readers)
    }

    private static func readerSeries(
        key: String, name: String, _ iterations: [IterationResult], header: ResultHeader
    ) -> ReaderSeries {
        let labels = header.labels
        var modes = header.run.modes.map(\.rawValue)
        for iteration in iterations where !modes.contains(iteration.mode.rawValue) {
            modes.append(iteration.mode.rawValue)
        }
        var counts: [String: ModeIterations] = [:]
        var totals: [String: [Double]] = [:]
        var phases: [String: [String: [Double]]] = [:]
        var phaseOrder: [String] = labels.phases
        var kinds: [String: [Int: [Double]]] = [:]
        for iteration in iterations where !iteration.warmup {
            let mode = iteration.mode.rawValue
            counts[mode, default: ModeIterations(mode: mode, measured: 0, failed: 0, failuresByCause: [:])].measured +=
                1
            if let failure = iteration.failure {
                counts[mode]!.failed += 1
                counts[mode]!.failuresByCause[failure.cause.rawValue, default: 0] += 1
                continue
            }
            totals[mode, default: []].append(Self.sample(iteration.totalNanoseconds))
            for phase in iteration.phases {
                if !phaseOrder.contains(phase.phase) { phaseOrder.append(phase.phase) }
                phases[mode, default: [:]][phase.phase, default: []].append(Self.sample(phase.durationNanoseconds))
            }
            for row in iteration.apdus where row.hasResponse {
                kinds[mode, default: [:]][row.kind, default: []].append(Self.sample(row.durationNanoseconds))
            }
        }
        var series: [Series] = []
        for mode in modes {
            if let total = totals[mode] { series.append(Series(key: .total(mode), samples: total)) }
            for phase in phaseOrder {
                if let samples = phases[mode]?[phase] {
                    series.append(Series(key: SeriesKey(mode: mode, kind: .phase, name: phase), samples: samples))
                }
            }
            for (index, samples) in (kinds[mode] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let kindName = labels.apduKinds.indices.contains(index) ? labels.apduKinds[index] : "kind-\(index)"
                series.append(Series(key: SeriesKey(mode: mode, kind: .apdu, name: kindName), samples: samples))
            }
        }
        return ReaderSeries(key: key, name: name, series: series, iterations: modes.compactMap { counts[$0] })
    }

    private static func sample(_ nanoseconds: UInt64) -> Double {
        Double(max(1, nanoseconds))
    }
}
