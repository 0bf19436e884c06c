import APDU
import CardTransport
import HexCoding

#if canImport(Glibc)
import Glibc
#endif

/// Where replay stands in a trace, and how it finds the recorded exchange for a command: the
/// part ``TraceReplayChannel`` (in-process) and ``TraceCard`` (through vpcd) share.
///
/// The trace is cut into segments at iteration events (a trace without them is one segment).
/// Matching searches the current segment only, so an iteration never answers from another;
/// after the last segment the next one is the first again, so a short trace serves a long run.
struct TraceCursor: Sendable {
    let trace: Trace
    let matching: ReplayMatching
    let timing: ReplayTiming

    /// Segment k covers events `segmentStarts[k] ..< segmentEnds[k]` (the iteration event itself
    /// excluded).
    private let segmentStarts: [Int]
    private let segmentEnds: [Int]
    /// Each segment's iteration event, or -1 for a part before the first one.
    private let segmentEvents: [Int]
    /// Each segment's challenge, copied once so handing it out does not allocate.
    let segmentChallenges: [[UInt8]?]

    private(set) var segment = -1
    private(set) var position = 0
    /// Set by the first ``beginIteration()``: from then on the caller moves between iterations
    /// and an exhausted iteration is a mismatch rather than a cue to move on.
    private(set) var explicit = false

    // Sampling tables: per event its group, per group a run of durations.
    private let sampleGroups: [Int32]
    private let groupOffsets: [Int]
    private let groupDurations: [UInt64]
    private var random: SplitMix64

    init(trace: Trace, matching: ReplayMatching, timing: ReplayTiming) {
        self.trace = trace
        self.matching = matching
        self.timing = timing

        var starts: [Int] = []
        var ends: [Int] = []
        var iterationEvents: [Int] = []
        let events = trace.events
        var prefixEnd = events.count
        for (index, event) in events.enumerated() where event.kind == .iteration {
            prefixEnd = min(prefixEnd, index)
            if let last = starts.indices.last { ends[last] = index }
            starts.append(index + 1)
            ends.append(events.count)
            iterationEvents.append(index)
        }
        // Exchanges before the first iteration event (or in a trace without any) form a segment.
        // Connects and disconnects alone before it (a recorder probing the reader) do not: a
        // segment without exchanges could answer nothing when the replay wraps around to it.
        if prefixEnd > 0 && events[0..<prefixEnd].contains(where: { $0.kind == .transmit }) {
            starts.insert(0, at: 0)
            ends.insert(prefixEnd, at: 0)
            iterationEvents.insert(-1, at: 0)
        }
        if starts.isEmpty {
            starts = [0]
            ends = [events.count]
            iterationEvents = [-1]
        }
        segmentStarts = starts
        segmentEnds = ends
        segmentEvents = iterationEvents
        segmentChallenges = iterationEvents.map { $0 >= 0 ? trace.challenge(of: $0) : nil }

        var groupOf: [UInt32: Int32] = [:]
        var members: [[UInt64]] = []
        var groups = [Int32](repeating: -1, count: events.count)
        // Only recorded durations are drawn from; a trace missing any is refused before
        // sampling (``requireDurations(of:for:)``), so no group is empty.
        for (index, event) in events.enumerated() where event.kind == .transmit && event.hasDuration {
            let start = Int(event.payloadOffset)
            var key: UInt32 = 0xFF00_0000
            if event.firstCount >= 4 {
                key = UInt32(trace.arena[start + 1]) << 16 | UInt32(trace.arena[start + 2]) << 8 | UInt32(trace.arena[start + 3])
            }
            let group: Int32
            if let known = groupOf[key] {
                group = known
            } else {
                group = Int32(members.count)
                groupOf[key] = group
                members.append([])
            }
            members[Int(group)].append(event.duration)
            groups[index] = group
        }
        var offsets = [0]
        var durations: [UInt64] = []
        for run in members {
            durations.append(contentsOf: run)
            offsets.append(durations.count)
        }
        sampleGroups = groups
        groupOffsets = offsets
        groupDurations = durations
        if case .sampled(let seed) = timing { random = SplitMix64(seed: seed) } else { random = SplitMix64(seed: 0) }
    }

