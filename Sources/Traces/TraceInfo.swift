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
    /// From the first event to the end of the last, in nanoseconds.
    public var spanNanoseconds: UInt64
    /// Durations by command kind, in order of first appearance.
    public var latencies: [KindLatency]

    public init(_ trace: Trace) {
        header = trace.header
        var counts: [TraceEvent.Kind: Int] = [:]
        var order: [String] = []
        var histograms: [String: LatencyHistogram] = [:]
        var failed = 0
        var first: UInt64 = .max
        var last: UInt64 = 0
        let arena = trace.arena
        for (index, event) in trace.events.enumerated() {
            counts[event.kind, default: 0] += 1
            if event.kind != .note {
                first = min(first, event.time)
                last = max(last, event.time &+ event.duration)
            }
            guard event.kind == .transmit else { continue }
            if event.result != 0 { failed += 1 }
            let start = Int(event.payloadOffset)
            let name = event.firstCount >= 4
                ? CommandKind.name(ins: arena[start + 1], p1: arena[start + 2], p2: arena[start + 3]) : "malformed"
            _ = index
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
        spanNanoseconds = first == .max ? 0 : last - first
        latencies = order.compactMap { name in histograms[name]?.summary.map { KindLatency(kind: name, summary: $0) } }
    }
}
