import APDU
import CardTransport

/// `ISO7816Transport` against a card whose every answer the fuzzer writes: the GET RESPONSE and
/// resend rules, their caps and the answer checks must hold whatever the card says.
///
/// Input: a command (length byte, then bytes), a GET RESPONSE cap (byte % 8; 0 keeps the
/// default), then a script of answers, each `kind, n1, n2, sw1, sw2`: `kind` picks the data length (n1 n2 as a number, or one of the sizes at the limits) so a
/// short input can describe a 65,546-byte answer. After the script the card answers `90 00`.
enum TransportTarget {
    static let target = FuzzTarget(
        name: "iso7816-transport",
        summary: "the ISO 7816 transport over a scripted hostile card: never traps; GET RESPONSE is sent as 61XX "
            + "asks and at most maximumGetResponses times, 6CXX resent once with the same header and data; a "
            + "returned answer has SW1 SW2, at most 65,536 data bytes and at most each exchange's Le"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "iso7816-transport")
        var input = FuzzInput(bytes)
        let command = input.take(Int(input.byte()))
        let limit = Int(input.byte() % 8)  // 1…7: a small GET RESPONSE cap; 0: the default
        var script: [ScriptedCard.Answer] = []
        while !input.isAtEnd && script.count < 1_100 {
            let kind = input.byte()
            let number = input.uint16()
            let sw = (input.byte(), input.byte())
            let count: Int
            switch kind % 8 {
            case 0: count = 0
            case 1: count = number % 300
            case 2: count = number
            case 3: count = [0, 1, 255, 256, 257][number % 5]
            case 4: count = 65_536 + number % 11  // up to the PC/SC buffer's capacity
            case 5: count = -1 - number % 2  // fewer than two bytes: SW1 alone, or nothing
            default: count = number % 17
            }
            script.append(ScriptedCard.Answer(dataCount: count, sw: sw))
        }
        var transport = ISO7816Transport(ScriptedCard(script: script))
        if limit > 0 { transport.maximumGetResponses = limit }
        let cap = transport.maximumGetResponses
        var response = APDUBuffer()
        var counts: ExchangeCounts?
        do throws(TransportError) { counts = try transport.transmit(command.span, into: &response) } catch {
            try check.expect(
                error.kind == .protocolViolation || error.kind == .other, "unexpected error kind: \(error)")
        }
        let sent = transport.channel.sent
        let totals = transport.totals
        try check.expect(totals.getResponses <= cap && totals.wrongLengthResends <= 1, "caps exceeded: \(totals)")
        try check.expect(
            sent.count == totals.roundTrips || counts == nil, "\(sent.count) sent, \(totals.roundTrips) counted")
        try check.expect(sent.count <= 2 + cap, "\(sent.count) commands sent")
        try check.expect(sent.first == command, "the first command sent is not the command")

        // Every follow-up is what the previous answer asked for.
        for index in 1..<max(1, sent.count) {
            let sw = transport.channel.statusWords[index - 1]
            let followUp = sent[index]
            if let le = sw.bytesAvailable {
                try check.expect(
                    followUp.count == 5 && followUp[1] == 0xC0 && followUp[2] == 0 && followUp[3] == 0
                        && (followUp[4] == 0 ? 256 : Int(followUp[4])) == le,
                    "after \(sw) the transport sent \(followUp)")
            } else if let le = sw.exactExpectedLength {
                guard let original = try? CommandView(command.span), let resend = try? CommandView(followUp.span) else {
                    throw check.violation("a resend of a command that does not parse")
                }
                try check.expect(
                    index == 1 && resend.header == original.header && array(resend.data) == array(original.data)
                        && resend.expectedLength == le,
                    "after \(sw) the transport sent \(followUp)")
            } else {
                throw check.violation("the transport sent \(followUp) after \(sw)")
            }
        }

        guard counts != nil else { return }
        try check.expect(response.count >= 2, "an answer without SW1 SW2 was returned")
        try check.expect(
            response.count - 2 <= ISO7816Transport<ScriptedCard>.maximumDataCount, "\(response.count) bytes returned")
        let final = response.span
        let sw = StatusWord(sw1: final[final.count - 2], sw2: final[final.count - 1])
        try check.expect(sw.bytesAvailable == nil, "returned with \(sw) still pending")
        try check.expect(
            sw.exactExpectedLength == nil || totals.getResponses > 0, "returned \(sw) without following it")
    }

    /// A channel that answers from the script and records what it was sent. Answers are made when
    /// sent, so a long script of long answers costs nothing until the transport asks. Answers longer
    /// than the receive buffer fail as PC/SC does (insufficient buffer).
    struct ScriptedCard: CardChannel {
        /// `dataCount` filler bytes then SW1 SW2; -1 for SW1 alone, -2 for nothing.
        struct Answer {
            var dataCount: Int
            var sw: (UInt8, UInt8)

            var bytes: [UInt8] {
                switch dataCount {
                case -1: [sw.0]
                case ..<(-1): []
                default: [UInt8](repeating: 0xA5, count: dataCount) + [sw.0, sw.1]
                }
            }
        }

        let script: [Answer]
        var atr: [UInt8] { [0x3B, 0x00] }
        private(set) var sent: [[UInt8]] = []
        /// The status word of each answer given (00 00 for one too short to have one).
        private(set) var statusWords: [StatusWord] = []

        init(script: [Answer]) { self.script = script }

        mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
            sent.append(array(command))
            let answer = sent.count <= script.count ? script[sent.count - 1] : Answer(dataCount: 0, sw: (0x90, 0x00))
            statusWords.append(
                answer.dataCount >= 0 ? StatusWord(sw1: answer.sw.0, sw2: answer.sw.1) : StatusWord(rawValue: 0))
            let bytes = answer.bytes
            guard bytes.count <= response.capacity else {
                response.removeAll()
                throw TransportError(.other, "the answer does not fit", code: "SCARD_E_INSUFFICIENT_BUFFER")
            }
            response.fill { raw in
                bytes.withUnsafeBytes { raw.copyMemory(from: $0) }
                return bytes.count
            }
        }

        mutating func reconnect(_ action: PowerAction) throws(TransportError) {}
    }
}
