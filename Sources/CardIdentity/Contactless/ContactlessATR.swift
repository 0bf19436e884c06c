// PC/SC Part 3 (§3.1.3.2.3) gives contactless cards an ATR they never sent: 3B 8n 80 01, then n
// historical bytes, then TCK. What goes into the historical bytes depends on the card:
//
//   storage cards (MIFARE, FeliCa, ISO 15693 …)  80 4F 0C <RID A0 00 00 03 06> SS NN NN 00 00 00 00
//   ISO 14443-4 Type A                           the ATS historical bytes
//   ISO 14443-4 Type B (the My Number Card)      ATQB application data (4), protocol info (3),
//                                                one byte from the ATTRIB answer (MBLI | CID)
//
// Only the reader knows whether it spoke Type A or Type B, and an 8-byte ATS can look exactly like
// the Type B form; so the Type B reading is offered when the bytes are consistent with an ATQB,
// and callers that know the card (a JPKI SELECT succeeded) can force it with
// `TypeBParameters(historicalBytes:)`.

// MARK: - The contactless form

/// The PC/SC contactless form of an ATR and what its historical bytes say.
public struct ContactlessATR: Sendable, Hashable {
    /// The historical bytes the reader built the ATR from.
    public let historicalBytes: [UInt8]

    /// Wraps historical bytes taken from a PC/SC contactless ATR.
    public init(historicalBytes: [UInt8]) { self.historicalBytes = historicalBytes }

    /// The most specific reading of the historical bytes (see the file comment for the ambiguity).
    public var card: ContactlessCard {
        if let storage = StorageCard(historicalBytes: historicalBytes) { return .storage(storage) }
        if let typeB = TypeBParameters(historicalBytes: historicalBytes), typeB.isPlausibleATQB {
            return .typeB(typeB)
        }
        return .iso14443TypeA(answerToSelectHistoricalBytes: historicalBytes)
    }

    /// The ISO 14443 Type B parameters, when ``card`` reads the bytes as Type B.
    public var typeB: TypeBParameters? {
        if case .typeB(let parameters) = card { return parameters }
        return nil
    }
}

/// What kind of contactless card a PC/SC contactless ATR describes.
public enum ContactlessCard: Sendable, Hashable {
    /// A memory card the reader maps to APDUs (PC/SC Part 3 storage-card form).
    case storage(StorageCard)
    /// An ISO 14443-4 Type B card: ATQB fields with bit rates, frame size and waiting time.
    case typeB(TypeBParameters)
    /// An ISO 14443-4 card whose historical bytes are not an ATQB: normally a Type A card, whose
    /// bytes are its ATS historical bytes.
    case iso14443TypeA(answerToSelectHistoricalBytes: [UInt8])
}

extension ATR {
    /// The PC/SC contactless form (3B 8n 80 01 … TCK: TD1 = 80, TD2 = 01 and no other interface
    /// bytes), or nil for a contact ATR.
    ///
    /// The form's TD1 names T=0 only because the form is fixed; readers exchange APDUs with such
    /// cards as T=1, and none of the contact parameters (Fi/Di, guard time, IFSC) apply.
    public var contactless: ContactlessATR? {
        guard convention == .direct, formatByte & 0xF0 == 0x80, interfaceGroups.count == 2 else { return nil }
        let first = interfaceGroups[0]
        let second = interfaceGroups[1]
        guard first.ta == nil, first.tb == nil, first.tc == nil, first.td == 0x80,
            second.ta == nil, second.tb == nil, second.tc == nil, second.td == 0x01
        else { return nil }
        return ContactlessATR(historicalBytes: historicalBytes)
    }
}

// MARK: - Type B

/// The ISO/IEC 14443-3 Type B fields a PC/SC ATR carries: the ATQB's application data and
/// protocol info, and the MBLI/CID byte of the ATTRIB answer.
///
/// These set the contactless link's speed: which bit rates each direction may use, the largest
/// frame the card takes (FSC) and how long it may think before answering (FWT).
public struct TypeBParameters: Sendable, Hashable {
    /// Bytes 1–4: application data (AFI, CRC_B(AID), number of applications when ADC says so).
    public let applicationData: [UInt8]
    /// Bytes 5–7: the protocol info (bit rates; FSCI and protocol type; FWI, ADC and FO).
    public let protocolInfo: [UInt8]
    /// Byte 8: MBLI in the high nibble, CID (or 0, which PC/SC Part 3 reserves) in the low.
    public let attributeAnswer: UInt8

