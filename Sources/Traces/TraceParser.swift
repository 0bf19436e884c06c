import APDU
import CardTransport
import HexCoding

/// How strictly to load a trace.
public struct TraceLoadOptions: Sendable, Hashable {
    /// What to do with event types this version does not know.
    public enum UnknownEvents: Sendable, Hashable {
        /// Fail with ``TraceError/Code/unknownEventType`` (the default): replaying a trace whose
        /// events were not understood would measure something other than what was recorded.
        case reject
        /// Skip them (for `trace info` on a newer file, say).
        case skip
    }

    public var unknownEvents: UnknownEvents

    public init(unknownEvents: UnknownEvents = .reject) {
        self.unknownEvents = unknownEvents
    }
}

/// Limits that turn absurd input into errors instead of huge allocations.
public enum TraceLimits {
    /// The longest command: an extended case-4 APDU (4 + 3 + 65536 + 2), with a little slack
    /// for the pcsc-lite buffer size (`MAX_BUFFER_SIZE_EXTENDED` is 65548).
    public static let maximumCommandBytes = 65_544
    /// The longest response: 65536 data bytes and SW1 SW2.
    public static let maximumResponseBytes = 65_538
    /// The longest challenge an iteration may carry.
    public static let maximumChallengeBytes = 1_024
    /// The longest note text, in UTF-8 bytes.
    public static let maximumNoteBytes = 65_536
    /// The longest line the loader reads.
    public static let maximumLineBytes = 1 << 20
    /// The longest duration of one event: an hour. Anything longer is a broken clock.
    public static let maximumDurationNanoseconds: Int64 = 3_600_000_000_000
    /// The latest event time: about 146 years, i.e. "not negative, not garbage".
    public static let maximumTimeNanoseconds: Int64 = 1 << 62
}

/// Turns trace text, one line at a time, into a ``Trace``.
///
/// It never builds a JSON object for an event: it finds the fields in place, converts the
/// numbers, and decodes hex straight into the arena, so loading costs about one pass over the
/// bytes and the trace in memory is about half the size of the file.
struct TraceParser {
    let options: TraceLoadOptions
    private(set) var header: TraceHeader?
    private(set) var events: [TraceEvent] = []
    private(set) var arena: [UInt8] = []
    /// The number of the line being parsed (1-based).
    private(set) var lineNumber = 0

    init(options: TraceLoadOptions, expectedBytes: Int) {
        self.options = options
        // Hex takes two characters a byte, so half the text is an upper bound for the arena;
        // the shortest transmit line is about 60 characters.
        arena.reserveCapacity(expectedBytes / 2 + 16)
        events.reserveCapacity(expectedBytes / 56 + 16)
    }

    /// Parses the next line (without its newline).
    mutating func consume(line: Span<UInt8>) throws(TraceError) {
        lineNumber += 1
        do {
            try parse(line)
        } catch {
            throw error.at(line: lineNumber)
        }
    }

    /// The trace, once every line has been consumed.
    consuming func finish() throws(TraceError) -> Trace {
        guard let header else { throw TraceError(.missingHeader, "the input holds no header line") }
        return Trace(header: header, events: events, arena: arena)
    }

    // MARK: - One line

