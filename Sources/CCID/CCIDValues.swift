// The bit fields of the CCID class descriptor (USB CCID rev 1.1 §5.1), as option sets whose
// members name the bits the specification defines. Unknown bits are kept in `rawValue`.

// MARK: - Protocols

/// `dwProtocols`: the ISO/IEC 7816-3 transmission protocols the reader offers.
public struct CCIDProtocols: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32-bit field.
    public let rawValue: UInt32
    /// Wraps the field.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 0: T=0, the character protocol.
    public static let t0 = Self(rawValue: 0x0001)
    /// Bit 1: T=1, the block protocol (the My Number Card's contact protocol).
    public static let t1 = Self(rawValue: 0x0002)

    /// "T=0, T=1", or "none".
    public var description: String {
        var names: [String] = []
        if contains(.t0) { names.append("T=0") }
        if contains(.t1) { names.append("T=1") }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}

// MARK: - Voltages

/// `bVoltageSupport`: the card supply voltages the reader can apply.
public struct CCIDVoltageSupport: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 8-bit field.
    public let rawValue: UInt8
    /// Wraps the field.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bit 0: 5.0 V (class A).
    public static let volts5 = Self(rawValue: 0x01)
    /// Bit 1: 3.0 V (class B).
    public static let volts3 = Self(rawValue: 0x02)
    /// Bit 2: 1.8 V (class C).
    public static let volts1_8 = Self(rawValue: 0x04)

    /// "5.0V, 3.0V, 1.8V", as the CCID driver's parse tool prints them.
    public var description: String {
        var names: [String] = []
        if contains(.volts5) { names.append("5.0V") }
        if contains(.volts3) { names.append("3.0V") }
        if contains(.volts1_8) { names.append("1.8V") }
        return names.joined(separator: ", ")
    }
}

// MARK: - PIN support

/// `bPINSupport`: whether the reader's own PIN pad can run VERIFY or CHANGE REFERENCE DATA.
public struct CCIDPINSupport: OptionSet, Sendable, Hashable, Codable {
    /// The 8-bit field.
    public let rawValue: UInt8
    /// Wraps the field.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bit 0: PIN verification (a secure PIN entry pad).
    public static let verification = Self(rawValue: 0x01)
    /// Bit 1: PIN modification.
    public static let modification = Self(rawValue: 0x02)
}

// MARK: - Features

/// `dwFeatures`: what the reader does by itself, and at which level it exchanges data with the
/// host (the bits in 16–18, see ``exchangeLevel``).
///
/// The exchange level decides who runs the card protocol: at TPDU level pcscd's CCID driver frames
/// every T=1 block on the host, at APDU level the reader does, and only the short-and-extended
/// level takes extended APDUs from the host.
public struct CCIDFeatures: OptionSet, Sendable, Hashable, Codable {
    /// The 32-bit field.
    public let rawValue: UInt32
    /// Wraps the field.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// 0x00000002: automatic parameter configuration based on ATR data.
    public static let automaticParametersFromATR = Self(rawValue: 0x0000_0002)
    /// 0x00000004: automatic activation of the card on insertion.
    public static let automaticActivation = Self(rawValue: 0x0000_0004)
    /// 0x00000008: automatic card voltage selection.
    public static let automaticVoltage = Self(rawValue: 0x0000_0008)
    /// 0x00000010: automatic card clock frequency change according to parameters.
    public static let automaticClock = Self(rawValue: 0x0000_0010)
    /// 0x00000020: automatic baud rate change according to frequency and Fi, Di.
    public static let automaticBaudRate = Self(rawValue: 0x0000_0020)
    /// 0x00000040: automatic parameter negotiation made by the reader.
    public static let automaticNegotiation = Self(rawValue: 0x0000_0040)
    /// 0x00000080: automatic PPS made by the reader.
    public static let automaticPPS = Self(rawValue: 0x0000_0080)
    /// 0x00000100: the reader can stop the card's clock.
    public static let clockStop = Self(rawValue: 0x0000_0100)
    /// 0x00000200: NAD values other than 00 accepted (T=1).
    public static let nonZeroNAD = Self(rawValue: 0x0000_0200)
    /// 0x00000400: automatic IFSD exchange as the first exchange (T=1).
    public static let automaticIFSD = Self(rawValue: 0x0000_0400)
    /// 0x00000800: ICCD token (set by some ICCD devices; the CCID driver's parse tool prints it
    /// as "ICCD token" or "Unknown (ICCD?)").
    public static let iccdToken = Self(rawValue: 0x0000_0800)
    /// 0x00010000: TPDU level exchange.
    public static let tpduLevel = Self(rawValue: 0x0001_0000)
    /// 0x00020000: short APDU level exchange.
    public static let shortAPDULevel = Self(rawValue: 0x0002_0000)
    /// 0x00040000: short and extended APDU level exchange.
    public static let extendedAPDULevel = Self(rawValue: 0x0004_0000)
    /// 0x00100000: USB wake-up signalling on card insertion and removal.
    public static let usbWakeUp = Self(rawValue: 0x0010_0000)

    /// The mask of bits 16–18, which together say the exchange level.
    public static let exchangeLevelMask: UInt32 = 0x0007_0000

    /// The exchange level, or nil when bits 16–18 hold a combination the specification does not
    /// define (none of the 697 readers in the CCID driver's data does).
    public var exchangeLevel: CCIDExchangeLevel? {
        CCIDExchangeLevel(featureBits: rawValue & Self.exchangeLevelMask)
    }
}

/// The level at which a reader exchanges data with the host (`dwFeatures` bits 16–18).
public enum CCIDExchangeLevel: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 0x00000000: character level; the host drives T=0 or T=1 byte by byte.
    case character
    /// 0x00010000: TPDU level; the host (pcscd's CCID driver) frames T=1 blocks or T=0 TPDUs.
    case tpdu
    /// 0x00020000: short APDU level; the reader runs the protocol and takes short APDUs only.
    case shortAPDU = "short-apdu"
    /// 0x00040000: short and extended APDU level; the reader runs the protocol and takes both.
    case extendedAPDU = "extended-apdu"

    /// The level for the value of bits 16–18 (already masked), or nil for an undefined one.
    public init?(featureBits: UInt32) {
        switch featureBits {
        case 0x0000_0000: self = .character
        case 0x0001_0000: self = .tpdu
        case 0x0002_0000: self = .shortAPDU
        case 0x0004_0000: self = .extendedAPDU
        default: return nil
        }
    }

    /// The bits this level sets in `dwFeatures`.
    public var featureBits: UInt32 {
        switch self {
        case .character: 0x0000_0000
        case .tpdu: 0x0001_0000
        case .shortAPDU: 0x0002_0000
        case .extendedAPDU: 0x0004_0000
        }
    }

    /// The specification's wording: "Short and Extended APDU level exchange".
    public var description: String {
        switch self {
        case .character: "Character level exchange"
        case .tpdu: "TPDU level exchange"
        case .shortAPDU: "Short APDU level exchange"
        case .extendedAPDU: "Short and Extended APDU level exchange"
        }
    }
}
