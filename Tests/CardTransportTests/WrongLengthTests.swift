import APDU
import CardTransport
import HexCoding
import Testing

@Suite("6CXX: the command is sent again with the exact length, once")
struct WrongLengthTests {
    @Test(
        "the resend is the same command with Le = XX",
        arguments: [
            ("80CA000100", "6C04", "80CA000104"),  // case 2 short
            ("00B0001000", "6C00", "00B0001000"),  // 6C00 means 256: the resend is the same command
            ("802A00800301020300", "6C10", "802A00800301020310"),  // case 4 short
        ])
    func resendHasExactLe(command: String, answer: String, resend: String) {
        var transport = ISO7816Transport(ScriptChannel(answers: [answer, "9000"]))
        let outcome = transport.send(command)
        #expect(outcome.error == nil)
        #expect(transport.channel.sentHex == [command, resend])
        #expect(outcome.counts.roundTrips == 2 && outcome.counts.wrongLengthResends == 1)
    }

    @Test("the data of the resend is the card's answer to it")
    func resendAnswerReturned() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6C04", "DEADBEEF 9000"]))
        let outcome = transport.send("80CA000100")
        #expect(outcome.answer == "DEADBEEF9000")
    }

    @Test("a second 6CXX after the resend is a protocol violation: one resend per command")
    func secondWrongLengthRefused() {
        var transport = ISO7816Transport(ScriptChannel { _, index in [0x6C, UInt8(0x10 + index)] })
        let outcome = transport.send("80CA000100")
        #expect(ISO7816Transport<ScriptChannel>.maximumWrongLengthResends == 1)
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("again after the resend with Le 16") == true)
        #expect(transport.channel.sent.count == 2)
    }

    @Test("6CXX then 61XX: the resend, then GET RESPONSE")
    func resendThenChain() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6C05", "1122334455 6103", "667788 9000"]))
        let outcome = transport.send("80CA000300")
        #expect(outcome.answer == "11223344556677889000")
        #expect(transport.channel.sentHex == ["80CA000300", "80CA000305", "00C0000003"])
        #expect(
            outcome.counts.roundTrips == 3 && outcome.counts.wrongLengthResends == 1 && outcome.counts.getResponses == 1
        )
    }

    @Test(
        "6CXX to bytes that are not a command cannot be resent: a protocol violation",
        arguments: ["00B0", "00B00000 05 0102"])
    func malformedCommandRefused(command: String) {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6C04"]))
        let outcome = transport.send(command)
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(transport.channel.sent.count == 1)
    }

    @Test("after the resend, the answer must fit the Le it asked for")
    func resendAnswerBoundByNewLe() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6C02", "010203 9000"]))
        let outcome = transport.send("80CA000100")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("asked for at most 2") == true)
    }
}