    /// Splits eight historical bytes; nil for any other length. No plausibility check is made:
    /// use this when you know the card is Type B.
    public init?(historicalBytes: [UInt8]) {
        guard historicalBytes.count == 8 else { return nil }
        applicationData = Array(historicalBytes[0..<4])
        protocolInfo = Array(historicalBytes[4..<7])
        attributeAnswer = historicalBytes[7]
    }

    /// The supported bit rates (protocol info byte 1).
    public var bitRates: TypeBBitRates { TypeBBitRates(rawValue: protocolInfo[0]) }

    /// FSCI, the high nibble of protocol info byte 2.
    public var frameSizeIndex: UInt8 { protocolInfo[1] >> 4 }
    /// FSC, the largest frame in bytes the card accepts (including prologue and CRC): 16 … 256,
    /// and up to 4096 for the FSCI values ISO/IEC 14443-3:2016 added; nil for reserved FSCI.
    public var maximumFrameSize: Int? {
        let table = [16, 24, 32, 40, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096]
        let index = Int(frameSizeIndex)
        return index < table.count ? table[index] : nil
    }

    /// The protocol type, the low nibble of protocol info byte 2.
    public var protocolType: UInt8 { protocolInfo[1] & 0x0F }
    /// Protocol type bit 1: the card speaks ISO/IEC 14443-4 (ISO-DEP), which APDUs need.
    public var isISO14443Part4Compliant: Bool { protocolType & 0x01 != 0 }

    /// FWI, the high nibble of protocol info byte 3.
    public var frameWaitingTimeInteger: UInt8 { protocolInfo[2] >> 4 }
    /// FWT = 256 · 16 / fc · 2^FWI with fc = 13.56 MHz: about 309 ms for FWI 10 and 2.47 s for
    /// FWI 13. It bounds how long the reader waits for each answer before it retries, so it sets
    /// the worst case of a lost frame. nil for FWI 15, which the reader must treat as 4.
    public var frameWaitingTime: Duration? {
        guard frameWaitingTimeInteger < 15 else { return nil }
        // 4096 · 2^FWI / 13 560 000 s, in nanoseconds rounded to nearest; fits Int64 for FWI ≤ 14.
        let numerator = (Int64(4096) << Int64(frameWaitingTimeInteger)) * 1_000_000_000
        return .nanoseconds((numerator + 6_780_000) / 13_560_000)
    }
    /// FWT in seconds (see ``frameWaitingTime``).
    public var frameWaitingTimeSeconds: Double? {
        guard frameWaitingTimeInteger < 15 else { return nil }
        return 4096 * Double(1 << Int(frameWaitingTimeInteger)) / ContactlessBitRate.carrierFrequencyHz
    }

    /// ADC, bits 4–3 of protocol info byte 3: 0 proprietary application data, 1 coded as
    /// ISO/IEC 14443-3 describes (AFI, CRC_B(AID), number of applications).
    public var applicationDataCoding: UInt8 { (protocolInfo[2] >> 2) & 0x03 }
    /// FO bit 2: the card supports NAD.
    public var supportsNAD: Bool { protocolInfo[2] & 0x02 != 0 }
    /// FO bit 1: the card supports CID.
    public var supportsCID: Bool { protocolInfo[2] & 0x01 != 0 }

    /// MBLI, the maximum buffer length index from the ATTRIB answer (0: not indicated).
    public var maximumBufferLengthIndex: UInt8 { attributeAnswer >> 4 }
    /// The low nibble of the last byte: the CID the card answered ATTRIB with, 0 in PC/SC Part 3.
    public var cardIdentifier: UInt8 { attributeAnswer & 0x0F }

    /// Whether the bytes obey the ATQB rules well enough to be read as Type B: bit 4 of the bit
    /// rate byte and bit 4 of the protocol type are 0, FSCI is defined, and the card is ISO
    /// 14443-4 compliant (a PC/SC reader only exchanges APDUs with such cards).
    public var isPlausibleATQB: Bool {
        protocolInfo[0] & 0x08 == 0 && protocolType & 0x08 == 0 && isISO14443Part4Compliant && maximumFrameSize != nil
    }
}

extension TypeBParameters: Codable {
    /// Encodes as the eight historical bytes; decoding checks their count again, so a decoded
    /// value can never index outside its fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(applicationData + protocolInfo + [attributeAnswer])
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = TypeBParameters(historicalBytes: try container.decode([UInt8].self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Type B parameters need 8 bytes")
        }
        self = value
    }
}

