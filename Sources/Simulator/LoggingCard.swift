import APDU
import CardTransport
import HexCoding

/// Prints every command and answer of the card it wraps, PINs redacted (`readerbench simulate
/// --verbose`). Logging happens on the serving thread, outside any measured section of the
/// client, but it does slow the card: never use it for measurements.
public struct LoggingCard<Base: VirtualCard & Sendable>: VirtualCard, Sendable {
    public var base: Base
    public let log: @Sendable (String) -> Void

    public init(_ base: Base, log: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.log = log
    }

    public var atr: [UInt8] { base.atr }
    public mutating func powerOn() { log("power on"); base.powerOn() }
    public mutating func powerOff() { log("power off"); base.powerOff() }
    public mutating func reset() { log("reset"); base.reset() }

    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        log("> " + Hex.encode(PINRedaction.redacted(command), style: .spaced))
        let action = base.respond(to: command, into: &response)
        let answer = response.span
        if answer.count >= 2 {
            let sw = StatusWord(sw1: answer[answer.count - 2], sw2: answer[answer.count - 1])
            log("< \(answer.count - 2) bytes, \(sw)\(action == .respond ? "" : " [\(action)]")")
        } else {
            log("< [\(action)]")
        }
        return action
    }
}
