import ArgumentParser
import Foundation
import History
import Measurement
import Results
import RunModel

/// `readerbench history`: every run kept, listed, shown, followed over time, exported, imported.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract:
            "Every run, kept in a local SQLite database (and a fleet's PostgreSQL): list, show, trend, export, import, sync.",
        discussion: """
            `readerbench run` saves every run here as it goes (--no-save skips, --db PATH chooses the file); \
            a run killed mid-way keeps its finished iterations. Runs are referred to as run:ID; compare, gate \
            and report also take run:ID and queries such as model=usb:054c:0dc9@1.00,latest.

            --db postgresql://user@host:port/db reads a fleet's shared history instead; `run --db postgresql://…` \
            saves locally first and forwards the run there, and `history sync` sends what could not be sent.

            Every subcommand takes --json (the runs with their ids, for scripts). Exit status: 0 success, \
            2 bad input (an unknown run, a query that matches nothing, a file that is not a result), 3 the \
            database cannot be used (not a database, another program's, damaged, newer).
            """,
        subcommands: [
            HistoryList.self, HistoryShow.self, HistoryTrend.self, HistoryExport.self, HistoryImport.self,
            HistorySync.self,
        ])
}

// MARK: - list

struct HistoryList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List saved runs, newest first (the newest 50 unless --limit or --all).")

    /// What a plain `history list` shows: a screenful, fast however large the history.
    static let defaultLimit = 50

    @OptionGroup var database: HistoryDatabaseOption
    @Option(help: "Only runs with a reader of this model key (a USB key without @release: every firmware).")
    var model: String?
    @Option(help: "Only runs with a reader whose name contains this.") var reader: String?
    @Option(help: "Only runs started on or after this date (2025-11-01 or 2025-11-01T09:00).") var since: String?
    @Option(help: "Only runs of this scenario.") var scenario: String?
    @Option(help: "Only runs of this site (fleets).") var site: String?
    @Option(help: "Only runs of this host (its id).") var host: String?
    @Option(help: "At most this many runs (default \(defaultLimit)).") var limit: Int?
    @Flag(help: "Every matching run.") var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        if let limit, limit <= 0 { throw fail("--limit must be positive, not \(limit)", status: ExitStatus.badInput) }
        if all && limit != nil { throw fail("--all and --limit exclude each other", status: ExitStatus.badInput) }
        let store = try database.open()
        var query = RunQuery(model: model, reader: reader, since: since, scenario: scenario, hostID: host, site: site)
        query.limit = all ? nil : (limit ?? Self.defaultLimit)
        let runs: [RunListing]
        let total: Int
        do {
            runs = try store.runs(query)
            total = query.limit.map { runs.count < $0 } == false ? try store.count(query) : runs.count
        } catch { throw historyFailure(error) }
        if json { return try printJSON(runs) }
        guard !runs.isEmpty else {
            printError(
                "readerbench: no runs in \(database.shown)\(model != nil || reader != nil || since != nil ? " match" : "")"
            )
            return
        }
        // Site and host columns once runs come from more than one (a fleet's shared history).
        let fleet = Set(runs.map { "\($0.site ?? "")|\($0.hostID ?? "")" }).count > 1 || database.isServer
        var table = TextTable(
            header: ["run", "started"] + (fleet ? ["site", "host"] : []) + ["scenario", "iterations", "state"])
        for run in runs {
            let state = run.complete ? (run.stopReason ?? "done") : "unfinished"
            table.append(
                [run.reference, run.createdAt] + (fleet ? [run.site ?? "–", run.hostID ?? "–"] : []) + [
                    run.scenario, "\(run.iterations)", state + (run.modelled ? ", MODELLED" : ""),
                ])
        }
        // Each run's line, then its readers under it (names are long and vary), written at once.
        let lines = table.lines()
        var text = lines[0] + "\n"
        for (run, line) in zip(runs, lines.dropFirst()) {
            text += line + "\n"
            for reader in run.readers {
                let firmware = reader.firmware.map { " fw \($0)" } ?? ""
                let modelled = reader.modelled ? " MODELLED (\(reader.cardSource))" : ""
                text += "    \(reader.reader): \(reader.name) [\(reader.modelKey)]\(firmware)\(modelled)\n"
            }
        }
        print(text, terminator: "")
        if total > runs.count {
            printError("readerbench: the newest \(runs.count) of \(total) runs; --limit N or --all for more")
        }
    }
}

// MARK: - show

