import ArgumentParser
import Foundation
import History
import HistoryPostgres
import Results
import RunEngine

/// `--db PATH|URL`: where the history is. A path is a local SQLite file (default:
/// HistoryLocation.defaultPath()); `postgresql://user@host:port/db` is a fleet's shared history.
struct HistoryDatabaseOption: ParsableArguments {
    @Option(
        help: """
            The history: an SQLite file, or postgresql://user@host:port/db for a fleet's shared history \
            (default: $READERBENCH_HISTORY_DB, else ~/.local/share/readerbench/history.sqlite).
            """
    )
    var db: String?

    /// The local file, when `--db` is not a server.
    var path: String { db ?? HistoryLocation.defaultPath() }

    /// Whether `--db` names a PostgreSQL server.
    var isServer: Bool { db.map(PostgresLocation.isLocation) ?? false }

    /// What messages call the history (a server's URL without its password).
    var shown: String {
        guard isServer, let db else { return path }
        return (try? PostgresLocation(db).description) ?? db
    }

    /// Opens the store (connecting and migrating a server's now), or exits with a sentence and
    /// status 3 (environment) or 2 (bad input).
    func open() throws -> any HistoryStore {
        do { return try openStore() } catch { throw historyFailure(error) }
    }

    /// Opens the store, as a history error.
    func openStore() throws(HistoryError) -> any HistoryStore {
        if isServer, let db { return try PostgresSupport.openStore(try PostgresLocation(db)) }
        return try SQLiteHistoryStore(path: path)
    }
}

/// `--site`, `--host`, `--model` for the commands that read runs across a fleet's hosts
/// (`compare`, `gate`, `report`): they narrow every history query given (`model=…,latest`,
/// `last=5`), so `--site osaka` picks that site's runs from a shared history.
struct FleetScopeOptions: ParsableArguments {
    @Option(help: "History queries take only runs of this site.") var site: String?
    @Option(help: "History queries take only runs of this host (its id, as history list --json shows it).")
    var host: String?
    @Option(help: "History queries take only readers of this model key (a USB key without @release: every firmware).")
    var model: String?

    /// The narrowing, or nil when none was asked for.
    var scope: RunQuery? {
        let query = RunQuery(model: model, hostID: host, site: site)
        return query.isUnfiltered ? nil : query
    }
}

/// A history error as the CLI's failure: what the user gave wrong is bad input (2), a database
/// that cannot be used is an environment problem (3).
func historyFailure(_ error: HistoryError) -> ExitCode {
    let badInput: Set<HistoryError.Code> = [
        .badReference, .noSuchRun, .noMatch, .cannotImport, .duplicate, .badLocation,
    ]
    var message = error.reason
    switch error.code {
    case .notADatabase, .foreignDatabase, .corrupt:
        message += "; point --db (or READERBENCH_HISTORY_DB) at another file"
    case .newerSchema:
        message += "; or point --db at another file"
    case .unreachable:
        message += "; is the server running and reachable from here?"
    default: break
    }
    return fail(message, status: badInput.contains(error.code) ? ExitStatus.badInput : ExitStatus.environment)
}

/// A run recorder for the engine: the History module's recorder has RunRecorder's shape.
extension HistoryRecorder: RunRecorder {}

/// JSON for `--json` output: sorted keys, one document.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    do {
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    } catch {
        throw fail("cannot write JSON: \(error)", status: ExitStatus.environment)
    }
}
