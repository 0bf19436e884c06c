import APDU
import CardTransport
import Foundation
import HexCoding
import RigSupport
import Testing
import VPCD

@testable import PCSC

/// APDU exchanges through the real pcscd and vpcd with cards served in-process: many commands,
/// the ISO 7816 transport rules over the real reader, and cards that leave.
@Suite("PC/SC transmit through pcscd and vpcd", .serialized, Rig.enabled)
struct PCSCTransmitRigTests {
    @Test("10,000 READ BINARY commands at different offsets each get their own answer")
    func tenThousandReads() throws {
        let served = try ServedCard(OffsetEchoCard(), slot: 0)
        let context = try PCSCContext()
        let card = try context.connect(reader: served.reader)
        var command = APDUBuffer()
        var response = APDUBuffer()
        var wrong: [String] = []

        for index in 0..<10_000 {
            let offset = index * 3  // up to 29,997: P1 bit 8 stays clear, as READ BINARY requires
            let length = 2 + index % 30
            try command.encode(
                APDUHeader(cla: 0x00, ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF)),
                expectedLength: length)
            try card.transmit(command.span, into: &response)
            if !Self.answers(response, offset: offset, length: length), wrong.count < 5 {
                wrong.append("offset \(offset), Le \(length): got \(Hex.encode(response.copyBytes()))")
            }
        }
        try card.disconnect()
        let result = served.remove()

