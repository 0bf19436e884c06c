import APDU
import CardTransport
import Measurement

/// Fixed storage for what one iteration records: a byte arena and event records, allocated
/// once and freed once.
struct RecordingStorage: ~Copyable {
    let bytes: UnsafeMutableRawBufferPointer
    let events: UnsafeMutableBufferPointer<TraceEvent>
    var usedBytes = 0
    var usedEvents = 0
    /// Events that did not fit since the last drain.
    var dropped = 0

    init(byteCapacity: Int, eventCapacity: Int) {
        bytes = .allocate(byteCount: max(1, byteCapacity), alignment: 16)
        events = .allocate(capacity: max(1, eventCapacity))
    }

    deinit {
        bytes.deallocate()
        events.deallocate()
    }

    /// Room for one more event with `payload` bytes?
    @inline(__always)
    func fits(payload: Int) -> Bool {
        usedEvents < events.count && usedBytes + payload <= bytes.count
    }

    @inline(__always)
    mutating func copy(_ span: Span<UInt8>) {
        let count = span.count
        if count == 0 { return }
        span.withUnsafeBytes { source in
            (bytes.baseAddress! + usedBytes).copyMemory(from: source.baseAddress!, byteCount: count)
        }
        usedBytes += count
    }

    @inline(__always)
    mutating func append(_ event: TraceEvent) {
        events[usedEvents] = event
        usedEvents += 1
    }

    @_lifetime(borrow self)
    func span(offset: Int, count: Int) -> Span<UInt8> {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        let span = unsafe Span<UInt8>(_unsafeBytes: raw)
        return unsafe _overrideLifetime(span, borrowing: self)
    }
}

/// Records every exchange of a ``CardConnection`` without allocating on the measured path.
///
/// Each `transmitRaw` stamps the clock around the base channel's call and copies the command
/// and response into a byte arena reserved up front, with a fixed-size record of times and
/// result. Nothing is formatted and nothing is written until ``drain(into:)``, which the runner
/// calls between iterations, outside the timed section: hex and file I/O cost nothing measured.
///
/// When the arena or the record table fills up within one iteration, further events are
/// counted as dropped (never allocated for) and the drain writes a note saying so: size the
/// storage for the longest iteration (the defaults hold a full read path many times over).
public struct TraceRecordingChannel<Base: CardConnection & ~Copyable>: CardConnection, ~Copyable {
    /// The channel being recorded.
    public var base: Base
    /// The monotonic time (``MonotonicClock``) that is `t = 0` in the trace.
    public let origin: UInt64
    private var storage: RecordingStorage

    /// - Parameters:
    ///   - arenaBytes: room for command and response bytes between drains (default 4 MiB).
    ///   - eventCapacity: room for events between drains (default 16384).
    ///   - origin: the trace's time zero; defaults to now.
    public init(
        _ base: consuming Base, arenaBytes: Int = 4 << 20, eventCapacity: Int = 16_384,
        origin: UInt64 = MonotonicClock.now()
    ) {
        self.base = base
        self.origin = origin
        storage = RecordingStorage(byteCapacity: arenaBytes, eventCapacity: eventCapacity)
    }

    /// Consumes the recorder and hands back the base channel.
    public consuming func takeBase() -> Base {
        return base
    }

    /// Events waiting for the next drain.
    public var pendingEvents: Int { storage.usedEvents }

    /// Events lost since the last drain because the storage was full.
    public var droppedEvents: Int { storage.dropped }

    // MARK: - CardConnection

    public var atr: [UInt8] { base.atr }

    public var isConnected: Bool { base.isConnected }

