import Foundation

// MARK: - Reading result files

/// A result file read back: for tests, and for comparing runs.
public struct ResultFile: Sendable, Hashable {
    /// The header fields.
    public var header: ResultHeader
    /// Every reader of the run: the header's, then any announced during the run, by id order
    /// of joining.
    public var readers: [ReaderRecord]
    /// Every iteration in the file, warmups included, in file order (readers interleaved).
    public var iterations: [IterationResult]
    /// Present when the run finished.
    public var summary: RunSummary?
    /// True when the writer finished the file (`"complete" : true`); false for a run that was
    /// stopped before it could.
    public var complete: Bool

    /// A result file's content from its parts.
    public init(
        header: ResultHeader, readers: [ReaderRecord]? = nil, iterations: [IterationResult], summary: RunSummary?,
        complete: Bool
    ) {
        self.header = header
        self.readers = readers ?? header.readers
        self.iterations = iterations
        self.summary = summary
        self.complete = complete
    }

    /// Reads a result file, strictly: it must be one complete JSON document of this format and a
    /// version this build reads (1 or 2; a version-1 file reads as one reader with id 0), and
    /// every APDU row must refer to labels and readers that exist.
    public static func load(_ path: String) throws(ResultsError) -> ResultFile {
        try parse(POSIXFile.readAll(path), path: path)
    }

