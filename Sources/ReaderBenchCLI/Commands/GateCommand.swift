import ArgumentParser
import Comparison
import Foundation
import RunComparison

/// `readerbench gate --baseline B --current C`: pass or fail a change in CI.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Fail CI only on a significant regression beyond the margin.",
        discussion: """
            Compares the current run with the baseline as `readerbench compare` does and fails only when a \
            series is significantly slower by more than --max-regression. Inconclusive series pass and say \
            how many samples would decide them.

            Exit status, following package-benchmark's conventions (they differ from the other \
            readerbench commands, where 2 means bad input):
              0   pass
              2   regression: a series is significantly slower beyond the margin
              4   improvement beyond the margin, with --fail-on-improvement
              5   baseline missing or unreadable, or the runs incomparable: different scenario, options, \
            card source, a model against a real reader, no common series, or host calibrations that differ \
            beyond the margin (unless --allow-different-host)
              1   the gate could not write its --junit or --markdown file
              64  bad input: an unknown, missing or malformed option, or an unreadable current file (the \
            other commands say 2 for bad input; here 2 means a regression)
            """)

    /// The exit statuses of `gate`; see the discussion above.
    enum Status {
        static let pass: Int32 = 0
        static let outputFailed: Int32 = 1
        static let regression: Int32 = 2
        static let improvement: Int32 = 4
        static let incomparable: Int32 = 5
        static let badInput: Int32 = 64
    }

    @Option(help: "The baseline: a result file, a history run id (run:42) or query (model=KEY,latest).")
    var baseline: String
    @Option(help: "The change's run: a result file, a history run id or query.") var current: String
    @Option(help: "Largest slowdown that passes, in percent (5% or 5).") var maxRegression: String = "5%"
    @Option(help: "Quantiles to gate on, in percent (50,90,99).") var quantiles: String = "50,90,99"
    @Option(help: "Confidence (0.99 or 99%); 1 - it is the chance identical runs fail the gate.")
    var confidence: String = "0.99"
    @Flag(help: "Exit 4 when a series is faster beyond the margin (time to update the baseline).")
    var failOnImprovement = false
    @Option(help: "Write JUnit XML here, one test case per series.") var junit: String?
    @Option(help: "Append a Markdown report here (for example \"$GITHUB_STEP_SUMMARY\").") var markdown: String?
    @Flag(help: "Gate even when the hosts' calibrations differ beyond the margin.") var allowDifferentHost = false
    @OptionGroup var database: HistoryDatabaseOption
    @OptionGroup var fleet: FleetScopeOptions

    func run() throws {
        let settings: ComparisonSettings
        do {
            settings = try ComparisonSettings(
                threshold: ComparisonSettings.parseThreshold(maxRegression),
                quantiles: ComparisonSettings.parseQuantiles(quantiles),
                confidence: ComparisonSettings.parseConfidence(confidence))
        } catch {
            throw fail("\(error)", status: Status.badInput)
        }
        let currentDocument: SeriesDocument
        do {
            guard let first = try RunArguments.documents([current], database: database, scope: fleet).first else {
                throw RunArgumentError.comparison(RunComparisonError(.unreadable, path: current, reason: "no such run"))
            }
            currentDocument = first
        } catch {
            throw fail("current run: \(error)", status: Status.badInput)
        }
        let decision: GateDecision
        do {
            guard let baselineDocument = try RunArguments.documents([baseline], database: database, scope: fleet).first
            else {
                throw RunArgumentError.comparison(
                    RunComparisonError(.unreadable, path: baseline, reason: "no such run"))
            }
            decision = GateDecision(
                report: try RunComparer(settings: settings).compare([baselineDocument, currentDocument]),
                failOnImprovement: failOnImprovement, allowDifferentHost: allowDifferentHost)
        } catch {
            decision = GateDecision(refusing: ["baseline missing or unreadable: \(error)"])
        }

        if let report = decision.report { print(TextReport.render(report)) }
        print("gate: \(decision.outcome.rawValue.uppercased())")
        for reason in decision.reasons { print("  \(reason)") }
        do {
            if let junit {
                try Data(JUnitReport.render(decision, failOnImprovement: failOnImprovement).utf8)
                    .write(to: URL(fileURLWithPath: junit))
            }
            if let markdown {
                let text =
                    decision.report.map { MarkdownReport.render($0, gate: decision) }
                    ?? "## readerbench gate: \(decision.outcome.rawValue.uppercased())\n\n"
                    + decision.reasons.map { "- \($0)\n" }.joined()
                try append(text, to: markdown)
            }
        } catch {
            throw fail("cannot write the gate's report: \(error)", status: Status.outputFailed)
        }
        switch decision.outcome {
        case .pass: return
        case .regression: throw ExitCode(Status.regression)
        case .improvement: throw ExitCode(Status.improvement)
        case .incomparable: throw ExitCode(Status.incomparable)
        }
    }

    /// Appends to `path`, creating it: `$GITHUB_STEP_SUMMARY` is a file every step appends to.
    private func append(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        if !FileManager.default.fileExists(atPath: path) {
            try Data().write(to: url)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
