import CardTransport
import Foundation
import RigSupport
import Synchronization
import Testing
import VPCD

@testable import PCSC

/// Contexts, readers, connections and reader events through the real pcscd and vpcd, with a
/// scripted card served in-process. Serialized: each test owns a reader slot while it runs.
@Suite("PC/SC readers and connections through pcscd and vpcd", .serialized, Rig.enabled)
struct PCSCReaderRigTests {
    @Test("both virtual readers are listed")
    func readersListed() throws {
        let context = try PCSCContext()
        let names = try context.readerNames()
        for reader in Rig.readers {
            #expect(names.contains(reader), "PC/SC listed \(names)")
        }
        let valid = context.isValid
        #expect(valid)
    }

    @Test("a connection reports the served card's ATR, in the connection and in the status")
    func connectAndStatus() throws {
        let served = try ServedCard(ScriptedCard(), slot: 0)
        defer { served.remove() }
        let context = try PCSCContext()
        let card = try context.connect(reader: served.reader)
        let status = try card.status()

        #expect(card.readerName == served.reader)
        #expect(card.atr == ScriptedCard.myNumberCardContactlessATR)
        #expect(status.atr == ScriptedCard.myNumberCardContactlessATR)
        // vpcd speaks T=1 (its receive PCI is always protocol 1), as the My Number Card does.
        #expect(card.activeProtocol == .t1)
        #expect(status.activeProtocol == .t1)
        try card.disconnect()
    }

    @Test("a vendor attribute the driver does not offer is nil, not an error")
    func unsupportedAttribute() throws {
        let served = try ServedCard(ScriptedCard(), slot: 0)
        defer { served.remove() }
        let context = try PCSCContext()
        let card = try context.connect(reader: served.reader)
        #expect(try card.attribute(.vendorName) == nil)
        #expect(try card.attribute(.vendorIFDSerialNumber) == nil)
    }

    @Test("waiting for a change sees the card arrive and leave, with the PnP pseudo-reader in the list")
    func insertionAndRemoval() throws {
        let reader = Rig.readers[1]
        try Rig.requireReader(reader)
        let context = try PCSCContext()
        var states = [ReaderState(name: reader), ReaderState(name: ReaderState.pnpNotificationName)]

        // Unaware: pcscd answers at once with the present state of both.
        #expect(try context.waitForChange(&states, timeout: .zero))
        #expect(states[0].eventState.contains(.empty), "slot 1 should start empty: \(states[0].eventState)")
        let readerEvents = states[0].eventCount
        for index in states.indices { states[index].acknowledge() }

        let thread = try VPCDCardThread(
            card: ScriptedCard(),
            configuration: VPCDServerConfiguration(endpoint: .slot(1), giveUpConnectingAfter: .seconds(5)))
        let arrived = try Self.waitForChange(of: 0, in: &states, context: context) { $0.contains(.present) }
        #expect(arrived, "no insertion seen in \(reader): \(states[0].eventState)")
        #expect(states[0].eventCount > readerEvents, "the reader's event counter did not move")
        #expect(states[0].atr == ScriptedCard.myNumberCardContactlessATR)
        #expect(!states[1].eventState.contains(.changed), "no reader was plugged, yet PnP reported a change")

        thread.stop()
        let result = thread.join()
        let left = try Self.waitForChange(of: 0, in: &states, context: context) { $0.contains(.empty) }
        #expect(left, "no removal seen in \(reader): \(states[0].eventState)")
        #expect(!states[1].eventState.contains(.changed))
        #expect(result.outcome.success == .stopped)
    }

    @Test("cancel from another thread ends a wait with the cancelled error")
    func cancelInterruptsWait() throws {
        let reader = Rig.readers[1]
        try Rig.requireReader(reader)
        let context = try PCSCContext()
        var states = [ReaderState(name: reader)]
        _ = try context.waitForChange(&states, timeout: .zero)
        states[0].acknowledge()

        // A cancel that arrives before the wait begins is lost, so keep cancelling until the
        // wait has returned; the 60 s timeout only keeps a broken cancel from hanging the run.
        let canceller = context.canceller
        let done = Flag()
        let cancellerThread = Thread {
            while !done.isSet {
                canceller.cancel()
                usleep(20_000)
            }
        }
        cancellerThread.start()
        defer { done.set() }

        let outcome = Result { () throws(PCSCError) in try context.waitForChange(&states, timeout: .seconds(60)) }
        done.set()
        switch outcome {
        case .success(let changed):
            Issue.record("the wait was not cancelled (it returned \(changed ? "a change" : "a timeout"))")
        case .failure(let error):
            #expect(error.name == "SCARD_E_CANCELLED")
            #expect(error.kind == .cancelled)
        }
        // The context is still usable after a cancel.
        #expect(try context.readerNames().contains(reader))
    }

    /// Waits until the state at `index` satisfies `condition`, acknowledging each change.
    static func waitForChange(
        of index: Int, in states: inout [ReaderState], context: borrowing PCSCContext, limit: Duration = .seconds(5),
        until condition: (ReaderStateFlags) -> Bool
    ) throws(PCSCError) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            let changed = try context.waitForChange(&states, timeout: deadline - clock.now)
            if changed && condition(states[index].eventState) { return true }
            if changed { for i in states.indices { states[i].acknowledge() } }
        }
        return false
    }
}

/// A flag one thread sets and another polls.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
