import Foundation
import Results

// MARK: - Run references: files, run ids, queries

/// What `compare`, `gate` and `report` take wherever they take a result file: a file path, a
/// run id from the history (`run:42`), or a query (`model=usb:054c:0dc9@1.00,latest`).
///
/// Query syntax: comma-separated terms, every one must hold:
///
/// | term | meaning |
/// |---|---|
/// | `model=KEY` | a reader of this model key (exact, or a USB key without `@release`: every firmware) |
/// | `reader=TEXT` | a reader whose name contains TEXT (any case) |
/// | `since=DATE`, `until=DATE` | started at/after, before (ISO 8601: `2025-11-01`, `2025-11-01T09:00`) |
/// | `scenario=NAME`, `host=ID`, `site=NAME` | as `history list` shows them |
/// | `measured`, `modelled` | only runs on real readers, only models |
/// | `latest` | the newest match only (`last=N`: the newest N) |
///
/// A query with `model=` or `reader=` keeps only the matching readers of each run, so
/// `model=KEY,latest` from a pool run is that model's reader alone.
public enum RunReference: Sendable, Hashable {
    case file(String)
    case run(Int64)
    case query(RunQuery, text: String)

    /// Reads an argument. `fileExists` decides between a file and a query for text that could be
    /// both (a file named `latest`).
    public static func parse(
        _ argument: String, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws(HistoryError) -> RunReference {
        if argument.hasPrefix("run:") {
            guard let id = Int64(argument.dropFirst(4)), id > 0 else {
                throw HistoryError(.badReference, "'\(argument)': a run id is run:N with N a positive number")
            }
            return .run(id)
        }
        if fileExists(argument) { return .file(argument) }
        let looksLikeQuery =
            argument.contains("=") || ["latest", "measured", "modelled"].contains(argument.lowercased())
        guard looksLikeQuery else { return .file(argument) }
        return .query(try parseQuery(argument), text: argument)
    }

    /// The query terms of `text`.
    public static func parseQuery(_ text: String) throws(HistoryError) -> RunQuery {
        var query = RunQuery()
        var latest = false
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
            func required() throws(HistoryError) -> String {
                guard let value, !value.isEmpty else {
                    throw HistoryError(.badReference, "'\(text)': \(key)= needs a value")
                }
                return value
            }
            switch key {
            case "model": query.model = try required()
            case "reader": query.reader = try required()
            case "since": query.since = try required()
            case "until": query.until = try required()
            case "scenario": query.scenario = try required()
            case "host": query.hostID = try required()
            case "site": query.site = try required()
            case "measured" where value == nil: query.modelled = false
            case "modelled" where value == nil: query.modelled = true
            case "latest" where value == nil: latest = true
            case "last", "limit":
                guard let count = Int(try required()), count > 0 else {
                    throw HistoryError(.badReference, "'\(text)': \(key)= takes a positive number")
                }
                query.limit = count
            default:
                throw HistoryError(
                    .badReference,
                    "'\(text)': unknown term '\(term)'; terms are model=, reader=, since=, until=, scenario=, host=, "
                        + "site=, last=, latest, measured, modelled")
            }
        }
        if latest { query.limit = 1 }
        return query
    }
}

/// A run reference read: the run as a result file, and the name reports give it.
public struct ResolvedRun: Sendable {
    /// The file path, `run:42`, or `run:42 (model=…)`.
    public var name: String
    /// The history's id, for runs from the history.
    public var runID: Int64?
    /// The run.
    public var file: ResultFile
}

