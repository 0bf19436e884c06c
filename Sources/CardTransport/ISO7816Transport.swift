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
public struct ISO7816Transport<Channel: CardChannel & ~Copyable>: ~Copyable {
    /// The channel the rules run over.
    public var channel: Channel
    /// Totals since the transport was made.
    public private(set) var totals = ExchangeCounts()
    /// How many GET RESPONSE in a row are allowed before the card is deemed broken.
    public var maximumGetResponses: Int = 512

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
    @discardableResult
    public mutating func transmit(
        _ command: Span<UInt8>, into response: inout APDUBuffer
    ) throws(TransportError) -> ExchangeCounts {
        var counts = ExchangeCounts()
        defer { totals += counts }
        try channel.transmitRaw(command, into: &response)
        counts.roundTrips += 1
        var sw = try statusWord(of: response)

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
            sw = try statusWord(of: response)
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
                        "the card kept answering 61XX after \(maximumGetResponses) GET RESPONSE commands")
                }
                do {
                    try followUp.encode(APDUHeader(cla: cla, ins: 0xC0, p1: 0, p2: 0), expectedLength: available)
                } catch {
                    throw TransportError(.protocolViolation, "cannot encode GET RESPONSE: \(error)")
                }
                try Self.send(followUp, on: &channel, into: &part)
                counts.roundTrips += 1
                counts.getResponses += 1
                sw = try statusWord(of: part)
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

    private func statusWord(of buffer: borrowing APDUBuffer) throws(TransportError) -> StatusWord {
        let count = buffer.count
        guard count >= 2 else {
            throw TransportError(
                .protocolViolation, "the card answered \(count) byte\(count == 1 ? "" : "s"); a response needs SW1 SW2")
        }
        let span = buffer.span
        return StatusWord(sw1: span[count - 2], sw2: span[count - 1])
    }
}
