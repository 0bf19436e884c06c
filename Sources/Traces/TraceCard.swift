import APDU
import CardTransport

/// A trace served as a card through vpcd (`readerbench simulate --trace`): any PC/SC
/// application talks to it as to the recorded card, through the real pcscd.
///
/// It answers with the same matching as ``TraceReplayChannel``. It never waits itself: the vpcd
/// server owns the socket and its reply-deadline hook decides when an answer leaves, so after
/// each `respond` the card exposes ``lastRecordedDurationNanoseconds``, the duration of the
/// matched exchange under the timing mode, for that hook to add to the time the command arrived.
///
/// vpcd does not pass on the application's connects and disconnects, only power changes, so
/// the card moves between recorded iterations by itself: when the current one has no exchange
/// left, the next one begins.
public struct TraceCard: VirtualCard, Sendable {
    /// Served when the trace has no ATR (pcsc-spy logs do not show it): a minimal T=1 ATR
    /// (`3B 80 80 01 01`), because vpcd reads an empty ATR as the card leaving.
    public static let fallbackATR: [UInt8] = [0x3B, 0x80, 0x80, 0x01, 0x01]

    private var cursor: TraceCursor
    public let atr: [UInt8]
    /// How long the last answered exchange took when recorded (scaled or sampled as the timing
    /// mode says; 0 with ``ReplayTiming/none``).
    public private(set) var lastRecordedDurationNanoseconds: UInt64 = 0
    /// The last command that matched nothing, answered with `6F 00`.
    public private(set) var lastMismatch: TransportError?
    /// How many commands matched nothing.
    public private(set) var mismatchCount = 0

    /// - Throws: ``TraceError/Code/missingResponses`` for a trace without responses;
    ///   ``TraceError/Code/missingDurations`` when `timing` is not ``ReplayTiming/none`` and an
    ///   exchange has no recorded duration.
    public init(trace: Trace, matching: ReplayMatching = .strict, timing: ReplayTiming = .recorded) throws(TraceError) {
        if trace.header.responsesMissing {
            throw TraceError(
                .missingResponses, "the trace holds commands without responses; a card cannot answer from it")
        }
        try TraceCursor.requireDurations(of: trace, for: timing)
        cursor = TraceCursor(trace: trace, matching: matching, timing: timing)
        atr = trace.header.atr.isEmpty ? Self.fallbackATR : trace.header.atr
    }

    /// Answers from the trace. A command that matches nothing gets `6F 00` (no precise
    /// diagnosis) and is kept in ``lastMismatch``; a recorded removal removes the card, a
    /// recorded timeout keeps it mute, other recorded failures answer `6F 00`.
    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        let index: Int
        do {
            index = try cursor.match(command)
        } catch {
            lastMismatch = error
            mismatchCount += 1
            lastRecordedDurationNanoseconds = 0
            response.append(StatusWord(rawValue: 0x6F00))
            return .respond
        }
        lastRecordedDurationNanoseconds = cursor.delay(for: index)
        let event = cursor.trace.events[index]
        if event.result != 0 {
            switch PCSCResult.transportError(for: event.result, "").kind {
            case .cardRemoved, .noCard: return .remove
            case .timeout: return .mute
            default:
                response.append(StatusWord(rawValue: 0x6F00))
                return .respond
            }
        }
        let range = cursor.responseRange(index)
        guard range.count <= response.freeCapacity, !range.isEmpty else {
            response.append(StatusWord(rawValue: 0x6F00))
            return .respond
        }
        let arena = cursor.trace.arena.span
        response.append(bytes: arena.extracting(range))
        return .respond
    }
}
