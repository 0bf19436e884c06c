// MARK: - USB identity

/// Who a reader is on USB: the device's ids and release, its strings, where it is plugged, and how
/// the PC/SC reader was tied to it.
///
/// Results are grouped by reader model, and a model is exactly `idVendor:idProduct@bcdDevice`
/// (``modelKey``): a firmware update changes `bcdDevice` and can change timing. The rest tells a
/// procurement report how the unit was connected (hubs in between, link speed, power).
///
/// It comes from one of two places (``source``): the USB device itself, read through libusb and
/// matched to the PC/SC reader, or, without libusb, from what the CCID driver tells PC/SC
/// (`wIdVendor`/`wIdProduct` TLV properties and the IFD version, which is `bcdDevice`).
public struct USBReaderIdentity: Sendable, Hashable, Codable {
    /// Where the identity was read.
    public enum Source: String, Sendable, Hashable, Codable {
        /// From the USB device's descriptors, through libusb.
        case libusb
        /// From the CCID driver's PC/SC attributes and part 10 TLV properties.
        case pcsc
    }

    /// `idVendor`.
    public var vendorID: UInt16
    /// `idProduct`.
    public var productID: UInt16
    /// `bcdDevice`: the device release, bumped with firmware.
    public var deviceRelease: UInt16
    /// The iManufacturer string, when read.
    public var manufacturer: String?
    /// The iProduct string, when read.
    public var product: String?
    /// The iSerialNumber string, when read.
    public var serialNumber: String?
    /// `bInterfaceNumber` of the reader's CCID interface, when known.
    public var interfaceNumber: UInt8?
    /// The interface's iInterface string, when known (pcsc-lite puts it in the reader name).
    public var interfaceName: String?
    /// How many CCID interfaces the device has (a dual reader has two, one PC/SC reader each),
    /// when known; the model key names the interface only when there are several.
    public var ccidInterfaceCount: Int?
    /// The USB bus, when known.
    public var bus: UInt8?
    /// The device address on the bus, when known (changes on every plug-in).
    public var address: UInt8?
    /// The hub ports from the root hub to the device ("1-2.3" is bus 1, port 2, then hub port 3).
    public var location: String?
    /// How many hubs sit between the computer and the device.
    public var hubsInBetween: Int?
    /// The negotiated link speed ("full speed (12 Mbit/s)").
    public var speed: String?
    /// The most current the device may draw, in mA (`bMaxPower`).
    public var maxPowerMilliamps: Int?
    /// Where this identity was read.
    public var source: Source
    /// What tied the PC/SC reader to this device ("channel-id", "usb-ids", "serial-number", …).
    public var evidence: [String]

    /// An identity from its parts; leave out what is not known.
    public init(
        vendorID: UInt16, productID: UInt16, deviceRelease: UInt16, source: Source, manufacturer: String? = nil,
        product: String? = nil, serialNumber: String? = nil, interfaceNumber: UInt8? = nil,
        interfaceName: String? = nil,
        ccidInterfaceCount: Int? = nil, bus: UInt8? = nil, address: UInt8? = nil, location: String? = nil,
        hubsInBetween: Int? = nil, speed: String? = nil, maxPowerMilliamps: Int? = nil, evidence: [String] = []
    ) {
        self.vendorID = vendorID
        self.productID = productID
        self.deviceRelease = deviceRelease
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
        self.interfaceNumber = interfaceNumber
        self.interfaceName = interfaceName
        self.ccidInterfaceCount = ccidInterfaceCount
        self.bus = bus
        self.address = address
        self.location = location
        self.hubsInBetween = hubsInBetween
        self.speed = speed
        self.maxPowerMilliamps = maxPowerMilliamps
        self.source = source
        self.evidence = evidence
    }

    /// The identity the CCID driver gives through PC/SC, without libusb: the ids from the part 10
    /// TLV properties and `bcdDevice` from the IFD version. Nil unless all three are known.
    public init?(pcsc identity: ReaderIdentity) {
        guard let vendorID = identity.usbVendorID, let productID = identity.usbProductID,
            let version = identity.ifdVersion
        else { return nil }
        self.init(
            vendorID: vendorID, productID: productID, deviceRelease: UInt16(version.rawValue >> 16), source: .pcsc,
            manufacturer: identity.vendorName, serialNumber: identity.serialNumber,
            interfaceName: identity.nameParts.interface, bus: identity.channel?.usbBus,
            address: identity.channel?.usbAddress, evidence: ["usb-ids", "ifd-version"])
    }

    /// `usb:054c:0dc9@1.00`, with ` [interface]` when the device has several CCID interfaces.
    public var modelKey: ModelKey {
        let multiple = (ccidInterfaceCount ?? 1) > 1
        return .usbDevice(
            vendorID: vendorID, productID: productID, deviceRelease: deviceRelease,
            interface: multiple ? (interfaceName ?? interfaceNumber.map { "interface \($0)" }) : nil)
    }

    /// `bcdDevice` as lsusb prints it ("1.00").
    public var release: String { bcdRelease(deviceRelease) }
}

