// MARK: - CCID class descriptor

/// The CCID class descriptor (USB CCID rev 1.1 §5.1): 54 bytes after a smart-card interface
/// descriptor that say what the reader can do.
///
/// ReaderBench reads it to explain timings: the exchange level says whether pcscd or the reader
/// frames the card protocol, the data rates and clocks bound how fast bytes reach the card, and
/// `dwMaxCCIDMessageLength` bounds what one USB exchange can carry. Field names follow the
/// specification; every multi-byte field is little-endian.
public struct CCIDClassDescriptor: Sendable, Hashable, Codable {
    /// `bLength`: always 54 (0x36).
    public static let length = 54
    /// `bDescriptorType` of the CCID class descriptor.
    public static let descriptorTypeCCID: UInt8 = 0x21
    /// `bDescriptorType` some vendor-class readers use for the same descriptor ("proprietary").
    public static let descriptorTypeProprietary: UInt8 = 0xFF

    /// `bDescriptorType`: 0x21, or 0xFF on a few vendor-class readers.
    public var descriptorType: UInt8
    /// `bcdCCID`: the CCID specification release the reader follows (1.10).
    public var ccidRelease: USBRelease
    /// `bMaxSlotIndex`: the highest slot number; a reader has ``slotCount`` slots.
    public var maxSlotIndex: UInt8
    /// `bVoltageSupport`.
    public var voltageSupport: CCIDVoltageSupport
    /// `dwProtocols`: T=0 and/or T=1.
    public var protocols: CCIDProtocols
    /// `dwDefaultClock`: the card clock the reader starts with, in kHz.
    public var defaultClockKHz: UInt32
    /// `dwMaximumClock`: the fastest card clock, in kHz.
    public var maximumClockKHz: UInt32
    /// `bNumClockSupported`: how many clock frequencies GET_CLOCK_FREQUENCIES lists (0: the
    /// reader picks between default and maximum itself).
    public var clockFrequencyCount: UInt8
    /// `dwDataRate`: the default card data rate, in bit/s.
    public var dataRate: UInt32
    /// `dwMaxDataRate`: the fastest card data rate, in bit/s. For contactless readers this is
    /// what the reader says of its contact-card emulation, not the radio's rate.
    public var maxDataRate: UInt32
    /// `bNumDataRatesSupported`: how many rates GET_DATA_RATES lists (0: any in range).
    public var dataRateCount: UInt8
    /// `dwMaxIFSD`: the largest T=1 information field the reader accepts from the card.
    public var maxIFSD: UInt32
    /// `dwSynchProtocols`: synchronous (memory card) protocols; 0 on nearly every reader.
    public var synchronousProtocols: UInt32
    /// `dwMechanical`: card accept, eject, capture and lock mechanisms.
    public var mechanical: UInt32
    /// `dwFeatures`, including the exchange level.
    public var features: CCIDFeatures
    /// `dwMaxCCIDMessageLength`: the largest CCID message, 10-byte header included; 271 carries
    /// one short APDU (261 bytes) but not a 256-byte response with its status word (268).
    public var maxMessageLength: UInt32
    /// `bClassGetResponse`: the class byte of GET RESPONSE the reader sends (0xFF: echoes the APDU's).
    public var classGetResponse: UInt8
    /// `bClassEnvelope`: the class byte of ENVELOPE (0xFF: echoes the APDU's).
    public var classEnvelope: UInt8
    /// `wLcdLayout`: 0 without a display, else lines in the upper byte and characters in the lower.
    public var lcdLayout: UInt16
    /// `bPINSupport`.
    public var pinSupport: CCIDPINSupport
    /// `bMaxCCIDBusySlots`: how many slots may be busy at once.
    public var maxBusySlots: UInt8

    /// How many card slots the reader has.
    public var slotCount: Int { Int(maxSlotIndex) + 1 }
    /// The exchange level from ``features`` (nil for an undefined bit combination).
    public var exchangeLevel: CCIDExchangeLevel? { features.exchangeLevel }

    /// A descriptor from its values (tests, the capability table).
    public init(
        descriptorType: UInt8 = Self.descriptorTypeCCID, ccidRelease: USBRelease = USBRelease(rawValue: 0x0110),
        maxSlotIndex: UInt8 = 0, voltageSupport: CCIDVoltageSupport = [], protocols: CCIDProtocols,
        defaultClockKHz: UInt32, maximumClockKHz: UInt32, clockFrequencyCount: UInt8 = 0, dataRate: UInt32,
        maxDataRate: UInt32, dataRateCount: UInt8 = 0, maxIFSD: UInt32, synchronousProtocols: UInt32 = 0,
        mechanical: UInt32 = 0, features: CCIDFeatures, maxMessageLength: UInt32, classGetResponse: UInt8 = 0,
        classEnvelope: UInt8 = 0, lcdLayout: UInt16 = 0, pinSupport: CCIDPINSupport = [], maxBusySlots: UInt8 = 1
    ) {
        self.descriptorType = descriptorType
        self.ccidRelease = ccidRelease
        self.maxSlotIndex = maxSlotIndex
        self.voltageSupport = voltageSupport
        self.protocols = protocols
        self.defaultClockKHz = defaultClockKHz
        self.maximumClockKHz = maximumClockKHz
        self.clockFrequencyCount = clockFrequencyCount
        self.dataRate = dataRate
        self.maxDataRate = maxDataRate
        self.dataRateCount = dataRateCount
        self.maxIFSD = maxIFSD
        self.synchronousProtocols = synchronousProtocols
        self.mechanical = mechanical
        self.features = features
        self.maxMessageLength = maxMessageLength
        self.classGetResponse = classGetResponse
        self.classEnvelope = classEnvelope
        self.lcdLayout = lcdLayout
        self.pinSupport = pinSupport
        self.maxBusySlots = maxBusySlots
    }

