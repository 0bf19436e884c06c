// PC/SC Part 10 payloads that SCardControl returns. The PCSC module sends the control codes; this
// file only reads the bytes that come back.

// MARK: - Errors

/// Why a reader payload (features, TLV properties, attributes) could not be read.
public enum ReaderPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A tag–length header or its value runs past the end of the payload.
    case truncated(tag: UInt8?, offset: Int)
    /// An entry's length byte is not what its tag requires (4 for every feature entry; 1, 2 or 4
    /// for numeric TLV properties).
    case unexpectedLength(tag: UInt8, length: Int, offset: Int)
    /// A fixed-size payload (an attribute DWORD) has a size PC/SC does not use.
    case unexpectedSize(Int)
    /// A DWORD attribute has bits set above the 32 that PC/SC defines.
    case valueTooLarge

    public var description: String {
        switch self {
        case .truncated(let tag?, let offset): "entry with tag \(hexByte(tag)) truncated at offset \(offset)"
        case .truncated(nil, let offset): "entry header truncated at offset \(offset)"
        case .unexpectedLength(let tag, let length, let offset):
            "tag \(hexByte(tag)) at offset \(offset) has unexpected length \(length)"
        case .unexpectedSize(let size): "attribute of unexpected size \(size)"
        case .valueTooLarge: "attribute value does not fit in 32 bits"
        }
    }
}

// MARK: - Features (CM_IOCTL_GET_FEATURE_REQUEST)

/// A PC/SC Part 10 feature tag, as listed by CM_IOCTL_GET_FEATURE_REQUEST.
public struct ReaderFeature: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The tag byte.
    public let rawValue: UInt8

    /// Wraps a tag byte; unknown tags are kept.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// FEATURE_VERIFY_PIN_START.
    public static let verifyPINStart = Self(rawValue: 0x01)
    /// FEATURE_VERIFY_PIN_FINISH.
    public static let verifyPINFinish = Self(rawValue: 0x02)
    /// FEATURE_MODIFY_PIN_START.
    public static let modifyPINStart = Self(rawValue: 0x03)
    /// FEATURE_MODIFY_PIN_FINISH.
    public static let modifyPINFinish = Self(rawValue: 0x04)
    /// FEATURE_GET_KEY_PRESSED.
    public static let getKeyPressed = Self(rawValue: 0x05)
    /// FEATURE_VERIFY_PIN_DIRECT: the reader's PIN pad runs VERIFY itself (secure PIN entry).
    public static let verifyPINDirect = Self(rawValue: 0x06)
    /// FEATURE_MODIFY_PIN_DIRECT.
    public static let modifyPINDirect = Self(rawValue: 0x07)
    /// FEATURE_MCT_READER_DIRECT.
    public static let mctReaderDirect = Self(rawValue: 0x08)
    /// FEATURE_MCT_UNIVERSAL.
    public static let mctUniversal = Self(rawValue: 0x09)
    /// FEATURE_IFD_PIN_PROPERTIES.
    public static let ifdPINProperties = Self(rawValue: 0x0A)
    /// FEATURE_ABORT.
    public static let abort = Self(rawValue: 0x0B)
    /// FEATURE_SET_SPE_MESSAGE.
    public static let setSPEMessage = Self(rawValue: 0x0C)
    /// FEATURE_VERIFY_PIN_DIRECT_APP_ID.
    public static let verifyPINDirectAppID = Self(rawValue: 0x0D)
    /// FEATURE_MODIFY_PIN_DIRECT_APP_ID.
    public static let modifyPINDirectAppID = Self(rawValue: 0x0E)
    /// FEATURE_WRITE_DISPLAY.
    public static let writeDisplay = Self(rawValue: 0x0F)
    /// FEATURE_GET_KEY.
    public static let getKey = Self(rawValue: 0x10)
    /// FEATURE_IFD_DISPLAY_PROPERTIES.
    public static let ifdDisplayProperties = Self(rawValue: 0x11)
    /// FEATURE_GET_TLV_PROPERTIES: the source of USB ids, firmware and maximum APDU size.
    public static let getTLVProperties = Self(rawValue: 0x12)
    /// FEATURE_CCID_ESC_COMMAND: vendor escape commands to the reader itself.
    public static let ccidEscapeCommand = Self(rawValue: 0x13)
    /// FEATURE_EXECUTE_PACE.
    public static let executePACE = Self(rawValue: 0x14)

    public var description: String { "feature \(hexByte(rawValue))" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The features a reader offers and the SCardControl code for each, from the answer to
/// CM_IOCTL_GET_FEATURE_REQUEST.
///
/// The answer is a list of PCSC_TLV_STRUCTURE entries: tag (1 byte), length (1 byte, always 4)
/// and the control code (4 bytes, big-endian, as PC/SC Part 10 fixes it regardless of host).
public struct ReaderFeatures: Sendable, Hashable, Codable {
    /// Control code by feature. A repeated tag keeps its first code.
    public let controlCodes: [ReaderFeature: UInt32]

    /// Builds the map directly (tests, replayed traces).
    public init(controlCodes: [ReaderFeature: UInt32]) { self.controlCodes = controlCodes }

    /// Parses the answer to CM_IOCTL_GET_FEATURE_REQUEST; an empty answer means no features.
    public init(featureRequestResponse bytes: Span<UInt8>) throws(ReaderPayloadError) {
        var codes: [ReaderFeature: UInt32] = [:]
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else { throw .truncated(tag: nil, offset: offset) }
            let tag = bytes[offset]
            let length = Int(bytes[offset + 1])
            guard length == 4 else { throw .unexpectedLength(tag: tag, length: length, offset: offset) }
            guard offset + 6 <= bytes.count else { throw .truncated(tag: tag, offset: offset) }
            var code: UInt32 = 0
            for index in (offset + 2)..<(offset + 6) { code = code << 8 | UInt32(bytes[index]) }
            let feature = ReaderFeature(rawValue: tag)
            if codes[feature] == nil { codes[feature] = code }
            offset += 6
        }
        controlCodes = codes
    }

    /// Parses the answer to CM_IOCTL_GET_FEATURE_REQUEST held in an array.
    public init(featureRequestResponse bytes: [UInt8]) throws(ReaderPayloadError) {
        try self.init(featureRequestResponse: bytes.span)
    }

    /// The control code for a feature, nil when the reader does not offer it.
    public subscript(feature: ReaderFeature) -> UInt32? { controlCodes[feature] }

    /// The features offered, in tag order.
    public var features: [ReaderFeature] { controlCodes.keys.sorted() }
}

