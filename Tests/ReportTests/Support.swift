import Foundation
import Report
import Results
import RunModel

// MARK: - Fixtures

/// A real result file: `readerbench run --readers all` over four virtual readers of the rig, each
/// serving the simulated card with another timing profile (contactless-212k, contact-default,
/// contactless-424k, fixed-2ms), so every side is modelled. Recorded by the command in
/// Tests/ReportTests/Fixtures/README.md.
enum Fixture {
    static let poolPath = Bundle.module.path(forResource: "pool-4-readers", ofType: "json", inDirectory: "Fixtures")!

    static let pool: ResultFile = try! ResultFile.load(poolPath)

    /// The pool run as if readers `measured` had been real readers (card source pcsc): for the
    /// tests of how measured and modelled sides are kept apart. Never a fixture of real speeds.
    static func pool(measured: Set<Int>) -> ResultFile {
        var file = pool
        for index in file.readers.indices where measured.contains(file.readers[index].id) {
            file.readers[index].card = CardInfo(source: .pcsc, measures: "a real card in a real reader")
        }
        for index in file.header.readers.indices where measured.contains(file.header.readers[index].id) {
            file.header.readers[index].card = CardInfo(source: .pcsc, measures: "a real card in a real reader")
        }
        return file
    }

    static let options = ReportOptions(
        quantile: 0.95, language: .en, generatedAt: "2025-12-01T00:00:00Z", toolVersion: "0.1.0")

    static func report(
        _ file: ResultFile = pool, options: ReportOptions = options, ranker: any ReaderRanker = UnassessedRanker(),
        trends: [TrendSeries] = []
    ) throws -> ProcurementReport {
        try ProcurementReport(
            runs: [ReportRun(name: "pool.json", file: file)], options: options, ranker: ranker, trends: trends)
    }
}

/// A ranker that answers what the test says: for the report's layout of assessed rankings,
/// without the statistics (those are `compare`'s and tested there).
struct ScriptedRanker: ReaderRanker {
    /// Groups as positions in the request's side order.
    var groups: [[Int]]

    func rank(_ request: RankingRequest) -> RankingResult {
        let modes = request.modes.map { mode in
            let ids = request.sides.map(\.id)
            let groups = self.groups.map { $0.filter { $0 < ids.count }.map { ids[$0] } }.filter { !$0.isEmpty }
            var ranks: [Int] = []
            var next = 1
            for group in groups {
                ranks.append(next)
                next += group.count
            }
            var estimates: [Int: Double] = [:]
            for side in request.sides {
                estimates[side.id] = ReportStatistics.quantile(side.totals[mode] ?? [1], request.quantile)
            }
            return ModeRanking(
                mode: mode, groups: groups, ranks: ranks, estimates: estimates,
                pairs: [
                    ModeRanking.Pair(
                        baseline: ids[0], current: ids[1], verdict: .slower, reason: "p95 +40% [+30%, +50%], p_adj 1e-9"
                    )
                ])
        }
        return RankingResult(modes: modes, assessed: true, method: "scripted for the test")
    }
}
