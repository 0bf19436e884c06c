import Results

// MARK: - Format v1: one reader per file

extension SeriesDocument {
    /// The series of a `readerbench-result` version 1 file: one reader (the file's
    /// `reader.modelKey`), and per mode the check total, every phase and every APDU kind.
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
        let labels = header.labels
        var modes = header.run.modes.map(\.rawValue)
        for iteration in file.iterations where !modes.contains(iteration.mode.rawValue) {
            modes.append(iteration.mode.rawValue)
        }
        var counts: [String: ModeIterations] = [:]
        var totals: [String: [Double]] = [:]
        var phases: [String: [String: [Double]]] = [:]
        var phaseOrder: [String] = labels.phases
        var kinds: [String: [Int: [Double]]] = [:]
        for iteration in file.iterations where !iteration.warmup {
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
        let reader = ReaderSeries(
            key: header.reader.modelKey, name: header.reader.name, series: series,
            iterations: modes.compactMap { counts[$0] })
        let measurement: RunContext.Measurement =
            switch header.card.source {
            case .pcsc: header.card.simulated == nil ? .reader : .modelled
            case .simulatedVPCD, .simulatedInProcess: .modelled
            case .trace: .replayed
            }
        let context = RunContext(
            scenario: header.run.scenario, options: header.run, cardSource: header.card.source.rawValue,
            measurement: measurement, timingProfile: header.card.simulated?.timingProfile,
            // The header gains a host calibration with issue 9; map it here when it does.
            environment: header.environment, hostCalibration: nil, complete: file.complete,
            toolVersion: header.tool.version, createdAt: header.createdAt)
        self.init(name: name, context: context, readers: [reader])
    }

    private static func sample(_ nanoseconds: UInt64) -> Double {
        Double(max(1, nanoseconds))
    }
}
