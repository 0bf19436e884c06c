import APDU
import CardIdentity
import CardTransport

/// One reader as a ``CardConnection``: it owns its PC/SC context and connects and disconnects
/// the card on demand (`SCardConnect`, `SCardDisconnect`), so the read path can time those too.
///
/// Like every PC/SC context, use it from one thread.
public struct PCSCReaderChannel: ~Copyable {
    private let context: PCSCContext
    public let readerName: String
    public let share: ShareMode
    private var card: PCSCCard?

    /// Makes the context; connects only when asked.
    public init(readerName: String, share: ShareMode = .shared) throws(PCSCError) {
        context = try PCSCContext()
        self.readerName = readerName
        self.share = share
    }

    /// What the reader says about itself (connects directly if no card connection is open).
    public mutating func readerIdentity() throws(PCSCError) -> ReaderIdentity {
        // Take the connection out and put it back: borrowing through an Optional of a
        // noncopyable type crashes Swift 6.3.1's release builds.
        guard let open = card.take() else {
            let direct = try context.connectDirect(reader: readerName)
            return try direct.readerIdentity()
        }
        let result = Result { () throws(PCSCError) -> ReaderIdentity in try open.readerIdentity() }
        card = consume open
        return try result.get()
    }
}

extension PCSCReaderChannel: CardConnection {
    public var isConnected: Bool { card != nil }

    /// The card's ATR, asked of the reader now (`SCardStatus`); empty without a connection. Not
    /// part of ``connect()``, which the read path times as exactly `SCardConnect`.
    public var atr: [UInt8] {
        switch card {
        case .some(let open): open.atr
        case .none: []
        }
    }

    /// Exactly `SCardConnect`: no status query, no allocation.
    public mutating func connect() throws(TransportError) {
        if card != nil { return }
        do {
            card = try context.connect(reader: readerName, share: share)
        } catch {
            throw error.transportError
        }
    }

    public mutating func disconnect(_ action: PowerAction) throws(TransportError) {
        guard let open = card.take() else { return }
        do { try open.disconnect(Disposition(action)) } catch { throw error.transportError }
    }

    public mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        switch card {
        case .some(let open):
            do { try open.transmit(command, into: &response) } catch { throw error.transportError }
        case .none:
            throw TransportError(.other, "transmit on \(readerName) without a connection")
        }
    }

    public mutating func reconnect(_ action: PowerAction) throws(TransportError) {
        guard var open = card.take() else {
            throw TransportError(.other, "reconnect on \(readerName) without a connection")
        }
        var failure: PCSCError?
        do { try open.reconnect(initialization: Disposition(action)) } catch { failure = error }
        card = consume open
        if let failure { throw failure.transportError }
    }
}
