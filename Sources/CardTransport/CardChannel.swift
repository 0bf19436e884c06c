import APDU

/// One card behind one reader, as every card source in ReaderBench presents it: a real reader
/// through PC/SC, the simulated card in-process, or a replayed trace.
///
/// A channel moves raw APDUs and nothing more; the ISO/IEC 7816 transport rules (`61XX`,
/// `6CXX`) live once, in ``ISO7816Transport``, so every source follows them the same way and
/// counts the extra round trips the same way.
public protocol CardChannel: ~Copyable {
    /// The card's answer to reset, as last seen (after connect or the last reconnect).
    var atr: [UInt8] { get }

    /// Sends `command` exactly as given and receives the raw response (data and SW1 SW2) into
    /// `response`, replacing its contents.
    mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError)

    /// Resets the card: warm (`.reset`) keeps power, cold (`.unpower`) powers it off first, so the
    /// next command pays power-up and ATR as on a freshly presented card.
    mutating func reconnect(_ action: PowerAction) throws(TransportError)
}

/// A channel that can also open and close its connection, so an iteration of the read path can
/// include the application's own connect and disconnect, as the マイナ資格確認アプリ does per check.
///
/// Cold iterations end with `disconnect(.unpower)`, so the next `connect()` pays power-up and
/// ATR; warm iterations end with `disconnect(.leave)` and find the card still powered.
public protocol CardConnection: CardChannel, ~Copyable {
    /// Whether a connection is open.
    var isConnected: Bool { get }

    /// Opens the connection (a no-op when one is open).
    mutating func connect() throws(TransportError)

    /// Closes it, doing `action` to the card's power.
    mutating func disconnect(_ action: PowerAction) throws(TransportError)
}

/// What happens to the card's power when a channel reconnects or disconnects.
public enum PowerAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Keep the card powered and its state as it is (`SCARD_LEAVE_CARD`).
    case leave
    /// Warm reset: power stays, the card restarts (`SCARD_RESET_CARD`).
    case reset
    /// Cold reset: power off, then on (`SCARD_UNPOWER_CARD`).
    case unpower
}
