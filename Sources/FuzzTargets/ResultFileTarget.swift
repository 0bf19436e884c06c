import Foundation
import Results

/// Result files: someone's run, read back for comparison, possibly cut short by a crash.
///
/// Written against `ResultFile.parse(_:path:)`, `ResultFile.recover(_:path:)` and
/// `ResultFileWriter`, the reader's whole public face; when the format gains a version, point
/// `read` and `write` at the new entry points and keep the properties.
enum ResultFileTarget {
    static let target = FuzzTarget(
        name: "result-file",
        summary: "result files: reading with torn-file recovery never traps; what it reads (a whole file, or the "
            + "header and complete iterations of a torn one), written again by ResultFileWriter, parses strictly to "
            + "the same content, and recovering any cut of that file gives its header and a prefix of its "
            + "iterations"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "result-file")
        // recover() parses strictly first and returns that when it works, so it covers both readers.
        guard let read = try? ResultFile.recover(array(bytes), path: "fuzz") else { return }
        // Writing and reading back costs a dozen file calls and three more decodes: every whole
        // file, and one torn file in 8 (by its bytes, so runs repeat).
        guard read.complete || fingerprint(bytes) % 8 == 0 else { return }

        let rewritten = ScratchFile.withPath { path -> [UInt8]? in
            unlink(path)  // the writer creates the file and refuses to replace one
            return write(read, to: path)
        }
        guard let rewritten else { throw check.violation("a file that reads cannot be written again") }
        let reread: ResultFile
        do { reread = try ResultFile.parse(rewritten, path: "rewritten") } catch {
            throw check.violation("the rewritten file does not parse: \(error)")
        }
        // The writer adds a summary only when it finishes a file.
        let expected = ResultFile(
            header: read.header, iterations: read.iterations, summary: read.complete ? read.summary : nil,
            complete: read.complete)
        try check.expect(reread == expected, "the rewritten file parses to other content")
        let cut = Int((fingerprint(bytes) >> 8) % UInt64(rewritten.count + 1))
        guard let partial = try? ResultFile.recover(Array(rewritten[..<cut]), path: "cut") else { return }
        try check.expect(partial.header == expected.header, "recovery of a cut at \(cut) gives another header")
        try check.expect(
            Array(expected.iterations.prefix(partial.iterations.count)) == partial.iterations,
            "recovery of a cut at \(cut) gives iterations that are not a prefix")
    }

    /// The file `ResultFileWriter` makes of `file`'s content, or nil when it refuses.
    private static func write(_ file: ResultFile, to path: String) -> [UInt8]? {
        do {
            let writer = try ResultFileWriter(path: path, header: file.header)
            for iteration in file.iterations { try writer.append(iteration) }
            if file.complete, let summary = file.summary { try writer.finish(summary: summary) }
        } catch {
            return nil
        }
        return FileManager.default.contents(atPath: path).map { Array($0) }
    }
}
