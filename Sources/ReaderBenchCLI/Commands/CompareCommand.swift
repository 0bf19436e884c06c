import ArgumentParser
import Comparison
import RunComparison

/// `readerbench compare BASELINE CURRENT [more…]`: did it get slower, or which reader is faster?
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare result files series by series: faster, slower, same or inconclusive, with intervals.",
        discussion: """
            Two files: the second against the first (readers matched by model key; one reader each are \
            compared whatever their keys). More files: the procurement case, every reader against the \
            reference (--reference, default the first file), then ranked groups with ties. One file of a \
            reader pool (`run --readers …`): its readers against each other, the first reader as the \
            reference (the readers took turns on the same host, the fairest comparison there is).

            Series: the check total, every phase and every APDU kind, per mode (warm, cold). Warmups never \
            count; failed iterations are left out of the latency series and counted apart. For each series: \
            the requested quantiles of both sides, the ratio current/baseline with a distribution-free \
            interval, and a verdict. Tests: Mann-Whitney U, Kolmogorov-Smirnov and one per quantile, combined \
            by Bonferroni and Holm-corrected over every series, so identical runs flag any series in at most \
            1 - confidence of comparisons. Multimodal series (mValue > 3.2) are shown decile by decile.

            Runs of different scenarios, options, card sources, or a model against a real reader are \
            compared under a loud warning. Exit status: 0 after the report, whatever the verdicts; 2 bad \
            input (an option or a file that cannot be read). For a pass/fail answer use `readerbench gate`.
            """)

    @Argument(help: "Result files, history run ids (run:42) or queries (model=KEY,latest): the baseline first.")
    var files: [String]
    @Option(help: "Margin: a change inside ±this is \"same\" (percent; 5% or 5).") var threshold: String = "5%"
    @Option(help: "Quantiles to compare, in percent (50,90,99).") var quantiles: String = "50,90,99"
    @Option(help: "Confidence of the intervals; 1 - it is the family-wise error rate (0.99 or 99%).")
    var confidence: String = "0.99"
    @Option(help: "The reference file for more than two files (default: the first).") var reference: String?
    @Flag(help: "Print Markdown (for a CI job summary).") var markdown = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var database: HistoryDatabaseOption
    @OptionGroup var fleet: FleetScopeOptions

    func run() throws {
        if markdown && json { throw fail("--markdown and --json exclude each other", status: ExitStatus.badInput) }
        let settings: ComparisonSettings
        do {
            settings = try ComparisonSettings(
                threshold: ComparisonSettings.parseThreshold(threshold),
                quantiles: ComparisonSettings.parseQuantiles(quantiles),
                confidence: ComparisonSettings.parseConfidence(confidence))
        } catch {
            throw fail("\(error)", status: ExitStatus.badInput)
        }
        var paths = files
        if let reference {
            paths.removeAll { $0 == reference }
            paths.insert(reference, at: 0)
        }
        guard !paths.isEmpty else { throw fail("compare needs result files", status: ExitStatus.badInput) }
        var documents: [SeriesDocument]
        do { documents = try RunArguments.documents(paths, database: database, scope: fleet) } catch {
            if case .history(let error) = error { throw historyFailure(error) }
            throw fail("\(error)", status: ExitStatus.badInput)
        }
        if documents.count == 1 {
            // One pool run: each reader becomes a side of its own.
            let pool = documents[0]
            guard pool.readers.count >= 2 else {
                throw fail(
                    "compare needs two result files, or one file of a reader pool (this one has one reader)",
                    status: ExitStatus.badInput)
            }
            documents = pool.readers.map {
                SeriesDocument(name: "\(pool.name) — \($0.name)", context: pool.context, readers: [$0])
            }
        }
        let report: ComparisonReport
        do { report = try RunComparer(settings: settings).compare(documents) } catch {
            throw fail("\(error)", status: ExitStatus.badInput)
        }
        for pair in report.pairs {
            for issue in pair.issues where issue.severity == .incomparable {
                printError("readerbench: WARNING: INCOMPARABLE RUNS: \(issue.message)")
            }
        }
        if json {
            print(JSONReport.render(report), terminator: "")
        } else if markdown {
            print(MarkdownReport.render(report), terminator: "")
        } else {
            print(TextReport.render(report), terminator: "")
        }
    }
}
