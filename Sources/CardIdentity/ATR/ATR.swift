import HexCoding

/// A card's answer-to-reset (ISO/IEC 7816-3 §8.2), split into its parts.
///
/// PC/SC hands the ATR over as bytes (`SCardStatus`, `SCARD_ATTR_ATR_STRING`). The ATR is the only
/// thing a reader tells us about the card before the first APDU, and it carries the numbers a
/// timing model needs: the clock rate conversion and bit rate adjustment (TA1), guard time (TC1),
/// the T=1 block size and waiting times, and for contactless cards the ISO 14443 bit rates and
/// frame waiting time (see ``contactless``).
///
/// Parsing is structural and strict about lengths, because a length error means we are not
/// reading an ATR at all; it is lenient about the check character, which is *reported*
/// (``checkCharacter``) rather than thrown, because some readers synthesise ATRs with a wrong or
/// missing TCK and the rest of the ATR is still worth reading.
public struct ATR: Sendable, Hashable {
    /// The ATR exactly as received, TS included.
    public let bytes: [UInt8]
    /// How the card codes its bits, from TS.
    public let convention: Convention
    /// T0, the format byte: which interface bytes of group 1 follow (high nibble, Y1) and how many
    /// historical bytes there are (low nibble, K).
    public let formatByte: UInt8
    /// The interface byte groups in order. Group 1 is always present (possibly empty); a later
    /// group is present only when the previous TD announced at least one byte for it.
    public let interfaceGroups: [InterfaceByteGroup]
    /// The historical bytes (up to 15): card and application information, free form.
    public let historicalBytes: [UInt8]
    /// What became of TCK: it is required as soon as any protocol other than T=0 is indicated.
    public let checkCharacter: CheckCharacter

    /// Parses an ATR; see the type's documentation for what is strict and what is reported.
    public init(bytes: Span<UInt8>) throws(ATRError) {
        let count = bytes.count
        guard count >= 2 else { throw .tooShort(length: count) }
        guard let convention = Convention(initialCharacter: bytes[0]) else {
            throw .invalidInitialCharacter(bytes[0])
        }
        let formatByte = bytes[1]
        var offset = 2
        var groups: [InterfaceByteGroup] = []
        var presence = formatByte >> 4
        var qualifier: TransmissionProtocol? = nil
        var groupNumber = 1
        var checkCharacterRequired = false

        while true {
            var group = InterfaceByteGroup(number: groupNumber, qualifier: qualifier)
            for bit in 0..<4 where presence & (1 << bit) != 0 {
                guard offset < count else { throw .truncatedInterfaceBytes(group: groupNumber, offset: offset) }
                let byte = bytes[offset]
                offset += 1
                switch bit {
                case 0: group.ta = byte
                case 1: group.tb = byte
                case 2: group.tc = byte
                default: group.td = byte
                }
            }
            groups.append(group)
            guard let td = group.td else { break }
            let next = TransmissionProtocol(rawValue: td & 0x0F)
            if next != .t0 { checkCharacterRequired = true }
            presence = td >> 4
            // TD with an empty high nibble indicates a protocol but announces no further group.
            guard presence != 0 else { break }
            qualifier = next
            groupNumber += 1
        }

        let declared = Int(formatByte & 0x0F)
        let available = count - offset
        guard available >= declared else {
            throw .truncatedHistoricalBytes(declared: declared, available: available, offset: offset)
        }
        var historical: [UInt8] = []
        historical.reserveCapacity(declared)
        for index in offset..<(offset + declared) { historical.append(bytes[index]) }
        offset += declared

        // TCK makes the XOR of T0 ... TCK zero, so the XOR of T0 ... last historical byte is its value.
        var xor: UInt8 = 0
        for index in 1..<offset { xor ^= bytes[index] }
        let remaining = count - offset
        let checkCharacter: CheckCharacter
        if checkCharacterRequired {
            switch remaining {
            case 0: checkCharacter = .missing(expected: xor)
            case 1: checkCharacter = bytes[offset] == xor ? .valid(xor) : .invalid(found: bytes[offset], expected: xor)
            default: throw .trailingBytes(count: remaining - 1, offset: offset + 1)
            }
        } else {
            guard remaining == 0 else { throw .trailingBytes(count: remaining, offset: offset) }
            checkCharacter = .notExpected
        }

        var copy: [UInt8] = []
        copy.reserveCapacity(count)
        for index in bytes.indices { copy.append(bytes[index]) }
        self.bytes = copy
        self.convention = convention
        self.formatByte = formatByte
        self.interfaceGroups = groups
        self.historicalBytes = historical
        self.checkCharacter = checkCharacter
    }

    /// Parses an ATR held in an array.
    public init(bytes: [UInt8]) throws(ATRError) {
        try self.init(bytes: bytes.span)
    }

    /// Parses an ATR; the same as `ATR(bytes:)`, for call sites that read better as a function.
    public static func parse(_ bytes: Span<UInt8>) throws(ATRError) -> ATR {
        try ATR(bytes: bytes)
    }
}

// MARK: - Parts

extension ATR {
    /// The bit coding announced by TS.
    public enum Convention: String, Sendable, Hashable, Codable {
        /// TS = 3B: high level is 1, least significant bit first.
        case direct
        /// TS = 3F: low level is 1, most significant bit first. PC/SC readers hand over the ATR
        /// already decoded, so TS reads 3F rather than the raw line value 03.
        case inverse

