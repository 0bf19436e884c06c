import Results

// MARK: - Everything the page says

/// The report's content, computed once from the runs; HTML and Markdown only lay it out.
public struct ProcurementReport: Sendable {
    public var options: ReportOptions
    /// Every run given, in order.
    public var runs: [ReportRun]
    /// Every reader of every run with measured iterations.
    public var sides: [ReportSide]
    /// The ranking of the sides that measured real readers (nil when none did).
    public var measuredRanking: RankingResult?
    /// The ranking of the modelled sides, kept apart: a model is never ranked among readers.
    public var modelledRanking: RankingResult?
    /// Trends from the history (`--history`).
    public var trends: [TrendSeries]

    /// Per side: every measured iteration over all modes, the failed ones, and the 95% interval.
    public struct FailureRow: Sendable {
        public var side: Int
        public var measured: Int
        public var failed: Int
        public var interval: (lower: Double, upper: Double)
        public var causes: [(cause: String, count: Int)]
        public var rate: Double { measured == 0 ? 0 : Double(failed) / Double(measured) }
    }

    /// Per side with cold iterations: the cold check against the warm one.
    public struct ColdRow: Sendable {
        public var side: Int
        public var coldP50: Double
        public var coldQuantile: Double
        public var warmP50: Double?
        /// The connect phase's cold median (power-up, ATR, protocol), when it was timed.
        public var connectP50: Double?
        public var count: Int
    }

    /// Per side with tap trials.
    public struct TapRow: Sendable {
        public var side: Int
        public var tried: Int
        public var succeeded: Int
        public var detectionP50: Double?
        public var detectionP95: Double?
    }

    public var failures: [FailureRow]
    public var cold: [ColdRow]
    public var taps: [TapRow]

    /// Whether any side is modelled: the page then says so before anything else.
    public var hasModelled: Bool { sides.contains(where: \.modelled) }
    /// Whether every side is modelled.
    public var allModelled: Bool { !sides.isEmpty && sides.allSatisfy(\.modelled) }

    /// The content of a report on `runs`.
    ///
    /// - Throws: ``ReportError/Code/noData`` when no run has a measured iteration.
    public init(
        runs: [ReportRun], options: ReportOptions, ranker: any ReaderRanker = UnassessedRanker(),
        trends: [TrendSeries] = []
    ) throws(ReportError) {
        self.options = options
        self.runs = runs
        self.trends = trends
        var sides: [ReportSide] = []
        for run in runs { sides += ReportSide.sides(of: run, firstID: sides.count) }
        guard !sides.isEmpty else {
            throw ReportError(
                .noData, "no measured iteration in \(runs.map(\.name).joined(separator: ", ")): nothing to report")
        }
        // Readers are named as they report themselves; two units of one model (or one reader in two
        // runs) get their full PC/SC name, then the run, so no two rows read the same.
        let models = sides.map(\.modelName)
        var names = models
        for (index, side) in sides.enumerated() where models.filter({ $0 == side.modelName }).count > 1 {
            names[index] = side.record.reader.name
        }
        let full = names
        for (index, side) in sides.enumerated() where full.filter({ $0 == full[index] }).count > 1 {
            names[index] = "\(full[index]) (\(side.runLabel))"
        }
        for index in sides.indices { sides[index].displayName = names[index] }
        self.sides = sides
        var modes: [String] = []
        for side in sides { for mode in side.modes where !modes.contains(mode.mode) { modes.append(mode.mode) } }
        func ranking(_ group: [ReportSide]) -> RankingResult? {
            guard !group.isEmpty else { return nil }
            let request = RankingRequest(
                sides: group.map { side in
                    RankingRequest.Side(
                        id: side.id, label: side.displayName, modelKey: side.record.reader.modelKey,
                        totals: Dictionary(uniqueKeysWithValues: side.modes.map { ($0.mode, $0.totals) }))
                }, quantile: options.quantile, modes: modes)
            return ranker.rank(request)
        }
        measuredRanking = ranking(sides.filter { !$0.modelled })
        modelledRanking = ranking(sides.filter(\.modelled))

        failures = sides.map { side in
            let measured = side.modes.reduce(0) { $0 + $1.measured }
            let failed = side.modes.reduce(0) { $0 + $1.failed }
            var causes: [String: Int] = [:]
            for mode in side.modes { causes.merge(mode.failuresByCause, uniquingKeysWith: +) }
            return FailureRow(
                side: side.id, measured: measured, failed: failed,
                interval: ReportStatistics.wilson(failures: failed, trials: measured),
                causes: causes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) })
        }
        cold = sides.compactMap { side in
            guard let cold = side.mode("cold"), !cold.totals.isEmpty else { return nil }
            let connect = cold.phases.first { $0.name == "connect" }?.samples
            return ColdRow(
                side: side.id, coldP50: ReportStatistics.quantile(cold.totals, 0.5),
                coldQuantile: ReportStatistics.quantile(cold.totals, options.quantile),
                warmP50: side.mode("warm").flatMap {
                    $0.totals.isEmpty ? nil : ReportStatistics.quantile($0.totals, 0.5)
                },
                connectP50: connect.map { ReportStatistics.quantile($0, 0.5) }, count: cold.totals.count)
        }
        taps = sides.compactMap { side in
            guard side.taps.tried > 0 else { return nil }
            let detections = side.tapDetections
            return TapRow(
                side: side.id, tried: side.taps.tried, succeeded: side.taps.succeeded,
                detectionP50: detections.isEmpty ? nil : ReportStatistics.quantile(detections, 0.5),
                detectionP95: detections.isEmpty ? nil : ReportStatistics.quantile(detections, 0.95))
        }
    }

    /// The side with id `id`.
    public func side(_ id: Int) -> ReportSide { sides[id] }

    /// `p95`, `p99.9`.
    public var metricName: String { ReportFormat.percentileName(options.quantile) }
}
