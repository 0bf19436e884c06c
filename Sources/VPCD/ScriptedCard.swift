import CardTransport
import HexCoding

/// A card that answers from a table: exact command bytes to response bytes.
///
/// It exists so the PC/SC layer can be tested through the real pcscd and vpcd with answers the
/// test chose, including the faults a real card shows only by accident: leaving the field after a
/// given command, or staying mute on one.
public struct ScriptedCard: VirtualCard, Sendable {
    // MARK: - Configuration

    /// The ATR of a contactless My Number Card as a PC/SC reader reports it
    /// (`3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F`), so the default card looks like the real one.
    public static let myNumberCardContactlessATR: [UInt8] = [
        0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
    ]

    /// "Instruction code not supported or invalid": what the card says to a command not in the table.
    public static let instructionNotSupported: [UInt8] = [0x6D, 0x00]

    /// "No precise diagnosis": the answer when a scripted response does not fit in the reply buffer.
    public static let noPreciseDiagnosis: [UInt8] = [0x6F, 0x00]

    public var atr: [UInt8]

    /// The answer to commands the table does not contain.
    public var defaultResponse: [UInt8]

    /// When set to N, the card answers the Nth command (counting from 1) and then leaves the field,
    /// so the reader sees no card afterwards.
    public var removeAfterCommand: Int?

    /// When set to N, the card does not answer the Nth command (counting from 1).
    public var muteOnCommand: Int?

    // MARK: - State

    /// How many C-APDUs the card has been sent (control messages do not count).
    public private(set) var commandCount = 0
    /// How many times the reader powered the card up.
    public private(set) var powerOnCount = 0
    /// How many warm resets the card saw.
    public private(set) var resetCount = 0
    /// Whether the reader last powered the card up rather than down.
    public private(set) var isPowered = false

    /// Table entries in insertion order; a later entry for the same command replaces the earlier.
    private var entries: [(command: [UInt8], response: [UInt8])] = []
    /// Entry indices by a hash of the command bytes, so a lookup hashes the borrowed command
    /// instead of copying it into an array key.
    private var index: [UInt64: [Int]] = [:]

    // MARK: - Building

    /// A card with the given ATR and table.
    public init(
        atr: [UInt8] = ScriptedCard.myNumberCardContactlessATR,
        responses: [(command: [UInt8], response: [UInt8])] = [],
        defaultResponse: [UInt8] = ScriptedCard.instructionNotSupported,
        removeAfterCommand: Int? = nil,
        muteOnCommand: Int? = nil
    ) {
        self.atr = atr
        self.defaultResponse = defaultResponse
        self.removeAfterCommand = removeAfterCommand
        self.muteOnCommand = muteOnCommand
        for entry in responses { script(entry.command, answer: entry.response) }
    }

    /// A card whose table is written in hex, as tests and the CLI spell APDUs:
    /// `["00A4040C 02 3F00": "9000"]`.
    public init(
        atr: [UInt8] = ScriptedCard.myNumberCardContactlessATR,
        hexResponses: KeyValuePairs<String, String>,
        defaultResponse: [UInt8] = ScriptedCard.instructionNotSupported,
        removeAfterCommand: Int? = nil,
        muteOnCommand: Int? = nil
    ) throws(HexError) {
        self.init(
            atr: atr, defaultResponse: defaultResponse, removeAfterCommand: removeAfterCommand,
            muteOnCommand: muteOnCommand)
        for (command, response) in hexResponses {
            script(try Hex.decode(command), answer: try Hex.decode(response))
        }
    }

    /// Adds or replaces the answer to one exact command.
    public mutating func script(_ command: [UInt8], answer response: [UInt8]) {
        let key = Self.hash(command.span)
        if let existing = lookup(command.span, hash: key) {
            entries[existing].response = response
            return
        }
        entries.append((command, response))
        index[key, default: []].append(entries.count - 1)
    }

    /// The scripted answer for `command`, or nil when the table has none.
    public func scriptedResponse(for command: Span<UInt8>) -> [UInt8]? {
        lookup(command, hash: Self.hash(command)).map { entries[$0].response }
    }

    // MARK: - VirtualCard

    public mutating func powerOn() {
        isPowered = true
        powerOnCount += 1
    }

    public mutating func powerOff() {
        isPowered = false
    }

    public mutating func reset() {
        isPowered = true
        resetCount += 1
    }

    public mutating func respond(to command: Span<UInt8>, into response: inout OutputSpan<UInt8>) -> CardAction {
        commandCount += 1
        if commandCount == muteOnCommand { return .mute }
        let written: Bool
        if let entry = lookup(command, hash: Self.hash(command)) {
            let answer = entries[entry].response
            written = VPCDCodec.copy(answer.span, into: &response)
        } else {
            written = VPCDCodec.copy(defaultResponse.span, into: &response)
        }
        if !written { VPCDCodec.copy(Self.noPreciseDiagnosis.span, into: &response) }
        return commandCount == removeAfterCommand ? .respondThenRemove : .respond
    }

    // MARK: - Lookup

    private func lookup(_ command: Span<UInt8>, hash: UInt64) -> Int? {
        guard let candidates = index[hash] else { return nil }
        for candidate in candidates {
            let scripted = entries[candidate].command
            if Self.equal(scripted.span, command) { return candidate }
        }
        return nil
    }

    /// FNV-1a: stable, allocation-free and good enough for a few hundred scripted commands.
    private static func hash(_ bytes: Span<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in bytes.indices {
            hash = (hash ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func equal(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where a[i] != b[i] { return false }
        return true
    }
}
