import RunModel
import Comparison
import Foundation
@testable import RunComparison
import Testing

/// Documents in, report out: pairing, the family, rankings.
@Suite("Comparing documents")
struct RunComparerTests {
    static let settings = try! ComparisonSettings()
    static let comparer = RunComparer(settings: settings)

    @Test("a run against itself: 30 series, nothing faster or slower, nothing only on one side")
    func againstItself() throws {
        let report = try Self.comparer.compare([Fixture.documentA, Fixture.documentA])
        #expect(report.pairs.count == 1 && report.familySize == 30)
        let pair = report.pairs[0]
        #expect(pair.series.count == 30 && pair.onlyInBaseline.isEmpty && pair.onlyInCurrent.isEmpty)
        #expect(pair.series(with: .slower).isEmpty && pair.series(with: .faster).isEmpty)
        #expect(pair.issues.isEmpty && pair.host.outcome == .notRecorded)
        #expect(report.rankings.isEmpty)
        #expect(pair.iterations.map(\.mode) == ["warm", "cold"])
    }

    @Test("every sample 30% longer: both totals slower; 30% shorter: faster")
    func scaled() throws {
        let slower = Fixture.scaled(Fixture.documentA, by: 1.3, name: "slower.json")
        let report = try Self.comparer.compare([Fixture.documentA, slower])
        let verdicts = Dictionary(uniqueKeysWithValues: report.pairs[0].series.map { ($0.key, $0.comparison.verdict) })
        #expect(verdicts[.total("warm")] == .slower && verdicts[.total("cold")] == .slower)
        let faster = Fixture.scaled(Fixture.documentA, by: 0.7, name: "faster.json")
        let back = try Self.comparer.compare([Fixture.documentA, faster])
        #expect(back.pairs[0].series.first { $0.key == .total("warm") }?.comparison.verdict == .faster)
    }

    @Test("documents holding several readers are matched by model key; unmatched readers are left out")
    func poolsMatchByKey() throws {
        func pool(_ keys: [String], factor: Double) -> SeriesDocument {
            var document = Fixture.scaled(Fixture.documentA, by: factor, name: "pool-\(factor).json")
            document.readers = keys.map { key in
                var copy = document.readers[0]
                copy.key = key
                copy.name = "Reader \(key)"
                return copy
            }
            return document
        }
        let baseline = pool(["a", "b", "c"], factor: 1)
        let current = pool(["c", "a", "d"], factor: 1.3)
        let report = try Self.comparer.compare([baseline, current])
        #expect(report.pairs.map { [$0.baseline.readerKey, $0.current.readerKey] } == [["a", "a"], ["c", "c"]])
        #expect(report.familySize == 60)
        #expect(report.pairs.allSatisfy { !$0.issues.contains { $0.code == .differentReader } })
    }

    @Test("three files: every reader against the reference, one family, and ranked groups per mode")
    func procurement() throws {
        var fast = Fixture.scaled(Fixture.documentA, by: 0.6, name: "fast.json")
        var slow = Fixture.scaled(Fixture.documentA, by: 1.5, name: "slow.json")
        var twin = Fixture.scaled(Fixture.documentA, by: 1.0, name: "twin.json")
        for (index, key) in ["fast", "slow", "twin"].enumerated() {
            var document = [fast, slow, twin][index]
            document.readers[0].key = key
            document.readers[0].name = key
            switch index {
            case 0: fast = document
            case 1: slow = document
            default: twin = document
            }
        }
        let report = try Self.comparer.compare([Fixture.documentA, fast, slow, twin])
        #expect(report.pairs.count == 3 && report.familySize == 90)
        #expect(report.pairs.allSatisfy { $0.baseline.document == 0 })
        #expect(report.pairs.allSatisfy { $0.issues.contains { $0.code == .differentReader && $0.severity == .note } })
        #expect(report.rankings.map(\.mode) == ["warm", "cold"])
        let warm = report.rankings[0]
        // The reference and its twin cannot be separated: they share a rank, and neither is alone.
        #expect(warm.groups.count == 3)
        #expect(warm.groups[0].map(\.side.readerKey) == ["fast"])
        #expect(Set(warm.groups[1].map(\.side.readerKey)) == ["in-process", "twin"])
        #expect(warm.ranks == [1, 2, 4])
    }

    @Test("fewer than two documents is refused with a code")
    func tooFew() {
        do {
            _ = try Self.comparer.compare([Fixture.documentA])
            Issue.record("one document was compared")
        } catch {
            #expect(error.code == .badArguments)
        }
    }
}

/// The gate's outcomes.
@Suite("Gate")
struct GateTests {
    static let comparer = RunComparer(settings: try! ComparisonSettings())

    static func decide(_ current: SeriesDocument, failOnImprovement: Bool = false, allowDifferentHost: Bool = false)
        throws -> GateDecision
    {
        GateDecision(
            report: try comparer.compare([Fixture.documentA, current]), failOnImprovement: failOnImprovement,
            allowDifferentHost: allowDifferentHost)
    }

    @Test("the same run passes")
    func pass() throws {
        let decision = try Self.decide(Fixture.documentA)
        #expect(decision.outcome == .pass && decision.reasons.isEmpty)
    }

    @Test("a 30% slower run is a regression that names its series")
    func regression() throws {
        let decision = try Self.decide(Fixture.scaled(Fixture.documentA, by: 1.3, name: "slower.json"))
        #expect(decision.outcome == .regression)
        #expect(decision.reasons.contains { $0.hasPrefix("warm total: ") })
    }

