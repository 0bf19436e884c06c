import Foundation
import Results
import Testing

/// `readerbench compare` and `readerbench gate` as a user runs them, on real result files
/// (Tests/RunComparisonTests/Fixtures) and on copies made slower or faster. No rig needed.
@Suite("readerbench compare and gate")
struct CompareCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("RunComparisonTests/Fixtures")
    static let runA = fixtures.appendingPathComponent("in-process-pin-200-a.json").path
    static let runB = fixtures.appendingPathComponent("in-process-pin-200-b.json").path
    static let trace = fixtures.appendingPathComponent("trace-instant-pin-20.json").path

    /// A copy of run A with every duration multiplied by `factor`, written as a result file.
    static func scaledCopy(by factor: Double, in folder: URL) throws -> String {
        let file = try ResultFile.load(runA)
        let path = folder.appendingPathComponent("scaled-\(factor).json").path
        let writer = try ResultFileWriter(path: path, header: file.header)
        func scale(_ value: UInt64) -> UInt64 { UInt64((Double(value) * factor).rounded()) }
        for var iteration in file.iterations {
            iteration.totalNanoseconds = scale(iteration.totalNanoseconds)
            iteration.phases = iteration.phases.map {
                PhaseTiming(
                    phase: $0.phase, startOffsetNanoseconds: $0.startOffsetNanoseconds,
                    durationNanoseconds: scale($0.durationNanoseconds))
            }
            iteration.apdus = iteration.apdus.map {
                var row = $0
                row.durationNanoseconds = scale(row.durationNanoseconds)
                return row
            }
            try writer.append(iteration)
        }
        try writer.finish(summary: try #require(file.summary))
        return path
    }

    @Test("compare prints a row per series and exits 0 whatever the verdicts")
    func compareTable() throws {
        let outcome = try CLI.run(["compare", Self.runA, Self.runB])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("warm total") && outcome.stdout.contains("cold APDU COMPUTE DIGITAL SIGNATURE"))
        #expect(outcome.stdout.contains("holm-corrected over 30 series"))
    }

    @Test("compare --json is a report a JSON parser reads; --markdown a table")
    func compareFormats() throws {
        let json = try CLI.run(["compare", Self.runA, Self.runA, "--json", "--quantiles", "50,90"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["familySize"] as? Int == 30)
        let markdown = try CLI.run(["compare", Self.runA, Self.runB, "--markdown", "--threshold", "10%"])
        #expect(markdown.status == 0 && markdown.stdout.contains("| series | n | p50 | p90 | p99 | verdict |"))
    }

    @Test("compare of a trace replay with an in-process run warns loudly on standard error, and still reports")
    func compareWarnsLoudly() throws {
        let outcome = try CLI.run(["compare", Self.runA, Self.trace])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("WARNING: INCOMPARABLE RUNS: card source: simulated-in-process vs trace"))
        #expect(outcome.stdout.contains("!!! INCOMPARABLE"))
    }

    @Test("compare refuses bad input with status 2", arguments: [["--threshold", "0.05"], ["--quantiles", "50,x"]])
    func compareBadInput(option: [String]) throws {
        let outcome = try CLI.run(["compare", Self.runA, Self.runB] + option)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(try CLI.run(["compare", Self.runA]).status == 2)
        #expect(try CLI.run(["compare", Self.runA, "/nonexistent.json"]).status == 2)
    }

    @Test("gate passes a run against itself (0), and writes JUnit with one case per series")
    func gatePass() throws {
        let folder = try CLI.temporaryDirectory()
        let junit = folder.appendingPathComponent("gate.xml").path
        let summary = folder.appendingPathComponent("summary.md").path
        try Data("# earlier step\n".utf8).write(to: URL(fileURLWithPath: summary))
        let outcome = try CLI.run([
            "gate", "--baseline", Self.runA, "--current", Self.runA, "--max-regression", "5%", "--junit", junit,
            "--markdown", summary,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("gate: PASS"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 30)
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.hasPrefix("# earlier step\n## readerbench gate: PASS"))
    }

    @Test("gate: 30% slower is a regression (2); 30% faster passes (0), or is 4 with --fail-on-improvement")
    func gateRegressionAndImprovement() throws {
        let folder = try CLI.temporaryDirectory()
        let slower = try Self.scaledCopy(by: 1.3, in: folder)
        let faster = try Self.scaledCopy(by: 0.7, in: folder)
        let junit = folder.appendingPathComponent("gate.xml").path
        let regression = try CLI.run(["gate", "--baseline", Self.runA, "--current", slower, "--junit", junit])
        #expect(regression.status == 2, "\(regression.stdout)\(regression.stderr)")
        #expect(regression.stdout.contains("gate: REGRESSION"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<failure type=\"regression\""))
        #expect(try CLI.run(["gate", "--baseline", Self.runA, "--current", faster]).status == 0)
        let improvement = try CLI.run(["gate", "--baseline", Self.runA, "--current", faster, "--fail-on-improvement"])
        #expect(improvement.status == 4)
    }

    @Test("gate: a missing baseline and incomparable runs are 5, with the reason")
    func gateIncomparable() throws {
        let missing = try CLI.run(["gate", "--baseline", "/nonexistent/baseline.json", "--current", Self.runA])
        #expect(missing.status == 5)
        #expect(missing.stdout.contains("baseline missing or unreadable"))
        let incomparable = try CLI.run(["gate", "--baseline", Self.runA, "--current", Self.trace])
        #expect(incomparable.status == 5)
        #expect(incomparable.stdout.contains("card source: simulated-in-process vs trace"))
    }

    @Test("gate: bad input is 64, never one of the verdict codes")
    func gateBadInput() throws {
        #expect(
            try CLI.run(["gate", "--baseline", Self.runA, "--current", Self.runA, "--max-regression", "abc"]).status
                == 64)
        #expect(try CLI.run(["gate", "--baseline", Self.runA, "--current", "/nonexistent.json"]).status == 64)
        #expect(try CLI.run(["gate", "--baseline", Self.runA]).status == 64)
    }
}