extension ModelKey {
    /// The key for a USB reader model known by its device descriptor: `usb:054c:0dc9@1.00`
    /// (lower-case ids as in the other USB keys, then `@` and `bcdDevice` as lsusb prints it).
    /// Give `interface` for a device with several CCID interfaces, whose readers must not be
    /// mixed: `usb:072f:221a@2.00 [ACR1251 Dual Reader SAM]`.
    public static func usbDevice(vendorID: UInt16, productID: UInt16, deviceRelease: UInt16, interface: String? = nil)
        -> ModelKey
    {
        var text = "usb:" + lowerHex16(vendorID) + ":" + lowerHex16(productID) + "@" + bcdRelease(deviceRelease)
        if let interface, !interface.isEmpty { text += " [" + interface + "]" }
        return ModelKey(text)!
    }
}

/// "1.00", "2.16", "10.00": the upper byte in hex without a leading zero, the lower as two digits.
func bcdRelease(_ value: UInt16) -> String {
    let major = UInt8(value >> 8)
    let majorText = major < 0x10 ? String(hexByte(major).dropFirst()) : hexByte(major)
    return majorText + "." + hexByte(UInt8(value & 0xFF))
}

private func lowerHex16(_ value: UInt16) -> String {
    (hexByte(UInt8(value >> 8)) + hexByte(UInt8(value & 0xFF))).lowercased()
}

// MARK: - Codable

extension USBReaderIdentity {
    private enum CodingKeys: String, CodingKey {
        case vendorID, productID, deviceRelease, manufacturer, product, serialNumber, interfaceNumber, interfaceName
        case ccidInterfaceCount, bus, address, location, hubsInBetween, speed, maxPowerMilliamps, source, evidence
    }

    /// Ids as four hex digits ("054C") and the release as lsusb prints it ("1.00"), as people
    /// read them; optional fields are left out when unknown.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hexByte(UInt8(vendorID >> 8)) + hexByte(UInt8(vendorID & 0xFF)), forKey: .vendorID)
        try container.encode(hexByte(UInt8(productID >> 8)) + hexByte(UInt8(productID & 0xFF)), forKey: .productID)
        try container.encode(release, forKey: .deviceRelease)
        try container.encodeIfPresent(manufacturer, forKey: .manufacturer)
        try container.encodeIfPresent(product, forKey: .product)
        try container.encodeIfPresent(serialNumber, forKey: .serialNumber)
        try container.encodeIfPresent(interfaceNumber, forKey: .interfaceNumber)
        try container.encodeIfPresent(interfaceName, forKey: .interfaceName)
        try container.encodeIfPresent(ccidInterfaceCount, forKey: .ccidInterfaceCount)
        try container.encodeIfPresent(bus, forKey: .bus)
        try container.encodeIfPresent(address, forKey: .address)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(hubsInBetween, forKey: .hubsInBetween)
        try container.encodeIfPresent(speed, forKey: .speed)
        try container.encodeIfPresent(maxPowerMilliamps, forKey: .maxPowerMilliamps)
        try container.encode(source, forKey: .source)
        try container.encode(evidence, forKey: .evidence)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func hex16(_ key: CodingKeys) throws -> UInt16 {
            let text = try container.decode(String.self, forKey: key)
            guard let value = UInt16(text, radix: 16) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "not 4 hex digits: \(text)")
            }
            return value
        }
        vendorID = try hex16(.vendorID)
        productID = try hex16(.productID)
        let release = try container.decode(String.self, forKey: .deviceRelease)
        let parts = release.split(separator: ".")
        guard parts.count == 2, let major = UInt8(parts[0], radix: 16), let minor = UInt8(parts[1], radix: 16) else {
            throw DecodingError.dataCorruptedError(
                forKey: .deviceRelease, in: container, debugDescription: "not a release: \(release)")
        }
        deviceRelease = UInt16(major) << 8 | UInt16(minor)
        manufacturer = try container.decodeIfPresent(String.self, forKey: .manufacturer)
        product = try container.decodeIfPresent(String.self, forKey: .product)
        serialNumber = try container.decodeIfPresent(String.self, forKey: .serialNumber)
        interfaceNumber = try container.decodeIfPresent(UInt8.self, forKey: .interfaceNumber)
        interfaceName = try container.decodeIfPresent(String.self, forKey: .interfaceName)
        ccidInterfaceCount = try container.decodeIfPresent(Int.self, forKey: .ccidInterfaceCount)
        bus = try container.decodeIfPresent(UInt8.self, forKey: .bus)
        address = try container.decodeIfPresent(UInt8.self, forKey: .address)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        hubsInBetween = try container.decodeIfPresent(Int.self, forKey: .hubsInBetween)
        speed = try container.decodeIfPresent(String.self, forKey: .speed)
        maxPowerMilliamps = try container.decodeIfPresent(Int.self, forKey: .maxPowerMilliamps)
        source = try container.decode(Source.self, forKey: .source)
        evidence = try container.decodeIfPresent([String].self, forKey: .evidence) ?? []
    }
}
