import CardTransport
import HexCoding
import Testing
import VPCD

// MARK: - Helpers

/// Sends one command to `card` as the server does, returning what it wrote and chose.
private func exchange(
    _ card: inout ScriptedCard, _ commandHex: String, capacity: Int = VPCDCodec.maximumPayloadLength
) throws -> (response: [UInt8], action: CardAction) {
    let command = try Hex.decode(commandHex)
    var action = CardAction.mute
    let response = [UInt8](capacity: capacity) { (output: inout OutputSpan<UInt8>) in
        action = card.respond(to: command.span, into: &output)
    }
    return (response, action)
}

// MARK: - Tests

@Suite("scripted card")
struct ScriptedCardTests {
    @Test("a scripted command gets its scripted answer and an unknown one gets 6D00")
    func answersFromTable() throws {
        var card = try ScriptedCard(hexResponses: ["00A4040C 07 D392F000260100": "9000", "00B0000004": "01020304 9000"])
        #expect(try exchange(&card, "00A4040C07D392F000260100") == ([0x90, 0x00], .respond))
        #expect(try exchange(&card, "00 B0 00 00 04") == ([1, 2, 3, 4, 0x90, 0x00], .respond))
        #expect(try exchange(&card, "00CA000000") == ([0x6D, 0x00], .respond))
        #expect(card.commandCount == 3)
    }

    @Test("the answer is chosen by the exact command bytes, not a prefix")
    func exactMatch() throws {
        var card = try ScriptedCard(hexResponses: ["00B0000004": "9000"])
        #expect(try exchange(&card, "00B000000400").response == [0x6D, 0x00])
        #expect(try exchange(&card, "00B00000").response == [0x6D, 0x00])
    }

    @Test("scripting a command again replaces its answer, and the default answer is configurable")
    func replaceAndDefault() throws {
        var card = ScriptedCard(defaultResponse: [0x6A, 0x82])
        card.script([0x00, 0x84, 0x00, 0x00, 0x08], answer: [0x63, 0x00])
        card.script([0x00, 0x84, 0x00, 0x00, 0x08], answer: [0x90, 0x00])
        #expect(try exchange(&card, "0084000008").response == [0x90, 0x00])
        #expect(try exchange(&card, "0084000010").response == [0x6A, 0x82])
    }

    @Test("the default ATR is the contactless My Number Card's")
    func defaultATR() throws {
        #expect(ScriptedCard().atr == (try Hex.decode("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F")))
        #expect(ScriptedCard(atr: [0x3B, 0x00]).atr == [0x3B, 0x00])
    }

    @Test("the card answers its Nth command and then leaves the field")
    func removeAfterCommand() throws {
        var card = ScriptedCard(removeAfterCommand: 2)
        #expect(try exchange(&card, "00CA000000").action == .respond)
        #expect(try exchange(&card, "00CA000000") == ([0x6D, 0x00], .respondThenRemove))
    }

    @Test("the card stays mute on its Nth command only")
    func muteOnCommand() throws {
        var card = ScriptedCard(muteOnCommand: 2)
        #expect(try exchange(&card, "00CA000000").action == .respond)
        #expect(try exchange(&card, "00CA000000") == ([], .mute))
        #expect(try exchange(&card, "00CA000000").action == .respond)
        #expect(card.commandCount == 3)
    }

    @Test("an answer that does not fit the reply buffer becomes 6F00 instead of a trap")
    func oversizedAnswer() throws {
        var card = try ScriptedCard(hexResponses: ["00B0000000": "0102030405 9000"])
        #expect(try exchange(&card, "00B0000000", capacity: 4).response == [0x6F, 0x00])
    }

    @Test("power and reset messages are counted")
    func powerState() {
        var card = ScriptedCard()
        #expect(!card.isPowered)
        card.powerOn()
        card.reset()
        #expect(card.isPowered && card.powerOnCount == 1 && card.resetCount == 1)
        card.powerOff()
        #expect(!card.isPowered)
    }

    @Test("a hex table with a typo is rejected with the hex error")
    func badHex() {
        #expect(throws: HexError.self) { try ScriptedCard(hexResponses: ["00A4G0": "9000"]) }
    }
}
