// MARK: - Reader identity

/// Everything PC/SC tells us about one reader, and the model it belongs to.
///
/// Results are reported per reader *model*, so the identity separates what describes the model
/// (USB ids, firmware, the name without index and serial) from what describes the unit (serial,
/// USB bus and address). Every field except the name is optional because PC/SC may not give it:
/// vpcd answers no attribute at all, and not every driver implements FEATURE_GET_TLV_PROPERTIES.
public struct ReaderIdentity: Sendable, Hashable, Codable {
    /// The reader name as PC/SC lists it.
    public let name: String
    /// The name split into vendor, product, interface, serial, index and slot.
    public let nameParts: ReaderName
    /// SCARD_ATTR_VENDOR_NAME.
    public let vendorName: String?
    /// SCARD_ATTR_VENDOR_IFD_VERSION (libccid: the USB bcdDevice).
    public let ifdVersion: IFDVersion?
    /// SCARD_ATTR_VENDOR_IFD_SERIAL_NO, or else the serial in the name.
    public let serialNumber: String?
    /// SCARD_ATTR_CHANNEL_ID (USB bus and address).
    public let channel: ChannelID?
    /// wIdVendor from FEATURE_GET_TLV_PROPERTIES.
    public let usbVendorID: UInt16?
    /// wIdProduct from FEATURE_GET_TLV_PROPERTIES.
    public let usbProductID: UInt16?
    /// sFirmwareID from FEATURE_GET_TLV_PROPERTIES.
    public let firmwareID: String?
    /// dwMaxAPDUDataSize from FEATURE_GET_TLV_PROPERTIES (0: short APDUs only).
    public let maximumAPDUDataSize: UInt32?

    /// An identity from decoded values; leave out what the reader did not give.
    public init(
        name: String, vendorName: String? = nil, ifdVersion: IFDVersion? = nil, serialNumber: String? = nil,
        channel: ChannelID? = nil, tlvProperties: ReaderTLVProperties? = nil
    ) {
        self.name = name
        let parts = ReaderName(name)
        self.nameParts = parts
        self.vendorName = vendorName
        self.ifdVersion = ifdVersion
        self.serialNumber = serialNumber ?? parts.serialNumber
        self.channel = channel
        self.usbVendorID = tlvProperties?.usbVendorID
        self.usbProductID = tlvProperties?.usbProductID
        self.firmwareID = tlvProperties?.firmwareID
        self.maximumAPDUDataSize = tlvProperties?.maximumAPDUDataSize
    }

    /// An identity from raw attribute payloads. An attribute that does not decode is treated as
    /// absent: identity is best effort, and the raw bytes stay with the caller for a report.
    public init(name: String, attributes: ReaderAttributes, tlvProperties: ReaderTLVProperties? = nil) {
        self.init(
            name: name,
            vendorName: attributes.vendorName.flatMap(attributeString),
            ifdVersion: attributes.ifdVersion.flatMap { try? IFDVersion(attribute: $0) },
            serialNumber: attributes.serialNumber.flatMap(attributeString),
            channel: attributes.channelID.flatMap { try? ChannelID(attribute: $0) },
            tlvProperties: tlvProperties)
    }

    /// The firmware figure the model key uses: the IFD version's release ("1.00") when known,
    /// else sFirmwareID. The IFD version comes first because libccid gives it for every reader,
    /// while sFirmwareID is rare; preferring it keeps one model's key the same across readers.
    public var firmware: String? { ifdVersion?.release ?? firmwareID }

    /// The key results are grouped by; see ``ModelKey``.
    public var modelKey: ModelKey { ModelKey(identity: self) }
}