    private mutating func parse(_ line: Span<UInt8>) throws(TraceError) {
        var scanner = JSONScanner(line)
        scanner.skipWhitespace()
        if scanner.atEnd { return }  // blank lines are ignored
        if header == nil {
            let value = try scanner.value()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.invalid("characters after the header object") }
            guard case .object = value else {
                throw TraceError(.misplacedHeader, "the first line must be the header object")
            }
            guard let type = value["type"] else { throw TraceError(.missingField, "the first line has no \"type\"") }
            guard type.stringValue == "header" else {
                if let word = type.stringValue {
                    throw TraceError(.misplacedHeader, "a \"\(word)\" event comes before the header")
                }
                throw TraceError(.wrongType, "\"type\" must be a string")
            }
            header = try TraceHeader(json: value)
            return
        }
        try parseEvent(&scanner)
    }

    /// Which fields an event line gave.
    private struct Fields {
        var type: Range<Int>?
        var t: Int64?
        var d: Int64?
        var rv: Int64?
        var index: Int64?
        var c: Range<Int>?
        var r: Range<Int>?
        var action: Range<Int>?
        var mode: Range<Int>?
        var challenge: Range<Int>?
        var text: (Range<Int>, Bool)?
        var seen: UInt16 = 0
    }

    private mutating func parseEvent(_ scanner: inout JSONScanner) throws(TraceError) {
        guard scanner.peek() == 0x7B else { throw scanner.invalid("an event must be a JSON object") }
        scanner.position += 1
        var f = Fields()
        scanner.skipWhitespace()
        if scanner.peek() == 0x7D {
            scanner.position += 1
        } else {
            while true {
                scanner.skipWhitespace()
                guard let quote = scanner.peek() else { throw scanner.truncated("expected a field name") }
                guard quote == 0x22 else { throw scanner.invalid("expected a field name") }
                let (key, _) = try scanner.rawString()
                try scanner.expect(0x3A, "':'")
                scanner.skipWhitespace()
                guard scanner.peek() != nil else { throw scanner.truncated("a field has no value") }
                try field(key, &scanner, &f)
                scanner.skipWhitespace()
                guard let next = scanner.peek() else {
                    throw scanner.truncated("no closing brace")
                }
                scanner.position += 1
                if next == 0x2C { continue }
                if next == 0x7D { break }
                scanner.position -= 1
                throw scanner.invalid("expected ',' or '}'")
            }
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw scanner.invalid("characters after the closing brace") }
        try build(f, scanner)
    }

    /// Reads one field's value into `f`; unknown fields are skipped (readers must ignore them).
    private func field(_ key: Range<Int>, _ s: inout JSONScanner, _ f: inout Fields) throws(TraceError) {
        func mark(_ bit: UInt16, _ name: StaticString) throws(TraceError) {
            if f.seen & bit != 0 { throw TraceError(.invalidJSON, "\"\(name)\" appears twice") }
            f.seen |= bit
        }
        func string(_ name: StaticString) throws(TraceError) -> Range<Int> {
            guard let c = s.peek(), c == 0x22 else {
                throw TraceError(
                    .wrongType,
                    "\"\(name)\" must be a string, found \(JSONScanner.typeName(startingWith: s.peek() ?? 0))")
            }
            let (range, escaped) = try s.rawString()
            if escaped { throw TraceError(.invalidValue, "\"\(name)\" must not contain escapes") }
            return range
        }
        switch key.count {
        case 1:
            if s.equals(key, "t") {
                try mark(1, "t")
                f.t = try s.integer("t")
                return
            }
            if s.equals(key, "d") {
                try mark(2, "d")
                f.d = try s.integer("d")
                return
            }
            if s.equals(key, "c") {
                try mark(4, "c")
                f.c = try string("c")
                return
            }
            if s.equals(key, "r") {
                try mark(8, "r")
                f.r = try string("r")
                return
            }
        case 2:
            if s.equals(key, "rv") {
                try mark(16, "rv")
                f.rv = try s.integer("rv")
                return
            }
        case 4:
            if s.equals(key, "type") {
                try mark(32, "type")
                f.type = try string("type")
                return
            }
            if s.equals(key, "mode") {
                try mark(64, "mode")
                f.mode = try string("mode")
                return
            }
            if s.equals(key, "text") {
                try mark(128, "text")
                guard s.peek() == 0x22 else {
                    throw TraceError(
                        .wrongType,
                        "\"text\" must be a string, found \(JSONScanner.typeName(startingWith: s.peek() ?? 0))")
                }
                let (range, escaped) = try s.rawString()
                f.text = (range, escaped)
                return
            }
        case 5:
            if s.equals(key, "index") {
                try mark(256, "index")
                f.index = try s.integer("index")
                return
            }
        case 6:
            if s.equals(key, "action") {
                try mark(512, "action")
                f.action = try string("action")
                return
            }
        case 9:
            if s.equals(key, "challenge") {
                try mark(1024, "challenge")
                f.challenge = try string("challenge")
                return
            }
        default: break
        }
        try s.skipValue(depth: 1)
    }

    // MARK: - From fields to a record

    private mutating func build(_ f: Fields, _ s: borrowing JSONScanner) throws(TraceError) {
        guard let type = f.type else { throw TraceError(.missingField, "the event has no \"type\"") }
        if s.equals(type, "transmit") {
            var event = TraceEvent(kind: .transmit, time: try time(f))
            // No "d": the source did not record the duration (scriptor); unknown, not 0.
            if let d = f.d { event.setDuration(try Self.duration(d)) }
            guard let c = f.c else { throw TraceError(.missingField, "transmit has no \"c\" (command)") }
            guard let r = f.r else { throw TraceError(.missingField, "transmit has no \"r\" (response)") }
            guard let rv = f.rv else { throw TraceError(.missingField, "transmit has no \"rv\" (PC/SC result)") }
            guard (0...Int64(UInt32.max)).contains(rv) else {
                throw TraceError(.outOfRange, "\"rv\" \(rv) is not a PC/SC result (0 to 4294967295)")
            }
            event.result = UInt32(rv)
            let start = arena.count
            event.payloadOffset = UInt64(start)
            let commandCount = try decodeHex(s, c, "c", limit: TraceLimits.maximumCommandBytes)
            let responseCount: Int
            do { responseCount = try decodeHex(s, r, "r", limit: TraceLimits.maximumResponseBytes) } catch {
                arena.removeLast(arena.count - start)
                throw error
            }
            do throws(TraceError) {
                guard commandCount > 0 else {
                    throw TraceError(.invalidValue, "\"c\" is empty: a transmit needs a command")
                }
                if rv != 0 && responseCount > 0 {
                    throw TraceError(.invalidValue, "a failed transmit (rv \(rv)) must have an empty \"r\"")
                }
                if rv == 0 && responseCount < 2 && !(responseCount == 0 && header?.responsesMissing == true) {
                    throw TraceError(
                        .invalidValue,
                        "a successful transmit needs at least SW1 SW2 in \"r\", found \(responseCount) bytes")
                }
            } catch {
                arena.removeLast(arena.count - start)
                throw error
            }
            event.firstCount = UInt32(commandCount)
            event.secondCount = UInt32(responseCount)
            events.append(event)
        } else if s.equals(type, "connect") {
            var event = TraceEvent(kind: .connect, time: try time(f))
            if let d = f.d { event.setDuration(try Self.duration(d)) }
            events.append(event)
        } else if s.equals(type, "reconnect") || s.equals(type, "disconnect") {
            let kind: TraceEvent.Kind = s.equals(type, "reconnect") ? .reconnect : .disconnect
            var event = TraceEvent(kind: kind, time: try time(f))
            if let d = f.d { event.setDuration(try Self.duration(d)) }
            guard let action = f.action else { throw TraceError(.missingField, "\(kind) has no \"action\"") }
            if s.equals(action, "leave") {
                event.setAction(.leave)
            } else if s.equals(action, "reset") {
                event.setAction(.reset)
            } else if s.equals(action, "unpower") {
                event.setAction(.unpower)
            } else {
                throw TraceError(.invalidValue, "\"action\" must be \"leave\", \"reset\" or \"unpower\"")
            }
            events.append(event)
        } else if s.equals(type, "iteration") {
            var event = TraceEvent(kind: .iteration, time: try time(f))
            guard let index = f.index else { throw TraceError(.missingField, "iteration has no \"index\"") }
            guard (0...Int64(UInt32.max)).contains(index) else {
                throw TraceError(.outOfRange, "\"index\" \(index) is out of range")
            }
            event.iterationNumber = UInt32(index)
            guard let mode = f.mode else { throw TraceError(.missingField, "iteration has no \"mode\"") }
            if s.equals(mode, "warm") {
                event.setMode(.warm)
            } else if s.equals(mode, "cold") {
                event.setMode(.cold)
            } else {
                throw TraceError(.invalidValue, "\"mode\" must be \"warm\" or \"cold\"")
            }
            event.payloadOffset = UInt64(arena.count)
            if let challenge = f.challenge {
                event.flags |= 2
                event.firstCount = UInt32(
                    try decodeHex(s, challenge, "challenge", limit: TraceLimits.maximumChallengeBytes))
            }
            events.append(event)
        } else if s.equals(type, "note") {
            var noteTime: UInt64 = 0
            if let t = f.t { noteTime = try Self.time(t) }
            var event = TraceEvent(kind: .note, time: noteTime)
            guard let (range, escaped) = f.text else { throw TraceError(.missingField, "note has no \"text\"") }
            let text = try s.decodeString(range, escaped: escaped)
            let utf8 = Array(text.utf8)
            guard utf8.count <= TraceLimits.maximumNoteBytes else {
                throw TraceError(
                    .oversized, "a note of \(utf8.count) bytes is longer than \(TraceLimits.maximumNoteBytes)")
            }
            event.payloadOffset = UInt64(arena.count)
            event.firstCount = UInt32(utf8.count)
            arena.append(contentsOf: utf8)
            events.append(event)
        } else if s.equals(type, "header") {
            throw TraceError(.misplacedHeader, "a second header")
        } else {
            switch options.unknownEvents {
            case .skip: return
            case .reject:
                var name = ""
                for k in type.prefix(40) { name.unicodeScalars.append(Unicode.Scalar(s.bytes[k])) }
                throw TraceError(.unknownEventType, "unknown event type \"\(name)\"")
            }
        }
    }

    private func time(_ f: Fields) throws(TraceError) -> UInt64 {
        guard let t = f.t else { throw TraceError(.missingField, "the event has no \"t\" (time)") }
        return try Self.time(t)
    }

    private static func time(_ t: Int64) throws(TraceError) -> UInt64 {
        guard t >= 0 else { throw TraceError(.outOfRange, "\"t\" is negative (\(t) ns)") }
        guard t <= TraceLimits.maximumTimeNanoseconds else { throw TraceError(.outOfRange, "\"t\" \(t) ns is absurd") }
        return UInt64(t)
    }

    private static func duration(_ d: Int64) throws(TraceError) -> UInt64 {
        guard d >= 0 else { throw TraceError(.outOfRange, "\"d\" is negative (\(d) ns)") }
        guard d <= TraceLimits.maximumDurationNanoseconds else {
            throw TraceError(.outOfRange, "\"d\" \(d) ns is over an hour: a broken clock, not an exchange")
        }
        return UInt64(d)
    }

    /// Decodes the hex at `range` onto the end of the arena; returns the byte count.
    private mutating func decodeHex(
        _ s: borrowing JSONScanner, _ range: Range<Int>, _ name: StaticString, limit: Int
    ) throws(TraceError) -> Int {
        // Two digits a byte at least: a quick bound before touching the arena.
        if range.count > limit * 3 + 2 {
            throw TraceError(.oversized, "\"\(name)\" holds more than \(limit) bytes")
        }
        let before = arena.count
        do {
            try s.bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(HexError) in
                try Hex.decode(utf8: UnsafeBufferPointer(rebasing: buffer[range])) { (byte: UInt8) in
                    arena.append(byte)
                }
            }
        } catch {
            arena.removeLast(arena.count - before)
            throw TraceError(.invalidHex, "\"\(name)\": \(error)")
        }
        let count = arena.count - before
        if count > limit {
            arena.removeLast(count)
            throw TraceError(.oversized, "\"\(name)\" holds \(count) bytes; at most \(limit) are allowed")
        }
        return count
    }
}
