import APDU
import CardTransport
import HexCoding

extension TraceImport {
    /// Imports a pcsc-spy raw log: what libpcscspy writes into `~/pcsc-spy` (not the
    /// `pcsc-spy` script's pretty output).
    ///
    /// Each call is an entry line `TID@>|sec|usec|Function`, argument lines `TID@value`, and an
    /// exit line, which pcsc-lite 1.9.9 writes with the error text
    /// (`TID@<|sec|usec|Function|Command successful.|0x00000000`) and later versions without it
    /// (`TID@<|sec|usec|Function|0x00000000`); both are read. For `SCardTransmit` the arguments are
    /// hCard, the send PCI's protocol and length, the send length, the command as hex, then the
    /// receive PCI's protocol and length, the receive length and the response as hex. Timestamps
    /// are `gettimeofday` microseconds at entry and exit: their difference is the duration.
    ///
    /// `SCardConnect`, `SCardReconnect` and `SCardDisconnect` become events, and each successful
    /// `SCardConnect` starts an iteration (cold when the previous disconnect unpowered the card),
    /// because the read path connects once per iteration. Other calls are skipped. The ATR does
    /// not appear in the log: pass it in `atr` if known.
    public static func pcscSpy(
        _ text: String, reader: TraceHeader.Reader? = nil, atr: [UInt8] = []
    ) throws(TraceError) -> Trace {
        struct Call {
            var function: Substring
            var entry: UInt64
            var line: Int
            var arguments: [(line: Int, text: Substring)] = []
        }
        var pending: [Substring: Call] = [:]
        var trace = Trace(header: header(source: "pcsc-spy", reader: reader, atr: atr, note: "durations are gettimeofday microseconds between entry and exit"))
        var origin: UInt64?
        var readerName: String?
        var iteration = 0
        var lastDisconnect: PowerAction = .unpower
        var sawCall = false

        func microseconds(_ seconds: Substring, _ micros: Substring, line: Int) throws(TraceError) -> UInt64 {
            guard let s = UInt64(seconds), let u = UInt64(micros), u < 1_000_000, s < 1 << 40 else {
                throw TraceError(.importFormat, line: line, "timestamp \(seconds)|\(micros) is not seconds|microseconds")
            }
            return s * 1_000_000 + u
        }

        for (offset, raw) in lines(text).enumerated() {
            let number = offset + 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty { continue }
            guard let at = line.firstIndex(of: "@") else {
                throw TraceError(.importFormat, line: number, "not a pcsc-spy raw line (no 'TID@')")
            }
            let thread = line[..<at]
            let rest = line[line.index(after: at)...]
            if rest.hasPrefix(">|") {
                let fields = rest.split(separator: "|", omittingEmptySubsequences: false)
                guard fields.count == 4 else {
                    throw TraceError(.importFormat, line: number, "an entry line needs >|sec|usec|Function")
                }
                if let open = pending[thread] {
                    throw TraceError(.importFormat, line: number, "\(fields[3]) starts before \(open.function) (line \(open.line)) ended")
                }
                let time = try microseconds(fields[1], fields[2], line: number)
                pending[thread] = Call(function: fields[3], entry: time, line: number)
                sawCall = true
            } else if rest.hasPrefix("<|") {
                let fields = rest.split(separator: "|", omittingEmptySubsequences: false)
                guard fields.count >= 5 else {
                    throw TraceError(.importFormat, line: number, "an exit line needs <|sec|usec|Function|[text|]0xRESULT")
                }
                guard let call = pending.removeValue(forKey: thread) else {
                    throw TraceError(.importFormat, line: number, "\(fields[3]) exits without an entry line")
                }
                guard call.function == fields[3] else {
                    throw TraceError(.importFormat, line: number, "\(fields[3]) exits, but \(call.function) (line \(call.line)) was called")
                }
                let exit = try microseconds(fields[1], fields[2], line: number)
                let resultText = fields[fields.count - 1]
                guard resultText.hasPrefix("0x"), let result = UInt32(resultText.dropFirst(2), radix: 16) else {
                    throw TraceError(.importFormat, line: number, "the result '\(resultText)' is not 0x followed by hex")
                }
                let start = origin ?? call.entry
                if origin == nil { origin = call.entry }
                // Microseconds are checked against the format's limits before they become
                // nanoseconds, so a timestamp from the far future neither overflows nor makes a
                // trace the loader refuses.
                let offset = call.entry >= start ? call.entry - start : 0
                guard offset <= UInt64(TraceLimits.maximumTimeNanoseconds) / 1000 else {
                    throw TraceError(
                        .outOfRange, line: number, "\(call.function) starts \(offset) µs after the first call")
                }
                let elapsed = exit >= call.entry ? exit - call.entry : 0
                guard elapsed <= UInt64(TraceLimits.maximumDurationNanoseconds) / 1000 else {
                    throw TraceError(.outOfRange, line: number, "\(call.function) took over an hour")
                }
                let time = offset * 1000
                let duration = elapsed * 1000
                switch call.function {
                case "SCardConnect":
                    if call.arguments.count > 1 { readerName = String(call.arguments[1].text) }
                    if result == 0 {
                        trace.appendIteration(time: time, number: iteration, mode: lastDisconnect == .leave ? .warm : .cold)
                        iteration += 1
                        trace.appendConnect(time: time, duration: duration)
                    } else {
                        trace.appendNote(time: time, "SCardConnect failed: \(PCSCResult.name(of: result))")
                    }
                case "SCardReconnect":
                    guard result == 0 else {
                        trace.appendNote(time: time, "SCardReconnect failed: \(PCSCResult.name(of: result))")
                        continue
                    }
                    let action = try disposition(call.arguments, index: 3, call: call.line)
                    trace.appendReconnect(time: time, action: action, duration: duration)
                case "SCardDisconnect":
                    guard result == 0 else {
                        trace.appendNote(time: time, "SCardDisconnect failed: \(PCSCResult.name(of: result))")
                        continue
                    }
                    let action = try disposition(call.arguments, index: 1, call: call.line)
                    lastDisconnect = action
                    trace.appendDisconnect(time: time, action: action, duration: duration)
                case "SCardTransmit":
                    let (command, response) = try transmitBuffers(call.arguments, call: call.line)
                    guard !command.isEmpty else {
                        throw TraceError(.importFormat, line: call.line, "SCardTransmit without a command")
                    }
                    if result == 0 && response.count < 2 {
                        throw TraceError(.importFormat, line: number, "a successful SCardTransmit returned \(response.count) bytes")
                    }
                    let stored = redacted(command)
                    let answer = result == 0 ? response : []
                    trace.appendTransmit(
                        time: time, duration: duration, command: stored.span, response: answer.span, result: result)
                default:
                    break
                }
            } else {
                guard pending[thread] != nil else {
                    throw TraceError(.importFormat, line: number, "an argument line outside any call")
                }
                pending[thread]!.arguments.append((number, rest))
            }
        }
        guard sawCall else { throw TraceError(.importFormat, "the log holds no PC/SC calls") }
        if let open = pending.values.min(by: { $0.line < $1.line }), open.function == "SCardTransmit" {
            throw TraceError(.truncatedLine, line: open.line, "the log ends inside \(open.function)")
        }
        if let readerName, reader == nil { trace.header.reader = .init(name: readerName, modelKey: "unknown") }
        return trace
    }

