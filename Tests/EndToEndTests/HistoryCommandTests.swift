import Foundation
import Results
import RigSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `run` saving into the history, `history` and `report`, as a user runs them: real processes,
/// real signals, one database file.
@Suite(.serialized) struct HistoryCommandTests {
    struct Listed: Decodable {
        var id: Int64
        var complete: Bool
        var iterations: Int
        var modelled: Bool
        var readers: [Reader]
        struct Reader: Decodable { var modelKey: String }
    }

    static func list(_ db: String, _ extra: [String] = []) throws -> [Listed] {
        let outcome = try CLI.run(["history", "list", "--db", db, "--json"] + extra)
        guard outcome.status == 0 else { throw CLI.Missing(description: "history list: \(outcome.stderr)") }
        return try JSONDecoder().decode([Listed].self, from: Data(outcome.stdout.utf8))
    }

    @Test("a run saves itself; list, show, export and import see it; the export reads as the result file did")
    func saveListExportImport() throws {
        let directory = try CLI.temporaryDirectory()
        let db = directory.appendingPathComponent("history.sqlite").path
        let out = directory.appendingPathComponent("run.json").path
        let run = try CLI.run([
            "run", "--in-process", "--scenario", "visual", "--iterations", "20", "--warmup", "1", "--out", out, "--db",
            db, "--quiet",
        ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("saved in the history as run:1"))
        let runs = try Self.list(db)
        #expect(runs.count == 1)
        #expect(runs.first?.complete == true && runs.first?.iterations == 42 && runs.first?.modelled == true)

        let exported = directory.appendingPathComponent("export.json").path
        let export = try CLI.run(["history", "export", "run:1", "-o", exported, "--db", db])
        #expect(export.status == 0, "stderr: \(export.stderr)")
        let original = try ResultFile.load(out)
        let again = try ResultFile.load(exported)
        #expect(again == original)

        let show = try CLI.run(["history", "show", "1", "--db", db])
        #expect(show.status == 0 && show.stdout.contains("run:1") && show.stdout.contains("MODELLED"))

        let other = directory.appendingPathComponent("other.sqlite").path
        let imported = try CLI.run(["history", "import", out, "--db", other, "--json"])
        #expect(imported.status == 0, "stderr: \(imported.stderr)")
        #expect(try JSONDecoder().decode([Listed].self, from: Data(imported.stdout.utf8)).count == 1)
        let twice = try CLI.run(["history", "import", out, "--db", other])
        #expect(twice.status == 0 && twice.stderr.contains("already in the history as run:1"))
        #expect(try Self.list(other).count == 1)

        let none = try CLI.run([
            "run", "--in-process", "--iterations", "3", "--warmup", "0", "--warm", "--no-save", "--db", db, "--quiet",
        ])
        #expect(none.status == 2)
    }

    @Test("SIGKILL in the middle of a run leaves every finished iteration in the history")
    func killed() throws {
        let directory = try CLI.temporaryDirectory()
        let db = directory.appendingPathComponent("history.sqlite").path
        let (process, stdout, stderr) = try CLI.start([
            "run", "--in-process", "--scenario", "visual", "--iterations", "1000000", "--warmup", "0", "--warm", "--db",
            db, "--quiet",
        ])
        var seen = 0
        Poll.until {
            seen = (try? Self.list(db))?.first?.iterations ?? 0
            return seen >= 200
        }
        kill(process.processIdentifier, SIGKILL)
        let outcome = CLI.finish(process, stdout, stderr, timeout: 10)
        #expect(outcome.uncaughtSignal)
        let runs = try Self.list(db)
        let run = try #require(runs.first)
        #expect(!run.complete)
        #expect(run.iterations >= seen && seen >= 200)
        // Every saved iteration reads back, in order.
        let exported = directory.appendingPathComponent("killed.json").path
        let export = try CLI.run(["history", "export", "run:\(run.id)", "-o", exported, "--db", db])
        #expect(export.status == 0, "stderr: \(export.stderr)")
        let file = try ResultFile.load(exported)
        #expect(file.iterations.count == run.iterations)
        #expect(file.iterations.map(\.index) == Array(0..<run.iterations))
        #expect(file.summary == nil)
        // And the trend counts the unfinished run from its iterations.
        let trend = try CLI.run(["history", "trend", "--model", "in-process", "--db", db])
        #expect(trend.status == 0 && trend.stdout.contains("unfinished"), "\(trend.stdout)\(trend.stderr)")
    }

    @Test("two runs saving into one database at once both land whole")
    func concurrent() throws {
        let directory = try CLI.temporaryDirectory()
        let db = directory.appendingPathComponent("history.sqlite").path
        let arguments = [
            "run", "--in-process", "--scenario", "visual", "--iterations", "150", "--warmup", "0", "--db", db,
            "--quiet",
        ]
        let first = try CLI.start(arguments)
        let second = try CLI.start(arguments)
        let a = CLI.finish(first.0, first.1, first.2)
        let b = CLI.finish(second.0, second.1, second.2)
        #expect(a.status == 0, "stderr: \(a.stderr)")
        #expect(b.status == 0, "stderr: \(b.stderr)")
        let runs = try Self.list(db)
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.complete && $0.iterations == 300 })
    }

    @Test("a database that is not ours is refused with a clear error, the run does not start, the file is unchanged")
    func foreign() throws {
        let directory = try CLI.temporaryDirectory()
        let db = directory.appendingPathComponent("notes.sqlite").path
        let original = Data("my notes\n".utf8)
        try original.write(to: URL(fileURLWithPath: db))
        let run = try CLI.run([
            "run", "--in-process", "--iterations", "3", "--warmup", "0", "--warm", "--db", db, "--quiet",
        ])
        #expect(run.status == 3)
        #expect(run.stderr.contains("is not an SQLite database") && run.stderr.contains("--no-save"))
        let list = try CLI.run(["history", "list", "--db", db])
        #expect(list.status == 3)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == original)
    }

    @Test("report takes files, run ids and queries, and writes HTML and Markdown")
    func report() throws {
        let directory = try CLI.temporaryDirectory()
        let db = directory.appendingPathComponent("history.sqlite").path
        let out = directory.appendingPathComponent("run.json").path
        for extra in [["--out", out], []] {
            let run = try CLI.run(
                [
                    "run", "--in-process", "--scenario", "visual", "--iterations", "15", "--warmup", "0", "--db", db,
                    "--quiet",
                ] + extra)
            #expect(run.status == 0, "stderr: \(run.stderr)")
        }
        let html = directory.appendingPathComponent("report.html").path
        let markdown = directory.appendingPathComponent("report.md").path
        let outcome = try CLI.run([
            "report", out, "run:2", "model=in-process,latest", "-o", html, "--markdown", markdown, "--lang", "en",
            "--db", db,
            "--history", "since=2000-01-01",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("MODELLED") && page.contains("data-chart=\"ecdf\"") && page.contains("id=\"history\""))
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains("## Verdict"))
        let missing = try CLI.run(["report", "run:99", "-o", html, "--db", db])
        #expect(missing.status == 2)
        let nothing = try CLI.run(["report", "model=usb:ffff:ffff,latest", "-o", html, "--db", db])
        #expect(nothing.status == 2 && nothing.stderr.contains("no run in the history matches"))
    }
}
