import APDU
import CardTransport
import HexCoding

/// A channel whose card is a function from command to answer, recording every command it is
/// sent: the transport's rules are about the sequence of raw exchanges, so the tests assert it.
///
/// An answer longer than the receive buffer fails as PC/SC does (`SCARD_E_INSUFFICIENT_BUFFER`),
/// never by writing past it.
struct ScriptChannel: CardChannel {
    var atr: [UInt8] = [0x3B, 0x80, 0x80, 0x01, 0x01]
    /// Every raw command sent, in order.
    private(set) var sent: [[UInt8]] = []
    let card: (_ command: [UInt8], _ index: Int) -> [UInt8]

    init(card: @escaping (_ command: [UInt8], _ index: Int) -> [UInt8]) {
        self.card = card
    }

    /// A card that answers command k with `answers[k]` (hex), and `6F00` after the script ends.
    init(answers: [String]) {
        let script = answers.map { try! Hex.decode($0) }
        self.init { _, index in index < script.count ? script[index] : [0x6F, 0x00] }
    }

    /// Sent commands as upper-case hex.
    var sentHex: [String] { sent.map { Hex.encode($0) } }

    mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        var bytes: [UInt8] = []
        for index in command.indices { bytes.append(command[index]) }
        sent.append(bytes)
        let answer = card(bytes, sent.count - 1)
        guard answer.count <= response.capacity else {
            response.removeAll()
            throw TransportError(.other, "the answer does not fit", code: "SCARD_E_INSUFFICIENT_BUFFER")
        }
        response.fill { raw in
            answer.withUnsafeBytes { raw.copyMemory(from: $0) }
            return answer.count
        }
    }

    mutating func reconnect(_ action: PowerAction) throws(TransportError) {}
}

/// The result of one transmit: the whole answer in hex and the counts, or the error.
struct Outcome {
    var answer: String = ""
    var counts = ExchangeCounts()
    var error: TransportError?
}

extension ISO7816Transport where Channel == ScriptChannel {
    /// Sends `hex` and returns what came back.
    mutating func send(_ hex: String, responseCapacity: Int = APDUBuffer.extendedCapacity) -> Outcome {
        let bytes = try! Hex.decode(hex)
        var response = APDUBuffer(capacity: responseCapacity)
        var outcome = Outcome()
        do {
            outcome.counts = try transmit(bytes.span, into: &response)
            outcome.answer = Hex.encode(response.copyBytes())
        } catch {
            outcome.error = error
        }
        return outcome
    }
}

/// `count` bytes of filler data, hex.
func filler(_ count: Int) -> String { String(repeating: "AB", count: count) }
