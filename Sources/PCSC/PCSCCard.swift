import APDU
import CPCSCLite
import CardTransport

/// A connection to the card in one reader (`SCARDHANDLE`), disconnected exactly once: by
/// ``disconnect(_:)`` with the disposition the caller names, or, if the value is dropped,
/// leaving the card as it is.
///
/// It is the real reader's ``CardChannel``: ``transmitRaw(_:into:)`` hands the command span
/// straight to `SCardTransmit` and receives into the caller's reusable buffer, so a steady-state
/// exchange allocates nothing.
public struct PCSCCard: ~Copyable {
    @usableFromInline let handle: SCARDHANDLE
    /// The reader's name as pcsc-lite lists it.
    public let readerName: String
    /// The protocol negotiated with the card (T=0 or T=1; none for direct connections).
    public private(set) var activeProtocol: CardProtocols
    @usableFromInline var sendPCI: SCARD_IO_REQUEST
    private var disconnected = false

    /// Exactly `SCardConnect` and nothing else: the read path times this as its connect phase,
    /// so the ATR is not read here (``atr`` asks `SCardStatus` when someone wants it).
    init(context: SCARDCONTEXT, reader: String, share: ShareMode, protocols: CardProtocols) throws(PCSCError) {
        var card: SCARDHANDLE = 0
        var active: UInt = 0
        // withCString lends the string's own storage; passing the String straight to the C
        // parameter would copy it into a new array (one allocation per connect).
        let result = reader.withCString { name in
            SCardConnect(context, name, share.rawValue, protocols.rawValue, &card, &active)
        }
        try check(result, "SCardConnect")
        handle = card
        readerName = reader
        activeProtocol = CardProtocols(rawValue: active)
        sendPCI = Self.pci(for: CardProtocols(rawValue: active))
    }

    deinit {
        if !disconnected { _ = SCardDisconnect(handle, Disposition.leave.pcscValue) }
    }

    /// The protocol control information for `SCardTransmit`: what the `SCARD_PCI_T0` /
    /// `SCARD_PCI_T1` macros point at, built here because those macros name mutable C globals.
    static func pci(for active: CardProtocols) -> SCARD_IO_REQUEST {
        let protocolValue = active.contains(.t0) ? UInt(SCARD_PROTOCOL_T0) : UInt(SCARD_PROTOCOL_T1)
        return SCARD_IO_REQUEST(dwProtocol: protocolValue, cbPciLength: UInt(MemoryLayout<SCARD_IO_REQUEST>.size))
    }

    // MARK: - Lifecycle

    /// Ends the connection, doing `disposition` to the card (`SCardDisconnect`).
    public consuming func disconnect(_ disposition: Disposition = .leave) throws(PCSCError) {
        disconnected = true
        try check(SCardDisconnect(handle, disposition.pcscValue), "SCardDisconnect")
    }

    /// Re-establishes the connection (`SCardReconnect`), e.g. to reset or power-cycle the card
    /// between iterations.
    public mutating func reconnect(
        share: ShareMode = .shared, protocols: CardProtocols = .any, initialization: Disposition
    ) throws(PCSCError) {
        var active: UInt = 0
        try check(
            SCardReconnect(handle, share.rawValue, protocols.rawValue, initialization.pcscValue, &active),
            "SCardReconnect")
        activeProtocol = CardProtocols(rawValue: active)
        sendPCI = Self.pci(for: activeProtocol)
    }

    /// Takes the reader for a sequence of commands no other application may interleave with.
    public func beginTransaction() throws(PCSCError) {
        try check(SCardBeginTransaction(handle), "SCardBeginTransaction")
    }

    /// Releases the reader after ``beginTransaction()``.
    public func endTransaction(_ disposition: Disposition = .leave) throws(PCSCError) {
        try check(SCardEndTransaction(handle, disposition.pcscValue), "SCardEndTransaction")
    }

    // MARK: - Status, attributes, control

    /// The card's ATR now (`SCardStatus`), or empty when the reader cannot say (a direct
    /// connection, a card that left). A separate call, never part of ``init`` or a transmit, so
    /// whoever times it times it as its own step.
    public var atr: [UInt8] { (try? status().atr) ?? [] }

