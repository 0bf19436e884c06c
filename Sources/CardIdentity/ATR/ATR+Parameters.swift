// The transmission parameters an ATR declares, as typed values a timing model can compute with.
// Absent bytes give ISO/IEC 7816-3's defaults, and each value says whether it was declared so a
// report can tell "the card asked for 372/1" from "the card said nothing".

// MARK: - Clock rate conversion and bit rate adjustment (TA1)

/// Fi, f(max) and Di from TA1 (ISO/IEC 7816-3 §8.3, tables 7 and 8).
///
/// One elementary time unit (etu) lasts Fi/Di clock cycles, so the contact bit rate is
/// f · Di / Fi: at 4 MHz the default 372/1 gives about 10 753 bit/s, TA1 = 13 (372/4) about
/// 43 011 bit/s. Which rate a reader actually uses depends on the PPS exchange it performs; this
/// is what the card *offers*.
public struct RateAdjustment: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The TA1 byte, or 0x11 (the default) when TA1 is absent.
    public let rawValue: UInt8
    /// Whether TA1 was present; false means the defaults apply.
    public let isDeclared: Bool

    /// Reads TA1; nil means TA1 was absent and the defaults apply.
    public init(ta1: UInt8?) {
        rawValue = ta1 ?? 0x11
        isDeclared = ta1 != nil
    }

    /// The defaults for a card without TA1: Fi = 372, f(max) = 5 MHz, Di = 1.
    public static let `default` = RateAdjustment(ta1: nil)

    /// The high nibble of TA1, indexing table 7.
    public var clockRateConversionIndex: UInt8 { rawValue >> 4 }
    /// The low nibble of TA1, indexing table 8.
    public var bitRateAdjustmentIndex: UInt8 { rawValue & 0x0F }

    /// Fi, the clock rate conversion integer; nil for a reserved index.
    public var clockRateConversion: Int? { Self.fiTable[Int(clockRateConversionIndex)]?.fi }
    /// f(max) in hertz, the highest clock frequency the card accepts with this Fi; nil for a
    /// reserved index.
    public var maximumClockFrequencyHz: Int? { Self.fiTable[Int(clockRateConversionIndex)]?.fMaxHz }
    /// Di, the baud rate adjustment integer; nil for a reserved index.
    public var bitRateAdjustment: Int? { Self.diTable[Int(bitRateAdjustmentIndex)] }

    /// Whether both indexes name a defined value.
    public var isValid: Bool { clockRateConversion != nil && bitRateAdjustment != nil }

    /// Clock cycles per etu (Fi/Di); nil when TA1 uses a reserved value.
    public var clockCyclesPerETU: Double? {
        guard let fi = clockRateConversion, let di = bitRateAdjustment else { return nil }
        return Double(fi) / Double(di)
    }

    /// The bit rate at a given card clock, f · Di / Fi, in bit/s; nil for reserved values.
    public func bitsPerSecond(clockFrequencyHz: Double) -> Double? {
        clockCyclesPerETU.map { clockFrequencyHz / $0 }
    }

    /// "372/1" (default) or "Fi=512 Di=8 f(max)=5 MHz": Fi/Di with where they came from.
    public var description: String {
        let fi = clockRateConversion.map(String.init) ?? "RFU(\(clockRateConversionIndex))"
        let di = bitRateAdjustment.map(String.init) ?? "RFU(\(bitRateAdjustmentIndex))"
        guard isDeclared else { return "default \(fi)/\(di)" }
        let fMax = maximumClockFrequencyHz.map { " f(max)=\(Self.megahertz($0)) MHz" } ?? ""
        return "Fi=\(fi) Di=\(di)\(fMax)"
    }

    /// Table 7: Fi and f(max) by index; 7, 8, 14 and 15 are reserved.
    private static let fiTable: [(fi: Int, fMaxHz: Int)?] = [
        (372, 4_000_000), (372, 5_000_000), (558, 6_000_000), (744, 8_000_000),
        (1116, 12_000_000), (1488, 16_000_000), (1860, 20_000_000), nil,
        nil, (512, 5_000_000), (768, 7_500_000), (1024, 10_000_000),
        (1536, 15_000_000), (2048, 20_000_000), nil, nil,
    ]

    /// Table 8: Di by index; 0 and 10 … 15 are reserved.
    private static let diTable: [Int?] = [nil, 1, 2, 4, 8, 16, 32, 64, 12, 20, nil, nil, nil, nil, nil, nil]

    private static func megahertz(_ hz: Int) -> String {
        let tenths = hz / 100_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}

// MARK: - Extra guard time (TC1)

/// The extra guard time N from TC1 (ISO/IEC 7816-3 §8.3): extra etus the reader waits between
/// two characters it sends. It adds directly to the time per byte on contact cards.
public enum ExtraGuardTime: Sendable, Hashable, Codable {
    /// N extra etus (0 … 254); 0 is also the default when TC1 is absent.
    case extra(etus: Int)
    /// TC1 = FF: the minimum character spacing, 12 etu for T=0 and 11 etu for T=1.
    case minimum