/// The bit rate byte of an ATQB (ISO/IEC 14443-3 §7.9.4.1). 106 kbit/s is always supported.
public struct TypeBBitRates: RawRepresentable, Sendable, Hashable, Codable {
    /// Protocol info byte 1.
    public let rawValue: UInt8

    /// Reads protocol info byte 1.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Rates the card can send at (PICC to PCD: bits 5–7 for 212, 424, 848), slowest first.
    public var cardToReader: [ContactlessBitRate] {
        [.kbps106] + rates(bits: [(0x10, .kbps212), (0x20, .kbps424), (0x40, .kbps848)])
    }
    /// Rates the card can receive at (PCD to PICC: bits 1–3 for 212, 424, 848), slowest first.
    public var readerToCard: [ContactlessBitRate] {
        [.kbps106] + rates(bits: [(0x01, .kbps212), (0x02, .kbps424), (0x04, .kbps848)])
    }
    /// Bit 8: both directions must use the same bit rate.
    public var requiresSameRateBothDirections: Bool { rawValue & 0x80 != 0 }

    /// Rates usable in both directions at once, slowest first: what a reader that keeps the link
    /// symmetric can choose from.
    public var symmetricRates: [ContactlessBitRate] { cardToReader.filter(readerToCard.contains) }

    private func rates(bits: [(UInt8, ContactlessBitRate)]) -> [ContactlessBitRate] {
        bits.filter { rawValue & $0.0 != 0 }.map(\.1)
    }
}

/// An ISO/IEC 14443 bit rate: fc/128, fc/64, fc/32 or fc/16 with fc = 13.56 MHz.
public enum ContactlessBitRate: Int, Sendable, Hashable, Codable, Comparable, CaseIterable,
    CustomStringConvertible
{
    /// fc/128 ≈ 106 kbit/s, the rate every card supports.
    case kbps106 = 106
    /// fc/64 ≈ 212 kbit/s.
    case kbps212 = 212
    /// fc/32 ≈ 424 kbit/s.
    case kbps424 = 424
    /// fc/16 ≈ 848 kbit/s.
    case kbps848 = 848

    /// The carrier frequency fc, 13.56 MHz.
    public static let carrierFrequencyHz: Double = 13_560_000

    /// Carrier cycles per bit.
    public var carrierCyclesPerBit: Int {
        switch self {
        case .kbps106: 128
        case .kbps212: 64
        case .kbps424: 32
        case .kbps848: 16
        }
    }

    /// The exact bit rate in bit/s (105 937.5 for "106").
    public var bitsPerSecond: Double { Self.carrierFrequencyHz / Double(carrierCyclesPerBit) }

    public var description: String { "\(rawValue) kbit/s" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

// MARK: - Storage cards

/// The PC/SC Part 3 storage-card form: a registered RID (A0 00 00 03 06), the standard the card
/// follows and a card name code. Such cards have no ISO 7816-4 file system of their own; the
/// reader emulates commands, so their timing says little about a smart card's.
public struct StorageCard: Sendable, Hashable, Codable {
    /// SS, the standard byte.
    public let standard: UInt8
    /// NN NN, the card name code (0001 MIFARE Classic 1K, 0002 MIFARE 4K, 0003 MIFARE Ultralight …).
    public let cardName: UInt16

    /// Reads the storage-card historical bytes; nil for anything else.
    public init?(historicalBytes bytes: [UInt8]) {
        let prefix: [UInt8] = [0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06]
        guard bytes.count >= 11, Array(bytes[0..<8]) == prefix else { return nil }
        standard = bytes[8]
        cardName = UInt16(bytes[9]) << 8 | UInt16(bytes[10])
    }

    /// The standard SS names, as listed in pcsc-tools' smartcard_list.txt; nil for other codes.
    public var standardName: String? {
        switch standard {
        case 0x00: "no standard given"
        case 0x01: "ISO 14443 Type A part 1"
        case 0x02: "ISO 14443 Type A part 2"
        case 0x03: "ISO 14443 Type A part 3"
        case 0x05: "ISO 14443 Type B part 1"
        case 0x06: "ISO 14443 Type B part 2"
        case 0x07: "ISO 14443 Type B part 3"
        case 0x09: "ISO 15693 part 1"
        case 0x0A: "ISO 15693 part 2"
        case 0x0B: "ISO 15693 part 3"
        case 0x0C: "ISO 15693 part 4"
        case 0x0D: "ISO 7816-10 I2C"
        case 0x0E: "ISO 7816-10 extended I2C"
        case 0x0F: "ISO 7816-10 2WBP"
        case 0x11: "FeliCa"
        case 0x40: "low frequency < 135 kHz"
        default: nil
        }
    }
}
