import RunModel
#if canImport(Glibc)
    import Glibc
#endif

// MARK: - CSV samples

/// Writes every APDU exchange as a CSV row, for spreadsheets and pandas, next to the result file.
///
/// Columns: `reader,iteration,mode,warmup,step,kind,phase,start_offset_ns,duration_ns,sw,round_trips,iteration_ok`
/// (`reader` is the reader's id in the result file).
/// Step, kind and phase are names (resolved through the labels), `sw` is four hex digits
/// (`9000`) or empty when the exchange got no response, booleans are `true`/`false`. Fields
/// holding a comma, quote or line break are quoted (RFC 4180).
///
/// Each ``append(_:)`` is one write(2) of all of an iteration's rows with no buffering in
/// between, so after it returns the rows are in the file (the kernel's page cache) even if the
/// process dies next.
public final class CSVSampleWriter {
    /// The header line, without its line break.
    public static let header =
        "reader,iteration,mode,warmup,step,kind,phase,start_offset_ns,duration_ns,sw,round_trips,iteration_ok"

    /// The file being written.
    public let path: String
    /// The labels step, kind and phase indices are resolved through.
    public let labels: SampleLabels
    private var descriptor: Int32

    /// Creates the file and writes the header line.
    ///
    /// - Parameter replacingExisting: false (the default) refuses to overwrite a file.
    public init(path: String, labels: SampleLabels, replacingExisting: Bool = false) throws(ResultsError) {
        self.path = path
        self.labels = labels
        descriptor = try POSIXFile.createForAppending(path, replacingExisting: replacingExisting)
        if let number = POSIXFile.append(descriptor, Array((Self.header + "\n").utf8)) {
            Glibc.close(descriptor)
            throw .system(.cannotWrite, path: path, operation: "writing the header line", errno: number)
        }
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Appends one row per APDU of `iteration` (warmups included: the `warmup` column tells them
    /// apart).
    public func append(_ iteration: IterationResult) throws(ResultsError) {
        guard descriptor >= 0 else {
            throw ResultsError(.writerClosed, path: path, reason: "the CSV writer was closed")
        }
        var text = ""
        for row in iteration.apdus {
            text += Self.row(row, of: iteration, labels: labels)
            text += "\n"
        }
        guard !text.isEmpty else { return }
        if let number = POSIXFile.append(descriptor, Array(text.utf8)) {
            throw .system(.cannotWrite, path: path, operation: "appending iteration \(iteration.index)", errno: number)
        }
    }

    /// Syncs and closes the file. Further appends fail.
    public func close() throws(ResultsError) {
        guard descriptor >= 0 else { return }
        defer {
            Glibc.close(descriptor)
            descriptor = -1
        }
        guard fsync(descriptor) == 0 else {
            throw .system(.cannotSync, path: path, operation: "fsync", errno: errno)
        }
    }

    // MARK: - Formatting (pure)

    /// One CSV row (without line break) for an APDU of an iteration.
    public static func row(_ row: APDUTiming, of iteration: IterationResult, labels: SampleLabels) -> String {
        func name(_ names: [String], _ index: Int) -> String {
            names.indices.contains(index) ? names[index] : "#\(index)"
        }
        let fields = [
            String(iteration.reader), String(iteration.index), iteration.mode.rawValue, String(iteration.warmup),
            name(labels.steps, row.step), name(labels.apduKinds, row.kind), name(labels.phases, row.phase),
            String(row.startOffsetNanoseconds), String(row.durationNanoseconds),
            row.hasResponse ? hex4(row.statusWord) : "", String(row.roundTrips), String(iteration.ok),
        ]
        return fields.map(quoted).joined(separator: ",")
    }

    private static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        var escaped = "\""
        for character in field {
            if character == "\"" { escaped.append("\"") }
            escaped.append(character)
        }
        return escaped + "\""
    }
}
