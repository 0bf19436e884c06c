// Reader attributes from SCardGetAttrib. Every one is optional: libccid answers the vendor
// attributes, vpcd answers none of them (SCARD_E_UNSUPPORTED_FEATURE), so a reader identity is
// built from whatever came back.

// MARK: - Raw attributes

/// The attribute payloads as SCardGetAttrib returned them; nil for an attribute the reader did
/// not give. The PCSC module fills this in and ``ReaderIdentity`` decodes it.
public struct ReaderAttributes: Sendable, Hashable, Codable {
    /// SCARD_ATTR_VENDOR_NAME: a C string.
    public var vendorName: [UInt8]?
    /// SCARD_ATTR_VENDOR_IFD_VERSION: a DWORD (see ``IFDVersion``).
    public var ifdVersion: [UInt8]?
    /// SCARD_ATTR_VENDOR_IFD_SERIAL_NO: a C string.
    public var serialNumber: [UInt8]?
    /// SCARD_ATTR_CHANNEL_ID: a DWORD (see ``ChannelID``).
    public var channelID: [UInt8]?

    /// Collects attribute payloads; leave out the ones the reader did not give.
    public init(
        vendorName: [UInt8]? = nil, ifdVersion: [UInt8]? = nil, serialNumber: [UInt8]? = nil,
        channelID: [UInt8]? = nil
    ) {
        self.vendorName = vendorName
        self.ifdVersion = ifdVersion
        self.serialNumber = serialNumber
        self.channelID = channelID
    }
}

/// Reads a DWORD attribute: 4 bytes, or 8 where pcsc-lite's DWORD is `unsigned long` (64-bit
/// Linux). Drivers write it in host order; every platform pcsc-lite runs on here is little-endian.
func attributeDWORD(_ bytes: Span<UInt8>) throws(ReaderPayloadError) -> UInt32 {
    guard bytes.count == 4 || bytes.count == 8 else { throw .unexpectedSize(bytes.count) }
    var value: UInt64 = 0
    for index in bytes.indices { value |= UInt64(bytes[index]) << (8 * UInt64(index)) }
    guard value >> 32 == 0 else { throw .valueTooLarge }
    return UInt32(value)
}

// MARK: - IFD version

/// SCARD_ATTR_VENDOR_IFD_VERSION: a DWORD 0xMMmmbbbb (major, minor, build).
///
/// libccid puts the USB bcdDevice in the upper half (bcdDevice << 16), so for CCID readers major
/// and minor are the device release in BCD: 0x01000000 is release 1.00. This is the firmware
/// figure ``ModelKey`` uses, because libccid always provides it.
public struct IFDVersion: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The DWORD.
    public let rawValue: UInt32

    /// Wraps the DWORD.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Decodes the attribute payload (4 or 8 bytes, see `ReaderAttributes`).
    public init(attribute bytes: Span<UInt8>) throws(ReaderPayloadError) {
        rawValue = try attributeDWORD(bytes)
    }

    /// Decodes the attribute payload held in an array.
    public init(attribute bytes: [UInt8]) throws(ReaderPayloadError) {
        try self.init(attribute: bytes.span)
    }

    /// MM.
    public var major: UInt8 { UInt8(rawValue >> 24) }
    /// mm.
    public var minor: UInt8 { UInt8((rawValue >> 16) & 0xFF) }
    /// bbbb.
    public var build: UInt16 { UInt16(rawValue & 0xFFFF) }

    /// "MM.mm.bbbb" in hex digits, as the PC/SC specification lays the DWORD out ("01.00.0000").
    public var description: String {
        hexByte(major) + "." + hexByte(minor) + "." + hexByte(UInt8(build >> 8)) + hexByte(UInt8(build & 0xFF))
    }

    /// "M.mm": the bcdDevice release as lsusb prints it ("1.00", "2.03"); the build is left out
    /// because libccid always leaves it 0.
    public var release: String {
        let majorText = major < 0x10 ? String(hexByte(major).dropFirst()) : hexByte(major)
        return majorText + "." + hexByte(minor)
    }
}

// MARK: - Channel

/// SCARD_ATTR_CHANNEL_ID: a DWORD 0xDDDDCCCC, channel type and channel number.
///
/// For USB (type 0x0020) libccid puts the bus in bits 15–8 and the device address in bits 7–0,
/// which tells two readers of the same model apart for the length of one plug-in.
public struct ChannelID: RawRepresentable, Sendable, Hashable, Codable {
    /// The DWORD.
    public let rawValue: UInt32

    /// Wraps the DWORD.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Decodes the attribute payload (4 or 8 bytes, see `ReaderAttributes`).
    public init(attribute bytes: Span<UInt8>) throws(ReaderPayloadError) {
        rawValue = try attributeDWORD(bytes)
    }

    /// Decodes the attribute payload held in an array.
    public init(attribute bytes: [UInt8]) throws(ReaderPayloadError) {
        try self.init(attribute: bytes.span)
    }

    /// DDDD: 0x0001 serial, 0x0002 parallel, 0x0004 PS/2, 0x0008 SCSI, 0x0010 IDE, 0x0020 USB,
    /// 0x00Fy vendor-defined.
    public var channelType: UInt16 { UInt16(rawValue >> 16) }
    /// CCCC: the channel number, whose meaning depends on the type.
    public var channelNumber: UInt16 { UInt16(rawValue & 0xFFFF) }
    /// Whether the reader is on USB.
    public var isUSB: Bool { channelType == 0x0020 }
    /// The USB bus number; nil when not on USB.
    public var usbBus: UInt8? { isUSB ? UInt8(channelNumber >> 8) : nil }
    /// The USB device address; nil when not on USB.
    public var usbAddress: UInt8? { isUSB ? UInt8(channelNumber & 0xFF) : nil }
}
