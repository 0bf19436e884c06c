import APDU
import CardTransport
import Traces

#if canImport(Glibc)
    import Glibc
#endif

/// Trace files: the loader (in memory and from a file), the writer it must agree with, and the
/// replay cursor that serves a loaded trace.
enum TraceTargets {
    static let load = FuzzTarget(
        name: "trace-load",
        summary: "trace files: a trace that loads writes back to text that loads to the same trace (PINs redacted "
            + "when the header says so), and writing that again gives the same bytes; Trace.load from a file "
            + "equals parsing in memory; skipping unknown events never loses known ones"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "trace-load")
        let strict = Result { () throws(TraceError) -> Trace in try Trace(parsing: bytes) }
        let lenient = Result { () throws(TraceError) -> Trace in
            try Trace(parsing: bytes, options: TraceLoadOptions(unknownEvents: .skip))
        }
        if case .success(let trace) = strict {
            guard case .success(let skipped) = lenient else {
                throw check.violation("a strict load succeeds, the lenient one fails")
            }
            try check.expect(
                TraceShape(trace) == TraceShape(skipped), "skipping unknown events changed a trace that has none")
        }
        if case .failure(let error) = strict {
            try check.expect(error.line != nil || error.code == .missingHeader, "an error without a line: \(error)")
        }
        // Trace.load reads through a 4 MiB buffer, which costs a hundred times more than parsing a
        // small input: one input in 64 (chosen by its bytes, so runs repeat) also goes through a file.
        if fingerprint(bytes) % 64 == 0 {
            let fromFile = ScratchFile.withContents(bytes) { path in
                Result { () throws(TraceError) -> Trace in try Trace.load(path: path) }
            }
            switch (strict, fromFile) {
            case (.success(let a), .success(let b)):
                try check.expect(TraceShape(a) == TraceShape(b), "Trace.load differs from parsing")
            case (.failure(let a), .failure(let b)): try check.expect(a == b, "Trace.load says \(b), parsing \(a)")
            default: throw check.violation("Trace.load and parsing disagree: \(fromFile) vs \(strict)")
            }
        }
        guard case .success(let trace) = lenient else { return }
        try roundTrip(trace, check)
    }

    static let cursor = FuzzTarget(
        name: "trace-cursor",
        summary: "replaying a loaded trace: its own commands, sent in order, get exactly the recorded answers "
            + "(strict and lenient, with and without explicit iterations); other commands and power events in any "
            + "order end in a replay mismatch, never a trap"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "trace-cursor")
        guard let trace = try? Trace(parsing: bytes) else { return }
        let hash = fingerprint(bytes)
        for matching in [ReplayMatching.strict, .lenient] {
            for explicit in [true, false] {
                try replayInOrder(trace, matching: matching, explicit: explicit, check)
            }
        }
        try replayShuffled(trace, hash: hash, check)
    }

    // MARK: - Writing back

    /// Writes `trace` and loads it again: the same trace, and a fixed point from the second write on.
    static func roundTrip(_ trace: Trace, _ check: Checker) throws(PropertyViolation) {
        let redacts = trace.header.isRedacted(.pin)
        var writer = TraceWriter(header: trace.header, redactPINs: redacts)
        do { try writer.write(trace) } catch { throw check.violation("the loaded trace does not write: \(error)") }
        let text = writer.writtenBytes
        let reloaded: Trace
        do { reloaded = try Trace(parsing: text) } catch {
            throw check.violation(
                "the written trace does not load: \(error)\n\(String(decoding: text.prefix(2000), as: UTF8.self))")
        }
        try check.expect(
            reloaded.header == trace.header, "the header changed:\n  \(trace.header)\n  \(reloaded.header)")
        let expected = TraceShape(trace, redactingPINs: redacts)
        let got = TraceShape(reloaded)
        try check.expect(expected == got, "the written trace loads differently: \(expected.firstDifference(from: got))")
        var again = TraceWriter(header: reloaded.header, redactPINs: redacts)
        do { try again.write(reloaded) } catch { throw check.violation("the reloaded trace does not write: \(error)") }
        try check.expect(again.writtenBytes == text, "writing the reloaded trace gives other bytes")
    }

    // MARK: - Replay

    private static func replayInOrder(
        _ copy: Trace, matching: ReplayMatching, explicit: Bool, _ check: Checker
    ) throws(PropertyViolation) {
        var channel: TraceReplayChannel
        do {
            channel = try TraceReplayChannel(
                trace: copy, matching: matching, timing: .none, acceptMissingResponses: true)
        } catch {
            throw check.violation("replay refused a loaded trace: \(error)")
        }
        let events = copy.events
        let firstIteration = events.firstIndex { $0.kind == .iteration }
        let hasPrefix = events[..<(firstIteration ?? events.count)].contains { $0.kind == .transmit }
        if explicit && (hasPrefix || firstIteration == nil) { channel.beginIteration() }
        var response = APDUBuffer()
        for index in events.indices {
            let event = events[index]
            if event.kind == .iteration && explicit {
                channel.beginIteration()
                continue
            }
            guard event.kind == .transmit else { continue }
            let command = copy.commandBytes(of: index)
            var failure: TransportError?
            do throws(TransportError) { try channel.transmitRaw(command.span, into: &response) } catch {
                failure = error
            }
            let mode = "\(matching)\(explicit ? " explicit" : "") replay of event \(index)"
            try check.expect(
                channel.lastEventIndex == index,
                "\(mode) answered from event \(String(describing: channel.lastEventIndex)) (\(String(describing: failure)))"
            )
            if let failure {
                try check.expect(
                    event.result != 0 || copy.responseBytes(of: index).isEmpty, "\(mode) failed: \(failure)")
            } else {
                try check.expect(response.copyBytes() == copy.responseBytes(of: index), "\(mode) answered other bytes")
            }
        }
    }

    /// Power events and commands in an order the input's hash picks: errors allowed, traps not.
    private static func replayShuffled(_ copy: Trace, hash: UInt64, _ check: Checker) throws(PropertyViolation) {
        guard
            var channel = try? TraceReplayChannel(
                trace: copy, matching: hash & 1 == 0 ? .strict : .lenient, acceptMissingResponses: true)
        else { return }
        let transmits = copy.events.indices.filter { copy.events[$0].kind == .transmit }
        var state = hash
        var response = APDUBuffer()
        for _ in 0..<min(64, 4 + copy.events.count * 2) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            switch (state >> 33) % 6 {
            case 0: channel.beginIteration()
            case 1: try? channel.connect()
            case 2: try? channel.disconnect(.unpower)
            case 3: try? channel.reconnect(.reset)
            case 4:
                let garbage: [UInt8] = [UInt8(truncatingIfNeeded: state >> 8), 0xB0, 0, 0, 0]
                try? channel.transmitRaw(garbage.span, into: &response)
            default:
                guard !transmits.isEmpty else { continue }
                let command = copy.commandBytes(of: transmits[Int((state >> 40) % UInt64(transmits.count))])
                try? channel.transmitRaw(command.span, into: &response)
            }
            try check.expect(
                response.count <= TraceLimits.maximumResponseBytes, "replay answered \(response.count) bytes")
        }
    }

}

