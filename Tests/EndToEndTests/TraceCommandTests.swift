import Foundation
import RigSupport
import Testing

/// `readerbench trace …` and replay, as a new user meets them: a scriptor session (which records
/// no times) imported and inspected, and the shipped traces' latency tables read by eye.
@Suite("trace commands without a reader")
struct TraceCommandTests {
    /// The repository root (the shipped traces live under Traces/).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// scriptor's output for a few JPKI commands, as scriptor prints it: no times anywhere.
    static let scriptorSession = """
        Using given card reader: Virtual PCD 00 01
        Using T=1 protocol
        Reading commands from STDIN
        > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
        < 90 00 : Normal processing.
        > 00 A4 02 0C 02 00 06
        < 90 00 : Normal processing.
        > 00 B0 00 00 04
        < 4A 50 4B 49 90 00 : Normal processing.

        """

    /// Writes `text` to a fresh folder and imports it as `format`; returns the trace's path.
    static func imported(_ text: String, from format: String) throws -> String {
        let folder = try CLI.temporaryDirectory()
        let log = folder.appendingPathComponent("session.txt")
        try text.write(to: log, atomically: true, encoding: .utf8)
        let trace = folder.appendingPathComponent("session.trace.jsonl").path
        let outcome = try CLI.run(["trace", "import", log.path, "--from", format, "-o", trace])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        return trace
    }

    @Test("trace info of a scriptor import says no timing was recorded instead of printing a table of zeros")
    func infoWithoutTiming() throws {
        let trace = try Self.imported(Self.scriptorSession, from: "scriptor")
        let info = try CLI.run(["trace", "info", trace])
        #expect(info.status == 0, "stderr: \(info.stderr)")
        #expect(info.stdout.contains("no timing recorded"), "\(info.stdout)")
        #expect(!info.stdout.contains("0.000"), "\(info.stdout)")
    }

    @Test("trace diff of traces without timing compares no latencies instead of 0 ms against 0 ms")
    func diffWithoutTiming() throws {
        let trace = try Self.imported(Self.scriptorSession, from: "scriptor")
        let diff = try CLI.run(["trace", "diff", trace, trace])
        #expect(diff.status == 0, "stderr: \(diff.stderr)")
        #expect(diff.stdout.contains("no command kind has recorded durations in both traces"), "\(diff.stdout)")
        #expect(!diff.stdout.contains("0.000"), "\(diff.stdout)")
    }

    @Test("an apdu4j exchange without '# Nms' is left out of trace info's table and counted as untimed")
    func infoPartlyTimed() throws {
        let dump = "# ATR: 3B00\n00A4040C0AD392F000260100000001\n# 12ms\n9000\n00B0000004\n4A504B499000\n"
        let trace = try Self.imported(dump, from: "apdu4j")
        let info = try CLI.run(["trace", "info", trace])
        #expect(info.status == 0, "stderr: \(info.stderr)")
        #expect(!info.stdout.contains("0.000"), "\(info.stdout)")
        #expect(info.stdout.contains("12.000"), "\(info.stdout)")
        #expect(info.stdout.contains("1 of 2 exchanges have no recorded duration"), "\(info.stdout)")
    }