    /// Reads a result file, strictly, from its bytes; `path` only names it in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws(ResultsError) -> ResultFile {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        // The common case first, with one full decode: a file in the writer's layout whose header
        // says what it is (read from the header's bytes alone).
        if let file = try? parseFast(bytes, data: data, decoder: decoder) {
            try file.checkConsistency(path: path)
            return file
        }
        // Anything else: check what the file is before decoding it all, so a wrong file gets a
        // message about that rather than about its first missing field.
        let probe: Probe
        do {
            probe = try decoder.decode(Probe.self, from: data)
        } catch let error as DecodingError {
            if case .typeMismatch = error {
                throw ResultsError(.notAResultFile, path: path, reason: "the file is JSON but not an object")
            }
            throw ResultsError(
                .notJSON, path: path,
                reason: "not a complete JSON document (\(bytes.count) bytes): \(ResultJSON.describe(error)); "
                    + "a result file cut short by a crash mid-write can be read with ResultFile.recover")
        } catch {
            throw ResultsError(.notJSON, path: path, reason: "not a JSON document: \(error)")
        }
        try check(probe, path: path)
        do {
            let body = try decoder.decode(Body.self, from: data)
            let file = ResultFile(
                header: body.header, readers: body.header.readers + body.lines.compactMap(\.joined),
                iterations: body.lines.compactMap(\.iteration), summary: body.summary, complete: body.complete ?? false)
            try file.checkConsistency(path: path)
            return file
        } catch let error as DecodingError {
            throw ResultsError(.invalidContent, path: path, reason: ResultJSON.describe(error))
        } catch let error as ResultsError {
            throw error
        } catch {
            throw ResultsError(.invalidContent, path: path, reason: "\(error)")
        }
    }

    /// Reads what can be saved from a result file whose last write was cut short (the process
    /// killed inside a pwrite, or a disk that filled up): the header and every iteration line
    /// that is complete. A file that reads strictly is returned as ``load(_:)`` would.
    ///
    /// Only the layout ``ResultFileWriter`` writes can be recovered: one iteration per line.
    public static func recover(_ path: String) throws(ResultsError) -> ResultFile {
        try recover(POSIXFile.readAll(path), path: path)
    }

    /// ``recover(_:)`` from a file's bytes; `path` only names it in errors.
    public static func recover(_ bytes: [UInt8], path: String) throws(ResultsError) -> ResultFile {
        if let file = try? parse(bytes, path: path) { return file }
        let marker = Array("\n  \"iterations\" : [".utf8)
        guard let start = bytes.firstRange(of: marker) else {
            throw ResultsError(
                .notAResultFile, path: path,
                reason: "no iteration list in the ReaderBench layout was found; the header itself is damaged")
        }
        let decoder = JSONDecoder()
        var headerBytes = Array(bytes[..<start.lowerBound])
        if headerBytes.last == UInt8(ascii: ",") { headerBytes.removeLast() }
        headerBytes.append(UInt8(ascii: "}"))
        let header: ResultHeader
        do {
            let probe = try decoder.decode(Probe.self, from: Data(headerBytes))
            try check(probe, path: path)
            header = try decoder.decode(ResultHeader.self, from: Data(headerBytes))
        } catch let error as ResultsError {
            throw error
        } catch {
            throw ResultsError(.invalidContent, path: path, reason: "the header cannot be read: \(error)")
        }
        var iterations: [IterationResult] = []
        var readers = header.readers
        for line in bytes[start.upperBound...].split(separator: UInt8(ascii: "\n")) {
            var line = Array(line)
            if line.last == UInt8(ascii: ",") { line.removeLast() }
            guard line.first == UInt8(ascii: "{"), let decoded = try? decoder.decode(Line.self, from: Data(line)) else {
                break
            }
            if let joined = decoded.joined {
                readers.append(joined)
            } else if let iteration = decoded.iteration, iteration.labelProblem(in: header.labels) == nil,
                readers.contains(where: { $0.id == iteration.reader })
            {
                iterations.append(iteration)
            } else {
                break
            }
        }
        return ResultFile(header: header, readers: readers, iterations: iterations, summary: nil, complete: false)
    }

    /// One full decode, after a probe of the header's bytes only; nil when the file is not in
    /// the writer's layout or is not a version this build reads (the slow path then says why).
    private static func parseFast(_ bytes: [UInt8], data: Data, decoder: JSONDecoder) throws -> ResultFile? {
        guard let marker = bytes.firstRange(of: Array("\n  \"iterations\" : [".utf8)) else { return nil }
        var headerBytes = Array(bytes[..<marker.lowerBound])
        if headerBytes.last == UInt8(ascii: ",") { headerBytes.removeLast() }
        headerBytes.append(UInt8(ascii: "}"))
        let probe = try decoder.decode(Probe.self, from: Data(headerBytes))
        guard probe.format == ResultHeader.formatName, let version = probe.version,
            ResultHeader.readableVersions.contains(version)
        else { return nil }
        let body = try decoder.decode(Body.self, from: data)
        return ResultFile(
            header: body.header, readers: body.header.readers + body.lines.compactMap(\.joined),
            iterations: body.lines.compactMap(\.iteration), summary: body.summary, complete: body.complete ?? false)
    }

    // MARK: - Checks

    private static func check(_ probe: Probe, path: String) throws(ResultsError) {
        guard probe.format == ResultHeader.formatName else {
            let found = probe.format.map { "\"\($0)\"" } ?? "no \"format\" field"
            throw ResultsError(
                .notAResultFile, path: path,
                reason: "expected format \"\(ResultHeader.formatName)\", found \(found)")
        }
        guard let version = probe.version else {
            throw ResultsError(.invalidContent, path: path, reason: "the \"version\" field is missing")
        }
        guard ResultHeader.readableVersions.contains(version) else {
            throw ResultsError(
                .unsupportedVersion, path: path,
                reason: "format version \(version); this build reads versions "
                    + "\(ResultHeader.readableVersions.lowerBound)–\(ResultHeader.readableVersions.upperBound)"
                    + (version > ResultHeader.currentVersion ? ": update readerbench" : ""))
        }
    }

    private func checkConsistency(path: String) throws(ResultsError) {
        let ids = Set(readers.map(\.id))
        guard ids.count == readers.count else {
            throw ResultsError(.invalidContent, path: path, reason: "two readers share an id")
        }
        for iteration in iterations {
            if let problem = iteration.labelProblem(in: header.labels) {
                throw ResultsError(.labelOutOfRange, path: path, reason: "iteration \(iteration.index): \(problem)")
            }
            guard ids.contains(iteration.reader) else {
                throw ResultsError(
                    .labelOutOfRange, path: path,
                    reason: "iteration \(iteration.index) is of reader \(iteration.reader), which the file does not list")
            }
        }
        if complete && summary == nil {
            throw ResultsError(.invalidContent, path: path, reason: "\"complete\" is true but there is no summary")
        }
    }

    // MARK: - Wire shapes

    /// The two fields that say what a file is.
    private struct Probe: Decodable {
        var format: String?
        var version: Int?
    }

    /// One line of the iteration array: an iteration, or a reader that joined during the run.
    private struct Line: Decodable {
        var iteration: IterationResult?
        var joined: ReaderRecord?

        enum CodingKeys: String, CodingKey { case readerJoined }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let joined = try container.decodeIfPresent(ReaderRecord.self, forKey: .readerJoined) {
                self.joined = joined
            } else {
                iteration = try IterationResult(from: decoder)
            }
        }
    }

    /// The whole document: the header's fields and the three the writer adds, side by side.
    private struct Body: Decodable {
        var header: ResultHeader
        var lines: [Line]
        var summary: RunSummary?
        var complete: Bool?

        enum CodingKeys: String, CodingKey { case iterations, summary, complete }

        init(from decoder: any Decoder) throws {
            header = try ResultHeader(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            lines = try container.decode([Line].self, forKey: .iterations)
            summary = try container.decodeIfPresent(RunSummary.self, forKey: .summary)
            complete = try container.decodeIfPresent(Bool.self, forKey: .complete)
        }
    }
}
