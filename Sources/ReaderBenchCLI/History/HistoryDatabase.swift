import ArgumentParser
import Foundation
import History
import Results
import RunEngine

/// `--db PATH`: where the history is (default: HistoryLocation.defaultPath()).
struct HistoryDatabaseOption: ParsableArguments {
    @Option(
        help: "The history database (default: $READERBENCH_HISTORY_DB, else ~/.local/share/readerbench/history.sqlite)."
    )
    var db: String?

    var path: String { db ?? HistoryLocation.defaultPath() }

    /// Opens the store, or exits with a sentence and status 3 (environment) or 2 (bad input).
    func open() throws -> SQLiteHistoryStore {
        do { return try SQLiteHistoryStore(path: path) } catch { throw historyFailure(error) }
    }
}

/// A history error as the CLI's failure: what the user gave wrong is bad input (2), a database
/// that cannot be used is an environment problem (3).
func historyFailure(_ error: HistoryError) -> ExitCode {
    let badInput: Set<HistoryError.Code> = [.badReference, .noSuchRun, .noMatch, .cannotImport, .duplicate]
    var message = error.reason
    switch error.code {
    case .notADatabase, .foreignDatabase, .corrupt:
        message += "; point --db (or READERBENCH_HISTORY_DB) at another file"
    case .newerSchema:
        message += "; or point --db at another file"
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
