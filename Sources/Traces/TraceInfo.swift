import Measurement

/// What `readerbench trace info` prints: where a trace comes from and what its exchanges cost.
public struct TraceInfo: Sendable {
    /// Recorded durations of one command kind.
    public struct KindLatency: Sendable, Hashable {
        /// The command kind (``CommandKind``), e.g. `READ BINARY`.
        public var kind: String
        /// Min, percentiles and max of the recorded durations, in nanoseconds.
        public var summary: LatencySummary
    }

    public var header: TraceHeader
    /// Events by type.
    public var eventCounts: [TraceEvent.Kind: Int]
    /// Iteration events.
    public var iterations: Int
    /// Transmit events.
    public var exchanges: Int
    /// Transmits that failed at the PC/SC level.
    public var failedExchanges: Int
    /// Transmits whose source recorded no duration (scriptor, an apdu4j exchange without its
    /// `# Nms` comment). They are left out of ``latencies``: an unknown duration is not 0.
    public var untimedExchanges: Int
    /// From the first event to the end of the last, in nanoseconds; nil when the trace holds no
    /// time at all (no durations, every `t` 0), as imports from scriptor do.
    public var spanNanoseconds: UInt64?
    /// Recorded durations by command kind, in order of first appearance; empty when no exchange
    /// has a recorded duration.
    public var latencies: [KindLatency]

    /// Whether any exchange has a recorded duration: without one there is no latency to show.
    public var hasTiming: Bool { !latencies.isEmpty }

    public init(_ trace: Trace) {
        header = trace.header
        var counts: [TraceEvent.Kind: Int] = [:]
        var order: [String] = []
        var histograms: [String: LatencyHistogram] = [:]
        var failed = 0
        var untimed = 0
        var first: UInt64 = .max
        var last: UInt64 = 0
        var anyTime = false
        let arena = trace.arena
        for event in trace.events {
            counts[event.kind, default: 0] += 1
            if event.kind != .note {
                first = min(first, event.time)
                last = max(last, event.time &+ event.duration)
                anyTime = anyTime || event.time != 0 || event.hasDuration
            }
            guard event.kind == .transmit else { continue }
            if event.result != 0 { failed += 1 }
            guard event.hasDuration else {
                untimed += 1
                continue
            }
            let start = Int(event.payloadOffset)
            let name =
                event.firstCount >= 4
                ? CommandKind.name(ins: arena[start + 1], p1: arena[start + 2], p2: arena[start + 3]) : "malformed"
            if histograms[name] == nil {
                order.append(name)
                histograms[name] = LatencyHistogram()
            }
            histograms[name]!.record(event.duration)
        }
        eventCounts = counts
        iterations = counts[.iteration] ?? 0
        exchanges = counts[.transmit] ?? 0
        failedExchanges = failed
        untimedExchanges = untimed
        spanNanoseconds = anyTime ? last - first : nil
        latencies = order.compactMap { name in histograms[name]?.summary.map { KindLatency(kind: name, summary: $0) } }
    }
}
