import APDU
import CardTransport
import HexCoding

extension TraceImport {
    /// Imports an apdu4j dump (`DumpingBIBO`): `# ATR: …` and `# PROTOCOL: …` header comments,
    /// then per exchange the command as hex, a `# Nms` comment with the elapsed milliseconds and
    /// the response as hex. A failed exchange has `# Nms message` and no response line; it is
    /// stored with `SCARD_F_INTERNAL_ERROR` since the dump does not keep the PC/SC code.
    ///
    /// Dumps carry no timestamps: `t` is the running sum of the durations, and durations have
    /// millisecond resolution (the header note says so). An exchange without its `# Nms`
    /// comment has no duration (unknown, not 0), and the note counts such exchanges.
    public static func apdu4j(_ text: String, reader: TraceHeader.Reader? = nil) throws(TraceError) -> Trace {
        var trace = Trace(header: header(source: "apdu4j", reader: reader, atr: [], note: "durations have 1 ms resolution; t is their running sum"))
        var pending: (command: [UInt8], line: Int)?
        var duration: UInt64?
        var clock: UInt64 = 0
        var exchanges = 0
        for (offset, raw) in lines(text).enumerated() {
            let number = offset + 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("# ATR:") {
                    let atr = try decodeHex(line.dropFirst(6).trimmingWhitespace(), line: number, what: "ATR")
                    guard atr.count <= 33 else {
                        throw TraceError(
                            .importFormat, line: number, "the ATR has \(atr.count) bytes; an ATR has at most 33")
                    }
                    trace.header.atr = atr
                } else if line.hasPrefix("# PROTOCOL:") {
                    trace.header.protocolName = String(line.dropFirst(11).trimmingWhitespace())
                } else if let timing = durationComment(line) {
                    guard let command = pending?.command else {
                        throw TraceError(.importFormat, line: number, "a timing comment without a command before it")
                    }
                    // Checked in milliseconds: the product overflowed for a comment of 19 digits.
                    guard timing.milliseconds <= UInt64(TraceLimits.maximumDurationNanoseconds) / 1_000_000 else {
                        throw TraceError(.outOfRange, line: number, "an exchange of \(timing.milliseconds) ms")
                    }
                    let nanoseconds = timing.milliseconds * 1_000_000
                    if let message = timing.message {
                        trace.appendTransmit(
                            time: clock, duration: nanoseconds, command: redacted(command).span, response: Span<UInt8>(),
                            result: PCSCResult.internalError)
                        trace.appendNote(time: clock, "exchange failed: \(message)")
                        clock += nanoseconds
                        pending = nil
                        exchanges += 1
                    } else {
                        duration = nanoseconds
                    }
                }
                continue
            }
            let bytes = try decodeHex(line, line: number, what: pending == nil ? "command" : "response")
            if let command = pending {
                guard bytes.count >= 2 else {
                    throw TraceError(.importFormat, line: number, "a response needs at least SW1 SW2")
                }
                trace.appendTransmit(
                    time: clock, duration: duration, command: redacted(command.command).span, response: bytes.span)
                clock += duration ?? 0
                pending = nil
                duration = nil
                exchanges += 1
            } else {
                guard bytes.count >= 4, bytes.count <= TraceLimits.maximumCommandBytes else {
                    throw TraceError(.importFormat, line: number, "a command of \(bytes.count) bytes")
                }
                pending = (bytes, number)
            }
        }
        if let pending {
            throw TraceError(.truncatedLine, line: pending.line, "the dump ends after a command without its response")
        }
        guard exchanges > 0 else { throw TraceError(.importFormat, "the dump holds no exchanges") }
        let untimed = trace.untimedExchangeCount
        if untimed > 0 {
            trace.header.note = (trace.header.note ?? "")
                + "; \(untimed) of \(exchanges) exchanges have no '# Nms' comment: their durations are unknown"
        }
        return trace
    }

    /// Imports a scriptor file. Two shapes are read:
    /// - scriptor's output (`> 00 A4 …` then `< 90 00 : Normal processing.`): commands with
    ///   responses, no timing (no durations: scriptor measures none, and 0 would be a lie);
    /// - a script (one hex command per line, `\` continuing a line, `reset`, `#` comments,
    ///   `exit`): commands only. Such a trace cannot be replayed, so the import refuses unless
    ///   `acceptMissingResponses`; then responses are empty and the header has
    ///   `responsesMissing`, which replay checks.
    public static func scriptor(
        _ text: String, reader: TraceHeader.Reader? = nil, acceptMissingResponses: Bool = false
    ) throws(TraceError) -> Trace {
        var trace = Trace(
            header: header(source: "scriptor", reader: reader, atr: [], note: "scriptor records no timing: durations are unknown"))
        var pending: (command: [UInt8], line: Int)?
        var continued = ""
        var continuedLine = 0
        // scriptor's output has "> " command lines; everything else in it ("Using T=1
        // protocol") is chatter. A script has none.
        let isOutput = lines(text).contains { $0.hasPrefix("> ") }
        var commandsOnly = 0
        for (offset, raw) in lines(text).enumerated() {
            let number = offset + 1
            var line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if isOutput && (line.hasPrefix("> ") || line.hasPrefix("< ")) {
                let body = line.dropFirst(2).trimmingWhitespace()
                if line.hasPrefix(">") {
                    if let previous = pending {
                        throw TraceError(.importFormat, line: previous.line, "a command without a response")
                    }
                    if body.lowercased() == "reset" {
                        trace.appendReconnect(time: 0, action: .reset)
                        continue
                    }
                    pending = (try decodeHex(body, line: number, what: "command"), number)
                } else {
                    guard let command = pending else {
                        // scriptor answers "reset" with the ATR: "< OK: 3B …".
                        if body.hasPrefix("OK") { continue }
                        throw TraceError(.importFormat, line: number, "a response without a command")
                    }
                    let hexPart = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    let response = try decodeHex(hexPart.trimmingWhitespace(), line: number, what: "response")
                    guard response.count >= 2 else {
                        throw TraceError(.importFormat, line: number, "a response needs at least SW1 SW2")
                    }
                    trace.appendTransmit(
                        time: 0, duration: nil, command: redacted(command.command).span, response: response.span)
                    pending = nil
                }
                continue
            }
            if isOutput { continue }  // "Using T=1 protocol" and such
            let lower = line.lowercased()
            if lower == "exit" { break }
            if lower == "reset" {
                trace.appendReconnect(time: 0, action: .reset)
                continue
            }
            if line.hasSuffix("\\") {
                if continued.isEmpty { continuedLine = number }
                line = line.dropLast()
                continued += line + " "
                continue
            }
            let start = continued.isEmpty ? number : continuedLine
            let full = continued + line
            continued = ""
            let command = try decodeHex(Substring(full), line: start, what: "command")
            guard command.count >= 4, command.count <= TraceLimits.maximumCommandBytes else {
                throw TraceError(.importFormat, line: start, "a command of \(command.count) bytes")
            }
            trace.appendTransmit(time: 0, duration: nil, command: redacted(command).span, response: Span<UInt8>())
            commandsOnly += 1
        }
        if let pending { throw TraceError(.truncatedLine, line: pending.line, "the output ends after a command without its response") }
        if !continued.isEmpty { throw TraceError(.truncatedLine, line: continuedLine, "a continued line never ends") }
        if commandsOnly > 0 {
            guard acceptMissingResponses else {
                throw TraceError(
                    .missingResponses,
                    "a scriptor script holds \(commandsOnly) commands and no responses; import scriptor's output instead, or accept a trace that cannot be replayed")
            }
            trace.header.responsesMissing = true
            trace.header.note = "imported from a scriptor script: commands only, no responses, no timing"
        }
        guard trace.exchangeCount > 0 else { throw TraceError(.importFormat, "the file holds no commands") }
        return trace
    }
}