    var segmentCount: Int { segmentStarts.count }

    /// Refuses a timing mode that needs durations the trace does not hold.
    ///
    /// `recorded` and `scaled` wait each exchange's own duration and `sampled` draws from them;
    /// an exchange whose source recorded none (scriptor logs, apdu4j exchanges without `# Nms`)
    /// would have to be served at some made-up time, 0 being the worst guess: it would replay
    /// as an infinitely fast reader. Only `none` promises nothing about time.
    static func requireDurations(of trace: Trace, for timing: ReplayTiming) throws(TraceError) {
        if case .none = timing { return }
        let untimed = trace.untimedExchangeCount
        guard untimed > 0 else { return }
        let total = trace.exchangeCount
        let mode: String
        switch timing {
        case .none: return
        case .recorded: mode = "recorded"
        case .scaled(let factor): mode = "scaled:\(factor)"
        case .sampled: mode = "sampled"
        }
        let which =
            untimed < total
            ? "\(untimed) of the trace's \(total) exchanges have no recorded duration"
            : total == 1 ? "the trace's exchange has no recorded duration"
            : "the trace's \(total) exchanges have no recorded duration"
        let source = trace.header.note.map { " (\($0))" } ?? ""
        throw TraceError(
            .missingDurations,
            "\(which)\(source); timing '\(mode)' needs one for every exchange, "
                + "and only timing 'none' replays without them")
    }

    /// The recorded iteration event of the current segment, if any.
    var currentIterationEvent: Int? {
        guard segment >= 0, segmentEvents[segment] >= 0 else { return nil }
        return segmentEvents[segment]
    }

    // MARK: - Moving

    private mutating func enter(_ k: Int) {
        segment = k % segmentStarts.count
        position = segmentStarts[segment]
    }

    /// Moves to the next iteration (the first on the first call), wrapping after the last.
    mutating func beginIteration() {
        explicit = true
        enter(segment + 1)
    }

    /// Consumes a connect, reconnect or disconnect of `kind` if it is the next event (notes
    /// aside); returns its index, or nil when the trace has none there.
    mutating func consume(_ kind: TraceEvent.Kind) -> Int? {
        if segment < 0 { enter(0) }
        for _ in 0..<2 {
            var index = position
            let end = segmentEnds[segment]
            while index < end, trace.events[index].kind == .note { index += 1 }
            if index < end {
                guard trace.events[index].kind == kind else { return nil }
                position = index + 1
                return index
            }
            // The segment is used up: without explicit iterations, the next one begins.
            guard !explicit, segmentStarts.count > 1 || segmentStarts[0] < end else { return nil }
            enter(segment + 1)
        }
        return nil
    }

    // MARK: - Matching

    /// The index of the recorded exchange that answers `command`; moves past it.
    mutating func match(_ command: Span<UInt8>) throws(TransportError) -> Int {
        if segment < 0 { enter(0) }
        var attempts = 0
        while true {
            let end = segmentEnds[segment]
            switch matching {
            case .strict:
                var index = position
                while index < end, trace.events[index].kind != .transmit { index += 1 }
                if index < end {
                    guard commandsMatch(recorded: index, sent: command) else { throw mismatch(command, expected: index) }
                    position = index + 1
                    return index
                }
            case .lenient:
                var index = position
                while index < end {
                    if trace.events[index].kind == .transmit && kindsMatch(recorded: index, sent: command) {
                        position = index + 1
                        return index
                    }
                    index += 1
                }
            }
            attempts += 1
            guard !explicit, attempts < segmentStarts.count + 1 else { throw mismatch(command, expected: nil) }
            enter(segment + 1)
        }
    }

    /// Where the command of transmit event `index` lies in the arena.
    @inline(__always)
    func commandRange(_ index: Int) -> Range<Int> {
        let event = trace.events[index]
        let start = Int(event.payloadOffset)
        return start..<(start + Int(event.firstCount))
    }

