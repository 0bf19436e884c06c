import APDU
import CardTransport
import Measurement

/// A ``CardConnection`` that answers from a recorded trace: a reader in someone's office,
/// brought to CI.
///
/// Serving a response copies the recorded bytes from the trace's arena into the caller's
/// ``APDUBuffer``: no allocation per APDU, so with ``ReplayTiming/none`` what is measured is the
/// harness alone, and with ``ReplayTiming/recorded`` the reader's recorded time is reproduced
/// (``PreciseWait``) from the moment `transmitRaw` was entered.
///
/// Iterations: the runner calls ``beginIteration()`` before each iteration; replay moves to the
/// next recorded iteration (after the last, the first again) and exposes its
/// ``currentChallenge``, which the sign step must send so strict matching holds. A caller that
/// never calls it gets the next iteration whenever the current one runs out of exchanges.
/// `connect`, `disconnect` and `reconnect` consume the matching recorded event when it is next
/// (waiting its recorded time, if any, under recorded timing) and succeed when there is none.
public struct TraceReplayChannel: CardConnection {
    private var cursor: TraceCursor

    /// The recorded answer to reset.
    public let atr: [UInt8]
    public private(set) var isConnected = false
    /// The trace event that answered the last command.
    public private(set) var lastEventIndex: Int?
    /// Exchanges served so far.
    public private(set) var servedExchanges = 0

    /// - Throws: ``TraceError/Code/missingResponses`` for a trace without responses (a scriptor
    ///   script) unless `acceptMissingResponses`, in which case such exchanges fail when sent;
    ///   ``TraceError/Code/missingDurations`` when `timing` is not ``ReplayTiming/none`` and an
    ///   exchange has no recorded duration.
    public init(
        trace: Trace, matching: ReplayMatching = .strict, timing: ReplayTiming = .none,
        acceptMissingResponses: Bool = false
    ) throws(TraceError) {
        if trace.header.responsesMissing && !acceptMissingResponses {
            throw TraceError(
                .missingResponses,
                "the trace holds commands without responses (\(trace.header.note ?? "imported without responses")); it cannot be replayed"
            )
        }
        try TraceCursor.requireDurations(of: trace, for: timing)
        cursor = TraceCursor(trace: trace, matching: matching, timing: timing)
        atr = trace.header.atr
    }

    /// The trace being replayed.
    public var trace: Trace { cursor.trace }

    /// How many iterations the trace holds (a trace without iteration events counts as one).
    public var iterationCount: Int { cursor.segmentCount }

    // MARK: - Iterations

    /// Moves to the next recorded iteration (the first on the first call); after the last one
    /// the trace starts over. Call before the iteration's clock starts.
    public mutating func beginIteration() {
        cursor.beginIteration()
    }

    /// The sign step's challenge recorded for the current iteration.
    public var currentChallenge: [UInt8]? {
        cursor.segment >= 0 ? cursor.segmentChallenges[cursor.segment] : nil
    }

    /// The recorded mode (warm or cold) of the current iteration.
    public var currentIterationMode: TraceEvent.IterationMode? {
        cursor.currentIterationEvent.flatMap { cursor.trace.events[$0].mode }
    }

    /// The recorded number of the current iteration.
    public var currentIterationNumber: Int? {
        cursor.currentIterationEvent.map { Int(cursor.trace.events[$0].iterationNumber) }
    }

    // MARK: - CardConnection

    public mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        let entered: UInt64 = cursor.timing == .none ? 0 : MonotonicClock.now()
        let index = try cursor.match(command)
        lastEventIndex = index
        servedExchanges &+= 1
        let delay = cursor.delay(for: index)
        let event = cursor.trace.events[index]
        if event.result != 0 {
            response.removeAll()
            if delay > 0 { PreciseWait.until(entered &+ delay) }
            throw PCSCResult.transportError(for: event.result, "replay of event \(index)")
        }
        let range = cursor.responseRange(index)
        if range.isEmpty {
            response.removeAll()
            throw TransportError(
                .replayMismatch, "event \(index) of the trace holds no response (imported without responses)")
        }
        guard range.count <= response.capacity else {
            throw TransportError(
                .protocolViolation,
                "the recorded response of \(range.count) bytes does not fit a \(response.capacity)-byte buffer")
        }
        cursor.trace.arena.withUnsafeBytes { source in
            response.fill { destination in
                destination.baseAddress!.copyMemory(
                    from: source.baseAddress! + range.lowerBound, byteCount: range.count)
                return range.count
            }
        }
        if delay > 0 { PreciseWait.until(entered &+ delay) }
    }

    public mutating func connect() throws(TransportError) {
        try power(.connect)
        isConnected = true
    }

    public mutating func disconnect(_ action: PowerAction) throws(TransportError) {
        try power(.disconnect)
        isConnected = false
    }

    public mutating func reconnect(_ action: PowerAction) throws(TransportError) {
        try power(.reconnect)
    }

    private mutating func power(_ kind: TraceEvent.Kind) throws(TransportError) {
        let entered: UInt64 = cursor.timing == .none ? 0 : MonotonicClock.now()
        guard let index = cursor.consume(kind) else { return }
        let event = cursor.trace.events[index]
        if event.hasDuration {
            let delay = cursor.delay(for: index)
            if delay > 0 { PreciseWait.until(entered &+ delay) }
        }
    }
}
