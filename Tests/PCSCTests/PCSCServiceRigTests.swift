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
    @Test("transmitting after pcscd stopped fails at once as pcscd not running, then the rig comes back")
    func transmitAfterPCSCDStopped() throws {
        // Only a pcscd the script started can be stopped and started again by it; cards it started
        // would not come back with a plain `start`, so the test refuses to touch such a rig.
        let status = Rig.virtualReader("status", timeout: 20)
        try #require(
            status.status == 0 && status.output.contains("pcscd running (PID"),
            "this test restarts pcscd with scripts/virtual-reader, which must own it; status said: \(status.output)")
        try #require(
            !status.output.split(separator: "\n").contains {
                $0.hasPrefix("virtual-reader: card") && $0.contains(" running")
            },
            "scripts/virtual-reader serves cards; stopping the rig would end them: \(status.output)")

        let served = try ServedCard(OffsetEchoCard(), slot: 0)
        let client = ClientThread(reader: served.reader)
        var stopped = false
        defer {
            served.thread.stop()
            if stopped { _ = Rig.virtualReader("start", timeout: 60) }
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
        let stop = Rig.virtualReader("stop", timeout: 30)
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
        let start = Rig.virtualReader("start", timeout: 60)
        stopped = start.status != 0
        #expect(start.status == 0, "scripts/virtual-reader start said: \(start.output)")
        let names = try PCSCContext().readerNames()
        #expect(Set(Rig.readers).isSubset(of: names), "after the restart PC/SC lists \(names)")
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
