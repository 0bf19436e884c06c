#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Writer

/// Writes a result file that is a complete, valid JSON document after every call, so a run that
/// dies leaves a file holding every iteration that finished.
///
/// The file is kept in this shape, the closer (`\n]}\n`) always last:
///
///     {
///       "card" : …, …header fields…, "version" : 1,
///       "iterations" : [
///     {…iteration 0…},
///     {…iteration 1…}
///     ]}
///
/// - The header is written to a temporary file, synced and linked into place, so the name never
///   shows an empty file.
/// - ``append(_:)`` makes one `pwrite` at the offset where the closer starts, of
///   `,` (not for the first) + `\n` + the iteration on one line + the closer. The new bytes are
///   longer than the closer they replace, so nothing stale is left behind; before the call the
///   file ends with the old closer, after it with the new one.
/// - ``finish(summary:)`` replaces the closer the same way with `],"summary":…,"complete":true}`
///   and fsyncs.
///
/// What this survives: the process dying between calls (SIGKILL, a crash, the OOM killer) in
/// every case. Linux copies a write into the page cache a page (4 KiB) at a time and checks for
/// a fatal signal between pages, so a SIGKILL landing inside a pwrite that crosses a page
/// boundary (a window of about a microsecond) can leave the write half done; ``ResultFile/recover(_:)``
/// gets the header and every complete iteration back from such a file. Power loss is not covered
/// until ``finish(summary:)`` or ``sync()`` has returned.
public final class ResultFileWriter {
    /// The file being written.
    public let path: String
    /// The header written at the top.
    public let header: ResultHeader
    /// Iterations appended so far.
    public private(set) var iterationCount = 0
    /// Readers the file knows: the header's, then those announced.
    public private(set) var readerIDs: Set<Int>
    /// Lines in the iteration array (iterations and reader announcements).
    private var lineCount = 0

    private var descriptor: Int32
    /// Where the closer starts: the next write goes here.
    private var closerOffset: Int64
    private var closedReason: String?

    /// Ends the document while the iteration array is open.
    static let closer = Array("\n]}\n".utf8)
    /// Opens the iteration array after the header's last field.
    static let iterationsOpener = Array(",\n  \"iterations\" : [".utf8)