// MARK: - TLV properties (FEATURE_GET_TLV_PROPERTIES)

/// The reader properties from FEATURE_GET_TLV_PROPERTIES (PC/SC Part 10 §2.6.14).
///
/// This is the most reliable way to learn a CCID reader's USB vendor and product id (libccid
/// fills wIdVendor and wIdProduct for every reader), which is why ``ModelKey`` prefers them.
/// Entries are tag (1 byte), length (1 byte), value (little-endian for numbers). Every property is
/// optional; tags this type does not know are kept in ``otherProperties``.
public struct ReaderTLVProperties: Sendable, Hashable, Codable {
    /// 0x01 wLcdLayout: lines in the high byte, characters in the low; 0 means no display.
    public var lcdLayout: UInt16?
    /// 0x02 bEntryValidationCondition: how PIN entry ends (bit 1 max size, 2 key, 3 timeout).
    public var entryValidationCondition: UInt8?
    /// 0x03 bTimeOut2: seconds to wait after the first key.
    public var timeOut2: UInt8?
    /// 0x04 wLcdMaxCharacters.
    public var lcdMaxCharacters: UInt16?
    /// 0x05 wLcdMaxLines.
    public var lcdMaxLines: UInt16?
    /// 0x06 bMinPINSize.
    public var minimumPINSize: UInt8?
    /// 0x07 bMaxPINSize.
    public var maximumPINSize: UInt8?
    /// 0x08 sFirmwareID: a firmware version string, without trailing NULs.
    public var firmwareID: String?
    /// 0x09 bPPDUSupport: whether PIN pad commands can be sent as pseudo-APDUs.
    public var ppduSupport: UInt8?
    /// 0x0A dwMaxAPDUDataSize: the largest APDU data the reader passes (0 means short APDUs
    /// only), which decides whether a 2 KB certificate can be read in one extended READ BINARY.
    public var maximumAPDUDataSize: UInt32?
    /// 0x0B wIdVendor: the USB vendor id.
    public var usbVendorID: UInt16?
    /// 0x0C wIdProduct: the USB product id.
    public var usbProductID: UInt16?
    /// Entries with tags not listed above, kept as sent.
    public var otherProperties: [UInt8: [UInt8]]

