import APDU
import CardTransport

/// A trace in memory: the header, one contiguous byte arena with every command, response,
/// challenge and note, and a flat array of fixed-size ``TraceEvent`` records pointing into it.
///
/// Two arrays instead of an array of objects keeps a million-exchange trace close to the size of
/// its bytes (hex in the file halves in the arena) and lets replay copy a response with one
/// `memcpy` and no allocation.
public struct Trace: Sendable {
    /// The first line of the file.
    public var header: TraceHeader
    /// Every event, in file order.
    public private(set) var events: [TraceEvent]
    /// All event bytes, back to back.
    public private(set) var arena: [UInt8]

    /// An empty trace to append to (importers and tests build traces this way).
    public init(header: TraceHeader) {
        self.header = header
        events = []
        arena = []
    }

    /// A trace from parts the loader already checked.
    init(header: TraceHeader, events: [TraceEvent], arena: [UInt8]) {
        self.header = header
        self.events = events
        self.arena = arena
    }

    // MARK: - Bytes of an event

    /// The command of transmit event `index` (empty for other kinds).
    @_lifetime(borrow self)
    public func command(of index: Int) -> Span<UInt8> {
        let event = events[index]
        let count = event.kind == .transmit ? Int(event.firstCount) : 0
        let start = Int(event.payloadOffset)
        return arena.span.extracting(start..<(start + count))
    }

    /// The response of transmit event `index` (empty for failures and other kinds).
    @_lifetime(borrow self)
    public func response(of index: Int) -> Span<UInt8> {
        let event = events[index]
        let count = event.kind == .transmit ? Int(event.secondCount) : 0
        let start = Int(event.payloadOffset) + Int(event.firstCount)
        return arena.span.extracting(start..<(start + count))
    }

    /// The challenge of iteration event `index`, or nil when it has none.
    public func challenge(of index: Int) -> [UInt8]? {
        let event = events[index]
        guard event.kind == .iteration, event.hasChallenge else { return nil }
        return Array(payload(event))
    }

    /// The text of note event `index`.
    public func noteText(of index: Int) -> String? {
        let event = events[index]
        guard event.kind == .note else { return nil }
        return String(decoding: payload(event), as: UTF8.self)
    }

    /// Copies of an exchange's bytes, for code that keeps them (diffs, tests, the CLI).
    public func commandBytes(of index: Int) -> [UInt8] {
        let event = events[index]
        guard event.kind == .transmit else { return [] }
        return Array(payload(event).prefix(Int(event.firstCount)))
    }

    /// Copies of an exchange's response bytes.
    public func responseBytes(of index: Int) -> [UInt8] {
        let event = events[index]
        guard event.kind == .transmit else { return [] }
        return Array(payload(event).dropFirst(Int(event.firstCount)))
    }

    private func payload(_ event: TraceEvent) -> ArraySlice<UInt8> {
        let start = Int(event.payloadOffset)
        return arena[start..<(start + Int(event.firstCount) + Int(event.secondCount))]
    }

    // MARK: - Counts

    /// How many transmit events the trace holds.
    public var exchangeCount: Int { events.reduce(0) { $0 + ($1.kind == .transmit ? 1 : 0) } }

    /// How many transmit events carry no duration: their source did not record one.
    public var untimedExchangeCount: Int {
        events.reduce(0) { $0 + ($1.kind == .transmit && !$1.hasDuration ? 1 : 0) }
    }

    /// Indices of the iteration events.
    public var iterationEventIndices: [Int] { events.indices.filter { events[$0].kind == .iteration } }

    // MARK: - Building

    /// Reserves room ahead of a bulk build.
    public mutating func reserve(events eventCount: Int, bytes: Int) {
        events.reserveCapacity(eventCount)
        arena.reserveCapacity(bytes)
    }

    /// Appends a connect at `time` that took `duration` nanoseconds (nil when unknown).
    public mutating func appendConnect(time: UInt64, duration: UInt64? = nil) {
        var event = TraceEvent(kind: .connect, time: time)
        if let duration { event.setDuration(duration) }
        events.append(event)
    }

    /// Appends a reconnect.
    public mutating func appendReconnect(time: UInt64, action: PowerAction, duration: UInt64? = nil) {
        var event = TraceEvent(kind: .reconnect, time: time)
        event.setAction(action)
        if let duration { event.setDuration(duration) }
        events.append(event)
    }

    /// Appends a disconnect.
    public mutating func appendDisconnect(time: UInt64, action: PowerAction, duration: UInt64? = nil) {
        var event = TraceEvent(kind: .disconnect, time: time)
        event.setAction(action)
        if let duration { event.setDuration(duration) }
        events.append(event)
    }

    /// Appends an exchange as given (callers redact first; ``TraceWriter`` does when writing).
    /// `result` is the PC/SC code: 0 for success, else the failure and `response` is empty.
    /// `duration` is nil when the source did not record how long the exchange took (scriptor):
    /// unknown, which is not the same as 0.
    public mutating func appendTransmit(
        time: UInt64, duration: UInt64?, command: Span<UInt8>, response: Span<UInt8>, result: UInt32 = 0
    ) {
        var event = TraceEvent(kind: .transmit, time: time)
        if let duration { event.setDuration(duration) }
        event.result = result
        event.payloadOffset = UInt64(arena.count)
        event.firstCount = UInt32(command.count)
        event.secondCount = UInt32(response.count)
        Self.append(command, to: &arena)
        Self.append(response, to: &arena)
        events.append(event)
    }

    /// Appends an iteration boundary.
    public mutating func appendIteration(
        time: UInt64, number: Int, mode: TraceEvent.IterationMode, challenge: Span<UInt8>? = nil
    ) {
        var event = TraceEvent(kind: .iteration, time: time)
        event.setMode(mode)
        event.iterationNumber = UInt32(clamping: number)
        event.payloadOffset = UInt64(arena.count)
        if let challenge {
            event.flags |= 2
            event.firstCount = UInt32(challenge.count)
            Self.append(challenge, to: &arena)
        }
        events.append(event)
    }

    /// Appends a note.
    public mutating func appendNote(time: UInt64 = 0, _ text: String) {
        var event = TraceEvent(kind: .note, time: time)
        event.payloadOffset = UInt64(arena.count)
        let utf8 = Array(text.utf8)
        event.firstCount = UInt32(utf8.count)
        arena.append(contentsOf: utf8)
        events.append(event)
    }

    /// Appends an event the loader built, with its bytes already in the arena.
    mutating func appendRaw(_ event: TraceEvent) { events.append(event) }

    static func append(_ bytes: Span<UInt8>, to arena: inout [UInt8]) {
        let count = bytes.count
        if count == 0 { return }
        arena.append(addingCapacity: count) { out in out.append(bytes: bytes) }
    }
}
