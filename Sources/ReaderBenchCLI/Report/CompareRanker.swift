import Comparison
import Report
import Results
import RunComparison
import RunModel

/// The report's ranking from `compare`'s statistics: every side of the report is one document of
/// one reader holding the check totals per mode, and `RunComparer` does the rest (quantile-ratio
/// intervals, rank tests, Holm over the family, ranked groups with ties). Nothing here decides
/// anything: it only translates.
struct CompareRanker: ReaderRanker {
    /// compare's settings, with the report's quantile as the one compared.
    var threshold = 0.05
    var confidence = 0.99

    func rank(_ request: RankingRequest) -> RankingResult {
        guard request.sides.count >= 2,
            let settings = try? ComparisonSettings(
                threshold: threshold, quantiles: [request.quantile], confidence: confidence)
        else { return UnassessedRanker().rank(request) }
        let documents = request.sides.map { side in
            SeriesDocument(
                name: side.label, context: Self.context,
                readers: [
                    ReaderSeries(
                        key: side.modelKey, name: side.label,
                        series: request.modes.compactMap { mode in
                            side.totals[mode].flatMap { $0.isEmpty ? nil : Series(key: .total(mode), samples: $0) }
                        },
                        // The ranking takes its modes from these counts.
                        iterations: request.modes.compactMap { mode in
                            side.totals[mode].map {
                                ModeIterations(mode: mode, measured: $0.count, failed: 0, failuresByCause: [:])
                            }
                        })
                ])
        }
        guard let report = try? RunComparer(settings: settings).compare(documents) else {
            return UnassessedRanker().rank(request)
        }
        let id = { (document: Int) in request.sides[document].id }
        let method =
            "compare: \(ReportFormat.percentileName(request.quantile)) ratio intervals at \(Int(confidence * 100))%, "
            + "rank tests, Holm over \(report.familySize) series, margin ±\(Int(threshold * 100))%"
        let modes = request.modes.compactMap { mode -> Report.ModeRanking? in
            let present = request.sides.indices.filter { !(request.sides[$0].totals[mode] ?? []).isEmpty }
            guard !present.isEmpty else { return nil }
            var estimates: [Int: Double] = [:]
            for index in present {
                estimates[id(index)] = SampleQuantile.estimate(
                    SampleQuantile.sorted(request.sides[index].totals[mode]!), request.quantile)
            }
            let pairs = report.pairs.compactMap { pair -> Report.ModeRanking.Pair? in
                guard let result = pair.series.first(where: { $0.key == .total(mode) }),
                    let verdict = PairVerdict(rawValue: result.comparison.verdict.rawValue)
                else { return nil }
                return .init(
                    baseline: id(pair.baseline.document), current: id(pair.current.document), verdict: verdict,
                    reason: result.comparison.reason)
            }
            if let ranking = report.rankings.first(where: { $0.mode == mode }) {
                // Three or more sides: compare's own ranked groups.
                let groups = ranking.groups.map { $0.map { id($0.side.document) } }
                for (group, sides) in zip(groups, ranking.groups) {
                    for (side, ranked) in zip(group, sides) { estimates[side] = ranked.estimate }
                }
                return .init(mode: mode, groups: groups, ranks: ranking.ranks, estimates: estimates, pairs: pairs)
            }
            // Two sides: the pair's verdict on the check is the ranking.
            let ordered = present.map(id).sorted { (estimates[$0]!, $0) < (estimates[$1]!, $1) }
            guard ordered.count == 2, let pair = pairs.first else {
                return .init(mode: mode, groups: [ordered], ranks: [1], estimates: estimates, pairs: pairs)
            }
            switch pair.verdict {
            case .faster:
                return .init(
                    mode: mode, groups: [[pair.current], [pair.baseline]], ranks: [1, 2], estimates: estimates,
                    pairs: pairs)
            case .slower:
                return .init(
                    mode: mode, groups: [[pair.baseline], [pair.current]], ranks: [1, 2], estimates: estimates,
                    pairs: pairs)
            case .same, .inconclusive:
                return .init(mode: mode, groups: [ordered], ranks: [1], estimates: estimates, pairs: pairs)
            }
        }
        return RankingResult(modes: modes, assessed: true, method: method)
    }

    /// The ranking compares totals only; the run's context does not enter it.
    private static let context = RunContext(
        scenario: "",
        options: RunOptions(
            scenario: "", iterations: 0, warmup: 0, modes: [], intervalMilliseconds: 0, timeoutMilliseconds: 0,
            readStrategy: ReadStrategy(headerLength: .four, chunking: .exact)),
        cardSource: "", measurement: .reader, timingProfile: nil,
        environment: Environment(os: nil, kernel: nil, machine: nil, cpu: nil, cpuCount: 1), hostCalibration: nil,
        complete: true, toolVersion: "", createdAt: "")
}