    /// Properties set directly (tests, replayed traces).
    public init(
        usbVendorID: UInt16? = nil, usbProductID: UInt16? = nil, firmwareID: String? = nil,
        maximumAPDUDataSize: UInt32? = nil
    ) {
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.firmwareID = firmwareID
        self.maximumAPDUDataSize = maximumAPDUDataSize
        self.otherProperties = [:]
    }

    /// Parses the answer to FEATURE_GET_TLV_PROPERTIES. Numeric properties accept 1, 2 or 4 bytes
    /// if the value fits the field (libccid sends the exact size); a later repeat of a tag wins.
    public init(bytes: Span<UInt8>) throws(ReaderPayloadError) {
        self.init()
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else { throw .truncated(tag: nil, offset: offset) }
            let tag = bytes[offset]
            let length = Int(bytes[offset + 1])
            let start = offset + 2
            guard start + length <= bytes.count else { throw .truncated(tag: tag, offset: offset) }
            var value: [UInt8] = []
            value.reserveCapacity(length)
            for index in start..<(start + length) { value.append(bytes[index]) }

            func number(maximumBytes: Int) throws(ReaderPayloadError) -> UInt32 {
                guard [1, 2, 4].contains(length) else {
                    throw .unexpectedLength(tag: tag, length: length, offset: offset)
                }
                var result: UInt32 = 0
                for (shift, byte) in value.enumerated() { result |= UInt32(byte) << (8 * shift) }
                guard maximumBytes == 4 || result >> (8 * maximumBytes) == 0 else {
                    throw .unexpectedLength(tag: tag, length: length, offset: offset)
                }
                return result
            }

            switch tag {
            case 0x01: lcdLayout = UInt16(try number(maximumBytes: 2))
            case 0x02: entryValidationCondition = UInt8(try number(maximumBytes: 1))
            case 0x03: timeOut2 = UInt8(try number(maximumBytes: 1))
            case 0x04: lcdMaxCharacters = UInt16(try number(maximumBytes: 2))
            case 0x05: lcdMaxLines = UInt16(try number(maximumBytes: 2))
            case 0x06: minimumPINSize = UInt8(try number(maximumBytes: 1))
            case 0x07: maximumPINSize = UInt8(try number(maximumBytes: 1))
            case 0x08: firmwareID = attributeString(value)
            case 0x09: ppduSupport = UInt8(try number(maximumBytes: 1))
            case 0x0A: maximumAPDUDataSize = try number(maximumBytes: 4)
            case 0x0B: usbVendorID = UInt16(try number(maximumBytes: 2))
            case 0x0C: usbProductID = UInt16(try number(maximumBytes: 2))
            default: otherProperties[tag] = value
            }
            offset = start + length
        }
    }

    /// Parses the answer to FEATURE_GET_TLV_PROPERTIES held in an array.
    public init(bytes: [UInt8]) throws(ReaderPayloadError) {
        try self.init(bytes: bytes.span)
    }
}

/// Text from an attribute or property: UTF-8 with invalid sequences replaced, cut at the first
/// NUL (C strings arrive with their terminator) and trimmed of spaces; nil when nothing is left.
func attributeString(_ bytes: [UInt8]) -> String? {
    let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let text = String(decoding: bytes[..<end], as: UTF8.self)
    var scalars = Substring(text)
    while scalars.first == " " { scalars.removeFirst() }
    while scalars.last == " " { scalars.removeLast() }
    return scalars.isEmpty ? nil : String(scalars)
}
