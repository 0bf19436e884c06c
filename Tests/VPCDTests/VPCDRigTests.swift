import RigSupport
import HexCoding
import Testing
import VPCD

/// The scripted card served through the real pcscd and vpcd, driven by a real PC/SC client.
/// Serialized: each test owns a reader slot while it runs.
@Suite("scripted card through pcscd and vpcd", .serialized, Rig.enabled)
struct VPCDRigTests {
    /// A connection limit short enough that a missing rig fails the test quickly.
    private static func configuration(slot: Int) -> VPCDServerConfiguration {
        VPCDServerConfiguration(endpoint: .slot(slot), giveUpConnectingAfter: .seconds(5))
    }

    @Test("scriptor gets the scripted answers from the card in Virtual PCD 00 00")
    func scriptorExchange() throws {
        let reader = Rig.readers[0]
        try Rig.requireReader(reader)
        let card = try ScriptedCard(hexResponses: [
            "00A4040C 07 D392F000260100": "9000",
            "00B0000004": "0A0B0C0D 9000",
        ])
        let thread = try VPCDCardThread(card: card, configuration: Self.configuration(slot: 0))
        let present = try Rig.waitForCard(in: reader, present: true)
        let session = try Rig.scriptor(reader, ["00A4040C07D392F000260100", "00B0000004", "00CA000000"])
        thread.stop()
        let result = thread.join()

        #expect(present, "the card never showed up in \(reader)")
        #expect(session.status == 0, "scriptor failed: \(session.output)")
        #expect(session.responses == ["90 00", "0A 0B 0C 0D 90 00", "6D 00"], "scriptor said: \(session.output)")
        #expect(result.card.commandCount == 3)
        #expect(result.card.powerOnCount >= 1)
        #expect(try result.outcome.get() == .stopped)
    }

    @Test("a card that leaves after its Nth command makes the reader report no card")
    func removalAfterCommands() throws {
        let reader = Rig.readers[1]
        try Rig.requireReader(reader)
        let card = ScriptedCard(removeAfterCommand: 2)
        let thread = try VPCDCardThread(card: card, configuration: Self.configuration(slot: 1))
        let present = try Rig.waitForCard(in: reader, present: true)
        let session = try Rig.scriptor(reader, ["00CA000000", "00CA000001"])
        let gone = try Rig.waitForCard(in: reader, present: false)
        let result = thread.join()  // The server returns by itself once the card has left.

        #expect(present, "the card never showed up in \(reader)")
        #expect(session.responses == ["6D 00", "6D 00"], "scriptor said: \(session.output)")
        #expect(gone, "the reader still reports a card after it left")
        #expect(try result.outcome.get() == .cardRemoved)
        #expect(result.card.commandCount == 2)
    }
}
