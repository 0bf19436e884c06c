import APDU
import CardTransport

#if canImport(Glibc)
    import Glibc
#endif

/// Streams a trace to a file (or memory): the header first, then one line per event.
///
/// Lines collect in a buffer that goes to the file when it passes 256 KiB and at every
/// iteration boundary, so a run that dies mid-way leaves whole iterations behind and the
/// recorder's drain between iterations pays for the syscall, never the timed section.
///
/// PINs never reach the file: commands that carry one (VERIFY, CHANGE REFERENCE DATA, RESET
/// RETRY COUNTER) are written with ``PINRedaction`` applied, and the header says `"pin"`.
/// With a ``PersonalDataScrubber`` the text AP's personal data is replaced as well.
public struct TraceWriter: ~Copyable {
    /// The header as written (redaction words added).
    public let header: TraceHeader
    /// Whether PIN data is redacted (the default; turning it off is for synthetic traces of
    /// test cards only).
    public let redactsPINs: Bool
    /// The personal-data scrubber, when scrubbing.
    public private(set) var scrubber: PersonalDataScrubber?
    /// Events written so far (the header not counted).
    public private(set) var eventCount = 0

    private var descriptor: Int32
    private let path: String?
    private var buffer: [UInt8] = []
    private var memory: [UInt8] = []
    private static let flushThreshold = 256 << 10

    /// Creates (or truncates) the file at `path` and writes the header line.
    public init(
        path: String, header: TraceHeader, redactPINs: Bool = true, scrubber: PersonalDataScrubber? = nil
    ) throws(TraceError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TraceError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        descriptor = fd
        self.path = path
        self.header = Self.adjusted(header, redactPINs: redactPINs, scrubbing: scrubber != nil)
        redactsPINs = redactPINs
        self.scrubber = scrubber
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        writeHeaderLine()
    }

    /// A writer that keeps the text in memory (see ``writtenBytes``): for tests and for
    /// converting traces in a pipeline.
    public init(header: TraceHeader, redactPINs: Bool = true, scrubber: PersonalDataScrubber? = nil) {
        descriptor = -1
        path = nil
        self.header = Self.adjusted(header, redactPINs: redactPINs, scrubbing: scrubber != nil)
        redactsPINs = redactPINs
        self.scrubber = scrubber
        writeHeaderLine()
    }

    deinit {
        if descriptor >= 0 {
            _ = try? Self.writeAll(buffer, to: descriptor, path: path ?? "")
            Glibc.close(descriptor)
        }
    }

    private static func adjusted(_ header: TraceHeader, redactPINs: Bool, scrubbing: Bool) -> TraceHeader {
        var copy = header
        if redactPINs {
            copy.markRedacted(.pin)
        } else {
            copy.redacted.removeAll { $0 == TraceHeader.Redaction.pin.rawValue }
        }
        if scrubbing { copy.markRedacted(.personal) }
        return copy
    }

    private mutating func writeHeaderLine() {
        buffer.append(contentsOf: header.jsonLine())
        buffer.append(0x0A)
    }