struct HistoryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one run: conditions and summary.")

    @OptionGroup var database: HistoryDatabaseOption
    @Argument(help: "The run: run:ID or ID.") var runID: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let store = try database.open()
        let stored: StoredRun
        do { stored = try store.run(try parseRunID(runID)) } catch { throw historyFailure(error) }
        let summary = stored.file.summary ?? summarise(stored.file)
        if json {
            struct Shown: Encodable {
                var run: RunListing
                var summary: RunSummary
                var calibration: HostCalibration?
            }
            return try printJSON([
                Shown(run: stored.listing, summary: summary, calibration: stored.file.header.calibration)
            ])
        }
        let listing = stored.listing
        print(
            "\(listing.reference)  \(listing.scenario)  started \(listing.createdAt)  (\(listing.origin.rawValue)\(listing.originName.map { " of \($0)" } ?? ""))"
        )
        print(
            "  OS \(listing.os ?? "unknown"), pcsc-lite \(listing.pcscLiteVersion ?? "unknown"), readerbench \(listing.toolVersion)"
        )
        print(
            "  \(listing.iterations) iterations saved; "
                + (listing.complete
                    ? "finished: \(listing.stopReason ?? "")"
                    : "unfinished (killed or still running): summary computed from the saved iterations"))
        if listing.modelled { print("  MODELLED: these times are a model's, not a reader's") }
        SummaryTable.print(summary, header: stored.file.header, readers: stored.file.readers)
    }
}

/// `run:42` or `42`.
func parseRunID(_ text: String) throws(HistoryError) -> Int64 {
    if let id = Int64(text), id > 0 { return id }
    if case .run(let id) = try RunReference.parse(text, fileExists: { _ in false }) { return id }
    throw HistoryError(.badReference, "'\(text)' is not a run id (run:42 or 42)")
}

/// The summary of a run that has none (killed mid-way), from its saved iterations.
func summarise(_ file: ResultFile) -> RunSummary {
    var aggregator = RunAggregator(labels: file.header.labels)
    for reader in file.readers { aggregator.register(reader: reader.id) }
    for iteration in file.iterations { aggregator.add(iteration) }
    return aggregator.summary(stopReason: .interrupted, note: "unfinished run: summary of the saved iterations")
}

// MARK: - trend

struct HistoryTrend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend", abstract: "One model's percentile of the check across runs, with change points flagged.")

    @OptionGroup var database: HistoryDatabaseOption
    @Option(help: "The model key (a USB key without @release follows the model across firmware).") var model: String
    @Option(help: "p50, p90, p95, p99 or p99.9.") var metric: String = "p95"
    @Option(help: "warm or cold.") var mode: String = "warm"
    @Flag(help: "Leave out modelled runs (simulated cards, replays).") var measured = false
    @Option(help: "Only runs started on or after this date.") var since: String?
    @Option(help: "Only runs of this site (fleets).") var site: String?
    @Option(help: "Only runs of this host (its id).") var host: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard let metric = TrendMetric(rawValue: metric) else {
            throw fail("--metric must be p50, p90, p95, p99 or p99.9, not '\(metric)'", status: ExitStatus.badInput)
        }
        guard let mode = IterationModeName(rawValue: mode) else {
            throw fail("--mode must be warm or cold, not '\(mode)'", status: ExitStatus.badInput)
        }
        let store = try database.open()
        let trend: Trend
        do {
            trend = try store.trend(
                TrendQuery(
                    model: model, metric: metric, mode: mode, measuredOnly: measured, since: since, site: site,
                    hostID: host))
        } catch { throw historyFailure(error) }
        if json { return try printJSON(trend) }
        guard !trend.points.isEmpty else {
            printError("readerbench: no finished or saved \(mode.rawValue) iterations of \(model) in \(database.shown)")
            return
        }
        let changes = Dictionary(trend.changes.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var table = TextTable(header: [
            "run", "started", "reader", "firmware", "pcsc-lite", "\(metric.rawValue) ms", "n", "failed", "",
        ])
        for (index, point) in trend.points.enumerated() {
            var note = point.partial ? "unfinished" : ""
            if point.modelled { note += (note.isEmpty ? "" : ", ") + "MODELLED" }
            if let change = changes[index] {
                note +=
                    (note.isEmpty ? "" : "  ") + "◀ CHANGE \(signedPercent(change.ratio - 1))"
                    + (change.coincidesWith.isEmpty ? "" : " (\(change.coincidesWith.joined(separator: "; ")))")
            }
            table.append([
                "run:\(point.run)", point.createdAt, point.readerName, point.firmware ?? "?",
                point.pcscLiteVersion ?? "?",
                point.valueNanoseconds.map { milliseconds($0) } ?? "–", "\(point.count)", "\(point.failed)", note,
            ])
        }
        for line in table.lines() { print(line) }
        print("")
        print(
            trend.changes.isEmpty
                ? "no change point (a shift must exceed 6 noise units and 5%)"
                : "\(trend.changes.count) change point(s)")
    }

    private func signedPercent(_ change: Double) -> String {
        String(format: "%+.1f%%", change * 100)
    }
}

