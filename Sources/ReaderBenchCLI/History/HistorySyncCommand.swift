import ArgumentParser
import Foundation
import History
import HistoryPostgres

// MARK: - sync

/// `readerbench history sync`: sends the runs this host saved locally but could not forward to a
/// fleet's shared history (the server was down or unreachable at the start, in the middle or at
/// the end of the run). Sending is idempotent: what the server holds is asked first, and a run or
/// an iteration already there is never inserted again.
struct HistorySync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send runs saved here but not yet in the fleet's PostgreSQL history.",
        discussion: """
            Without --db: every server that runs here were meant for (run --db postgresql://…), as recorded in \
            the local history; the password, if the server needs one, comes from PGPASSWORD. With --db URL: \
            that server, and with --all every local run not yet there (a host joining a fleet). Exit status: 0 \
            everything sent, 3 something could not be sent (it stays unsent; run sync again), 2 bad input.
            """)

    @Option(help: "The shared history (postgresql://user@host:port/db); default: each server runs were meant for.")
    var db: String?
    @Option(
        help: "The local history (default: $READERBENCH_HISTORY_DB, else ~/.local/share/readerbench/history.sqlite).")
    var local: String?
    @Flag(help: "With --db: send every local run, not only those meant for that server.") var all = false
    @Flag(help: "Print what was sent as JSON.") var json = false

    struct Line: Encodable {
        var run: Int64
        var remote: String
        var remoteRun: Int64?
        var iterationsSent: Int
        var whole: Bool
        var error: String?
    }

    func run() throws {
        if all && db == nil {
            throw fail("--all needs --db (the server to send every run to)", status: ExitStatus.badInput)
        }
        let localPath = local ?? HistoryLocation.defaultPath()
        let store: SQLiteHistoryStore
        do { store = try SQLiteHistoryStore(path: localPath) } catch { throw historyFailure(error) }
        var servers: [PostgresLocation] = []
        do {
            if let db {
                let server = try PostgresLocation(db)
                servers = [server]
                if all {
                    for listing in try store.runs(RunQuery()) {
                        try store.registerUpload(run: listing.id, remote: server.description)
                    }
                }
            } else {
                var seen: Set<String> = []
                for state in try store.unsentUploads() where seen.insert(state.remote).inserted {
                    servers.append(try PostgresLocation(state.remote))
                }
            }
        } catch { throw historyFailure(error) }
        var lines: [Line] = []
        var failures = 0
        for server in servers {
            let report: HistoryUploader.Report
            do {
                report = try HistoryUploader(local: store, remote: try PostgresSupport.receiver(server)).sendUnsent()
            } catch { throw historyFailure(error) }
            for sent in report.sent {
                lines.append(
                    Line(
                        run: sent.run, remote: server.description, remoteRun: sent.remoteRun,
                        iterationsSent: sent.iterations, whole: sent.whole, error: nil))
                if !json {
                    printError(
                        "readerbench: run:\(sent.run) → \(server) run:\(sent.remoteRun): \(sent.iterations) iterations "
                            + "sent\(sent.whole ? "" : " (more was saved meanwhile: the run is still going)")")
                }
            }
            for (run, error) in report.failed {
                failures += 1
                lines.append(
                    Line(
                        run: run, remote: server.description, remoteRun: nil, iterationsSent: 0, whole: false,
                        error: error.reason))
                if !json { printError("readerbench: run:\(run) not sent: \(error.reason)") }
            }
            let remaining = (try? store.unsentUploads(remote: server.description).count) ?? 0
            if !json && report.failed.isEmpty && remaining == 0 {
                printError("readerbench: \(server): every run sent")
            } else if !json && remaining > 0 {
                printError(
                    "readerbench: \(server): \(remaining) run(s) still unsent; run `readerbench history sync` again")
            }
        }
        if servers.isEmpty && !json { printError("readerbench: nothing to send (\(localPath))") }
        if json { try printJSON(lines) }
        if failures > 0 { throw ExitCode(ExitStatus.environment) }
    }
}