    /// What the reader says about the card now (`SCardStatus`).
    public func status() throws(PCSCError) -> (state: UInt, activeProtocol: CardProtocols, atr: [UInt8]) {
        var state: UInt = 0
        var active: UInt = 0
        var atrBytes = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = UInt(MAX_ATR_SIZE)
        var nameLength: UInt = 0
        let result = atrBytes.withUnsafeMutableBufferPointer {
            SCardStatus(handle, nil, &nameLength, &state, &active, $0.baseAddress, &atrLength)
        }
        try check(result, "SCardStatus")
        return (state, CardProtocols(rawValue: active), Array(atrBytes.prefix(Int(atrLength))))
    }

    /// A reader attribute (`SCardGetAttrib`); nil when the driver does not offer it, which is
    /// normal (vpcd offers none).
    public func attribute(_ attribute: ReaderAttribute) throws(PCSCError) -> [UInt8]? {
        var length: UInt = 0
        var result = SCardGetAttrib(handle, attribute.rawValue, nil, &length)
        if Self.isAbsentAttribute(result) { return nil }
        try check(result, "SCardGetAttrib")
        var value = [UInt8](repeating: 0, count: Int(length))
        result = value.withUnsafeMutableBufferPointer {
            SCardGetAttrib(handle, attribute.rawValue, $0.baseAddress, &length)
        }
        if Self.isAbsentAttribute(result) { return nil }
        try check(result, "SCardGetAttrib")
        return Array(value.prefix(Int(length)))
    }

    /// Drivers say "not here" in several ways; vpcd answers INSUFFICIENT_BUFFER to the friendly name.
    private static func isAbsentAttribute(_ result: Int) -> Bool {
        result == SCARD_E_UNSUPPORTED_FEATURE || result == SCARD_E_NOT_TRANSACTED
            || result == SCARD_E_INSUFFICIENT_BUFFER || result == SCARD_E_INVALID_PARAMETER
    }

    /// Sends a control code to the reader (`SCardControl`), e.g. ``getFeatureRequestControlCode``.
    /// Returns nil when the driver does not support the code.
    public func control(_ code: UInt, input: [UInt8] = [], outputCapacity: Int = 1024) throws(PCSCError) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: outputCapacity)
        var returned: UInt = 0
        let result = input.withUnsafeBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                SCardControl(
                    handle, code, inBuffer.baseAddress, UInt(inBuffer.count), outBuffer.baseAddress,
                    UInt(outBuffer.count), &returned)
            }
        }
        if result == SCARD_E_UNSUPPORTED_FEATURE || result == SCARD_E_NOT_TRANSACTED { return nil }
        try check(result, "SCardControl")
        return Array(output.prefix(Int(returned)))
    }

    // MARK: - Transmit

    /// Sends one command and receives the raw response into `response` (`SCardTransmit`).
    ///
    /// The receive PCI is passed, not NULL: pcsc-lite 1.9.9's libpcscspy crashes on NULL, and
    /// recording traces with it must work.
    @inlinable
    public func transmit(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(PCSCError) {
        var sendPCI = self.sendPCI
        var receivePCI = self.sendPCI
        let handle = self.handle
        var result = 0
        command.withUnsafeBytes { commandBytes in
            response.fill { buffer in
                var received = UInt(buffer.count)
                result = SCardTransmit(
                    handle, &sendPCI, commandBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt(commandBytes.count), &receivePCI, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    &received)
                return result == SCARD_S_SUCCESS ? Int(received) : 0
            }
        }
        try check(result, "SCardTransmit")
    }
}

// MARK: - The real reader as a card channel

extension PCSCCard: CardChannel {
    @inlinable
    public mutating func transmitRaw(_ command: Span<UInt8>, into response: inout APDUBuffer) throws(TransportError) {
        do { try transmit(command, into: &response) } catch { throw error.transportError }
    }

    public mutating func reconnect(_ action: PowerAction) throws(TransportError) {
        do { try reconnect(initialization: Disposition(action)) } catch { throw error.transportError }
    }
}
