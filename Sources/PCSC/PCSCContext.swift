import CPCSCLite
import Glibc

/// A connection to pcscd (`SCARDCONTEXT`), released exactly once when the value goes away.
///
/// pcsc-lite wants one context per thread: each context is its own socket to pcscd and its own
/// server thread. Make a context on the thread that uses it; hand other threads a
/// ``Canceller`` rather than the context.
public struct PCSCContext: ~Copyable {
    @usableFromInline let handle: SCARDCONTEXT

    /// Establishes a context (`SCardEstablishContext`, system scope).
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(UInt(SCARD_SCOPE_SYSTEM), nil, nil, &context), "SCardEstablishContext")
        handle = context
    }

    deinit { _ = SCardReleaseContext(handle) }

    /// Whether pcscd still knows this context (`SCardIsValidContext`); false after pcscd restarted.
    public var isValid: Bool { SCardIsValidContext(handle) == SCARD_S_SUCCESS }

    /// A handle another thread may use to interrupt ``waitForChange(_:timeout:)``.
    public var canceller: Canceller { Canceller(handle: handle) }

    /// The names of the connected readers; empty when there are none (not an error).
    public func readerNames() throws(PCSCError) -> [String] {
        var length: UInt = 0
        var result = SCardListReaders(handle, nil, nil, &length)
        if result == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try check(result, "SCardListReaders")
        var buffer = [CChar](repeating: 0, count: Int(length))
        result = buffer.withUnsafeMutableBufferPointer { SCardListReaders(handle, nil, $0.baseAddress, &length) }
        if result == SCARD_E_NO_READERS_AVAILABLE { return [] }
        try check(result, "SCardListReaders")
        return Self.splitMultiString(buffer)
    }

    /// Splits a PC/SC multi-string (`a\0b\0\0`).
    static func splitMultiString(_ buffer: [CChar]) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        for character in buffer {
            if character == 0 {
                if current.isEmpty { break }
                names.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(UInt8(bitPattern: character))
            }
        }
        if !current.isEmpty { names.append(String(decoding: current, as: UTF8.self)) }
        return names
    }

    /// Waits until one of `states` differs from what the caller last saw (`SCardGetStatusChange`).
    ///
    /// On return each state's ``ReaderState/eventState`` tells what is now true; copy it into
    /// ``ReaderState/currentState`` (``ReaderState/acknowledge()``) before waiting again.
    /// Include ``ReaderState/pnpNotificationName`` to be woken when readers are plugged or
    /// unplugged.
    ///
    /// - Parameter timeout: how long to wait; nil waits until a change or a cancel.
    /// - Returns: false when the timeout passed with no change.
    public func waitForChange(_ states: inout [ReaderState], timeout: Duration?) throws(PCSCError) -> Bool {
        let milliseconds: UInt
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            milliseconds = UInt(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        } else {
            milliseconds = UInt(INFINITE)
        }
        let names = states.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var cStates = states.enumerated().map { index, state in
            var c = SCARD_READERSTATE()
            c.szReader = UnsafePointer(names[index])
            c.dwCurrentState = state.currentState.rawValue
            return c
        }
        let result = cStates.withUnsafeMutableBufferPointer {
            SCardGetStatusChange(handle, milliseconds, $0.baseAddress, UInt($0.count))
        }
        if result == SCARD_E_TIMEOUT { return false }
        try check(result, "SCardGetStatusChange")
        for index in states.indices {
            var c = cStates[index]
            states[index].eventState = ReaderStateFlags(rawValue: c.dwEventState)
            let count = min(Int(c.cbAtr), Int(MAX_ATR_SIZE))
            states[index].atr = withUnsafeBytes(of: &c.rgbAtr) { Array($0.prefix(count)) }
        }
        return true
    }

    /// Connects to the card in `reader` (`SCardConnect`).
    public func connect(
        reader: String, share: ShareMode = .shared, protocols: CardProtocols = .any
    ) throws(PCSCError) -> PCSCCard {
        try PCSCCard(context: handle, reader: reader, share: share, protocols: protocols)
    }

    /// Connects to a reader without a card (`SCARD_SHARE_DIRECT`), for attributes and control
    /// codes.
    public func connectDirect(reader: String) throws(PCSCError) -> PCSCCard {
        try PCSCCard(context: handle, reader: reader, share: .direct, protocols: [])
    }

    /// The pcsc-lite version this tool was built against (the client library's header).
    public static var libraryVersion: String { PCSCLITE_VERSION_NUMBER }
}

/// Interrupts a context's wait from another thread (`SCardCancel`, which pcsc-lite allows from
/// any thread).
public struct Canceller: Sendable {
    let handle: SCARDCONTEXT
    public func cancel() { _ = SCardCancel(handle) }
}

// MARK: - Reader states

/// One reader's state as `SCardGetStatusChange` sees it.
public struct ReaderState: Sendable, Hashable {
    /// The pseudo-reader that changes when readers are plugged in or removed.
    public static let pnpNotificationName = "\\\\?PnP?\\Notification"

    public var name: String
    /// What the caller believes; `[]` (unaware) asks for the present state at once.
    public var currentState: ReaderStateFlags
    /// What pcscd reports.
    public var eventState: ReaderStateFlags = []
    /// The card's ATR when one is present.
    public var atr: [UInt8] = []

    public init(name: String, currentState: ReaderStateFlags = []) {
        self.name = name
        self.currentState = currentState
    }

    /// pcsc-lite counts events per reader in the upper 16 bits of the event state.
    public var eventCount: Int { Int(eventState.rawValue >> 16) }

    /// Takes the reported state as known, so the next wait returns only on a new change.
    public mutating func acknowledge() { currentState = eventState.subtracting(.changed) }
}

/// `SCARD_STATE_*` flags.
public struct ReaderStateFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    public static let ignore = ReaderStateFlags(rawValue: UInt(SCARD_STATE_IGNORE))
    public static let changed = ReaderStateFlags(rawValue: UInt(SCARD_STATE_CHANGED))
    public static let unknown = ReaderStateFlags(rawValue: UInt(SCARD_STATE_UNKNOWN))
    public static let unavailable = ReaderStateFlags(rawValue: UInt(SCARD_STATE_UNAVAILABLE))
    public static let empty = ReaderStateFlags(rawValue: UInt(SCARD_STATE_EMPTY))
    public static let present = ReaderStateFlags(rawValue: UInt(SCARD_STATE_PRESENT))
    public static let exclusive = ReaderStateFlags(rawValue: UInt(SCARD_STATE_EXCLUSIVE))
    public static let inUse = ReaderStateFlags(rawValue: UInt(SCARD_STATE_INUSE))
    public static let mute = ReaderStateFlags(rawValue: UInt(SCARD_STATE_MUTE))
    public static let unpowered = ReaderStateFlags(rawValue: UInt(SCARD_STATE_UNPOWERED))

    public var description: String {
        let names: [(ReaderStateFlags, String)] = [
            (.changed, "changed"), (.unknown, "unknown"), (.unavailable, "unavailable"), (.empty, "empty"),
            (.present, "present"), (.exclusive, "exclusive"), (.inUse, "in use"), (.mute, "mute"),
            (.unpowered, "unpowered"),
        ]
        let set = names.filter { contains($0.0) }.map(\.1)
        return set.isEmpty ? "unaware" : set.joined(separator: ", ")
    }
}