    private static func disposition(
        _ arguments: [(line: Int, text: Substring)], index: Int, call: Int
    ) throws(TraceError) -> PowerAction {
        guard index < arguments.count else {
            throw TraceError(.importFormat, line: call, "the call lacks its disposition argument")
        }
        let text = arguments[index].text
        guard text.hasPrefix("0x"), let value = UInt32(text.dropFirst(2), radix: 16) else {
            throw TraceError(.importFormat, line: arguments[index].line, "the disposition '\(text)' is not 0x followed by hex")
        }
        switch value {
        case 0: return .leave
        case 1: return .reset
        case 2, 3: return .unpower  // SCARD_EJECT_CARD powers down too
        default: throw TraceError(.importFormat, line: arguments[index].line, "unknown disposition \(text)")
        }
    }

    /// The command and response of a transmit: the argument lines that are not `0x` numbers,
    /// each checked against the length line before it.
    private static func transmitBuffers(
        _ arguments: [(line: Int, text: Substring)], call: Int
    ) throws(TraceError) -> ([UInt8], [UInt8]) {
        var buffers: [[UInt8]] = []
        for (k, argument) in arguments.enumerated() where !argument.text.hasPrefix("0x") {
            let bytes = try decodeHex(argument.text, line: argument.line, what: "SCardTransmit buffer")
            if k > 0, let declared = UInt64(arguments[k - 1].text.dropFirst(2), radix: 16),
                arguments[k - 1].text.hasPrefix("0x"), declared != UInt64(bytes.count), !bytes.isEmpty
            {
                throw TraceError(
                    .importFormat, line: argument.line, "the buffer holds \(bytes.count) bytes but its length says \(declared)")
            }
            guard bytes.count <= TraceLimits.maximumCommandBytes else {
                throw TraceError(.oversized, line: argument.line, "a buffer of \(bytes.count) bytes")
            }
            buffers.append(bytes)
        }
        guard buffers.count == 2 else {
            if buffers.count == 1 { return (buffers[0], []) }
            throw TraceError(.importFormat, line: call, "SCardTransmit has \(buffers.count) data lines, expected 2")
        }
        return (buffers[0], buffers[1])
    }
}