    @Test("a 30% faster run passes, and fails as an improvement only when asked")
    func improvement() throws {
        let faster = Fixture.scaled(Fixture.documentA, by: 0.7, name: "faster.json")
        let passing = try Self.decide(faster)
        #expect(passing.outcome == .pass && passing.reasons.allSatisfy { $0.hasPrefix("faster (not failing)") })
        #expect(try Self.decide(faster, failOnImprovement: true).outcome == .improvement)
    }

    @Test("a different scenario is incomparable, with the reason")
    func incomparable() throws {
        var other = Fixture.documentA
        other.context.scenario = "visual"
        let decision = try Self.decide(other)
        #expect(decision.outcome == .incomparable && decision.reasons == ["scenario: pin vs visual"])
    }

    @Test("hosts whose calibrations differ are incomparable unless allowed")
    func differentHost() throws {
        var baseline = Fixture.documentA
        baseline.context.hostCalibration = HostNoise(floorP50: 20_000)
        var current = Fixture.documentA
        current.context.hostCalibration = HostNoise(floorP50: 30_000)
        let report = try Self.comparer.compare([baseline, current])
        let refused = GateDecision(report: report, failOnImprovement: false, allowDifferentHost: false)
        #expect(refused.outcome == .incomparable)
        #expect(refused.reasons.allSatisfy { $0.hasPrefix("host calibration: round-trip floor p50") })
        #expect(GateDecision(report: report, failOnImprovement: false, allowDifferentHost: true).outcome == .pass)
    }

    @Test("no reader in common is incomparable")
    func noCommonReader() throws {
        var pool = Fixture.documentA
        pool.readers = [pool.readers[0], pool.readers[0]]
        pool.readers[0].key = "x"
        pool.readers[1].key = "y"
        let decision = GateDecision(
            report: try Self.comparer.compare([Fixture.documentA, pool]), failOnImprovement: false,
            allowDifferentHost: false)
        #expect(decision.outcome == .incomparable)
    }
}

/// The report's four forms.
@Suite("Reports")
struct ReportTests {
    static let report: ComparisonReport = {
        let slower = Fixture.scaled(Fixture.documentA, by: 1.3, name: "slower.json")
        return try! RunComparer(settings: try! ComparisonSettings()).compare([Fixture.documentA, slower])
    }()

    @Test("the terminal table has a row per series with a cell per quantile and the verdict")
    func text() {
        let text = TextReport.render(Self.report)
        let rows = text.split(separator: "\n").filter {
            ($0.hasPrefix("warm ") || $0.hasPrefix("cold ")) && !$0.contains("iterations:")
        }
        #expect(rows.count == 30)
        #expect(rows.first { $0.hasPrefix("warm total") }?.hasSuffix("slower") == true)
        #expect(text.contains("summary: "))
        #expect(!text.contains("INCOMPARABLE"))
    }

    @Test("incomparable runs are shouted in the terminal table")
    func loudWarning() throws {
        var real = Fixture.documentA
        real.context.cardSource = "pcsc"
        real.context.measurement = .reader
        let report = try RunComparer(settings: try ComparisonSettings()).compare([real, Fixture.documentA])
        let text = TextReport.render(report)
        #expect(text.contains("!!! INCOMPARABLE: a real reader's run against a modelled one"))
        #expect(MarkdownReport.render(report).contains("**INCOMPARABLE**"))
    }

    @Test("Markdown: a table with a row per series, reasons in a collapsed section, the gate's outcome on top")
    func markdown() throws {
        let decision = GateDecision(report: Self.report, failOnImprovement: false, allowDifferentHost: false)
        let text = MarkdownReport.render(Self.report, gate: decision)
        #expect(text.hasPrefix("## readerbench gate: REGRESSION"))
        #expect(text.contains("| series | n | p50 | p90 | p99 | verdict |"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("| warm ") || $0.hasPrefix("| cold ") }.count == 30)
        #expect(text.contains("<details><summary>Why"))
    }

    @Test("JSON decodes back to the same report")
    func json() throws {
        let text = JSONReport.render(Self.report)
        let decoded = try JSONDecoder().decode(ComparisonReport.self, from: Data(text.utf8))
        #expect(decoded.familySize == Self.report.familySize)
        #expect(decoded.pairs[0].series.map(\.key) == Self.report.pairs[0].series.map(\.key))
        #expect(decoded.pairs[0].series.map(\.comparison) == Self.report.pairs[0].series.map(\.comparison))
    }

    @Test("JUnit: one test case per series, slower ones failed as regressions, the counts in the root")
    func junit() throws {
        let decision = GateDecision(report: Self.report, failOnImprovement: false, allowDifferentHost: false)
        let xml = JUnitReport.render(decision, failOnImprovement: false)
        let slower = Self.report.pairs[0].series(with: .slower).count
        let skipped = Self.report.pairs[0].series(with: .inconclusive).count
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"readerbench gate\" tests=\"30\" failures=\"\(slower)\" skipped=\"\(skipped)\">"
            ))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 30)
        #expect(xml.components(separatedBy: "<failure type=\"regression\"").count - 1 == slower)
        #expect(JUnitReport.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;")
    }

    @Test("JUnit for a refused gate: one failed case that says why")
    func junitRefused() {
        let xml = JUnitReport.render(GateDecision(refusing: ["baseline missing"]), failOnImprovement: false)
        #expect(xml.contains("tests=\"1\" failures=\"1\""))
        #expect(xml.contains("<failure type=\"incomparable\" message=\"baseline missing\">"))
    }
}
