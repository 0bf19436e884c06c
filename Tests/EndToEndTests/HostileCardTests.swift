import Foundation
import Results
import RunModel
import RigSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `readerbench run` against the simulated card turned hostile (`--fault`), through pcscd and vpcd:
/// every behaviour ends its iterations with a classified failure and a message that says what the
/// card did, and none crashes or hangs the harness, grows its memory or spoils the result file.
@Suite("Hostile cards through pcscd and vpcd", .serialized, Rig.enabled)
struct HostileCardTests {
    /// One hostile behaviour and what the result file must say about it.
    struct Case: CustomTestStringConvertible, Sendable {
        var fault: String
        var arguments: [String] = []
        var scenario = "visual"
        var cause: Failure.Cause
        /// Another cause an iteration may honestly get. vpcd cannot frame an empty answer, so the
        /// simulator closes its link, which pcscd reports as the card leaving for a moment: when
        /// the reader's status poll sees it gone, the iteration is `card-removed`.
        var alternative: Failure.Cause? = nil
        /// In the message of the first iteration's failure.
        var message: String
        var testDescription: String { fault + (arguments.isEmpty ? "" : " " + arguments.joined(separator: " ")) }
    }

    static let cases: [Case] = [
        Case(
            fault: "long-answer", cause: .protocolViolation,
            message: "the card answered the command with 20 data bytes; its Le asked for at most 4"),
        Case(
            fault: "huge-answer", cause: .protocolViolation,
            message: "the card's answer has 65540 data bytes, more than the 65536 an APDU can carry"
        ),
        Case(
            fault: "endless-61xx", cause: .protocolViolation,
            message: "the card kept answering 61XX after 512 GET RESPONSE commands"),
        Case(
            fault: "wrong-le-loop", cause: .protocolViolation,
            message: "again after the resend with Le 5: it asks for another length every time"),
        Case(
            fault: "empty-answer", cause: .protocolViolation, alternative: .cardRemoved,
            message: "the card answered the command with 0 bytes; a response needs SW1 SW2"),
        Case(
            fault: "one-byte-sw", cause: .protocolViolation,
            message: "the card answered the command with 1 byte; a response needs SW1 SW2"),
        Case(
            fault: "lying-atr", cause: .checkFailed,
            message: "the card's answer to reset is malformed: T0 declares 15 historical byte(s)"),
        Case(
            fault: "deep-certificate", cause: .checkFailed,
            message: "the object claims 39833 bytes, more than READ BINARY can address"),
        Case(
            fault: "deep-certificate", arguments: ["--card", "contact", "--chunks", "extended"], cause: .checkFailed,
            message: "the certificate is not valid DER: offset 128: nesting is deeper than the limit of 32 levels"),
        Case(
            fault: "signature-length:255", scenario: "pin", cause: .checkFailed,
            message: "the signature is 255 bytes; the certificate's 2048-bit key makes 256-byte signatures"),
        Case(
            fault: "signature-length:300", scenario: "pin", cause: .protocolViolation,
            message:
                "the card answered the command with 300 data bytes; its Le asked for at most 256"),
        // Late by 1 ms more than the timeout: classified by the engine, well before the watchdog,
        // which allows 250 ms past the timeout.
        Case(fault: "late:301", arguments: ["--timeout", "300"], cause: .timeout, message: "past the 300 ms timeout"),
    ]

