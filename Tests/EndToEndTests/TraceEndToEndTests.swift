import Foundation
import Glibc
import Measurement
import Results
import RigSupport
import Testing

/// Recording and replaying traces with the real executable, pcscd and vpcd.
@Suite("Traces end to end", .serialized, Rig.enabled)
struct TraceEndToEndTests {
    /// Serves `arguments` (a `simulate` command) on slot 1 while `body` runs.
    func whileSimulating<R>(_ arguments: [String], _ body: () throws -> R) throws -> R {
        try Rig.requireReader(Rig.readers[1])
        // A card that just left may count as present until vpcd's next 400 ms poll.
        guard try Rig.waitForCard(in: Rig.readers[1], present: false) else {
            throw Rig.Unavailable(description: "\(Rig.readers[1]) still holds a card; the slot is not free")
        }
        let (process, out, err) = try CLI.start(["simulate", "--slot", "1"] + arguments)
        defer {
            process.interrupt()
            _ = CLI.finish(process, out, err, timeout: 10)
        }
        guard try Rig.waitForCard(in: Rig.readers[1], present: true) else {
            throw Rig.Unavailable(description: "the simulated card did not appear in \(Rig.readers[1])")
        }
        return try body()
    }

    @Test("a recorded PIN run leaves no trace of the PIN in any file it wrote, and VERIFY is redacted in the trace")
    func recordingRedactsThePIN() throws {
        let folder = try CLI.temporaryDirectory()
        let trace = folder.appendingPathComponent("run.trace.jsonl").path
        let out = folder.appendingPathComponent("run.json").path
        let csv = folder.appendingPathComponent("run.csv").path
        let pin = "7395"
        let outcome = try whileSimulating(["--auth-pin", pin]) {
            try CLI.run(
                [
                    "run", "--reader", Rig.readers[1], "--scenario", "pin", "--iterations", "4", "--warmup", "1",
                    "--pin-env", "RB_TEST_PIN", "--record", trace, "--out", out, "--csv", csv, "--quiet",
                ],
                environment: ["RB_TEST_PIN": pin])
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(!outcome.stdout.contains(pin) && !outcome.stderr.contains(pin))
        // The PIN as it travels (ASCII bytes, written as hex in traces) appears in no file.
        let pinHex = pin.utf8.map { String($0, radix: 16, uppercase: true) }.joined()
        for path in [trace, out, csv] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.uppercased().contains(pinHex), "\(path) holds the PIN's bytes")
        }
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        let verifies = lines.filter { $0.contains("\"c\":\"0020008004") }
        #expect(verifies.count == 10)  // 5 iterations × 2 modes
        #expect(verifies.allSatisfy { $0.contains("\"c\":\"00200080042A2A2A2A\"") })
        #expect(lines.first?.contains("\"redacted\":[\"pin\"]") == true)
    }

    /// Replay fidelity in time is a measurement (`readerbench calibrate` reports recorded vs
    /// replayed medians with and without compensation); what a test can hold on any machine is
    /// that the replay answers the same commands, in the same order, with the same responses.
    @Test("a trace served through vpcd answers a new run with the recorded exchanges, in the recorded order")
    func replayIssuesTheSameExchanges() throws {
        let folder = try CLI.temporaryDirectory()
        let trace = folder.appendingPathComponent("contactless.trace.jsonl").path
        let again = folder.appendingPathComponent("again.trace.jsonl").path
        let replayed = folder.appendingPathComponent("replayed.json").path
        let common = ["--scenario", "visual", "--iterations", "6", "--warmup", "1", "--warm", "--quiet"]
        let recording = try CLI.run(["run", "--simulate", "--profile", "contactless-212k", "--record", trace] + common)
        #expect(recording.status == 0, "stderr: \(recording.stderr)")
        let replay = try whileSimulating(["--trace", trace, "--timing", "none"]) {
            try CLI.run(["run", "--reader", Rig.readers[1], "--out", replayed, "--record", again] + common)
        }
        #expect(replay.status == 0, "stderr: \(replay.stderr)")
        let first = try exchanges(trace)
        let second = try exchanges(again)
        #expect(!first.isEmpty)
        #expect(first == second, "the replay answered other exchanges than were recorded")
        let file = try ResultFile.load(replayed)
        #expect(file.summary?.warm?.succeeded == 6)
    }

    /// The command and response hex of every transmit in a trace file, in order.
    func exchanges(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"type\":\"transmit\"") }
            .map { line in
                func field(_ name: String) -> Substring {
                    guard let start = line.range(of: "\"\(name)\":\"") else { return "" }
                    return line[start.upperBound...].prefix { $0 != "\"" }
                }
                return "\(field("c")) → \(field("r"))"
            }
    }

    /// Per-APDU-kind p50 of the warm mode, in nanoseconds.
    func medians(_ path: String) throws -> [String: UInt64] {
        let file = try ResultFile.load(path)
        let warm = try #require(file.summary?.warm)
        var result: [String: UInt64] = [:]
        for kind in warm.apduKinds { if let summary = kind.summary { result[kind.name] = summary.p50 } }
        return result
    }
}

/// pcsc-lite's own spy, for real: a PC/SC client under `LD_PRELOAD` of Debian's libpcscspy
/// against the virtual reader, its log imported and checked exchange by exchange.
@Suite("pcsc-spy logs recorded for real", .serialized, Rig.enabled)
struct PCSCSpyImportTests {
    static let spyLibrary = "/usr/lib/x86_64-linux-gnu/libpcscspy.so.0"

    @Test("a spied `readerbench ping` imports into a trace holding every exchange it made")
    func spiedPingImports() throws {
        try #require(FileManager.default.fileExists(atPath: Self.spyLibrary), "libpcscspy is part of libpcsclite-dev")
        let folder = try CLI.temporaryDirectory()
        // libpcscspy writes to $HOME/pcsc-spy when that FIFO exists.
        let fifo = folder.appendingPathComponent("pcsc-spy").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let raw = folder.appendingPathComponent("spy.log")
        nonisolated(unsafe) var captured = Data()
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { captured = handle.readDataToEndOfFile() }
        }
        reader.start()
        let count = 6
        let ping = try TraceEndToEndTests().whileSimulating([]) {
            try CLI.run(
                ["ping", "--reader", Rig.readers[1], "--count", String(count), "--warmup", "0"],
                environment: ["HOME": folder.path, "LD_PRELOAD": Self.spyLibrary])
        }
        #expect(ping.status == 0, "stderr: \(ping.stderr)")
        // The spied process has exited, so the FIFO's writer is closed and the reader ends.
        Poll.until { reader.isFinished }
        try captured.write(to: raw)
        #expect(String(decoding: captured, as: UTF8.self).contains("SCardTransmit"))

        let trace = folder.appendingPathComponent("spy.trace.jsonl").path
        let imported = try CLI.run(["trace", "import", raw.path, "--from", "pcsc-spy", "-o", trace])
        #expect(imported.status == 0, "stderr: \(imported.stderr)")
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        let transmits = lines.filter { $0.contains("\"type\":\"transmit\"") }
        #expect(transmits.count == count)
        for line in transmits {
            #expect(line.contains("\"c\":\"00A4040C0AD392F000260100000001\""), "\(line)")
            #expect(line.contains("\"r\":\"9000\""), "\(line)")
            #expect(line.contains("\"rv\":0"))
        }
        #expect(lines.contains { $0.contains("\"type\":\"connect\"") })
    }
}