extension RunReference {
    /// Resolves every argument, in order; a query may give several runs (newest first). The store
    /// is opened only when an argument needs it.
    ///
    /// A file that is cut short (a run killed inside a write) is read with ``ResultFile/recover(_:)``.
    ///
    /// `scope` narrows every query (a fleet's `--site`, `--host`, `--model`): its terms apply
    /// where the query does not set them. Files and `run:` ids are taken as given.
    public static func resolve(
        _ arguments: [String], scope: RunQuery? = nil, store openStore: () throws(HistoryError) -> any HistoryStore
    ) throws(HistoryError) -> [ResolvedRun] {
        var store: (any HistoryStore)?
        func opened() throws(HistoryError) -> any HistoryStore {
            if let store { return store }
            let made = try openStore()
            store = made
            return made
        }
        var resolved: [ResolvedRun] = []
        for argument in arguments {
            switch try parse(argument) {
            case .file(let path):
                let files = try loadFiles(path)
                for (index, file) in files.enumerated() {
                    resolved.append(
                        ResolvedRun(name: files.count == 1 ? path : "\(path) #\(index + 1)", runID: nil, file: file))
                }
            case .run(let id):
                resolved.append(ResolvedRun(name: "run:\(id)", runID: id, file: try opened().run(id).file))
            case .query(var query, let text):
                if let scope { query = query.narrowed(by: scope) }
                let listings = try opened().runs(query)
                guard !listings.isEmpty else {
                    throw HistoryError(.noMatch, "no run in the history matches '\(text)'")
                }
                for listing in listings {
                    var file = try opened().run(listing.id).file
                    if query.model != nil || query.reader != nil {
                        let keep = Set(listing.readers.filter { matches($0, query) }.map(\.reader))
                        file = file.restricted(to: keep)
                    }
                    resolved.append(ResolvedRun(name: "run:\(listing.id)", runID: listing.id, file: file))
                }
            }
        }
        return resolved
    }

    /// Reads a result file (strictly, or what can be saved from one cut short) or a bundle's runs.
    public static func loadFiles(_ path: String) throws(HistoryError) -> [ResultFile] {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw HistoryError(.cannotImport, "\(path): cannot be read: \(error.localizedDescription)")
        }
        if let runs = try ResultBundle.runs(in: bytes, path: path) { return runs }
        do {
            return [try ResultFile.parse(bytes, path: path)]
        } catch  where error.code == .notJSON {
            do { return [try ResultFile.recover(path)] } catch {
                throw HistoryError(.cannotImport, error.description)
            }
        } catch {
            throw HistoryError(.cannotImport, error.description)
        }
    }

    /// Whether a listed reader satisfies the query's reader terms (the SQL's, in Swift).
    static func matches(_ reader: ReaderListing, _ query: RunQuery) -> Bool {
        if let model = query.model {
            let keys = [reader.modelKey, reader.usbModelKey, reader.nameModelKey].compactMap { $0 }
            let usbFamily = model.hasPrefix("usb:") && !model.contains("@")
            guard keys.contains(model) || (usbFamily && (reader.usbModelKey?.hasPrefix(model + "@") ?? false)) else {
                return false
            }
        }
        if let text = query.reader, !reader.name.lowercased().contains(text.lowercased()) { return false }
        return true
    }
}

extension RunQuery {
    /// This query with `scope`'s terms where it has none of its own.
    public func narrowed(by scope: RunQuery) -> RunQuery {
        var query = self
        query.model = query.model ?? scope.model
        query.reader = query.reader ?? scope.reader
        query.since = query.since ?? scope.since
        query.until = query.until ?? scope.until
        query.scenario = query.scenario ?? scope.scenario
        query.hostID = query.hostID ?? scope.hostID
        query.site = query.site ?? scope.site
        query.modelled = query.modelled ?? scope.modelled
        return query
    }

    /// Whether no term is set (the limit aside).
    public var isUnfiltered: Bool {
        model == nil && reader == nil && since == nil && until == nil && scenario == nil && hostID == nil
            && site == nil && modelled == nil
    }
}

extension ResultFile {
    /// The same run with only the readers in `ids`: their records, iterations and summaries.
    public func restricted(to ids: Set<Int>) -> ResultFile {
        var header = self.header
        header.readers = header.readers.filter { ids.contains($0.id) }
        var summary = self.summary
        if let kept = summary?.readers.filter({ ids.contains($0.reader) }) { summary?.readers = kept }
        return ResultFile(
            header: header, readers: readers.filter { ids.contains($0.id) },
            iterations: iterations.filter { ids.contains($0.reader) }, summary: summary, complete: complete)
    }
}
