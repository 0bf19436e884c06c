import APDU
import CardTransport
import HexCoding
import Testing

@Suite("Answers too short, too long or longer than the buffer")
struct OversizedAnswerTests {
    @Test("answers of 0 and 1 bytes have no status word: a protocol violation", arguments: ["", "90"])
    func noStatusWord(answer: String) {
        var transport = ISO7816Transport(ScriptChannel(answers: [answer]))
        let outcome = transport.send("00A4040C02 3F00")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("a response needs SW1 SW2") == true)
    }

    @Test("every prefix of an answer: under two bytes is refused, from two on it is passed on as data and SW")
    func everyPrefix() {
        let answer: [UInt8] = [0x30, 0x31, 0x32, 0x33, 0x90, 0x00]
        for cut in 0...answer.count {
            let prefix = Hex.encode(Array(answer.prefix(cut)))
            var transport = ISO7816Transport(ScriptChannel(answers: [prefix]))
            let outcome = transport.send("00A4040C02 3F00")  // case 3: no Le, so any data passes
            if cut < 2 {
                #expect(outcome.error?.kind == .protocolViolation, "prefix of \(cut) bytes")
            } else {
                #expect(outcome.answer == prefix, "prefix of \(cut) bytes")
            }
        }
    }

    @Test("more data than Le asked for is a protocol violation", arguments: [("00B0000004", 5), ("00B0000000", 257)])
    func longerThanRequested(command: String, dataCount: Int) {
        var transport = ISO7816Transport(ScriptChannel(answers: [filler(dataCount) + "9000"]))
        let outcome = transport.send(command)
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("with \(dataCount) data bytes; its Le asked for at most") == true)
    }

    @Test("exactly Le, or less, passes")
    func upToLePasses() {
        for count in [0, 3, 4] {
            var transport = ISO7816Transport(ScriptChannel(answers: [filler(count) + "9000"]))
            #expect(transport.send("00B0000004").error == nil, "\(count) bytes")
        }
    }

    @Test("a command without Le may be answered with data (T=1 cards return FCI to a SELECT anyway)")
    func dataWithoutLePasses() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6F0A8408A000000063504B43 9000"]))
        #expect(transport.send("00A4040008A000000063504B43").error == nil)
    }

    @Test("Le bounds each exchange: a GET RESPONSE piece longer than its Le is refused")
    func pieceBoundByItsLe() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6104", "0102030405 9000"]))
        let outcome = transport.send("00B0000000")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("GET RESPONSE 1 with 5 data bytes; its Le asked for at most 4") == true)
    }

    @Test("Le does not bound the gathered answer: 61XX after Le bytes is how a card says more is waiting")
    func chainMayExceedFirstLe() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["0102030405 6102", "0607 9000"]))
        let outcome = transport.send("00B0000005")
        #expect(outcome.error == nil)
        #expect(outcome.answer == "010203040506079000")
    }

    @Test("one answer with more than 65,536 data bytes is a protocol violation")
    func singleAnswerTooLong() {
        let count = APDUBuffer.extendedCapacity - 2  // as much as a PC/SC receive buffer holds
        var transport = ISO7816Transport(
            ScriptChannel { _, _ in [UInt8](repeating: 0x5A, count: count) + [0x90, 0x00] })
        let outcome = transport.send("00A4040C02 3F00")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("more than the 65536 an APDU can carry") == true)
    }

    @Test("a chain gathering more than 65,536 data bytes stops as soon as it passes the limit")
    func chainTooLong() {
        let head = [UInt8](repeating: 0x5A, count: 65_400)
        let piece = [UInt8](repeating: 0xA5, count: 256)
        var transport = ISO7816Transport(
            ScriptChannel { _, index in index == 0 ? head + [0x61, 0x00] : piece + [0x61, 0x00] })
        let outcome = transport.send("00A4040C02 3F00")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("more than the 65536 an APDU can carry") == true)
        #expect(transport.channel.sent.count == 2)
    }

    @Test("GET RESPONSE data that overflows the caller's buffer is a protocol violation, not a trap")
    func chainOverflowsBuffer() {
        var transport = ISO7816Transport(ScriptChannel(answers: [filler(200) + "6100", filler(256) + "9000"]))
        let outcome = transport.send("00A4040C02 3F00", responseCapacity: 300)
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("GET RESPONSE data overflow") == true)
    }

    @Test("an answer longer than the receive buffer is the channel's error, passed on unchanged")
    func answerLongerThanBuffer() {
        var transport = ISO7816Transport(ScriptChannel(answers: [filler(400) + "9000"]))
        let outcome = transport.send("00A4040C02 3F00", responseCapacity: 300)
        #expect(outcome.error?.code == "SCARD_E_INSUFFICIENT_BUFFER")
    }

    @Test("totals add up over commands")
    func totalsAccumulate() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6C02", "0102 9000", "6101", "03 9000", "9000"]))
        _ = transport.send("80CA000100")
        _ = transport.send("00B0000000")
        _ = transport.send("00A4040C02 3F00")
        #expect(
            transport.totals.roundTrips == 5 && transport.totals.getResponses == 1
                && transport.totals.wrongLengthResends == 1)
    }
}
