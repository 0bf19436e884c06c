import APDU
import CardTransport
import Dispatch
import Foundation
import Glibc
import RigSupport
import Synchronization
import Testing
import VPCD

@testable import PCSC

/// What a client sees when pcscd goes away under it. The test stops and restarts the rig's pcscd
/// with scripts/virtual-reader, so it lives in a suite of its own and leaves the rig as it found
/// it: up, with both readers listed. Tests in other suites and targets may run before or after.
///
/// The script is spawned with an empty signal mask: the test runner's threads block SIGTERM, a
/// pcscd started with that mask inherited ignores TERM, and stopping it then needs KILL.
@Suite("PC/SC when pcscd stops", .serialized, Rig.enabled)
struct PCSCServiceRigTests {
    /// scripts/virtual-reader, found from this file (Tests/PCSCTests/…).
    static let virtualReaderPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/virtual-reader").path

    @Test("transmitting after pcscd stopped fails at once as pcscd not running, then the rig comes back")
    func transmitAfterPCSCDStopped() throws {
        // Only a pcscd the script started can be stopped and started again by it; cards it started
        // would not come back with a plain `start`, so the test refuses to touch such a rig.
        let status = Self.virtualReader("status", timeout: 20)
        try #require(
            status.status == 0 && status.output.contains("pcscd running (PID"),
            "this test restarts pcscd with scripts/virtual-reader, which must own it; status said: \(status.output)")
        try #require(
            !status.output.split(separator: "\n").contains { $0.hasPrefix("virtual-reader: card") && $0.contains(" running") },
            "scripts/virtual-reader serves cards; stopping the rig would end them: \(status.output)")

        let served = try ServedCard(OffsetEchoCard(), slot: 0)
        let client = ClientThread(reader: served.reader)
        var stopped = false
        defer {
            served.thread.stop()
            if stopped { _ = Self.virtualReader("start", timeout: 60) }
        }

        // The client connects and exchanges one command while pcscd runs…
        try #require(client.connected.wait(timeout: .now() + 15) == .success, "the client never connected")
        let before = client.outcome.withLock { $0 }
        try #require(before == nil, "the exchange before stopping pcscd failed: \(String(describing: before))")

        // …then the card leaves and pcscd stops (with a card still linked to vpcd, pcscd 1.9.9 was seen to
        // ignore TERM until the script's 5 s KILL, leaving its socket and PID file behind), and the next
        // transmit on the open connection must fail rather than hang.
        served.thread.stop()
        _ = served.thread.join()
        let stop = Self.virtualReader("stop", timeout: 30)
        stopped = true
        #expect(stop.status == 0, "scripts/virtual-reader stop said: \(stop.output)")
        client.pcscdStopped.signal()
        try #require(
            client.finished.wait(timeout: .now() + 10) == .success, "SCardTransmit hung after pcscd stopped")
        let failure = try #require(client.outcome.withLock { $0 }, "the transmit after pcscd stopped succeeded")
        #expect(failure.kind == .serviceUnavailable, "got \(failure)")
        #expect(failure.name == "SCARD_E_NO_SERVICE", "got \(failure)")
        #expect(failure.message.contains("scripts/virtual-reader start"), "got \(failure)")

        // A new client cannot even get a context, and is told how to start pcscd.
        do {
            _ = try PCSCContext()
            Issue.record("a context was established with pcscd stopped")
        } catch {
            #expect(error.name == "SCARD_E_NO_SERVICE")
            #expect(error.kind == .serviceUnavailable)
            #expect(error.message.contains("scripts/virtual-reader start"))
        }

        // Leave the rig as it was: pcscd up and both readers listed.
        let start = Self.virtualReader("start", timeout: 60)
        stopped = start.status != 0
        #expect(start.status == 0, "scripts/virtual-reader start said: \(start.output)")
        let names = try PCSCContext().readerNames()
        #expect(Set(Rig.readers).isSubset(of: names), "after the restart PC/SC lists \(names)")
    }
}

extension PCSCServiceRigTests {
    /// Runs `scripts/virtual-reader COMMAND` under coreutils' `timeout`, output to a file.
    ///
    /// Not Foundation's `Process`: its `waitUntilExit` was seen to hang here after `start` returned
    /// (the script leaves pcscd running in a session of its own), and a hung restart would leave the
    /// test run stuck with the rig in an unknown state.
    static func virtualReader(_ command: String, timeout seconds: Int) -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("readerbench-pcsctests-\(getpid())-virtual-reader-\(command).log").path
        let arguments = ["/usr/bin/timeout", "--kill-after=5", "\(seconds)", virtualReaderPath, command]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else { return (-1, "posix_spawn failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        unlink(log)
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
    }
}

/// A PC/SC client on a thread of its own, so a transmit that hangs cannot hang the test: it makes
/// its context on that thread (pcsc-lite wants one per thread), connects, exchanges one command,
/// and after `pcscdStopped` tries another.
private final class ClientThread: Sendable {
    let connected = DispatchSemaphore(value: 0)
    let pcscdStopped = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    /// The failure of the latest exchange; nil while all succeeded.
    let outcome = Mutex<PCSCError?>(nil)

    init(reader: String) {
        let thread = Thread { [self] in run(reader: reader) }
        thread.start()
    }

    private func run(reader: String) {
        defer { finished.signal() }
        var command = APDUBuffer()
        var response = APDUBuffer()
        try! command.assign([0x00, 0xB0, 0x00, 0x00, 0x04].span)  // READ BINARY, 4 bytes: always fits
        do throws(PCSCError) {
            let context = try PCSCContext()
            let card = try context.connect(reader: reader)
            try card.transmit(command.span, into: &response)
            connected.signal()
            pcscdStopped.wait()
            try card.transmit(command.span, into: &response)
        } catch {
            outcome.withLock { $0 = error }
            connected.signal()
        }
    }
}
