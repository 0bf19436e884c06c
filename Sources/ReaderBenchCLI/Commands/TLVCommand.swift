import ArgumentParser
import BERTLV
import Foundation
import HexCoding

/// `readerbench tlv`: decode BER-TLV or DER and print its tree.
struct TLVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlv",
        abstract: "Decode BER-TLV or DER and print its tree.",
        discussion: """
            Reads a binary file, or hex text with --hex (spaces and newlines allowed); '-' or no file reads \
            standard input. Each line shows the offset, the tag (hex, class, constructed or primitive), the \
            length and, for primitives, a short hex and ASCII preview. Lenient BER by default (FF/00 padding \
            after the object is allowed, as on JPKI EFs); --der enforces DER (minimal lengths, no trailing bytes). \
            Malformed input ends with a one-line error naming the offset and the problem, exit code 2.
            """)

    @Argument(help: "Input file, or - for standard input.") var file: String = "-"
    @Flag(help: "The input is hex text rather than binary.") var hex = false
    @Flag(help: "Enforce DER rules.") var der = false
    @Option(help: "How many value bytes a preview shows.") var preview: Int = 16

    func run() throws {
        let raw: Data
        do {
            raw =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw fail("cannot read \(file): \(error.localizedDescription)", status: ExitStatus.badInput)
        }
        var bytes = [UInt8](raw)
        if hex {
            do { bytes = try Hex.decode(String(decoding: bytes, as: UTF8.self)) } catch {
                throw fail("\(file == "-" ? "standard input" : file): \(error)", status: ExitStatus.badInput)
            }
        }
        var lines: [String] = []
        let previewCount = max(0, preview)
        do {
            let summary = try Self.tree(bytes, mode: der ? .der : .ber, preview: previewCount) { lines.append($0) }
            lines.forEach { print($0) }
            print(
                "\(summary.nodeCount) objects, \(summary.objectEnd) bytes"
                    + (summary.objectEnd < bytes.count ? ", \(bytes.count - summary.objectEnd) bytes of padding" : ""))
        } catch {
            // What was read before the problem is still worth seeing.
            lines.forEach { print($0) }
            throw fail("\(error)", status: ExitStatus.badInput)
        }
    }

    /// Walks `bytes` and hands one formatted line per node to `emit`.
    static func tree(
        _ bytes: [UInt8], mode: TLVMode, preview: Int, emit: (String) -> Void
    ) throws(TLVError) -> TLVSummary {
        let span = bytes.span
        // FF10 (the text AP's My Number record) sets the constructed bit but holds digits.
        return try TLV.walk(span, mode: mode, leafTags: [0xFF10]) { depth, node in
            let indent = String(repeating: "  ", count: depth)
            let kind = node.isConstructed ? "constructed" : "primitive"
            var line =
                "\(pad(node.offset, 6))  \(indent)\(node.tag) [\(node.tagClass), \(kind)] len \(node.valueLength)"
            if (!node.isConstructed || node.tag == 0xFF10) && node.valueLength > 0 {
                let range = node.valueRange
                let shown = Array(bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + preview)])
                let more = node.valueLength > shown.count ? " …" : ""
                let ascii = String(shown.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
                line += ": \(Hex.encode(shown, style: .spaced))\(more)  |\(ascii)|"
            }
            emit(line)
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
