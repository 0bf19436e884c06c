import APDU
import CardTransport
import HexCoding
import Testing

@Suite("61XX: the answer is gathered with GET RESPONSE")
struct GetResponseTests {
    @Test("data in pieces comes back as one answer with the last status word, one GET RESPONSE per 61XX")
    func gathersPieces() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["0102 6104", "03040506 6102", "0708 9000"]))
        let outcome = transport.send("80CA000200")
        #expect(outcome.error == nil)
        #expect(outcome.answer == "01020304050607089000")
        #expect(transport.channel.sentHex == ["80CA000200", "00C0000004", "00C0000002"])
        #expect(
            outcome.counts.roundTrips == 3 && outcome.counts.getResponses == 2 && outcome.counts.wrongLengthResends == 0
        )
    }

    @Test("61 00 asks for 256 bytes (Le 00)")
    func sixtyOneZeroMeans256() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6100", filler(256) + "9000"]))
        let outcome = transport.send("00B0000000")
        #expect(outcome.error == nil)
        #expect(outcome.answer == filler(256) + "9000")
        #expect(transport.channel.sentHex == ["00B0000000", "00C0000000"])
    }

    @Test(
        "GET RESPONSE keeps the logical-channel bits of an interindustry CLA and uses 00 for a proprietary one",
        arguments: [("00", "00"), ("01", "01"), ("03", "03"), ("0C", "00"), ("80", "00"), ("E3", "00")])
    func getResponseClass(cla: String, expected: String) {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6102", "0102 9000"]))
        let outcome = transport.send(cla + "CA000000")
        #expect(outcome.error == nil)
        #expect(transport.channel.sentHex.last == expected + "C0000002")
    }

    @Test("a status word other than 9000 after the chain is handed back with the data gathered")
    func finalWarningKept() {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6102", "0102 6282"]))
        let outcome = transport.send("00B0000000")
        #expect(outcome.answer == "01026282")
    }

    @Test("an endless 61XX chain stops after maximumGetResponses GET RESPONSE with a protocol violation")
    func endlessChainIsCapped() {
        var transport = ISO7816Transport(ScriptChannel { _, _ in [0xAB, 0x61, 0x01] })
        transport.maximumGetResponses = 5
        let outcome = transport.send("00B0000000")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("kept answering 61XX after 5 GET RESPONSE") == true)
        #expect(transport.channel.sent.count == 1 + 5)
        #expect(transport.totals.getResponses == 5)
    }

    @Test("the default cap, 512 GET RESPONSE, holds every honest chain: 65,536 bytes in 256 pieces of 256")
    func defaultCapFitsLargestAnswer() {
        #expect(ISO7816Transport<ScriptChannel>.defaultMaximumGetResponses == 512)
        let piece = [UInt8](repeating: 0x5A, count: 256)
        var transport = ISO7816Transport(
            ScriptChannel { _, index in
                index == 0 ? [0x61, 0x00] : piece + (index < 256 ? [0x61, 0x00] : [0x90, 0x00])
            })
        var response = APDUBuffer()
        let command: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]  // extended Le 65536
        let counts = try? transport.transmit(command.span, into: &response)
        #expect(counts?.getResponses == 256)
        #expect(response.count == 65_538)
    }

    @Test("the default cap ends an endless chain of empty pieces after 512 GET RESPONSE")
    func defaultCapEndsEndlessChain() {
        var transport = ISO7816Transport(ScriptChannel { _, _ in [0x61, 0x10] })
        let outcome = transport.send("00B0000000")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(transport.channel.sent.count == 1 + 512)
    }

    @Test("a GET RESPONSE answered with fewer than two bytes is a protocol violation", arguments: ["", "90"])
    func shortPieceRefused(piece: String) {
        var transport = ISO7816Transport(ScriptChannel(answers: ["6104", piece]))
        let outcome = transport.send("00B0000000")
        #expect(outcome.error?.kind == .protocolViolation)
        #expect(outcome.error?.message.contains("GET RESPONSE 1") == true)
    }

    @Test("every prefix of the last piece: under two bytes is refused, two or more end the chain with its SW")
    func everyPrefixOfLastPiece() {
        let piece: [UInt8] = [0x31, 0x32, 0x33, 0x34, 0x90, 0x00]
        for cut in 0...piece.count {
            let prefix = Array(piece.prefix(cut))
            var transport = ISO7816Transport(ScriptChannel(answers: ["3031 6104", Hex.encode(prefix)]))
            let outcome = transport.send("00B0000000")
            if cut < 2 {
                #expect(outcome.error?.kind == .protocolViolation, "prefix of \(cut) bytes")
            } else {
                #expect(outcome.error == nil, "prefix of \(cut) bytes")
                #expect(outcome.answer == "3031" + Hex.encode(prefix), "prefix of \(cut) bytes")
            }
        }
    }
}
