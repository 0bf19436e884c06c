import APDU
import HexCoding
import Measurement

/// Where two traces differ: the question after "why is this reader slower?" or "did the new
/// build change what we send?".
public struct TraceDiff: Sendable {
    /// The first exchange (counting transmits from 0) where the traces differ.
    public struct Difference: Sendable, Hashable {
        /// The exchange number.
        public var exchange: Int
        /// The event indices in each trace (nil where that trace has no such exchange).
        public var eventA: Int?
        public var eventB: Int?
        /// The differing bytes as hex (PINs redacted; nil where absent).
        public var hexA: String?
        public var hexB: String?
    }

    /// The median duration of one command kind in each trace.
    public struct KindTiming: Sendable, Hashable {
        public var kind: String
        public var medianA: UInt64
        public var medianB: UInt64
        /// `medianB / medianA`: above 1 means B is slower.
        public var ratio: Double
    }

    public var exchangesA: Int
    public var exchangesB: Int
    /// The first exchange whose command differs (redacted PIN bytes match anything).
    public var firstCommandDifference: Difference?
    /// The first exchange with the same command and a different response (or result).
    public var firstResponseDifference: Difference?
    /// Kinds with recorded durations in both traces, in order of first appearance in A
    /// (exchanges whose source recorded no duration are left out, not counted as 0).
    public var timing: [KindTiming]

    /// Whether commands and responses agree exchange by exchange.
    public var sameExchanges: Bool { firstCommandDifference == nil && firstResponseDifference == nil }

    public init(_ a: Trace, _ b: Trace) {
        let transmitsA = a.events.indices.filter { a.events[$0].kind == .transmit }
        let transmitsB = b.events.indices.filter { b.events[$0].kind == .transmit }
        exchangesA = transmitsA.count
        exchangesB = transmitsB.count
        firstCommandDifference = nil
        firstResponseDifference = nil
        for k in 0..<max(transmitsA.count, transmitsB.count) {
            let ia = k < transmitsA.count ? transmitsA[k] : nil
            let ib = k < transmitsB.count ? transmitsB[k] : nil
            guard let ia, let ib else {
                firstCommandDifference = Self.difference(k, a, ia, b, ib, response: false)
                break
            }
            let commandA = a.commandBytes(of: ia)
            let commandB = b.commandBytes(of: ib)
            if !Self.sameCommand(commandA, commandB) {
                firstCommandDifference = Self.difference(k, a, ia, b, ib, response: false)
                break
            }
            if firstResponseDifference == nil
                && (a.responseBytes(of: ia) != b.responseBytes(of: ib) || a.events[ia].result != b.events[ib].result)
            {
                firstResponseDifference = Self.difference(k, a, ia, b, ib, response: true)
            }
        }
        let medians = (Self.medians(a), Self.medians(b))
        timing = medians.0.order.compactMap { kind in
            guard let ma = medians.0.values[kind], let mb = medians.1.values[kind] else { return nil }
            return KindTiming(
                kind: kind, medianA: ma, medianB: mb,
                ratio: ma == 0 ? (mb == 0 ? 1 : .infinity) : Double(mb) / Double(ma))
        }
    }

    /// Equal, with `*` in a PIN command's data on either side matching anything.
    static func sameCommand(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        guard x.count == y.count else { return false }
        if x == y { return true }
        guard x.count > 5, x[1] == y[1], PINRedaction.carriesPIN(ins: x[1]) else { return false }
        for k in x.indices where x[k] != y[k] {
            if k >= 5 && (x[k] == PINRedaction.marker || y[k] == PINRedaction.marker) { continue }
            return false
        }
        return true
    }

    private static func difference(_ k: Int, _ a: Trace, _ ia: Int?, _ b: Trace, _ ib: Int?, response: Bool)
        -> Difference
    {
        func show(_ trace: Trace, _ index: Int?) -> String? {
            guard let index else { return nil }
            if response {
                let event = trace.events[index]
                if event.result != 0 { return "failed: \(PCSCResult.name(of: event.result))" }
                return Hex.encode(trace.responseBytes(of: index), style: .spaced)
            }
            return Hex.encode(PINRedaction.redacted(trace.commandBytes(of: index)), style: .spaced)
        }
        return Difference(exchange: k, eventA: ia, eventB: ib, hexA: show(a, ia), hexB: show(b, ib))
    }

    private static func medians(_ trace: Trace) -> (order: [String], values: [String: UInt64]) {
        var order: [String] = []
        var durations: [String: [UInt64]] = [:]
        for (index, event) in trace.events.enumerated() where event.kind == .transmit && event.hasDuration {
            let command = trace.commandBytes(of: index)
            let kind =
                command.count >= 4 ? CommandKind.name(ins: command[1], p1: command[2], p2: command[3]) : "malformed"
            if durations[kind] == nil { order.append(kind) }
            durations[kind, default: []].append(event.duration)
        }
        var values: [String: UInt64] = [:]
        for (kind, list) in durations {
            let sorted = list.sorted()
            values[kind] =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] / 2 + sorted[sorted.count / 2] / 2)
        }
        return (order, values)
    }
}