    /// Everything written so far, for a memory writer (flushes first).
    public var writtenBytes: [UInt8] {
        mutating get {
            if descriptor < 0 {
                memory.append(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
            return memory
        }
    }

    // MARK: - Events

    /// A connect at `time` (ns from the trace start) that took `duration` ns.
    public mutating func connect(time: UInt64, duration: UInt64? = nil) throws(TraceError) {
        scrubber?.reset()
        JSONOutput.ascii("{\"type\":\"connect\",\"t\":", to: &buffer)
        JSONOutput.integer(time, to: &buffer)
        try finishPowerEvent(duration: duration, action: nil)
    }

    /// A reconnect with `action`.
    public mutating func reconnect(time: UInt64, action: PowerAction, duration: UInt64? = nil) throws(TraceError) {
        scrubber?.reset()
        JSONOutput.ascii("{\"type\":\"reconnect\",\"t\":", to: &buffer)
        JSONOutput.integer(time, to: &buffer)
        try finishPowerEvent(duration: duration, action: action)
    }

    /// A disconnect with `action`.
    public mutating func disconnect(time: UInt64, action: PowerAction, duration: UInt64? = nil) throws(TraceError) {
        scrubber?.reset()
        JSONOutput.ascii("{\"type\":\"disconnect\",\"t\":", to: &buffer)
        JSONOutput.integer(time, to: &buffer)
        try finishPowerEvent(duration: duration, action: action)
    }

    private mutating func finishPowerEvent(duration: UInt64?, action: PowerAction?) throws(TraceError) {
        if let duration {
            JSONOutput.ascii(",\"d\":", to: &buffer)
            JSONOutput.integer(duration, to: &buffer)
        }
        if let action {
            JSONOutput.ascii(",\"action\":", to: &buffer)
            JSONOutput.string(action.rawValue, to: &buffer)
        }
        try endLine()
    }

    /// One exchange. `result` 0 is success; for failures pass the PC/SC code and an empty
    /// response. The command is redacted and the response scrubbed as configured. A nil
    /// `duration` (the source did not record one) leaves `d` out: unknown, not 0.
    public mutating func transmit(
        time: UInt64, duration: UInt64?, command: Span<UInt8>, response: Span<UInt8>, result: UInt32 = 0
    ) throws(TraceError) {
        JSONOutput.ascii("{\"type\":\"transmit\",\"t\":", to: &buffer)
        JSONOutput.integer(time, to: &buffer)
        if let duration {
            JSONOutput.ascii(",\"d\":", to: &buffer)
            JSONOutput.integer(duration, to: &buffer)
        }
        JSONOutput.ascii(",\"c\":", to: &buffer)
        if redactsPINs && command.count > 4 && PINRedaction.carriesPIN(ins: command[1]) {
            let redacted = PINRedaction.redacted(command)
            JSONOutput.hex(redacted.span, to: &buffer)
        } else {
            JSONOutput.hex(command, to: &buffer)
        }
        JSONOutput.ascii(",\"r\":", to: &buffer)
        if result == 0, let scrubbed = scrubber?.scrub(command: command, response: response) {
            JSONOutput.hex(scrubbed.span, to: &buffer)
        } else {
            JSONOutput.hex(result == 0 ? response : response.extracting(0..<0), to: &buffer)
        }
        JSONOutput.ascii(",\"rv\":", to: &buffer)
        JSONOutput.integer(UInt64(result), to: &buffer)
        try endLine()
    }

    /// An iteration boundary; writes out what the buffer holds first, so the file always ends
    /// on a whole iteration when the run is cut short between them.
    public mutating func iteration(
        time: UInt64, number: Int, mode: TraceEvent.IterationMode, challenge: Span<UInt8>? = nil
    ) throws(TraceError) {
        try flush()
        JSONOutput.ascii("{\"type\":\"iteration\",\"t\":", to: &buffer)
        JSONOutput.integer(time, to: &buffer)
        JSONOutput.ascii(",\"index\":", to: &buffer)
        JSONOutput.integer(UInt64(max(0, number)), to: &buffer)
        JSONOutput.ascii(",\"mode\":", to: &buffer)
        JSONOutput.string(mode.description, to: &buffer)
        if let challenge {
            JSONOutput.ascii(",\"challenge\":", to: &buffer)
            JSONOutput.hex(challenge, to: &buffer)
        }
        try endLine()
    }

    /// A note for people.
    public mutating func note(_ text: String, time: UInt64? = nil) throws(TraceError) {
        JSONOutput.ascii("{\"type\":\"note\"", to: &buffer)
        if let time {
            JSONOutput.ascii(",\"t\":", to: &buffer)
            JSONOutput.integer(time, to: &buffer)
        }
        JSONOutput.ascii(",\"text\":", to: &buffer)
        JSONOutput.string(text, to: &buffer)
        try endLine()
    }

    /// Writes every event of `trace` (an import or a conversion) after this writer's header.
    public mutating func write(_ trace: borrowing Trace) throws(TraceError) {
        for index in trace.events.indices {
            let event = trace.events[index]
            let duration: UInt64? = event.hasDuration ? event.duration : nil
            switch event.kind {
            case .connect: try connect(time: event.time, duration: duration)
            case .reconnect: try reconnect(time: event.time, action: event.action ?? .leave, duration: duration)
            case .disconnect: try disconnect(time: event.time, action: event.action ?? .leave, duration: duration)
            case .transmit:
                let command = trace.command(of: index)
                let response = trace.response(of: index)
                try transmit(
                    time: event.time, duration: duration, command: command, response: response, result: event.result)
            case .iteration:
                if let challenge = trace.challenge(of: index) {
                    try iteration(
                        time: event.time, number: Int(event.iterationNumber), mode: event.mode ?? .warm,
                        challenge: challenge.span)
                } else {
                    try iteration(time: event.time, number: Int(event.iterationNumber), mode: event.mode ?? .warm)
                }
            case .note: try note(trace.noteText(of: index) ?? "", time: event.time == 0 ? nil : event.time)
            }
        }
        try flush()
    }

    private mutating func endLine() throws(TraceError) {
        JSONOutput.ascii("}\n", to: &buffer)
        eventCount += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    // MARK: - Output

    /// Hands buffered lines to the file (or the memory copy).
    public mutating func flush() throws(TraceError) {
        if buffer.isEmpty { return }
        if descriptor < 0 {
            memory.append(contentsOf: buffer)
        } else {
            try Self.writeAll(buffer, to: descriptor, path: path ?? "")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; the writer accepts no more events afterwards.
    public mutating func close() throws(TraceError) {
        try flush()
        if descriptor >= 0 {
            let fd = descriptor
            descriptor = -2
            if Glibc.close(fd) != 0 {
                throw TraceError(.io, "closing \(path ?? ""): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(TraceError) {
        guard fd >= 0 else { throw TraceError(.io, "the trace writer for \(path) is closed") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TraceError(.io, "writing \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }
}
