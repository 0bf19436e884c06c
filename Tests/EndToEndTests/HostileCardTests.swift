import Foundation
import Results
import RigSupport
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
        /// In the message of the first iteration's failure (version 1 files count protocol
        /// violations as "pcsc" and say so in the message).
        var message: String
        var testDescription: String { fault + (arguments.isEmpty ? "" : " " + arguments.joined(separator: " ")) }
    }

    static let cases: [Case] = [
        Case(fault: "long-answer", cause: .pcsc, message: "protocol violation: the card answered the command with 20 data bytes; its Le asked for at most 4"),
        Case(fault: "huge-answer", cause: .pcsc, message: "protocol violation: the card's answer has 65540 data bytes, more than the 65536 an APDU can carry"),
        Case(fault: "endless-61xx", cause: .pcsc, message: "protocol violation: the card kept answering 61XX after 512 GET RESPONSE commands"),
        Case(fault: "wrong-le-loop", cause: .pcsc, message: "again after the resend with Le 5: it asks for another length every time"),
        Case(fault: "empty-answer", cause: .pcsc, message: "protocol violation: the card answered the command with 0 bytes; a response needs SW1 SW2"),
        Case(fault: "one-byte-sw", cause: .pcsc, message: "protocol violation: the card answered the command with 1 byte; a response needs SW1 SW2"),
        Case(fault: "lying-atr", cause: .checkFailed, message: "the card's answer to reset is malformed: T0 declares 15 historical byte(s)"),
        Case(fault: "deep-certificate", cause: .checkFailed, message: "the object claims 39833 bytes, more than READ BINARY can address"),
        Case(
            fault: "deep-certificate", arguments: ["--card", "contact", "--chunks", "extended"], cause: .checkFailed,
            message: "the certificate is not valid DER: offset 128: nesting is deeper than the limit of 32 levels"),
        Case(
            fault: "signature-length:255", scenario: "pin", cause: .checkFailed,
            message: "the signature is 255 bytes; the certificate's 2048-bit key makes 256-byte signatures"),
        Case(
            fault: "signature-length:300", scenario: "pin", cause: .pcsc,
            message: "protocol violation: the card answered the command with 300 data bytes; its Le asked for at most 256"),
        // Late by 1 ms more than the timeout: classified by the engine, well before the watchdog,
        // which allows 250 ms past the timeout.
        Case(fault: "late:301", arguments: ["--timeout", "300"], cause: .timeout, message: "past the 300 ms timeout"),
    ]

    @Test("each hostile behaviour fails every iteration with its cause and message; the run completes", arguments: cases)
    func classified(_ hostile: Case) throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            ["run", "--simulate", "--scenario", hostile.scenario, "--iterations", "3", "--warmup", "0", "--warm",
             "--fault", hostile.fault, "--out", out, "--quiet"] + hostile.arguments, timeout: 60)
        #expect(!outcome.uncaughtSignal)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete && file.summary?.stopReason == .completed)
        #expect(file.iterations.count == 3)
        #expect(file.iterations.allSatisfy { $0.failure?.cause == hostile.cause }, "\(file.iterations.map(\.failure))")
        let first = try #require(file.iterations.first?.failure)
        #expect(first.message.contains(hostile.message), "\(first.message)")
        #expect(Self.childPeakMegabytes < 256, "a child grew to \(Self.childPeakMegabytes) MB")
    }

    @Test("a card that answers long after the timeout: the watchdog ends the run, the result file is complete and valid")
    func answerLongAfterTimeout() throws {
        let folder = try CLI.temporaryDirectory()
        let out = folder.appendingPathComponent("result.json").path
        let outcome = try CLI.run(
            ["run", "--simulate", "--scenario", "visual", "--iterations", "3", "--warmup", "0", "--warm",
             "--fault", "late:5000", "--timeout", "200", "--out", out, "--quiet"], timeout: 60)
        #expect(!outcome.uncaughtSignal)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("SELECT jpki AP did not complete within the 200 ms timeout"), "\(outcome.stderr)")
        let file = try ResultFile.load(out)
        #expect(file.complete && file.summary?.stopReason == .timeout)
        #expect(file.iterations.isEmpty)
    }

    /// The largest resident set of any child this process has waited for, in MB.
    static var childPeakMegabytes: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return usage.ru_maxrss / 1024
    }
}
