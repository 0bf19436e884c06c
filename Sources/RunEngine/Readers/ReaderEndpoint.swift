import CardTransport
import Measurement
import Results
import RunModel

/// How a worker reaches its card, and what it does around each iteration: one per reader.
///
/// A struct of functions rather than a protocol, because the connection is noncopyable and an
/// associated type cannot be (yet). The factories in this folder make one per card source:
/// ``pcsc(name:card:)``, ``inProcess(configuration:reason:muteTimeout:)``,
/// ``trace(path:trace:matching:timing:)``, and ``recorded(to:scrubPersonal:toolVersion:)`` for
/// any of them.
///
/// Every function runs on the reader's worker thread (PC/SC contexts are per thread), and only
/// ``makeChannel`` and ``waitForCard`` may block for long. The hooks run outside the measured
/// exchanges: before the connect and after the disconnect of each iteration.
public struct ReaderEndpoint<Channel: CardConnection & SendableMetatype & ~Copyable>: Sendable {
    /// The reader's name (PC/SC lists it so), or what stands in for one.
    public var name: String

    /// Opens a connection on the calling thread. Called again when pcscd came back after it
    /// went away, so it makes everything it needs anew.
    public var makeChannel: @Sendable () throws(TransportError) -> Channel

    /// Who is measured: the reader's identity and ATR, and what answers in it. Runs once per
    /// reader, before the header is written, outside every clock.
    public var describe: @Sendable (inout Channel) -> (reader: ReaderInfo, card: CardInfo)

    /// Waits until the card is present (`true`) or absent, up to a timeout in nanoseconds,
    /// asking the stop function at least every 250 ms; returns the ``MonotonicClock`` time the
    /// state was seen, or nil (timeout, stop), and throws when the reader went away. Nil for
    /// sources whose card is always there (replays, the in-process card).
    public var waitForCard: (@Sendable (Bool, UInt64, inout Channel, () -> Bool) throws(TransportError) -> UInt64?)?

    /// The run's header is written; the record is this reader's in it.
    public var started: (@Sendable (ResultHeader, ReaderRecord) throws -> Void)?

    /// The challenge the next iteration signs, when the source dictates it (a replayed trace);
    /// nil lets the worker draw a fresh random one.
    public var nextChallenge: (@Sendable (inout Channel) -> [UInt8]?)?

    /// An iteration is about to start (its number, mode and challenge).
    public var willBegin: (@Sendable (inout Channel, Int, IterationMode, [UInt8]) -> Void)?

    /// The iteration ended and its samples are taken.
    public var didEnd: (@Sendable (inout Channel) throws -> Void)?

    /// The reader's part of the run is over (close recordings).
    public var finished: (@Sendable () throws -> Void)?

    /// An endpoint from its two essential functions; set the hooks as needed.
    public init(
        name: String, makeChannel: @escaping @Sendable () throws(TransportError) -> Channel,
        describe: @escaping @Sendable (inout Channel) -> (reader: ReaderInfo, card: CardInfo)
    ) {
        self.name = name
        self.makeChannel = makeChannel
        self.describe = describe
    }

    /// Whether a card can be waited for (a PC/SC reader).
    public var watchesCardPresence: Bool { waitForCard != nil }
}