// MARK: - export

struct HistoryExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a saved run as a result file again, or runs as an anonymized bundle to publish.",
        discussion: """
            Without --anonymize: one run, as the result file `run --out` would have written (unfinished \
            runs have no summary). With --anonymize: a bundle (docs/history.md) of one or more runs without \
            host names, user names, serial numbers or other identifying data, for others to import.
            """)

    @OptionGroup var database: HistoryDatabaseOption
    @Argument(help: "The run(s): run:ID, ID, or a query (model=KEY,last=5).") var runs: [String]
    @Option(name: .shortAndLong, help: "The file to write.") var output: String
    @Flag(help: "Write an anonymized bundle fit to publish.") var anonymize = false
    @Flag(help: "Replace the output file if it exists.") var force = false
    @Flag(help: "Print the exported runs as JSON.") var json = false

    func run() throws {
        guard !runs.isEmpty else { throw fail("name a run to export (run:ID)", status: ExitStatus.badInput) }
        let store = try database.open()
        let resolved: [ResolvedRun]
        do {
            resolved = try RunReference.resolve(runs.map { Int64($0) != nil ? "run:\($0)" : $0 }) {
                () throws(HistoryError) in store
            }
        } catch { throw historyFailure(error) }
        if !force && FileManager.default.fileExists(atPath: output) {
            throw fail("\(output) exists; --force replaces it", status: ExitStatus.badInput)
        }
        if anonymize {
            let bytes: [UInt8]
            do { bytes = try ResultBundle.anonymized(resolved.map(\.file), toolVersion: ReaderBench.version) } catch {
                throw historyFailure(error)
            }
            do { try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw fail("cannot write \(output): \(error.localizedDescription)", status: ExitStatus.environment)
            }
        } else {
            guard resolved.count == 1, let id = resolved[0].runID else {
                throw fail(
                    "a result file holds one run; \(resolved.count) matched (--anonymize writes a bundle of several)",
                    status: ExitStatus.badInput)
            }
            do { try write(try store.run(id), to: output) } catch let error as HistoryError {
                throw historyFailure(error)
            }
        }
        if json {
            let ids = Set(resolved.compactMap(\.runID))
            var listings: [RunListing] = []
            for id in ids.sorted() {
                do { listings.append(try store.run(id).listing) } catch { throw historyFailure(error) }
            }
            return try printJSON(listings)
        }
        printError(
            "readerbench: \(resolved.map(\.name).joined(separator: ", ")) written to \(output)\(anonymize ? " (anonymized bundle)" : "")"
        )
    }

    /// The run as a result file, written the way a run writes it: readers that joined are
    /// announced where they joined, and the summary ends the file when the run finished.
    private func write(_ stored: StoredRun, to path: String) throws {
        let file = stored.file
        do {
            let writer = try ResultFileWriter(path: path, header: file.header, replacingExisting: force)
            let joined = file.readers.filter { stored.joinedAt[$0.id] != nil }
            for (sequence, iteration) in file.iterations.enumerated() {
                for record in joined where stored.joinedAt[record.id] == sequence { try writer.announce(record) }
                try writer.append(iteration)
            }
            for record in joined where (stored.joinedAt[record.id] ?? 0) >= file.iterations.count {
                try writer.announce(record)
            }
            if let summary = file.summary { try writer.finish(summary: summary) } else { try writer.sync() }
        } catch {
            throw fail("\(error)", status: ExitStatus.environment)
        }
    }
}

// MARK: - import

struct HistoryImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Add result files or bundles to the history.")

    @OptionGroup var database: HistoryDatabaseOption
    @Argument(help: "Result files (or bundles) to add.") var files: [String]
    @Option(help: "The site the runs belong to (fleets).") var site: String?
    @Flag(help: "Print the imported runs as JSON.") var json = false

    func run() throws {
        guard !files.isEmpty else { throw fail("name a result file to import", status: ExitStatus.badInput) }
        let store = try database.open()
        var imported: [RunListing] = []
        for path in files {
            let runs: [ResultFile]
            do { runs = try RunReference.loadFiles(path) } catch { throw historyFailure(error) }
            for file in runs {
                do {
                    let id = try store.importRun(
                        file,
                        origin: RunOrigin(
                            kind: .import, hostID: nil, site: site, name: (path as NSString).lastPathComponent))
                    imported.append(try store.run(id).listing)
                    if !json { printError("readerbench: \(path): imported as run:\(id)") }
                } catch  where error.code == .duplicate {
                    printError("readerbench: \(path): \(error.reason); skipped")
                } catch {
                    throw historyFailure(error)
                }
            }
        }
        if json { try printJSON(imported) }
    }
}