    /// Creates the file with `header` and an empty iteration array.
    ///
    /// - Parameter replacingExisting: false (the default) refuses to overwrite a file, so an
    ///   earlier run's results are never lost to a repeated command line.
    public init(path: String, header: ResultHeader, replacingExisting: Bool = false) throws(ResultsError) {
        self.path = path
        var header = header
        header.version = ResultHeader.currentVersion
        self.header = header
        readerIDs = Set(header.readers.map(\.id))
        var prefix = try ResultJSON.pretty(header, path: path)
        // Reopen the header object: drop its closing brace and the whitespace before it.
        guard let brace = prefix.lastIndex(of: UInt8(ascii: "}")) else {
            throw ResultsError(.cannotEncode, path: path, reason: "the header did not encode as a JSON object")
        }
        prefix.removeSubrange(brace...)
        while let last = prefix.last, last == 0x20 || last == 0x0A { prefix.removeLast() }
        prefix += Self.iterationsOpener
        closerOffset = Int64(prefix.count)
        descriptor = try POSIXFile.createComplete(
            path, contents: prefix + Self.closer, replacingExisting: replacingExisting)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Adds one iteration to the file with a single pwrite.
    ///
    /// The iteration's APDU rows are checked against the header's labels first, so the file
    /// never holds a row that cannot be read back. After a failed write the writer tries to put
    /// the previous closer back (leaving the file valid) and refuses further use.
    public func append(_ iteration: IterationResult) throws(ResultsError) {
        try checkOpen()
        if let problem = iteration.labelProblem(in: header.labels) {
            throw ResultsError(.labelOutOfRange, path: path, reason: "iteration \(iteration.index): \(problem)")
        }
        guard readerIDs.contains(iteration.reader) else {
            throw ResultsError(
                .labelOutOfRange, path: path,
                reason: "iteration \(iteration.index) is of reader \(iteration.reader), which the file does not know")
        }
        try appendLine(try ResultJSON.line(iteration, path: path), what: "appending")
        iterationCount += 1
    }

    /// Announces a reader that joined after the header was written (a reader plugged in during
    /// the run), as a line `{"readerJoined":{…}}` in the iteration array; its iterations may
    /// follow.
    public func announce(_ reader: ReaderRecord) throws(ResultsError) {
        try checkOpen()
        guard !readerIDs.contains(reader.id) else {
            throw ResultsError(.invalidContent, path: path, reason: "reader \(reader.id) is already in the file")
        }
        try appendLine(try ResultJSON.line(ReaderJoined(readerJoined: reader), path: path), what: "announcing a reader")
        readerIDs.insert(reader.id)
    }

    private func appendLine(_ line: [UInt8], what: String) throws(ResultsError) {
        let separator = Array((lineCount == 0 ? "\n" : ",\n").utf8)
        try replaceCloser(with: separator + line + Self.closer, keeping: separator.count + line.count, what: what)
        lineCount += 1
    }

    /// Ends the file with the summary and `"complete" : true`, syncs it to disk and closes it.
    public func finish(summary: RunSummary) throws(ResultsError) {
        try checkOpen()
        var ending = Array("\n],\n  \"summary\" : ".utf8)
        // Indent the summary one level to sit inside the top-level object. Pretty-printed JSON
        // has no raw newline inside strings, so every newline is between tokens.
        for byte in try ResultJSON.pretty(summary, path: path) {
            ending.append(byte)
            if byte == 0x0A { ending += Array("  ".utf8) }
        }
        ending += Array(",\n  \"complete\" : true\n}\n".utf8)
        try replaceCloser(with: ending, keeping: ending.count, what: "finishing")
        try sync()
        close(descriptor)
        descriptor = -1
        closedReason = "the file was finished"
    }

    /// Forces what was written so far to disk (fsync), for callers that want an unfinished file
    /// to survive power loss too. Not needed against process death.
    public func sync() throws(ResultsError) {
        guard descriptor >= 0 else { return }
        guard fsync(descriptor) == 0 else {
            throw .system(.cannotSync, path: path, operation: "fsync", errno: errno)
        }
    }

    // MARK: - Internals

    private func checkOpen() throws(ResultsError) {
        if let closedReason {
            throw ResultsError(.writerClosed, path: path, reason: "the writer cannot be used: \(closedReason)")
        }
    }

    /// Writes `bytes` over the closer; the first `kept` bytes become permanent and the closer
    /// moves past them.
    private func replaceCloser(with bytes: [UInt8], keeping kept: Int, what: String) throws(ResultsError) {
        if let number = POSIXFile.write(descriptor, bytes, at: closerOffset) {
            // Put the old end back so the file stays the valid document it was.
            let repaired =
                POSIXFile.write(descriptor, Self.closer, at: closerOffset) == nil
                && ftruncate(descriptor, off_t(closerOffset) + off_t(Self.closer.count)) == 0
            closedReason = "an earlier write failed" + (repaired ? "" : " and the file could not be repaired")
            throw .system(
                .cannotWrite, path: path,
                operation: what + (repaired ? " (the file still holds every earlier iteration)" : ""), errno: number)
        }
        closerOffset += Int64(kept)
    }
}

// MARK: - Label checks

extension IterationResult {
    /// A description of the first APDU row whose indices the labels do not cover, or of a
    /// failure pointing past the rows; nil when all is well.
    func labelProblem(in labels: SampleLabels) -> String? {
        for (position, row) in apdus.enumerated() {
            if !labels.steps.indices.contains(row.step) {
                return "APDU \(position) has step \(row.step) but the labels have \(labels.steps.count) steps"
            }
            if !labels.apduKinds.indices.contains(row.kind) {
                return "APDU \(position) has kind \(row.kind) but the labels have \(labels.apduKinds.count) kinds"
            }
            if !labels.phases.indices.contains(row.phase) {
                return "APDU \(position) has phase \(row.phase) but the labels have \(labels.phases.count) phases"
            }
        }
        if let failed = failure?.apdu, !apdus.indices.contains(failed) {
            return "the failure points at APDU \(failed) but the iteration has \(apdus.count)"
        }
        return nil
    }
}

/// The line that announces a reader in the iteration array.
struct ReaderJoined: Codable {
    var readerJoined: ReaderRecord
}
