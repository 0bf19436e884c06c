import CardTransport
import Measurement
import Synchronization
import Traces
import VPCD

/// A recorded trace served through vpcd as a card: any PC/SC application sees the recorded
/// reader's answers, at the recorded timing.
///
/// Durations in a trace include the round trip of the stack that recorded them; served through
/// vpcd they pay this machine's round trip again. `compensationNanoseconds` (measure it with
/// `readerbench ping` against a simulated card with the `instant` profile) is taken off each
/// delay so the latency a client measures matches the recorded one.
public final class ReplayedReader: Sendable {
    public let slot: Int
    private let thread: VPCDCardThread<TimedTraceCard>

    public init(
        trace: Trace, matching: ReplayMatching, timing: ReplayTiming, slot: Int, compensationNanoseconds: UInt64 = 0,
        giveUpConnectingAfter: Duration? = .seconds(10), onEvent: (@Sendable (VPCDEvent) -> Void)? = nil
    ) throws {
        self.slot = slot
        let card = TimedTraceCard(try TraceCard(trace: trace, matching: matching, timing: timing))
        let lastDelay = card.lastDelay
        var server = VPCDServerConfiguration(endpoint: .slot(slot))
        server.giveUpConnectingAfter = giveUpConnectingAfter
        thread = try VPCDCardThread(
            card: card, configuration: server, onEvent: onEvent,
            replyDeadline: { _, _, receivedAt in
                let recorded = lastDelay.load()
                return receivedAt &+ (recorded > compensationNanoseconds ? recorded - compensationNanoseconds : 0)
            }, reinsertAfter: .milliseconds(500))
    }

    public var readerName: String { VPCDEndpoint.readerName(slot: slot) }

    /// Stops serving; returns how many commands matched nothing in the trace.
    @discardableResult
    public func stop() -> Int {
        thread.stop()
        return thread.join().card.base.mismatchCount
    }
}

/// A trace card that publishes each answer's recorded duration for the reply-deadline hook
/// (both run on the serving thread, one after the other).
public struct TimedTraceCard: VirtualCard, Sendable {
    public var base: TraceCard
    let lastDelay = AtomicBox()

    init(_ base: TraceCard) { self.base = base }

    public var atr: [UInt8] { base.atr }
    public mutating func powerOn() { base.powerOn() }
    public mutating func powerOff() { base.powerOff() }
    public mutating func reset() { base.reset() }

    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        let action = base.respond(to: command, into: &response)
        lastDelay.store(base.lastRecordedDurationNanoseconds)
        return action
    }
}

/// A shared UInt64 the card writes and the deadline hook reads.
final class AtomicBox: Sendable {
    private let value = Atomic<UInt64>(0)
    func store(_ new: UInt64) { value.store(new, ordering: .relaxed) }
    func load() -> UInt64 { value.load(ordering: .relaxed) }
}