    @Test(
        "each hostile behaviour fails every iteration with its cause and message; the run completes", arguments: cases)
    func classified(_ hostile: Case) throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try Self.runMeasured(
            [
                "run", "--simulate", "--scenario", hostile.scenario, "--iterations", "3", "--warmup", "0", "--warm",
                "--fault", hostile.fault, "--out", out, "--quiet",
            ] + hostile.arguments, in: folder)
        #expect(!outcome.uncaughtSignal)
        // Every iteration failed: beyond --max-failure-rate, so exit 5 (the run itself completed).
        #expect(outcome.status == 5, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete && file.summary?.stopReason == .completed)
        #expect(file.iterations.count == 3)
        let causes = Set([hostile.cause] + (hostile.alternative.map { [$0] } ?? []))
        #expect(
            file.iterations.allSatisfy { $0.failure.map { causes.contains($0.cause) } ?? false },
            "\(file.iterations.map(\.failure))")
        // The message is checked on the first iteration with the behaviour's own cause.
        if let first = file.iterations.compactMap(\.failure).first(where: { $0.cause == hostile.cause }) {
            #expect(first.message.contains(hostile.message), "\(first.message)")
        } else {
            #expect(hostile.alternative != nil, "no iteration failed with \(hostile.cause)")
        }
        // Bounded against the same run with a well-behaved card: a plain build peaks near 40 MB,
        // one under AddressSanitizer (as scripts/test runs the suite) near 1.1 GB of shadow memory
        // and quarantine whatever the card does, so only the difference says what the card cost.
        let baseline = try Self.baselinePeakMegabytes(scenario: hostile.scenario, arguments: hostile.arguments)
        #expect(
            outcome.peakMegabytes < baseline + 64,
            "the run grew to \(outcome.peakMegabytes) MB; with a well-behaved card \(baseline) MB")
    }

    @Test(
        "a card that answers long after the timeout: the watchdog ends the run, the result file is complete and valid")
    func answerLongAfterTimeout() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            [
                "run", "--simulate", "--scenario", "visual", "--iterations", "3", "--warmup", "0", "--warm",
                "--fault", "late:5000", "--timeout", "200", "--out", out, "--quiet",
            ], environment: CLI.abandonsAWorker, timeout: 60)
        #expect(!outcome.uncaughtSignal)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(
            outcome.stderr.contains("SELECT jpki AP did not complete within the 200 ms timeout"), "\(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete && file.summary?.stopReason == .timeout)
        // The iteration the watchdog gave up on is recorded as a timeout, with what was waited.
        #expect(file.iterations.count == 1)
        #expect(file.iterations.first?.failure?.cause == .timeout)
    }

    /// What `runMeasured` saw.
    struct Measured {
        var status: Int32
        var uncaughtSignal: Bool
        var stderr: String
        /// The child's own peak resident set (wait4's ru_maxrss), in MB.
        var peakMegabytes: Int
    }

    /// The peak resident set of the same run with a well-behaved card, measured once per
    /// scenario and arguments.
    static func baselinePeakMegabytes(scenario: String, arguments: [String]) throws -> Int {
        let key = ([scenario] + arguments).joined(separator: " ")
        if let known = baselines.withLock({ $0[key] }) { return known }
        let folder = try CLI.temporaryDirectory()
        let outcome = try runMeasured(
            [
                "run", "--simulate", "--scenario", scenario, "--iterations", "3", "--warmup", "0", "--warm", "--out",
                folder.appendingPathComponent("result.json").path, "--quiet",
            ] + arguments, in: folder)
        #expect(outcome.status == 0, "the well-behaved run: \(outcome.stderr)")
        baselines.withLock { $0[key] = outcome.peakMegabytes }
        return outcome.peakMegabytes
    }
    static let baselines = Mutex<[String: Int]>([:])

    /// Runs `readerbench` as `CLI.run` does, but with posix_spawn and wait4, which report the
    /// peak resident set of this child alone (RUSAGE_CHILDREN would be the largest of every child
    /// the test process ever had). Output goes to files in `folder`; killed after 60 s.
    static func runMeasured(_ arguments: [String], in folder: URL) throws -> Measured {
        let executable = try CLI.executable.path
        let errPath = folder.appendingPathComponent("stderr.txt").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = CLI.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw CLI.Missing(description: "cannot start \(executable): errno \(spawned)") }
        let child = pid
        let watchdog = DispatchWorkItem { kill(child, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(child, &status, 0, &usage) < 0 && errno == EINTR {}
        watchdog.cancel()
        let signalled = status & 0x7F != 0
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Measured(
            status: signalled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF, uncaughtSignal: signalled, stderr: stderr,
            peakMegabytes: usage.ru_maxrss / 1024)
    }
}
