// MARK: - Device descriptor

/// The USB device descriptor (USB 2.0 §9.6.1): who made the device, which model and release it
/// is, and where its name strings are.
///
/// `idVendor`, `idProduct` and `bcdDevice` make the reader's USB model key
/// (`usb:054c:0dc9@1.00`): a firmware update changes `bcdDevice`, and timing with it.
public struct USBDeviceDescriptor: Sendable, Hashable, Codable {
    /// `bLength`: always 18.
    public static let length = 18
    /// `bDescriptorType` of a device descriptor.
    public static let descriptorType: UInt8 = 0x01

    /// `bcdUSB`: the USB specification release (2.00).
    public var usbRelease: USBRelease
    /// `bDeviceClass` (usually 0: each interface says its class).
    public var deviceClass: USBClass
    /// `bDeviceSubClass`.
    public var deviceSubClass: UInt8
    /// `bDeviceProtocol`.
    public var deviceProtocol: UInt8
    /// `bMaxPacketSize0`.
    public var maxPacketSize0: UInt8
    /// `idVendor`.
    public var vendorID: UInt16
    /// `idProduct`.
    public var productID: UInt16
    /// `bcdDevice`: the device release, which vendors bump with firmware.
    public var deviceRelease: USBRelease
    /// `iManufacturer`: string index of the maker's name (0: none).
    public var manufacturerIndex: UInt8
    /// `iProduct`: string index of the product name (0: none).
    public var productIndex: UInt8
    /// `iSerialNumber`: string index of the serial number (0: none).
    public var serialNumberIndex: UInt8
    /// `bNumConfigurations`.
    public var configurationCount: UInt8

    /// A descriptor from its values (tests).
    public init(
        usbRelease: USBRelease = USBRelease(rawValue: 0x0200), deviceClass: USBClass = .perInterface,
        deviceSubClass: UInt8 = 0, deviceProtocol: UInt8 = 0, maxPacketSize0: UInt8 = 64, vendorID: UInt16,
        productID: UInt16, deviceRelease: USBRelease, manufacturerIndex: UInt8 = 0, productIndex: UInt8 = 0,
        serialNumberIndex: UInt8 = 0, configurationCount: UInt8 = 1
    ) {
        self.usbRelease = usbRelease
        self.deviceClass = deviceClass
        self.deviceSubClass = deviceSubClass
        self.deviceProtocol = deviceProtocol
        self.maxPacketSize0 = maxPacketSize0
        self.vendorID = vendorID
        self.productID = productID
        self.deviceRelease = deviceRelease
        self.manufacturerIndex = manufacturerIndex
        self.productIndex = productIndex
        self.serialNumberIndex = serialNumberIndex
        self.configurationCount = configurationCount
    }

    static let layout: [FieldLayout] = [
        FieldLayout(name: "bLength", offset: 0, size: 1),
        FieldLayout(name: "bDescriptorType", offset: 1, size: 1),
        FieldLayout(name: "bcdUSB", offset: 2, size: 2),
        FieldLayout(name: "bDeviceClass", offset: 4, size: 1),
        FieldLayout(name: "bDeviceSubClass", offset: 5, size: 1),
        FieldLayout(name: "bDeviceProtocol", offset: 6, size: 1),
        FieldLayout(name: "bMaxPacketSize0", offset: 7, size: 1),
        FieldLayout(name: "idVendor", offset: 8, size: 2),
        FieldLayout(name: "idProduct", offset: 10, size: 2),
        FieldLayout(name: "bcdDevice", offset: 12, size: 2),
        FieldLayout(name: "iManufacturer", offset: 14, size: 1),
        FieldLayout(name: "iProduct", offset: 15, size: 1),
        FieldLayout(name: "iSerialNumber", offset: 16, size: 1),
        FieldLayout(name: "bNumConfigurations", offset: 17, size: 1),
    ]

    /// Parses exactly one device descriptor (18 bytes, type 1); prefixes are rejected at the
    /// first field they cut, extra bytes as trailing.
    public init(bytes: Span<UInt8>) throws(DescriptorError) {
        let count = bytes.count
        if count >= 1, Int(bytes[0]) != Self.length {
            throw .badLength("device descriptor bLength", at: 0, found: Int(bytes[0]), limit: count)
        }
        if count >= 2, bytes[1] != Self.descriptorType {
            throw .unexpectedType("device descriptor bDescriptorType", at: 1, found: Int(bytes[1]), limit: count)
        }
        if let missing = firstMissingField(Self.layout, count: count) {
            throw .truncated(missing.name, at: missing.offset, limit: count)
        }
        guard count == Self.length else {
            throw DescriptorError(.trailingBytes, offset: Self.length, field: "device descriptor", limit: count)
        }
        usbRelease = USBRelease(rawValue: le16(bytes, 2))
        deviceClass = USBClass(rawValue: bytes[4])
        deviceSubClass = bytes[5]
        deviceProtocol = bytes[6]
        maxPacketSize0 = bytes[7]
        vendorID = le16(bytes, 8)
        productID = le16(bytes, 10)
        deviceRelease = USBRelease(rawValue: le16(bytes, 12))
        manufacturerIndex = bytes[14]
        productIndex = bytes[15]
        serialNumberIndex = bytes[16]
        configurationCount = bytes[17]
    }

    /// Parses a descriptor held in an array.
    public init(bytes: [UInt8]) throws(DescriptorError) {
        try self.init(bytes: bytes.span)
    }
}
