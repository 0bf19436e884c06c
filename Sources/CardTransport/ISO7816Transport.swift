import APDU

/// Extra round trips the transport made for one command, so instrumentation can show them.
public struct ExchangeCounts: Sendable, Hashable, Codable {
    /// Raw commands sent on the channel (1 when the card answered at once).
    public var roundTrips: Int = 0
    /// GET RESPONSE commands sent after `61XX`.
    public var getResponses: Int = 0
    /// Commands sent again with the Le a `6CXX` asked for.
    public var wrongLengthResends: Int = 0

    public init() {}

    public static func += (lhs: inout ExchangeCounts, rhs: ExchangeCounts) {
        lhs.roundTrips += rhs.roundTrips
        lhs.getResponses += rhs.getResponses
        lhs.wrongLengthResends += rhs.wrongLengthResends
    }
}

/// The ISO/IEC 7816-3/-4 transport rules over any ``CardChannel``, in one place:
/// - `61XX`: XX more bytes wait; send GET RESPONSE (`00 C0 00 00 XX`) until the card stops
///   saying `61XX`, and hand back all data gathered with the last status word;
/// - `6CXX`: the Le was wrong; send the same command again, once, with Le = XX.
///
/// Real My Number Cards speak T=1 and have not been seen to use either; readers and T=0 cards do,
/// and the simulator produces both on demand as faults.
///
/// A card is hostile input: every loop here is capped and every answer is checked before it is
/// used, so no card can hang the harness, grow its memory or slip a malformed answer past it.
/// Each of these ends the exchange with ``TransportError/Kind/protocolViolation`` and a message
/// that names the rule:
///
/// | the card… | cap or rule |
/// |---|---|
/// | answers fewer than 2 bytes (no SW1 SW2), at any step | a response needs SW1 SW2 |
/// | keeps answering `61XX` | ``maximumGetResponses`` GET RESPONSE per command (default 512) |
/// | answers `6CXX` again after the resend | ``maximumWrongLengthResends``: one resend per command |
/// | gathers more than 65,536 data bytes | ``maximumDataCount``: the most an APDU can carry |
/// | returns more data than Le asked for | Nr ≤ Ne for each exchange (ISO/IEC 7816-4 §5.1) |
///
/// The Le rule applies only to commands that carry an Le (cases 2 and 4): many T=1 cards answer
/// a SELECT without Le with its FCI anyway, and that is harmless.
public struct ISO7816Transport<Channel: CardChannel & ~Copyable>: ~Copyable {
    /// The GET RESPONSE cap a transport starts with: twice the 256 GET RESPONSE that the largest
    /// answer (65,536 bytes) needs in 256-byte pieces, so every honest chain fits and an endless
    /// one ends after about 512 round trips (about 10 ms through pcscd and vpcd).
    public static var defaultMaximumGetResponses: Int { 512 }
    /// Resends after `6CXX`: one. The card names the exact length, so a card that asks again for
    /// another one would ask forever.
    public static var maximumWrongLengthResends: Int { 1 }
    /// The most data one answer may carry, all GET RESPONSE pieces together: 65,536 bytes (an
    /// extended Le of `00 00`), i.e. 65,538 bytes with SW1 SW2.
    public static var maximumDataCount: Int { 65_536 }

    /// The channel the rules run over.
    public var channel: Channel
    /// Totals since the transport was made.
    public private(set) var totals = ExchangeCounts()
    /// How many GET RESPONSE in a row are allowed before the card is deemed broken.
    public var maximumGetResponses: Int = Self.defaultMaximumGetResponses

    private var followUp: APDUBuffer
    private var part: APDUBuffer

    public init(_ channel: consuming Channel) {
        self.channel = channel
        followUp = APDUBuffer()
        part = APDUBuffer()
    }

    /// Consumes the transport and hands back its channel (e.g. to disconnect it).
    public consuming func takeChannel() -> Channel {
        return channel
    }