    /// Reads TC1; nil gives the default of no extra time.
    public init(tc1: UInt8?) {
        switch tc1 {
        case nil: self = .extra(etus: 0)
        case 0xFF: self = .minimum
        case let n?: self = .extra(etus: Int(n))
        }
    }

    /// Character-to-character time in etu for a protocol: 12 + N, or 11 with the minimum under T=1.
    public func characterGuardTimeETU(for protocol: TransmissionProtocol) -> Int {
        switch self {
        case .extra(let etus): 12 + etus
        case .minimum: `protocol` == .t1 ? 11 : 12
        }
    }
}

// MARK: - Specific mode (TA2)

/// TA2: the card starts in a specific mode instead of negotiating (ISO/IEC 7816-3 §8.3).
///
/// A reader must then use the named protocol without PPS, which matters for timing because the
/// rate in TA1 is either used at once or (with implicit parameters) not at all.
public struct SpecificMode: Sendable, Hashable, Codable {
    /// The TA2 byte.
    public let rawValue: UInt8

    /// Reads TA2.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The protocol the card is fixed to (low nibble).
    public var `protocol`: TransmissionProtocol { TransmissionProtocol(rawValue: rawValue & 0x0F) }
    /// Bit 8 clear: the card can change to negotiable mode (by a warm reset).
    public var canChangeMode: Bool { rawValue & 0x80 == 0 }
    /// Bit 5 set: Fi and Di are implicit, defined elsewhere, rather than taken from TA1.
    public var usesImplicitParameters: Bool { rawValue & 0x10 != 0 }
}

// MARK: - T=1 parameters

/// The T=1 parameters of an ATR (ISO/IEC 7816-3 §11.4): from the first TA, TB and TC after group
/// 2 that belong to T=1, with the standard's defaults where they are absent.
public struct T1Parameters: Sendable, Hashable, Codable {
    /// IFSC, the largest information field the card accepts in one block (default 32). Values
    /// 0 and 255 are reserved and kept as sent.
    public let informationFieldSize: Int
    /// BWI, the block waiting time integer (default 4).
    public let blockWaitingTimeInteger: UInt8
    /// CWI, the character waiting time integer (default 13).
    public let characterWaitingTimeInteger: UInt8
    /// How blocks are checked: TC bit 1 (default LRC).
    public let errorDetection: ErrorDetection
    /// Whether the IFSC came from the ATR rather than the default.
    public let isInformationFieldSizeDeclared: Bool

    /// The epilogue check of a T=1 block.
    public enum ErrorDetection: String, Sendable, Hashable, Codable {
        /// One-byte longitudinal redundancy check.
        case lrc
        /// Two-byte cyclic redundancy check.
        case crc
    }

    /// Reads the T=1 bytes; nil for an absent byte gives its default.
    public init(ta: UInt8?, tb: UInt8?, tc: UInt8?) {
        informationFieldSize = Int(ta ?? 32)
        isInformationFieldSizeDeclared = ta != nil
        blockWaitingTimeInteger = (tb ?? 0x4D) >> 4
        characterWaitingTimeInteger = (tb ?? 0x4D) & 0x0F
        errorDetection = (tc ?? 0) & 0x01 == 0 ? .lrc : .crc
    }

    /// CWT = 11 + 2^CWI etu: the longest gap allowed between two characters of a block.
    public var characterWaitingTimeETU: Int { 11 + (1 << Int(characterWaitingTimeInteger)) }

    /// BWT = 11 etu + 2^BWI · 960 · 372 / f seconds: how long the card may take to start its
    /// answer, which bounds a single command's latency before the reader gives up.
    public func blockWaitingTimeSeconds(clockFrequencyHz: Double, etuSeconds: Double) -> Double {
        11 * etuSeconds + Double(1 << Int(blockWaitingTimeInteger)) * 960 * 372 / clockFrequencyHz
    }
}

// MARK: - Reading the parameters off an ATR

extension ATR {
    /// Fi, f(max) and Di from TA1, or the defaults (372/1, 5 MHz) when TA1 is absent.
    public var rateAdjustment: RateAdjustment { RateAdjustment(ta1: firstGroup.ta) }

    /// The extra guard time from TC1 (none when TC1 is absent).
    public var extraGuardTime: ExtraGuardTime { ExtraGuardTime(tc1: firstGroup.tc) }

    /// The specific mode from TA2; nil when the card is in negotiable mode.
    public var specificMode: SpecificMode? { secondGroup?.ta.map(SpecificMode.init(rawValue:)) }

    /// T=0's waiting time integer WI from TC2 (default 10); nil when T=0 is not offered.
    public var t0WaitingTimeInteger: UInt8? {
        guard offeredProtocols.contains(.t0) else { return nil }
        return secondGroup?.tc ?? 10
    }

    /// The T=1 parameters; nil when the card does not offer T=1.
    public var t1Parameters: T1Parameters? {
        guard offeredProtocols.contains(.t1) else { return nil }
        let bytes = specificInterfaceBytes(for: .t1)
        return T1Parameters(ta: bytes?.ta, tb: bytes?.tb, tc: bytes?.tc)
    }
}
