import CardTransport
import Measurement
import SimulatedCard
import VPCD

/// A simulated card served through vpcd on a background thread: behind its slot's virtual reader,
/// any PC/SC application sees it as a card in a real reader.
public final class SimulatedReader: Sendable {
    /// The vpcd slot (0 to the rig's reader count − 1).
    public let slot: Int
    private let thread: VPCDCardThread<LoggingCard<FaultyCard<MyNumberCard>>>

    /// Starts serving at once.
    ///
    /// - Parameters:
    ///   - reinsertAfterRemoval: after a fault removes the card, put it back after this long
    ///     (the `reset-after` fault needs this); nil leaves it out.
    public init(
        _ configuration: SimulatorConfiguration, slot: Int, host: String = "127.0.0.1",
        giveUpConnectingAfter: Duration? = .seconds(10), reinsertAfterRemoval: Duration? = nil,
        onEvent: (@Sendable (VPCDEvent) -> Void)? = nil, log: (@Sendable (String) -> Void)? = nil
    ) throws {
        self.slot = slot
        let delay = configuration.makeDelay()
        let deadline: VPCDReplyDeadline? = delay.map { delay in
            { command, response, receivedAt in receivedAt &+ delay(command, response) }
        }
        var server = VPCDServerConfiguration(endpoint: .slot(slot, host: host))
        server.giveUpConnectingAfter = giveUpConnectingAfter
        thread = try VPCDCardThread(
            card: LoggingCard(try configuration.makeCard(), log: log ?? { _ in }), configuration: server,
            onEvent: onEvent, replyDeadline: deadline,
            reinsertAfter: reinsertAfterRemoval)
    }

    /// The reader name the rig gives this slot (``VPCDEndpoint/readerName(slot:)``).
    public var readerName: String { VPCDEndpoint.readerName(slot: slot) }

    /// Stops serving and waits; returns the card as it ended (counters, PIN tries).
    @discardableResult
    public func stop() -> FaultyCard<MyNumberCard> {
        thread.stop()
        return thread.join().card.base
    }

    /// Waits until the thread ends by itself (the card left, or vpcd could not be reached).
    public func wait() -> Result<VPCDRunOutcome, VPCDError> { thread.join().outcome }
}

/// The simulated card without any reader: a ``CardChannel`` in this process.
///
/// Measures the harness and the card model only — never a reader.
public func makeInProcessChannel(
    _ configuration: SimulatorConfiguration, muteTimeout: Duration = .seconds(1)
) throws -> InProcessChannel<FaultyCard<MyNumberCard>> {
    InProcessChannel(card: try configuration.makeCard(), delay: configuration.makeDelay(), muteTimeout: muteTimeout)
}
