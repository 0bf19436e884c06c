import CCID

// MARK: - Capabilities

/// What one CCID interface can do, in the terms that explain its timing: who frames the card
/// protocol (exchange level), how fast the card link may go, and how much one USB message carries.
///
/// Built from a live CCID class descriptor (read through libusb) or from a capability table row
/// (the CCID driver's dump of the same model); ``source`` says which.
public struct ReaderCapabilities: Sendable, Hashable, Codable {
    /// Where the capabilities were read.
    public enum Source: String, Sendable, Hashable, Codable {
        /// From the device's own CCID class descriptor, read through libusb.
        case usbDescriptor = "usb-descriptor"
        /// From ReaderBench's capability table (the CCID driver's dump of this model).
        case catalog = "capability-table"
    }

    /// The exchange level (nil for an undefined `dwFeatures` combination).
    public var exchangeLevel: CCIDExchangeLevel?
    /// `dwFeatures`.
    public var features: CCIDFeatures
    /// `dwProtocols`.
    public var protocols: CCIDProtocols
    /// `bVoltageSupport`.
    public var voltageSupport: CCIDVoltageSupport
    /// `dwDefaultClock`, kHz.
    public var defaultClockKHz: UInt32
    /// `dwMaximumClock`, kHz.
    public var maximumClockKHz: UInt32
    /// `dwDataRate`, bit/s.
    public var dataRate: UInt32
    /// `dwMaxDataRate`, bit/s.
    public var maxDataRate: UInt32
    /// `dwMaxIFSD`.
    public var maxIFSD: UInt32
    /// `dwMaxCCIDMessageLength`, 10-byte header included.
    public var maxMessageLength: UInt32
    /// `bMaxSlotIndex` + 1.
    public var slotCount: Int
    /// `bPINSupport`.
    public var pinSupport: CCIDPINSupport
    /// Where these values were read.
    public var source: Source

    /// Capabilities from their values.
    public init(
        exchangeLevel: CCIDExchangeLevel?, features: CCIDFeatures, protocols: CCIDProtocols,
        voltageSupport: CCIDVoltageSupport, defaultClockKHz: UInt32, maximumClockKHz: UInt32, dataRate: UInt32,
        maxDataRate: UInt32, maxIFSD: UInt32, maxMessageLength: UInt32, slotCount: Int, pinSupport: CCIDPINSupport,
        source: Source
    ) {
        self.exchangeLevel = exchangeLevel
        self.features = features
        self.protocols = protocols
        self.voltageSupport = voltageSupport
        self.defaultClockKHz = defaultClockKHz
        self.maximumClockKHz = maximumClockKHz
        self.dataRate = dataRate
        self.maxDataRate = maxDataRate
        self.maxIFSD = maxIFSD
        self.maxMessageLength = maxMessageLength
        self.slotCount = slotCount
        self.pinSupport = pinSupport
        self.source = source
    }

    /// The capabilities a CCID class descriptor states.
    public init(descriptor: CCIDClassDescriptor, source: Source = .usbDescriptor) {
        self.init(
            exchangeLevel: descriptor.exchangeLevel, features: descriptor.features, protocols: descriptor.protocols,
            voltageSupport: descriptor.voltageSupport, defaultClockKHz: descriptor.defaultClockKHz,
            maximumClockKHz: descriptor.maximumClockKHz, dataRate: descriptor.dataRate,
            maxDataRate: descriptor.maxDataRate, maxIFSD: descriptor.maxIFSD,
            maxMessageLength: descriptor.maxMessageLength, slotCount: descriptor.slotCount,
            pinSupport: descriptor.pinSupport, source: source)
    }

    /// Whether one CCID message can carry a whole short response of 256 data bytes with its
    /// status word (10 + 256 + 2 = 268 bytes). Matters only where the reader or pcscd sends a
    /// response in one message: short APDU level, and T=0 at TPDU level.
    public var carriesFullShortResponse: Bool { maxMessageLength >= 268 }

    /// The data rate band of ``maxDataRate``.
    public var maxDataRateBand: DataRateBand { DataRateBand(bitsPerSecond: maxDataRate) }
}

// MARK: - Data rate bands

/// Bands of `dwMaxDataRate`, for figures and procurement reports. The bounds are the ISO/IEC 7816-3
/// default rate at 4 MHz (10,752 bit/s), a common serial top rate (115.2 kbit/s), then 250 kbit/s,
/// 500 kbit/s and 1 Mbit/s. Contactless readers state a contact-style rate here, not their radio's.
public enum DataRateBand: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// At most 10,752 bit/s: no faster than the ISO default at 4 MHz.
    case isoDefault = "<=10.8k"
    /// Above 10.752 and up to 115.2 kbit/s.
    case upTo115k = "10.8k-115.2k"
    /// Above 115.2 and up to 250 kbit/s.
    case upTo250k = "115.2k-250k"
    /// Above 250 and up to 500 kbit/s.
    case upTo500k = "250k-500k"
    /// Above 500 kbit/s and up to 1 Mbit/s.
    case upTo1M = "500k-1M"
    /// Above 1 Mbit/s.
    case above1M = ">1M"

    /// The band a rate falls in.
    public init(bitsPerSecond rate: UInt32) {
        switch rate {
        case ...10_752: self = .isoDefault
        case ...115_200: self = .upTo115k
        case ...250_000: self = .upTo250k
        case ...500_000: self = .upTo500k
        case ...1_000_000: self = .upTo1M
        default: self = .above1M
        }
    }

    /// "115.2–250 kbit/s".
    public var description: String {
        switch self {
        case .isoDefault: "up to 10.8 kbit/s"
        case .upTo115k: "10.8–115.2 kbit/s"
        case .upTo250k: "115.2–250 kbit/s"
        case .upTo500k: "250–500 kbit/s"
        case .upTo1M: "500 kbit/s–1 Mbit/s"
        case .above1M: "above 1 Mbit/s"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// "106 kbit/s", "412.9 kbit/s", "1.25 Mbit/s": a rate as a person reads it, to the precision
/// that still tells common rates apart.
public func formatDataRate(_ bitsPerSecond: UInt32) -> String {
    let kilo = Double(bitsPerSecond) / 1000
    if kilo >= 1000 { return trimmed(kilo / 1000, decimals: 2) + " Mbit/s" }
    return trimmed(kilo, decimals: kilo >= 100 ? 1 : 2) + " kbit/s"
}

private func trimmed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
