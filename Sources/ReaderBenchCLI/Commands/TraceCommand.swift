import ArgumentParser
import Foundation
import HexCoding
import Measurement
import Traces

/// `readerbench trace …`: import, inspect and compare card traces.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Import, inspect and compare card traces (docs/trace-format.md).",
        subcommands: [Import.self, Info.self, Diff.self])

    /// `readerbench trace import FILE --from pcsc-spy|apdu4j|scriptor -o OUT`
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a pcsc-spy log, apdu4j dump or scriptor file into a ReaderBench trace.",
            discussion: """
                Imports are redacted like recordings: the data of every VERIFY (the PIN) becomes '*' bytes of \
                the same length. --scrub-personal also replaces the text AP's personal fields with fictitious \
                values of the same length and shape. pcsc-spy logs carry no ATR: give it with --atr.
                """)

        @Argument(help: "The file to import.") var file: String
        @Option(help: "pcsc-spy, apdu4j or scriptor (default: guessed from the content).") var from: String?
        @Option(name: [.short, .customLong("out")], help: "The trace to write.") var out: String
        @Option(help: "Reader name to record in the header.") var reader: String?
        @Option(help: "The card's ATR in hex (pcsc-spy logs do not carry it).") var atr: String?
        @Flag(help: "Import commands without responses (scriptor files); such a trace cannot be replayed.")
        var acceptMissingResponses = false
        @Flag(help: "Replace the text AP's personal fields with fictitious values.") var scrubPersonal = false

        func run() throws {
            var format: TraceImport.Format?
            if let from {
                guard let chosen = TraceImport.Format(rawValue: from) else {
                    throw fail("--from must be pcsc-spy, apdu4j or scriptor", status: ExitStatus.badInput)
                }
                format = chosen
            }
            let header = reader.map { TraceHeader.Reader(name: $0, modelKey: "name:" + $0) }
            do {
                var trace = try TraceImport.importFile(
                    path: file, format: format, reader: header, acceptMissingResponses: acceptMissingResponses)
                if let atr {
                    do { trace.header.atr = try Hex.decode(atr) } catch {
                        throw fail("--atr: \(error)", status: ExitStatus.badInput)
                    }
                }
                var writer = try TraceWriter(
                    path: out, header: trace.header, redactPINs: true,
                    scrubber: scrubPersonal ? PersonalDataScrubber() : nil)
                try writer.write(trace)
                try writer.close()
                let info = TraceInfo(try Trace.load(path: out))
                printError(
                    "readerbench: \(info.exchanges) exchanges in \(info.iterations) iterations written to \(out)")
            } catch let error as TraceError {
                throw fail("\(file): \(error)", status: ExitStatus.badInput)
            }
        }
    }

    /// `readerbench trace info FILE`
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reader, ATR, counts and per-command latency of a trace.")

        @Argument(help: "The trace.") var file: String

        func run() throws {
            let trace: Trace
            do { trace = try Trace.load(path: file) } catch {
                throw fail("\(file): \(error)", status: ExitStatus.badInput)
            }
            let info = TraceInfo(trace)
            let header = info.header
            print("trace    \(file)")
            print("reader   \(header.reader.name) (model \(header.reader.modelKey))")
            let atr =
                header.atr.isEmpty
                ? "not recorded (the source does not show it)" : Hex.encode(header.atr, style: .spaced)
            print("ATR      \(atr)  \(header.protocolName)")
            print("created  \(header.createdAt) by \(header.tool.name) \(header.tool.version)")
            var labels: [String] = []
            if header.synthetic { labels.append("synthetic") }
            if header.modelled { labels.append("modelled timing") }
            if !header.redacted.isEmpty { labels.append("redacted: " + header.redacted.joined(separator: ", ")) }
            if header.responsesMissing { labels.append("responses missing") }
            if !labels.isEmpty { print("labels   \(labels.joined(separator: "; "))") }
            if let note = header.note { print("note     \(note)") }
            let counts = info.eventCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key) \($0.value)" }
            print(
                "events   \(counts.joined(separator: ", ")); \(info.iterations) iterations; \(info.failedExchanges) failed exchanges"
            )
            print("span     \(info.spanNanoseconds.map { "\(milliseconds($0)) ms" } ?? "unknown: no time recorded")")
            // An exchange without a recorded duration is unknown, not 0 ms: no row of zeros for it.
            guard info.hasTiming else {
                print("latency  no timing recorded (\(info.exchanges) exchanges, none with a duration)")
                return
            }
            print("recorded latency per command (ms)\(header.modelled ? ", modelled" : ""):")
            var table = TextTable(header: ["command", "count", "min", "p50", "p90", "p99", "max"])
            for kind in info.latencies {
                let s = kind.summary
                table.append([
                    kind.kind, String(s.count), milliseconds(s.min), milliseconds(s.p50), milliseconds(s.p90),
                    milliseconds(s.p99), milliseconds(s.max),
                ])
            }
            for line in table.lines(indent: "  ") { print(line) }
            if info.untimedExchanges > 0 {
                print(
                    "  \(info.untimedExchanges) of \(info.exchanges) exchanges have no recorded duration "
                        + "and are not in the table")
            }
        }
    }

    /// `readerbench trace diff A B`
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where two traces differ in commands, responses and timing.",
            discussion: "Exit status 0 when the exchanges are the same (timing may differ), 1 when they differ.")

        @Argument(help: "The first trace.") var a: String
        @Argument(help: "The second trace.") var b: String

        func run() throws {
            let first: Trace
            let second: Trace
            do { first = try Trace.load(path: a) } catch { throw fail("\(a): \(error)", status: ExitStatus.badInput) }
            do { second = try Trace.load(path: b) } catch { throw fail("\(b): \(error)", status: ExitStatus.badInput) }
            let diff = TraceDiff(first, second)
            print("exchanges  \(diff.exchangesA) vs \(diff.exchangesB)")
            if let command = diff.firstCommandDifference {
                print("first command difference at exchange \(command.exchange):")
                print("  A: \(command.hexA ?? "(none)")")
                print("  B: \(command.hexB ?? "(none)")")
            }
            if let response = diff.firstResponseDifference {
                print("first response difference at exchange \(response.exchange):")
                print("  A: \(response.hexA ?? "(none)")")
                print("  B: \(response.hexB ?? "(none)")")
            }
            if diff.sameExchanges { print("commands and responses are the same") }
            guard !diff.timing.isEmpty else {
                print("median latency per command: no command kind has recorded durations in both traces")
                if !diff.sameExchanges { throw ExitCode(1) }
                return
            }
            print("median latency per command (ms): A, B, B/A")
            for timing in diff.timing {
                print(
                    "  \(timing.kind.padding(28)) \(milliseconds(timing.medianA))  \(milliseconds(timing.medianB))  "
                        + String(format: "%.3f", timing.ratio))
            }
            if !diff.sameExchanges { throw ExitCode(1) }
        }
    }
}
