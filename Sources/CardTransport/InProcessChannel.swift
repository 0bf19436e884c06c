import APDU
import Measurement

/// A ``VirtualCard`` used directly as a ``CardChannel``, without any reader in between.
///
/// For runs where the real PC/SC stack cannot be used (no root to start pcscd, pcscd owned by
/// the system), and for fast CPU-only tests. What it measures is the harness and the card
/// model, never a reader: results made with it must say so.
public struct InProcessChannel<Card: VirtualCard>: CardConnection {
    /// The card, for inspection after a run.
    public private(set) var card: Card
    /// Card-side nanoseconds for an exchange (a timing profile); nil adds none.
    public var delay: ((_ command: Span<UInt8>, _ response: Span<UInt8>) -> UInt64)?
    /// How long a mute card keeps the caller waiting before the exchange fails as a timeout.
    public var muteTimeout: Duration
    private var present = true

    public init(
        card: Card, delay: ((_ command: Span<UInt8>, _ response: Span<UInt8>) -> UInt64)? = nil,
        muteTimeout: Duration = .seconds(1)
    ) {
        self.card = card
        self.delay = delay
        self.muteTimeout = muteTimeout
        self.card.powerOn()
    }

    public var atr: [UInt8] { card.atr }

    public mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        guard present else { throw TransportError(.noCard, "the simulated card has left the reader") }
        guard isConnected else { throw TransportError(.other, "transmit without a connection") }
        let start = MonotonicClock.now()
        var action = CardAction.respond
        response.fill { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            var out = OutputSpan<UInt8>(buffer: buffer, initializedCount: 0)
            action = card.respond(to: command, into: &out)
            return out.finalize(for: buffer)
        }
        switch action {
        case .respond, .respondThenRemove:
            if let delay { PreciseWait.until(start &+ delay(command, response.span)) }
            if action == .respondThenRemove { present = false }
        case .mute:
            let (seconds, attoseconds) = muteTimeout.components
            PreciseWait.sleep(until: start &+ UInt64(seconds) * 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000))
            response.removeAll()
            throw TransportError(.timeout, "the card did not answer within \(muteTimeout)")
        case .remove:
            present = false
            response.removeAll()
            throw TransportError(.cardRemoved, "card removed during the command")
        }
    }

    /// Whether the simulated link is open (the card is always "in the reader").
    public private(set) var isConnected = true
    private var powered = true

    /// Powers the card up if the last disconnect powered it down: a cold start.
    public mutating func connect() throws(TransportError) {
        if !powered {
            card.powerOn()
            powered = true
        }
        isConnected = true
    }

    /// Closes the link; `.unpower` powers the card down, `.reset` resets it.
    public mutating func disconnect(_ action: PowerAction) throws(TransportError) {
        isConnected = false
        switch action {
        case .leave: break
        case .reset: card.reset()
        case .unpower:
            card.powerOff()
            powered = false
        }
    }

    /// Puts the card back (if it left) and resets it: `.unpower` is a power cycle, `.reset` a
    /// warm reset, `.leave` only re-inserts.
    public mutating func reconnect(_ action: PowerAction) throws(TransportError) {
        if !present {
            present = true
            card.powerOn()
        }
        switch action {
        case .leave: break
        case .reset: card.reset()
        case .unpower:
            card.powerOff()
            card.powerOn()
        }
    }
}