    @Test("trace info's latency columns end where their headers end, as in the run summary")
    func infoTableIsAligned() throws {
        let shipped = Self.repository.appendingPathComponent("Traces/simulated-contactless-212k.pin.trace.jsonl").path
        let info = try CLI.run(["trace", "info", shipped])
        #expect(info.status == 0, "stderr: \(info.stderr)")
        let lines = info.stdout.split(separator: "\n").map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.contains("count") && $0.contains("p50") })
        let header = lines[headerIndex]
        let rows = lines[(headerIndex + 1)...].prefix { !$0.isEmpty && $0.hasPrefix(" ") }
        #expect(rows.count >= 4)
        // The numeric columns are the last six cells of every line; each must end in the same
        // column as its header word.
        let headerEnds = Self.cellEnds(header).suffix(6)
        #expect(headerEnds.count == 6)
        for row in rows {
            #expect(Array(Self.cellEnds(row).suffix(6)) == Array(headerEnds), "\n\(header)\n\(row)")
        }
    }

    /// The column (character offset) just past each whitespace-separated cell of `line`.
    static func cellEnds(_ line: String) -> [Int] {
        var ends: [Int] = []
        let characters = Array(line)
        for k in characters.indices
        where characters[k] != " " && (k + 1 == characters.count || characters[k + 1] == " ") {
            ends.append(k + 1)
        }
        return ends
    }

    @Test("run --trace refuses recorded and scaled timing for a trace without durations; --timing none replays it")
    func runRefusesMissingTiming() throws {
        // A complete `visual` iteration as scriptor would print it: recorded in-process, then
        // rewritten in scriptor's output format, which has no times.
        let folder = try CLI.temporaryDirectory()
        let recorded = folder.appendingPathComponent("visual.trace.jsonl").path
        let recording = try CLI.run(
            [
                "run", "--in-process", "--scenario", "visual", "--iterations", "1", "--warmup", "0", "--warm",
                "--quiet", "--record", recorded,
            ])
        #expect(recording.status == 0, "stderr: \(recording.stderr)")
        let trace = try Self.imported(try Self.scriptorOutput(of: recorded), from: "scriptor")
        let common = [
            "run", "--trace", trace, "--scenario", "visual", "--iterations", "2", "--warmup", "0", "--warm", "--quiet",
        ]
        for timing in ["recorded", "scaled:2", "sampled"] {
            let refused = try CLI.run(common + ["--timing", timing])
            #expect(refused.status == 2, "--timing \(timing): \(refused.stderr)")
            #expect(refused.stderr.contains("no recorded duration"), "--timing \(timing): \(refused.stderr)")
            #expect(refused.stderr.contains("'none'"), "--timing \(timing): \(refused.stderr)")
        }
        let replayed = try CLI.run(common + ["--timing", "none"])
        #expect(replayed.status == 0, "stderr: \(replayed.stderr)")
        #expect(replayed.stdout.contains("warm: 2 iterations, 2 succeeded"), "\(replayed.stdout)")
    }

    @Test("simulate --trace refuses a trace without durations at its default recorded timing, before touching vpcd")
    func simulateRefusesMissingTiming() throws {
        let trace = try Self.imported(Self.scriptorSession, from: "scriptor")
        let refused = try CLI.run(["simulate", "--trace", trace], timeout: 30)
        #expect(refused.status == 2, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("no recorded duration"), "\(refused.stderr)")
    }

    /// The transmits of a ReaderBench trace as scriptor's output (`> cmd` / `< resp : text`).
    static func scriptorOutput(of tracePath: String) throws -> String {
        var text = "Using T=1 protocol\nReading commands from STDIN\n"
        for line in try String(contentsOfFile: tracePath, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["type"] as? String == "transmit", let c = object?["c"] as? String,
                let r = object?["r"] as? String
            else { continue }
            text += "> \(spaced(c))\n< \(spaced(r)) : Normal processing.\n"
        }
        return text
    }

    static func spaced(_ hex: String) -> String {
        let characters = Array(hex)
        return stride(from: 0, to: characters.count, by: 2).map { String(characters[$0..<($0 + 2)]) }.joined(
            separator: " ")
    }
}

/// The same with a real scriptor session against the simulated card through pcscd and vpcd.
@Suite("a real scriptor session imported", .serialized, Rig.enabled)
struct ScriptorSessionImportTests {
    @Test("scriptor's own output imports without durations, and trace info says no timing was recorded")
    func realScriptorSession() throws {
        let reader = Rig.readers[1]
        let session = try TraceEndToEndTests().whileSimulating([]) {
            try Rig.scriptor(reader, ["00A4040C0AD392F000260100000001", "00A4020C020006", "00B0000004"])
        }
        #expect(session.status == 0, "\(session.output)")
        #expect(session.responses.count == 3, "\(session.output)")
        let trace = try TraceCommandTests.imported(session.output, from: "scriptor")
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        let transmits = lines.filter { $0.contains("\"type\":\"transmit\"") }
        #expect(transmits.count == 3)
        #expect(transmits.allSatisfy { !$0.contains("\"d\":") }, "\(transmits)")
        let info = try CLI.run(["trace", "info", trace])
        #expect(info.stdout.contains("no timing recorded"), "\(info.stdout)")
        #expect(!info.stdout.contains("0.000"), "\(info.stdout)")
    }
}
