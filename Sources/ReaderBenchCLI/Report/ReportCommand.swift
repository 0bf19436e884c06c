import ArgumentParser
import Foundation
import History
import Report
import Results

/// `readerbench report`: the procurement report, one self-contained HTML page (and Markdown).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the procurement report: one self-contained HTML page a care business can decide from.",
        discussion: """
            Takes result files, bundles, history runs (run:42) and history queries \
            (model=usb:054c:0dc9@1.00,latest). The page opens offline (no network, no external script or font), \
            prints on A4, and puts the verdict first: readers ranked in groups with ties on --metric of the \
            check (warm and cold apart), failure rates with their confidence interval, the cold start and the \
            tap detection time, then charts and the conditions. Times from simulated cards or replayed traces \
            are marked MODELLED and never ranked among real readers.

            --history QUERY adds, for every model in the report, its percentile across the history runs the \
            query selects, with change points flagged.

            Exit status: 0 success, 2 bad input (a file that is not a result, an unknown run), 3 the history \
            cannot be used.
            """)

    @Argument(help: "Result files, bundles, run:ID or history queries.") var runs: [String]
    @Option(name: .shortAndLong, help: "The HTML file to write.") var output: String
    @Option(help: "Also write the verdict and tables as Markdown here.") var markdown: String?
    @Option(help: "Language of the labels: ja or en.") var lang: String = "ja"
    @Option(help: "The percentile of the check to rank on: p50, p90, p95, p99.") var metric: String = "p95"
    @Option(help: "The page title.") var title: String?
    @Option(
        help: "Add history trends of the report's models over the runs this query selects (since=2025-01-01, site=…).")
    var history: String?
    @OptionGroup var database: HistoryDatabaseOption
    @OptionGroup var fleet: FleetScopeOptions

    func run() throws {
        guard !runs.isEmpty else { throw fail("name at least one result file or run", status: ExitStatus.badInput) }
        guard let language = ReportLanguage(rawValue: lang) else {
            throw fail("--lang must be ja or en, not '\(lang)'", status: ExitStatus.badInput)
        }
        let quantile: Double
        do { quantile = try ReportOptions.parseMetric(metric) } catch {
            throw fail(error.reason, status: ExitStatus.badInput)
        }

        var store: (any HistoryStore)?
        func openStore() throws(HistoryError) -> any HistoryStore {
            if let store { return store }
            let opened = try database.openStore()
            store = opened
            return opened
        }
        let resolved: [ResolvedRun]
        do { resolved = try RunReference.resolve(runs, scope: fleet.scope, store: openStore) } catch {
            throw historyFailure(error)
        }

        let options = ReportOptions(
            quantile: quantile, language: language, title: title,
            generatedAt: ISO8601DateFormatter().string(from: Date()), toolVersion: ReaderBench.version)
        var trends: [TrendSeries] = []
        if let history {
            do { trends = try historyTrends(history, runs: resolved, quantile: quantile, store: openStore()) } catch {
                throw historyFailure(error)
            }
        }
        let report: ProcurementReport
        do {
            report = try ProcurementReport(
                runs: resolved.map { ReportRun(name: $0.name, file: $0.file) }, options: options,
                ranker: ReportRanking.ranker(), trends: trends)
        } catch {
            throw fail(error.reason, status: ExitStatus.badInput)
        }
        try write(HTMLReport.render(report), to: output)
        if let markdown { try write(MarkdownReport.render(report), to: markdown) }
        printError("readerbench: report in \(output)\(markdown.map { " and \($0)" } ?? "")")
        if report.hasModelled {
            printError(
                "readerbench: note: the report holds MODELLED times (simulated cards or replays); it says so at the top"
            )
        }
    }

    /// The trends of every model of the report (or the query's own model) over the runs `text` selects.
    private func historyTrends(_ text: String, runs: [ResolvedRun], quantile: Double, store: any HistoryStore)
        throws(HistoryError) -> [TrendSeries]
    {
        var query = try RunReference.parseQuery(text)
        if let scope = fleet.scope { query = query.narrowed(by: scope) }
        guard let metric = TrendMetric(rawValue: ReportFormat.percentileName(quantile)) else {
            throw HistoryError(
                .badReference,
                "--history follows p50, p90, p95, p99 or p99.9, not \(ReportFormat.percentileName(quantile))")
        }
        var models: [String] = []
        if let model = query.model {
            models = [model]
        } else {
            for run in runs {
                for record in run.file.readers where !models.contains(record.reader.modelKey) {
                    models.append(record.reader.modelKey)
                }
            }
        }
        var series: [TrendSeries] = []
        for model in models {
            for mode in IterationModeName.allCases {
                let trend = try store.trend(
                    TrendQuery(
                        model: model, metric: metric, mode: mode, since: query.since, site: query.site,
                        hostID: query.hostID))
                let points = trend.points.filter { point in
                    point.valueNanoseconds != nil && (query.until.map { point.createdAt < $0 } ?? true)
                }
                guard points.count >= 2 else { continue }
                // Change points are found on the whole trend; keep those that fall on a kept point.
                let kept = points.map { point in trend.points.firstIndex(of: point)! }
                series.append(
                    TrendSeries(
                        model: model, metric: metric.rawValue, mode: mode.rawValue,
                        points: points.map {
                            TrendSeries.Point(
                                run: "run:\($0.run)", createdAt: $0.createdAt, readerName: $0.readerName,
                                firmware: $0.firmware,
                                valueNanoseconds: $0.valueNanoseconds ?? 0, modelled: $0.modelled)
                        },
                        changes: trend.changes.compactMap { change in
                            kept.firstIndex(of: change.index).map {
                                TrendSeries.Change(index: $0, ratio: change.ratio, coincidesWith: change.coincidesWith)
                            }
                        }))
            }
        }
        return series
    }

    private func write(_ text: String, to path: String) throws {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw fail("cannot write \(path): \(error.localizedDescription)", status: ExitStatus.environment)
        }
    }
}