    /// Where the response of transmit event `index` lies in the arena.
    @inline(__always)
    func responseRange(_ index: Int) -> Range<Int> {
        let event = trace.events[index]
        let start = Int(event.payloadOffset) + Int(event.firstCount)
        return start..<(start + Int(event.secondCount))
    }

    /// Strict equality, with the recording's redacted PIN bytes as wildcards.
    @inline(__always)
    func commandsMatch(recorded index: Int, sent: Span<UInt8>) -> Bool {
        let arena = trace.arena.span
        let recorded = arena.extracting(commandRange(index))
        let count = recorded.count
        guard count == sent.count else { return false }
        let equal = recorded.withUnsafeBytes { a in
            sent.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, count) == 0 }
        }
        if equal { return true }
        guard count > 5, PINRedaction.carriesPIN(ins: recorded[1]) else { return false }
        for k in 0..<count where recorded[k] != sent[k] {
            if k >= 5 && recorded[k] == PINRedaction.marker { continue }
            return false
        }
        return true
    }

    /// Lenient equality: INS; READ BINARY also P1 P2; SELECT also the data. A command shorter
    /// than a header has no INS to go by and matches only byte for byte.
    func kindsMatch(recorded index: Int, sent: Span<UInt8>) -> Bool {
        let arena = trace.arena.span
        let recorded = arena.extracting(commandRange(index))
        if recorded.count < 4 || sent.count < 4 {
            guard recorded.count == sent.count else { return false }
            for k in 0..<sent.count where recorded[k] != sent[k] { return false }
            return true
        }
        guard recorded[1] == sent[1] else { return false }
        switch sent[1] {
        case 0xB0, 0xB1:
            return recorded[2] == sent[2] && recorded[3] == sent[3]
        case 0xA4:
            let a = Self.dataRange(recorded)
            let b = Self.dataRange(sent)
            guard a.count == b.count else { return false }
            for k in 0..<a.count where recorded[a.lowerBound + k] != sent[b.lowerBound + k] { return false }
            return true
        default:
            return true
        }
    }

    private static func dataRange(_ command: Span<UInt8>) -> Range<Int> {
        if let view = try? CommandView(command), !view.data.isEmpty {
            let start = view.isExtended ? 7 : 5
            return start..<(start + view.data.count)
        }
        return 0..<0
    }

    private func mismatch(_ command: Span<UInt8>, expected: Int?) -> TransportError {
        let sent = Hex.encode(PINRedaction.redacted(command).span, style: .spaced)
        let iteration = currentIterationEvent.map { "iteration \(trace.events[$0].iterationNumber)" } ?? "the trace"
        guard let expected else {
            return TransportError(
                .replayMismatch,
                "replay mismatch in \(iteration): no recorded exchange (from event \(position) on) answers \(sent)")
        }
        let step = (segmentStarts[segment]..<expected).reduce(0) { $0 + (trace.events[$1].kind == .transmit ? 1 : 0) }
        let recorded = Hex.encode(PINRedaction.redacted(trace.commandBytes(of: expected)), style: .spaced)
        return TransportError(
            .replayMismatch,
            "replay mismatch at event \(expected) (\(iteration), exchange \(step + 1)): sent \(sent), recorded \(recorded)")
    }

    // MARK: - Timing

    /// How long the exchange at `index` should take under the timing mode, in nanoseconds.
    mutating func delay(for index: Int) -> UInt64 {
        let recorded = trace.events[index].duration
        switch timing {
        case .none: return 0
        case .recorded: return recorded
        case .scaled(let factor):
            let scaled = Double(recorded) * factor
            return scaled.isFinite && scaled > 0 ? UInt64(min(scaled, 3.6e12)) : 0
        case .sampled:
            let group = Int(sampleGroups[index])
            guard group >= 0 else { return recorded }
            let lower = groupOffsets[group]
            let count = groupOffsets[group + 1] - lower
            guard count > 0 else { return recorded }
            return groupDurations[lower + Int(random.next() % UInt64(count))]
        }
    }
}
