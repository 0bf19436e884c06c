import CardTransport

/// The simulated card served by vpcd or in-process: power events drop the volatile state, every
/// command is answered.
extension MyNumberCard: VirtualCard {
    public var atr: [UInt8] { profile.atr }

    public mutating func powerOn() { clearVolatileState() }
    public mutating func powerOff() { clearVolatileState() }
    public mutating func reset() { clearVolatileState() }

    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        process(command, into: &response)
        return .respond
    }
}