// MARK: - Comparing traces by what they say

/// A trace's events and bytes, without where the bytes sit in the arena.
struct TraceShape: Equatable {
    struct Event: Equatable {
        var kind: TraceEvent.Kind
        var time: UInt64
        var duration: UInt64
        var hasDuration: Bool
        var result: UInt32
        var action: PowerAction?
        var mode: TraceEvent.IterationMode?
        var iterationNumber: UInt32
        var command: [UInt8]
        var response: [UInt8]
        var challenge: [UInt8]?
        var note: String?
    }

    var events: [Event]

    init(_ trace: Trace, redactingPINs: Bool = false) {
        events = trace.events.indices.map { index in
            let event = trace.events[index]
            var command = trace.commandBytes(of: index)
            if redactingPINs { command = PINRedaction.redacted(command) }
            return Event(
                kind: event.kind, time: event.time, duration: event.hasDuration ? event.duration : 0,
                hasDuration: event.hasDuration,
                result: event.result, action: event.action, mode: event.mode, iterationNumber: event.iterationNumber,
                command: command, response: event.result == 0 ? trace.responseBytes(of: index) : [],
                challenge: trace.challenge(of: index), note: trace.noteText(of: index))
        }
    }

    func firstDifference(from other: TraceShape) -> String {
        if events.count != other.events.count { return "\(events.count) events vs \(other.events.count)" }
        for (a, b) in zip(events, other.events) where a != b { return "\(a) vs \(b)" }
        return "none"
    }
}

// MARK: - A file to load from

/// Files for the harnesses that must go through a path (Trace.load, the result-file writer): a
/// fresh file in /dev/shm (memory; /tmp where there is none) per call, removed afterwards, so
/// harnesses running side by side in one test process never share one.
enum ScratchFile {
    static let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"

    /// A new empty file's path, passed to `body` and removed when it returns.
    static func withPath<R>(_ body: (String) -> R) -> R {
        var template = Array("\(directory)/readerbench-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0, "cannot make a scratch file in \(directory)")
        close(fd)
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        return body(path)
    }

    /// A scratch file holding `bytes`.
    static func withContents<R>(_ bytes: Span<UInt8>, _ body: (String) -> R) -> R {
        withPath { path in
            let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            precondition(fd >= 0, "cannot write the scratch file \(path)")
            var written = 0
            bytes.withUnsafeBytes { raw in
                while written < raw.count {
                    let n = write(fd, raw.baseAddress! + written, raw.count - written)
                    precondition(n > 0, "cannot write the scratch file \(path)")
                    written += n
                }
            }
            close(fd)
            return body(path)
        }
    }
}