    /// The fields in order, for naming the one a short input cuts off.
    static let layout: [FieldLayout] = [
        FieldLayout(name: "bLength", offset: 0, size: 1),
        FieldLayout(name: "bDescriptorType", offset: 1, size: 1),
        FieldLayout(name: "bcdCCID", offset: 2, size: 2),
        FieldLayout(name: "bMaxSlotIndex", offset: 4, size: 1),
        FieldLayout(name: "bVoltageSupport", offset: 5, size: 1),
        FieldLayout(name: "dwProtocols", offset: 6, size: 4),
        FieldLayout(name: "dwDefaultClock", offset: 10, size: 4),
        FieldLayout(name: "dwMaximumClock", offset: 14, size: 4),
        FieldLayout(name: "bNumClockSupported", offset: 18, size: 1),
        FieldLayout(name: "dwDataRate", offset: 19, size: 4),
        FieldLayout(name: "dwMaxDataRate", offset: 23, size: 4),
        FieldLayout(name: "bNumDataRatesSupported", offset: 27, size: 1),
        FieldLayout(name: "dwMaxIFSD", offset: 28, size: 4),
        FieldLayout(name: "dwSynchProtocols", offset: 32, size: 4),
        FieldLayout(name: "dwMechanical", offset: 36, size: 4),
        FieldLayout(name: "dwFeatures", offset: 40, size: 4),
        FieldLayout(name: "dwMaxCCIDMessageLength", offset: 44, size: 4),
        FieldLayout(name: "bClassGetResponse", offset: 48, size: 1),
        FieldLayout(name: "bClassEnvelope", offset: 49, size: 1),
        FieldLayout(name: "wLcdLayout", offset: 50, size: 2),
        FieldLayout(name: "bPINSupport", offset: 52, size: 1),
        FieldLayout(name: "bMaxCCIDBusySlots", offset: 53, size: 1),
    ]

    /// Parses exactly one CCID class descriptor: 54 bytes, `bLength` 54, `bDescriptorType` 0x21
    /// or 0xFF. `baseOffset` is added to every error offset (the position of these bytes in a
    /// larger input).
    ///
    /// Every proper prefix of a valid descriptor is rejected as ``DescriptorError/Code/truncated``
    /// at the first field it cuts, never past its end; bytes after the 54th are rejected as
    /// ``DescriptorError/Code/trailingBytes``.
    public init(bytes: Span<UInt8>, baseOffset: Int = 0) throws(DescriptorError) {
        let count = bytes.count
        let limit = baseOffset + count
        if count >= 1, Int(bytes[0]) != Self.length {
            throw .badLength("CCID class descriptor bLength", at: baseOffset, found: Int(bytes[0]), limit: limit)
        }
        if count >= 2, bytes[1] != Self.descriptorTypeCCID, bytes[1] != Self.descriptorTypeProprietary {
            throw .unexpectedType(
                "CCID class descriptor bDescriptorType", at: baseOffset + 1, found: Int(bytes[1]), limit: limit)
        }
        if let missing = firstMissingField(Self.layout, count: count) {
            throw .truncated(missing.name, at: baseOffset + missing.offset, limit: limit)
        }
        guard count == Self.length else {
            throw DescriptorError(
                .trailingBytes, offset: baseOffset + Self.length, field: "CCID class descriptor", limit: limit)
        }
        descriptorType = bytes[1]
        ccidRelease = USBRelease(rawValue: le16(bytes, 2))
        maxSlotIndex = bytes[4]
        voltageSupport = CCIDVoltageSupport(rawValue: bytes[5])
        protocols = CCIDProtocols(rawValue: le32(bytes, 6))
        defaultClockKHz = le32(bytes, 10)
        maximumClockKHz = le32(bytes, 14)
        clockFrequencyCount = bytes[18]
        dataRate = le32(bytes, 19)
        maxDataRate = le32(bytes, 23)
        dataRateCount = bytes[27]
        maxIFSD = le32(bytes, 28)
        synchronousProtocols = le32(bytes, 32)
        mechanical = le32(bytes, 36)
        features = CCIDFeatures(rawValue: le32(bytes, 40))
        maxMessageLength = le32(bytes, 44)
        classGetResponse = bytes[48]
        classEnvelope = bytes[49]
        lcdLayout = le16(bytes, 50)
        pinSupport = CCIDPINSupport(rawValue: bytes[52])
        maxBusySlots = bytes[53]
    }

    /// Parses a descriptor held in an array.
    public init(bytes: [UInt8]) throws(DescriptorError) {
        try self.init(bytes: bytes.span)
    }
}