        #expect(wrong.isEmpty, "wrong answers: \(wrong)")
        #expect(result.card.commandCount == 10_000)
    }

    /// Whether `response` is the echo card's answer for `offset` and `length`, then `9000`.
    private static func answers(_ response: borrowing APDUBuffer, offset: Int, length: Int) -> Bool {
        response.copyBytes() == OffsetEchoCard.expectedData(offset: offset, length: length) + [0x90, 0x00]
    }

    @Test("ISO 7816 transport over the real reader resends on 6CXX, follows 61XX and counts both")
    func transportRules() throws {
        let scripted = try ScriptedCard(hexResponses: [
            // 6CXX: wrong Le, resend with Le = 04.
            "80CA0001 00": "6C04",
            "80CA0001 04": "DEADBEEF 9000",
            // 61XX twice: data comes in three parts.
            "80CA0002 00": "0102 6104",
            "00C00000 04": "03040506 6102",
            "00C00000 02": "0708 9000",
            // Both: 6C first, then 61.
            "80CA0003 00": "6C05",
            "80CA0003 05": "1122334455 6103",
            "00C00000 03": "667788 9000",
        ])
        let served = try ServedCard(scripted, slot: 0)
        let context = try PCSCContext()
        let card = try context.connect(reader: served.reader)
        var transport = ISO7816Transport(card)

        let resend = try Self.exchange("80CA000100", on: &transport)
        #expect(resend.response == "DEADBEEF9000")
        #expect(resend.counts.roundTrips == 2 && resend.counts.wrongLengthResends == 1)
        #expect(resend.counts.getResponses == 0)

        let gathered = try Self.exchange("80CA000200", on: &transport)
        #expect(gathered.response == "01020304050607089000")
        #expect(gathered.counts.roundTrips == 3 && gathered.counts.wrongLengthResends == 0)
        #expect(gathered.counts.getResponses == 2)

        let both = try Self.exchange("80CA000300", on: &transport)
        #expect(both.response == "11223344556677889000")
        #expect(both.counts.roundTrips == 3 && both.counts.wrongLengthResends == 1 && both.counts.getResponses == 1)

        let totals = transport.totals
        #expect(totals.roundTrips == 8 && totals.wrongLengthResends == 2 && totals.getResponses == 3)
        let channel = transport.takeChannel()
        try channel.disconnect()
        let result = served.remove()
        #expect(result.card.commandCount == 8)
    }

    @Test("a card leaving mid-command: SCardTransmit succeeds with no bytes, then the connection reports card removed")
    func removalMidCommand() throws {
        let served = try ServedCard(OffsetEchoCard(removeOnCommand: 2), slot: 1)
        let context = try PCSCContext()
        let card = try context.connect(reader: served.reader)
        var command = APDUBuffer()
        var response = APDUBuffer()
        let readBinary: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x04]
        try command.assign(readBinary.span)
        try card.transmit(command.span, into: &response)

        // What pcsc-lite 1.9.9 with vpcd 3.3 really does when the card's link closes mid-command: vpcd
        // reads the closed socket as a zero-length answer and pcscd passes it on as SCARD_S_SUCCESS
        // with no bytes. No valid R-APDU is empty (SW1 SW2 are mandatory), so a transport over this
        // channel reports a protocol violation for it, and the next call sees the removal.
        let midCommand = Self.transmitFailure(card, command, &response)
        let received = response.count
        #expect(midCommand == nil, "got \(String(describing: midCommand))")
        #expect(received == 0, "the transmit the card left during received \(received) bytes")

        // Once pcscd's presence poll has seen the card leave, the connection says so.
        let watcher = try PCSCContext()
        let gone = try ReaderWatch.waitUntil(served.reader, present: false, context: watcher)
        #expect(gone, "\(served.reader) still reports a card")
        let afterwards = Self.transmitFailure(card, command, &response)
        #expect(afterwards?.name == "SCARD_W_REMOVED_CARD", "got \(String(describing: afterwards))")
        #expect(afterwards?.kind == .cardRemoved)
        #expect(afterwards?.transportError.kind == .cardRemoved)

        let result = served.thread.join()  // The server returned by itself when the card left.
        #expect(result.outcome.success == .cardRemoved)
    }

    @Test("an answer of no bytes reaches PC/SC as an empty transmit, the transport refuses it, and the card comes back")
    func emptyAnswer() throws {
        let scripted = try ScriptedCard(hexResponses: ["00B0000004": "", "00A4040C02 3F00": "9000"])
        let served = try ServedCard(scripted, slot: 1)
        let context = try PCSCContext()
        var transport = ISO7816Transport(try context.connect(reader: served.reader))
        var response = APDUBuffer()
        let readBinary: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x04]
        // vpcd 3.3 cannot frame an empty answer; the server closes the link, which pcscd passes on as
        // SCardTransmit succeeding with no bytes, and the transport names the violation.
        do {
            try transport.transmit(readBinary.span, into: &response)
            Issue.record("an empty answer was accepted")
        } catch {
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("with 0 bytes; a response needs SW1 SW2"), "\(error)")
        }
        // The server connects again at once; within a few of vpcd's 400 ms polls a fresh connection
        // reaches the same card.
        var back = false
        let deadline = Date().addingTimeInterval(5)
        while !back && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            guard let card = try? context.connect(reader: served.reader) else { continue }
            var select = APDUBuffer()
            let bytes: [UInt8] = [0x00, 0xA4, 0x04, 0x0C, 0x02, 0x3F, 0x00]
            try select.assign(bytes.span)
            back = (try? card.transmit(select.span, into: &response)) != nil && response.copyBytes() == [0x90, 0x00]
        }
        #expect(back, "the card did not come back after its empty answer")
        let result = served.remove()
        #expect(result.card.commandCount >= 2)
    }

    @Test("a card that answers and then leaves makes the next transmit fail with card removed")
    func removalAfterAnswer() throws {
        let scripted = try ScriptedCard(hexResponses: ["00B0000004": "01020304 9000"], removeAfterCommand: 1)
        let served = try ServedCard(scripted, slot: 1)
        let context = try PCSCContext()
        var channel = try context.connect(reader: served.reader)
        var command = APDUBuffer()
        var response = APDUBuffer()
        let readBinary: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x04]
        try command.assign(readBinary.span)
        try channel.transmitRaw(command.span, into: &response)
        #expect(Hex.encode(response.copyBytes()) == "010203049000")

        let watcher = try PCSCContext()
        let gone = try ReaderWatch.waitUntil(served.reader, present: false, context: watcher)
        #expect(gone, "\(served.reader) still reports a card")
        // Through the CardChannel face: the shared kind.
        let failure = Self.transmitRawFailure(&channel, command, &response)
        #expect(failure?.kind == .cardRemoved, "got \(String(describing: failure))")
        #expect(failure?.code == "SCARD_W_REMOVED_CARD 0x80100069")
        #expect(failure?.message == "SCardTransmit: card removed during the command")
        #expect(served.thread.join().outcome.success == .cardRemoved)
    }

    // MARK: - Helpers

    /// Sends one command (hex) through the transport; the whole response in hex and the counts.
    private static func exchange(
        _ hex: String, on transport: inout ISO7816Transport<PCSCCard>
    ) throws -> (response: String, counts: ExchangeCounts) {
        let bytes = try Hex.decode(hex)
        var command = APDUBuffer()
        try command.assign(bytes.span)
        var response = APDUBuffer()
        let counts = try transport.transmit(command.span, into: &response)
        let answer = Hex.encode(response.copyBytes())
        return (answer, counts)
    }

    /// The error a transmit throws, or nil when it succeeds.
    static func transmitFailure(
        _ card: borrowing PCSCCard, _ command: borrowing APDUBuffer, _ response: inout APDUBuffer
    ) -> PCSCError? {
        do {
            try card.transmit(command.span, into: &response)
        } catch {
            return error
        }
        return nil
    }

    /// The error a transmit through the `CardChannel` face throws, or nil when it succeeds.
    static func transmitRawFailure(
        _ channel: inout PCSCCard, _ command: borrowing APDUBuffer, _ response: inout APDUBuffer
    ) -> TransportError? {
        do {
            try channel.transmitRaw(command.span, into: &response)
        } catch {
            return error
        }
        return nil
    }
}
