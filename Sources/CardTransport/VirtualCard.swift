// MARK: - What a card does with a command

/// What the server does after a card has handled a C-APDU.
///
/// Faults are answers too: a real card can stay silent or leave the field mid-command, and the
/// PC/SC layer above must be tested against both.
public enum CardAction: Sendable, Hashable {
    /// Send what the card wrote into the response buffer.
    case respond
    /// Send nothing. vpcd 3.3 waits without a timeout for the answer, so the reader's transmit
    /// stays blocked until the card answers a later command, is removed, or the server stops.
    case mute
    /// Close the link without answering: vpcd ejects the card, the pending transmit fails and the
    /// reader reports the card absent from its next presence poll (within about 400 ms).
    case remove
    /// Send the response, then close the link: the command succeeds and the card is gone after.
    case respondThenRemove
}

// MARK: - The card protocol

/// A card the project serves through vpcd: the scripted test card, the simulated My Number Card and
/// trace replay all implement this.
///
/// The server owns the buffers: `respond(to:into:)` borrows the C-APDU straight out of the receive
/// buffer and writes the R-APDU straight into the send buffer (after the space reserved for the
/// frame header), so serving a command copies nothing. Timing (card-side delays) is not the card's
/// business: the server's `replyDeadline` hook decides when an answer leaves.
public protocol VirtualCard {
    /// The answer to reset, sent for every GET ATR (including vpcd's 400 ms presence poll).
    /// Must not be empty: vpcd treats an empty reply as the card leaving.
    var atr: [UInt8] { get }

    /// The reader powered the card up (a cold start).
    mutating func powerOn()

    /// The reader cut the power; volatile state (selected files, security status) is lost.
    mutating func powerOff()

    /// A warm reset: like power off and on, without the card leaving the field.
    mutating func reset()

    /// Handles one C-APDU.
    ///
    /// - Parameters:
    ///   - command: the C-APDU as vpcd sent it (2 to 65535 bytes; not validated).
    ///   - response: where to append the R-APDU, data then SW1 SW2. Its capacity is 65535 bytes; a
    ///     card must check `freeCapacity` rather than append past it (that traps). An empty response
    ///     with `.respond` cannot be framed for vpcd 3.3 (it would wedge the reader): the server
    ///     closes the link instead, which vpcd reports as an answer of no bytes, then reconnects.
    /// - Returns: whether to send the response, stay mute, or leave the field.
    mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction
}

extension VirtualCard {
    /// Cards without power state need not track it.
    public mutating func powerOn() {}
    /// Cards without power state need not track it.
    public mutating func powerOff() {}
    /// Cards without power state need not track it.
    public mutating func reset() {}
}
