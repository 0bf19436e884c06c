import Foundation
import Report
import Results
import RunModel
import Testing

@Suite struct ProcurementReportTests {
    @Test("every reader of the run is a side, named as it reports itself, and no two read the same")
    func sides() throws {
        let report = try Fixture.report()
        #expect(report.sides.count == 4)
        #expect(Set(report.sides.map(\.readerName)).count == 4)
        #expect(report.sides.allSatisfy { $0.readerName.hasPrefix("Virtual PCD") })
    }

    @Test("a run of simulated cards is modelled throughout: never ranked as readers")
    func allModelled() throws {
        let report = try Fixture.report()
        #expect(report.allModelled)
        #expect(report.measuredRanking == nil)
        #expect(report.modelledRanking?.modes.map(\.mode) == ["warm", "cold"])
    }

    @Test("measured and modelled sides are ranked apart")
    func mixed() throws {
        let report = try Fixture.report(Fixture.pool(measured: [0, 1]), ranker: ScriptedRanker(groups: [[0], [1]]))
        #expect(report.hasModelled && !report.allModelled)
        let measured = try #require(report.measuredRanking)
        let modelled = try #require(report.modelledRanking)
        for mode in measured.modes { #expect(Set(mode.groups.flatMap { $0 }) == Set([0, 1])) }
        for mode in modelled.modes { #expect(Set(mode.groups.flatMap { $0 }) == Set([2, 3])) }
    }

    @Test("without compare's statistics every reader shares one rank and no winner is named")
    func unassessed() throws {
        let report = try Fixture.report(Fixture.pool(measured: [0, 1, 2, 3]))
        let ranking = try #require(report.measuredRanking)
        #expect(!ranking.assessed)
        for mode in ranking.modes { #expect(mode.groups.count == 1) }
        let html = HTMLReport.render(report)
        #expect(html.contains("No reader is clearly faster than the others."))
        #expect(!html.contains("Fastest:"))
    }

    @Test("an assessed ranking shows groups with ties and names a clear winner only alone at the top")
    func assessed() throws {
        let alone = HTMLReport.render(
            try Fixture.report(
                Fixture.pool(measured: [0, 1, 2, 3]), ranker: ScriptedRanker(groups: [[2], [0, 1], [3]])))
        #expect(alone.contains("Fastest: Virtual PCD 1 00 00"))
        #expect(alone.contains(">=2<"))
        #expect(alone.contains(">4<"))
        let tied = HTMLReport.render(
            try Fixture.report(
                Fixture.pool(measured: [0, 1, 2, 3]), ranker: ScriptedRanker(groups: [[2, 3], [0, 1]])))
        #expect(tied.contains("Fastest group (differences within the noise): Virtual PCD 1 00 00, Virtual PCD 1 00 01"))
        #expect(tied.contains("p95 +40% [+30%, +50%]"))
    }

    @Test("failure rates count every measured iteration of every mode, with the interval")
    func failures() throws {
        let report = try Fixture.report()
        for row in report.failures {
            let iterations = Fixture.pool.iterations.filter {
                $0.reader == report.side(row.side).record.id && !$0.warmup
            }
            #expect(row.measured == iterations.count)
            #expect(row.failed == iterations.filter { !$0.ok }.count)
            #expect(row.interval.lower <= row.rate && row.rate <= row.interval.upper)
        }
    }

    @Test("cold start compares the cold check with the warm one per reader")
    func cold() throws {
        let report = try Fixture.report()
        #expect(report.cold.count == 4)
        for row in report.cold {
            #expect(row.warmP50 != nil)
            #expect(row.connectP50 != nil)
        }
    }

    @Test("tap trials are reported when the run had them, and only then")
    func taps() throws {
        #expect(try Fixture.report().taps.isEmpty)
        var file = Fixture.pool
        for index in file.iterations.indices
        where file.iterations[index].reader == 0 && file.iterations[index].mode == .cold {
            file.iterations[index].tap = TapTiming(
                waitNanoseconds: 1_000_000_000, detectionNanoseconds: UInt64(80_000_000 + index))
        }
        let report = try Fixture.report(file)
        #expect(report.taps.map(\.side) == [0])
        #expect(HTMLReport.render(report).contains("Tap detection"))
    }

    @Test("a run with no measured iteration is no data")
    func empty() {
        var file = Fixture.pool
        file.iterations = file.iterations.filter(\.warmup)
        #expect(throws: ReportError(.noData, "")) { try Fixture.report(file) }
    }
}