    public mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        let start = MonotonicClock.now()
        do {
            try base.transmitRaw(command, into: &response)
        } catch {
            let end = MonotonicClock.now()
            recordTransmit(
                start: start, end: end, command: command, response: Span<UInt8>(), result: PCSCResult.code(for: error))
            throw error
        }
        let end = MonotonicClock.now()
        let received = response.span
        recordTransmit(start: start, end: end, command: command, response: received, result: 0)
    }

    public mutating func connect() throws(TransportError) {
        let start = MonotonicClock.now()
        try base.connect()
        recordPower(.connect, start: start, end: MonotonicClock.now(), action: nil)
    }

    public mutating func disconnect(_ action: PowerAction) throws(TransportError) {
        let start = MonotonicClock.now()
        try base.disconnect(action)
        recordPower(.disconnect, start: start, end: MonotonicClock.now(), action: action)
    }

    public mutating func reconnect(_ action: PowerAction) throws(TransportError) {
        let start = MonotonicClock.now()
        try base.reconnect(action)
        recordPower(.reconnect, start: start, end: MonotonicClock.now(), action: action)
    }

    // MARK: - Iterations and draining

    /// Marks the start of iteration `number`, with the sign step's challenge if it has one.
    /// Call it before the iteration's clock starts.
    public mutating func beginIteration(number: Int, mode: TraceEvent.IterationMode, challenge: Span<UInt8>? = nil) {
        let now = MonotonicClock.now()
        let count = challenge?.count ?? 0
        guard storage.fits(payload: count) else {
            storage.dropped += 1
            return
        }
        var event = TraceEvent(kind: .iteration, time: now &- origin)
        event.setMode(mode)
        event.iterationNumber = UInt32(clamping: number)
        event.payloadOffset = UInt64(storage.usedBytes)
        if let challenge {
            event.flags |= 2
            event.firstCount = UInt32(count)
            storage.copy(challenge)
        }
        storage.append(event)
    }

    /// Writes the recorded events to `writer` (which redacts and scrubs), flushes it, and
    /// empties the storage for the next iteration.
    public mutating func drain(into writer: inout TraceWriter) throws(TraceError) {
        let used = storage.usedEvents
        for k in 0..<used {
            let event = storage.events[k]
            let duration: UInt64? = event.hasDuration ? event.duration : nil
            let offset = Int(event.payloadOffset)
            switch event.kind {
            case .connect: try writer.connect(time: event.time, duration: duration)
            case .disconnect:
                try writer.disconnect(time: event.time, action: event.action ?? .leave, duration: duration)
            case .reconnect: try writer.reconnect(time: event.time, action: event.action ?? .leave, duration: duration)
            case .transmit:
                let command = storage.span(offset: offset, count: Int(event.firstCount))
                let response = storage.span(offset: offset + Int(event.firstCount), count: Int(event.secondCount))
                try writer.transmit(
                    time: event.time, duration: event.duration, command: command, response: response,
                    result: event.result)
            case .iteration:
                if event.hasChallenge {
                    let challenge = storage.span(offset: offset, count: Int(event.firstCount))
                    try writer.iteration(
                        time: event.time, number: Int(event.iterationNumber), mode: event.mode ?? .warm,
                        challenge: challenge)
                } else {
                    try writer.iteration(
                        time: event.time, number: Int(event.iterationNumber), mode: event.mode ?? .warm)
                }
            case .note: break
            }
        }
        if storage.dropped > 0 {
            try writer.note("recording storage full: \(storage.dropped) events of this iteration were not recorded")
        }
        storage.usedEvents = 0
        storage.usedBytes = 0
        storage.dropped = 0
        try writer.flush()
    }

    // MARK: - Recording

    @inline(__always)
    private mutating func recordTransmit(
        start: UInt64, end: UInt64, command: Span<UInt8>, response: Span<UInt8>, result: UInt32
    ) {
        let payload = command.count + response.count
        guard storage.fits(payload: payload) else {
            storage.dropped += 1
            return
        }
        var event = TraceEvent(kind: .transmit, time: start &- origin)
        event.setDuration(end &- start)
        event.result = result
        event.payloadOffset = UInt64(storage.usedBytes)
        event.firstCount = UInt32(command.count)
        event.secondCount = UInt32(response.count)
        storage.copy(command)
        storage.copy(response)
        storage.append(event)
    }

    private mutating func recordPower(_ kind: TraceEvent.Kind, start: UInt64, end: UInt64, action: PowerAction?) {
        guard storage.fits(payload: 0) else {
            storage.dropped += 1
            return
        }
        var event = TraceEvent(kind: kind, time: start &- origin)
        event.setDuration(end &- start)
        if let action { event.setAction(action) }
        storage.append(event)
    }
}