        init?(initialCharacter: UInt8) {
            switch initialCharacter {
            case 0x3B: self = .direct
            case 0x3F: self = .inverse
            default: return nil
            }
        }
    }

    /// One group of interface bytes TAi, TBi, TCi, TDi (ISO/IEC 7816-3 §8.2.3).
    ///
    /// The meaning of a group's bytes depends on the protocol named by the previous TD, which is
    /// why the group carries its ``qualifier``.
    public struct InterfaceByteGroup: Sendable, Hashable {
        /// i, counting from 1.
        public let number: Int
        /// The protocol T of TD(i−1) that this group's bytes belong to; nil for group 1, whose
        /// bytes are global.
        public let qualifier: TransmissionProtocol?
        /// TAi, if present.
        public internal(set) var ta: UInt8?
        /// TBi, if present.
        public internal(set) var tb: UInt8?
        /// TCi, if present.
        public internal(set) var tc: UInt8?
        /// TDi, if present: the next group's presence bits and a protocol.
        public internal(set) var td: UInt8?

        init(number: Int, qualifier: TransmissionProtocol?) {
            self.number = number
            self.qualifier = qualifier
        }

        /// The protocol TDi names, which qualifies group i+1.
        public var indicatedProtocol: TransmissionProtocol? {
            td.map { TransmissionProtocol(rawValue: $0 & 0x0F) }
        }
    }

    /// The fate of TCK, reported instead of thrown (see the type's documentation).
    public enum CheckCharacter: Sendable, Hashable {
        /// Only T=0 is indicated, so no TCK is sent.
        case notExpected
        /// TCK present and the XOR of T0 … TCK is zero.
        case valid(UInt8)
        /// TCK present but wrong; `expected` is the value that would have been right.
        case invalid(found: UInt8, expected: UInt8)
        /// A protocol other than T=0 is indicated but the ATR ended before TCK.
        case missing(expected: UInt8)

        /// Whether the ATR's integrity can be trusted as far as TCK goes.
        public var isAcceptable: Bool {
            switch self {
            case .notExpected, .valid: true
            case .invalid, .missing: false
            }
        }
    }
}

// MARK: - Protocols

/// A transmission protocol type T as coded in the low nibble of TDi.
///
/// T=15 is not a protocol but marks global interface bytes; it is kept as a value so an ATR's
/// indications can be listed exactly as sent.
public struct TransmissionProtocol: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    CustomStringConvertible
{
    /// T, 0 … 15.
    public let rawValue: UInt8

    /// Creates T from its number; only the low nibble is kept.
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    /// T=0, character-level half duplex (SCARD_PROTOCOL_T0).
    public static let t0 = TransmissionProtocol(rawValue: 0)
    /// T=1, block-level half duplex (SCARD_PROTOCOL_T1); also what PC/SC uses for contactless cards.
    public static let t1 = TransmissionProtocol(rawValue: 1)
    /// T=15: global interface bytes follow, not a protocol.
    public static let t15 = TransmissionProtocol(rawValue: 15)

    public var description: String { "T=\(rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension ATR {
    /// Every protocol type indicated by a TD byte, in order of first appearance, T=15 included.
    /// Empty when there is no TD1 (then T=0 is implied).
    public var indicatedProtocols: [TransmissionProtocol] {
        var result: [TransmissionProtocol] = []
        for group in interfaceGroups {
            if let t = group.indicatedProtocol, !result.contains(t) { result.append(t) }
        }
        return result
    }

    /// The transmission protocols the card offers, first offered first: the indicated types
    /// without T=15, or T=0 alone when nothing else is indicated (ISO/IEC 7816-3 §8.2.3).
    public var offeredProtocols: [TransmissionProtocol] {
        let offered = indicatedProtocols.filter { $0 != .t15 }
        return offered.isEmpty ? [.t0] : offered
    }

    /// The bytes of the first group after group 2 that belongs to `protocol`: where ISO/IEC
    /// 7816-3 puts protocol-specific parameters such as T=1's IFSC (TA) and BWI/CWI (TB).
    public func specificInterfaceBytes(for protocol: TransmissionProtocol) -> InterfaceByteGroup? {
        interfaceGroups.first { $0.number >= 3 && $0.qualifier == `protocol` }
    }

    /// Group 1, which always exists after a successful parse.
    var firstGroup: InterfaceByteGroup { interfaceGroups[0] }

    /// Group 2, if TD1 announced any of its bytes.
    var secondGroup: InterfaceByteGroup? { interfaceGroups.count > 1 ? interfaceGroups[1] : nil }
}

// MARK: - Conformances

extension ATR: CustomStringConvertible {
    /// The ATR as spaced hex, the way smartcard_list.txt and pcsc_scan print it.
    public var description: String { Hex.encode(bytes.span, style: .spaced) }
}

extension ATR: Codable {
    /// Encodes as the spaced hex string, so results files show the ATR as people search for it;
    /// everything else is derived from the bytes again on decoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ATR(bytes: Hex.decode(text))
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ATR: \(text) (\(error))")
        }
    }
}