    /// Sends `command` and follows the transport rules; `response` receives the complete answer
    /// (all data, then the final SW1 SW2). Returns the round trips it took.
    ///
    /// - Throws: the channel's errors as they are, and ``TransportError/Kind/protocolViolation``
    ///   for an answer that breaks one of the rules in the type's documentation.
    @discardableResult
    public mutating func transmit(
        _ command: Span<UInt8>, into response: inout APDUBuffer
    ) throws(TransportError) -> ExchangeCounts {
        var counts = ExchangeCounts()
        defer { totals += counts }
        // Ne of the command as sent; nil when it carries no Le (or is not a well-formed APDU,
        // which `ping --apdu` may send on purpose).
        let expected = (try? CommandView(command))?.expectedLength
        try channel.transmitRaw(command, into: &response)
        counts.roundTrips += 1
        var sw = try Self.statusWord(of: response, step: "the command")
        try Self.checkSize(response.count)
        try Self.checkLength(of: response, expected: expected, step: "the command")

        if let exactLe = sw.exactExpectedLength {
            let parsed: CommandView
            do { parsed = try CommandView(command) } catch {
                throw TransportError(.protocolViolation, "the card answered \(sw) to a command that cannot be re-encoded: \(error)")
            }
            do {
                try followUp.encode(parsed.header, data: parsed.data, expectedLength: exactLe, form: .automatic)
            } catch {
                throw TransportError(.protocolViolation, "cannot resend with Le \(exactLe): \(error)")
            }
            try Self.send(followUp, on: &channel, into: &response)
            counts.roundTrips += 1
            counts.wrongLengthResends += 1
            sw = try Self.statusWord(of: response, step: "the resend with Le \(exactLe)")
            try Self.checkSize(response.count)
            try Self.checkLength(of: response, expected: exactLe, step: "the resend")
            if sw.exactExpectedLength != nil {
                throw TransportError(
                    .protocolViolation,
                    "the card answered \(sw) again after the resend with Le \(exactLe): it asks for another length "
                        + "every time (at most \(Self.maximumWrongLengthResends) resend per command)")
            }
        }

        if sw.bytesAvailable != nil {
            let commandClass: UInt8 = command.count > 0 ? command[0] : 0
            // GET RESPONSE is interindustry: keep only the logical-channel bits of the class.
            let cla: UInt8 = commandClass & 0xE0 == 0 ? commandClass & 0x03 : 0x00
            response.removeLast(2)
            while let available = sw.bytesAvailable {
                if counts.getResponses >= maximumGetResponses {
                    throw TransportError(
                        .protocolViolation,
                        "the card kept answering 61XX after \(maximumGetResponses) GET RESPONSE commands "
                            + "(\(response.count) data bytes gathered)")
                }
                do {
                    try followUp.encode(APDUHeader(cla: cla, ins: 0xC0, p1: 0, p2: 0), expectedLength: available)
                } catch {
                    throw TransportError(.protocolViolation, "cannot encode GET RESPONSE: \(error)")
                }
                try Self.send(followUp, on: &channel, into: &part)
                counts.roundTrips += 1
                counts.getResponses += 1
                sw = try Self.statusWord(of: part, step: "GET RESPONSE \(counts.getResponses)")
                try Self.checkSize(response.count + part.count)
                try Self.checkLength(of: part, expected: available, step: "GET RESPONSE \(counts.getResponses)")
                do { try response.append(part.span) } catch {
                    throw TransportError(.protocolViolation, "GET RESPONSE data overflow: \(error)")
                }
                if sw.bytesAvailable != nil { response.removeLast(2) }
            }
        }
        return counts
    }

    private static func send(
        _ command: borrowing APDUBuffer, on channel: inout Channel, into response: inout APDUBuffer
    ) throws(TransportError) {
        try channel.transmitRaw(command.span, into: &response)
    }

    /// SW1 SW2 of an answer that must have them; `step` names the exchange in the error (an
    /// autoclosure, so the measured path builds no string).
    private static func statusWord(
        of buffer: borrowing APDUBuffer, step: @autoclosure () -> String
    ) throws(TransportError) -> StatusWord {
        let count = buffer.count
        guard count >= 2 else {
            throw TransportError(
                .protocolViolation,
                "the card answered \(step()) with \(count) byte\(count == 1 ? "" : "s"); a response needs SW1 SW2")
        }
        let span = buffer.span
        return StatusWord(sw1: span[count - 2], sw2: span[count - 1])
    }

    /// Rejects an answer with more data than the Le of the command it answers (Nr ≤ Ne): the
    /// command, the resend with the Le a `6CXX` named, or one GET RESPONSE. More data may follow
    /// through `61XX`, which is how a card says Le was not enough.
    private static func checkLength(
        of buffer: borrowing APDUBuffer, expected: Int?, step: @autoclosure () -> String
    ) throws(TransportError) {
        guard let expected, buffer.count - 2 > expected else { return }
        throw TransportError(
            .protocolViolation,
            "the card answered \(step()) with \(buffer.count - 2) data bytes; its Le asked for at most \(expected)")
    }

    /// Rejects an answer (data and SW1 SW2) longer than any APDU can be.
    private static func checkSize(_ count: Int) throws(TransportError) {
        guard count - 2 <= maximumDataCount else {
            throw TransportError(
                .protocolViolation,
                "the card's answer has \(count - 2) data bytes, more than the \(maximumDataCount) an APDU can carry "
                    + "(\(maximumDataCount + 2) bytes with SW1 SW2)")
        }
    }
}
