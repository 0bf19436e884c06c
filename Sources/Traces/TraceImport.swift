import APDU
import CardTransport
import HexCoding

#if canImport(Glibc)
    import Glibc
#endif

/// Turns logs that other tools write into traces, so exchanges recorded without ReaderBench can
/// be replayed and compared: pcsc-spy raw logs (the most practical: real timestamps, every
/// PC/SC call), apdu4j dumps (millisecond durations), and scriptor files (commands only).
///
/// Imports are redacted like recordings: PIN bytes never enter the trace. Lines that break a
/// format's rules fail the import with their line number rather than being skipped, because a
/// silently shortened trace would replay as a different read path.
public enum TraceImport {
    /// The foreign formats understood.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// libpcscspy's FIFO output (`TID@>|sec|usec|Function`, argument lines, exit lines).
        case pcscSpy = "pcsc-spy"
        /// apdu4j `DumpingBIBO` dumps (`# ATR:`, command, `# Nms`, response).
        case apdu4j
        /// A scriptor script (commands, `reset`, `#` comments) or scriptor's output (`> cmd`,
        /// `< resp : meaning`).
        case scriptor
    }

    /// Guesses the format from the text: `@>|` marks pcsc-spy, `# ATR:`/`# PROTOCOL:` or
    /// `# Nms` lines apdu4j, `> ` lines or bare hex scriptor.
    public static func detectFormat(_ text: String) -> Format? {
        var sawHex = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(200) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.contains("@>|") || trimmed.contains("@<|") { return .pcscSpy }
            if trimmed.hasPrefix("# ATR:") || trimmed.hasPrefix("# PROTOCOL:") || durationComment(trimmed) != nil {
                return .apdu4j
            }
            if trimmed.hasPrefix("> ") || trimmed.hasPrefix("< ") || trimmed.lowercased() == "reset" {
                return .scriptor
            }
            if !trimmed.hasPrefix("#") && (try? Hex.decode(trimmed)) != nil { sawHex = true }
        }
        return sawHex ? .scriptor : nil
    }

    /// Reads and imports the file at `path`; `format` nil guesses it.
    public static func importFile(
        path: String, format: Format? = nil, reader: TraceHeader.Reader? = nil, acceptMissingResponses: Bool = false
    ) throws(TraceError) -> Trace {
        let text = try readText(path)
        guard let chosen = format ?? detectFormat(text) else {
            throw TraceError(.importFormat, "\(path) is not a pcsc-spy log, apdu4j dump or scriptor file")
        }
        switch chosen {
        case .pcscSpy: return try pcscSpy(text, reader: reader)
        case .apdu4j: return try apdu4j(text, reader: reader)
        case .scriptor: return try scriptor(text, reader: reader, acceptMissingResponses: acceptMissingResponses)
        }
    }

    static func header(source: String, reader: TraceHeader.Reader?, atr: [UInt8], note: String) -> TraceHeader {
        TraceHeader(
            tool: .init(name: "readerbench-import", version: "1"),
            reader: reader ?? .init(name: "unknown", modelKey: "unknown"),
            atr: atr, redacted: [TraceHeader.Redaction.pin.rawValue], note: "imported from \(source): \(note)")
    }

    static func redacted(_ command: [UInt8]) -> [UInt8] {
        command.count > 4 && PINRedaction.carriesPIN(ins: command[1]) ? PINRedaction.redacted(command) : command
    }

    static func readText(_ path: String) throws(TraceError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TraceError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TraceError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `# 12ms` or `# 12ms message` → (12, message).
    static func durationComment(_ line: Substring) -> (milliseconds: UInt64, message: String?)? {
        guard line.hasPrefix("#") else { return nil }
        let body = line.dropFirst().trimmingWhitespace()
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = UInt64(digits) else { return nil }
        let rest = body.dropFirst(digits.count)
        guard rest.hasPrefix("ms") else { return nil }
        let message = rest.dropFirst(2).trimmingWhitespace()
        if !message.isEmpty && rest.dropFirst(2).first != " " { return nil }
        return (value, message.isEmpty ? nil : String(message))
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    static func decodeHex(_ text: Substring, line: Int, what: String) throws(TraceError) -> [UInt8] {
        do { return try Hex.decode(text) } catch {
            throw TraceError(.invalidHex, line: line, "\(what): \(error)")
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return s
    }
}
