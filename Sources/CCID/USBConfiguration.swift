// MARK: - Configuration

/// A configuration descriptor and everything after it up to `wTotalLength` (USB 2.0 §9.6.3):
/// interfaces, their endpoints, and class-specific descriptors such as the CCID one.
///
/// Smart-card readers put the CCID class descriptor right after their interface descriptor
/// (class 0x0B), or after a vendor-class (0xFF) interface descriptor when the maker kept the
/// CCID protocol but not the class, as the SCR3310-NTTCom does; a few put it after the endpoints.
/// The walk finds it in all three places.
public struct USBConfiguration: Sendable, Hashable, Codable {
    /// `bDescriptorType` of a configuration descriptor.
    public static let descriptorType: UInt8 = 0x02
    /// `bDescriptorType` of an interface descriptor.
    public static let interfaceDescriptorType: UInt8 = 0x04
    /// `bDescriptorType` of an endpoint descriptor.
    public static let endpointDescriptorType: UInt8 = 0x05

    /// `wTotalLength`.
    public var totalLength: UInt16
    /// `bNumInterfaces`.
    public var interfaceCount: UInt8
    /// `bConfigurationValue`.
    public var configurationValue: UInt8
    /// `iConfiguration`.
    public var configurationIndex: UInt8
    /// `bmAttributes` (0x40 self-powered, 0x20 remote wake-up).
    public var attributes: UInt8
    /// `bMaxPower`, in units of 2 mA (8 mA at SuperSpeed); see ``maxPowerMilliamps(speed:)``.
    public var maxPower: UInt8
    /// The interface descriptors in the order they came, every alternate setting included.
    public var interfaces: [USBInterface]

    /// The most current the device may draw, in mA, at the given link speed.
    public func maxPowerMilliamps(speed: USBSpeed) -> Int { Int(maxPower) * speed.maxPowerUnitMilliamps }

    /// A configuration from its values (tests).
    public init(
        totalLength: UInt16 = 0, interfaceCount: UInt8, configurationValue: UInt8 = 1, configurationIndex: UInt8 = 0,
        attributes: UInt8 = 0x80, maxPower: UInt8, interfaces: [USBInterface]
    ) {
        self.totalLength = totalLength
        self.interfaceCount = interfaceCount
        self.configurationValue = configurationValue
        self.configurationIndex = configurationIndex
        self.attributes = attributes
        self.maxPower = maxPower
        self.interfaces = interfaces
    }

    static let headerLayout: [FieldLayout] = [
        FieldLayout(name: "bLength", offset: 0, size: 1),
        FieldLayout(name: "bDescriptorType", offset: 1, size: 1),
        FieldLayout(name: "wTotalLength", offset: 2, size: 2),
        FieldLayout(name: "bNumInterfaces", offset: 4, size: 1),
        FieldLayout(name: "bConfigurationValue", offset: 5, size: 1),
        FieldLayout(name: "iConfiguration", offset: 6, size: 1),
        FieldLayout(name: "bmAttributes", offset: 7, size: 1),
        FieldLayout(name: "bMaxPower", offset: 8, size: 1),
    ]

    /// Parses a whole configuration: the 9-byte configuration descriptor, then descriptors until
    /// the input ends, which must be exactly `wTotalLength` bytes.
    ///
    /// A descriptor cut by the end of the input is ``DescriptorError/Code/truncated`` at its first
    /// byte; a `bLength` below 2 (or below 9 for interfaces, 7 for endpoints) is
    /// ``DescriptorError/Code/badLength``. Endpoints before any interface and descriptors this
    /// parser does not know are skipped, as libusb skips them.
    public init(bytes: Span<UInt8>) throws(DescriptorError) {
        let count = bytes.count
        if count >= 2, bytes[1] != Self.descriptorType {
            throw .unexpectedType("configuration bDescriptorType", at: 1, found: Int(bytes[1]), limit: count)
        }
        if count >= 1, bytes[0] < 9 {
            throw .badLength("configuration bLength", at: 0, found: Int(bytes[0]), limit: count)
        }
        if let missing = firstMissingField(Self.headerLayout, count: count) {
            throw .truncated(missing.name, at: missing.offset, limit: count)
        }
        let headerLength = Int(bytes[0])
        guard headerLength <= count else { throw .truncated("configuration descriptor", at: 0, limit: count) }
        totalLength = le16(bytes, 2)
        interfaceCount = bytes[4]
        configurationValue = bytes[5]
        configurationIndex = bytes[6]
        attributes = bytes[7]
        maxPower = bytes[8]

        var interfaces: [USBInterface] = []
        var offset = headerLength
        while offset < count {
            guard offset + 2 <= count else { throw .truncated("descriptor header", at: offset, limit: count) }
            let length = Int(bytes[offset])
            let type = bytes[offset + 1]
            guard length >= 2 else { throw .badLength("descriptor bLength", at: offset, found: length, limit: count) }
            guard offset + length <= count else {
                throw .truncated("descriptor of type \(hex(Int(type)))", at: offset, limit: count)
            }
            let body = bytes.extracting(offset..<(offset + length))
            switch type {
            case Self.interfaceDescriptorType:
                interfaces.append(try USBInterface(descriptor: body, offset: offset, limit: count))
            case Self.endpointDescriptorType:
                let endpoint = try USBEndpoint(descriptor: body, offset: offset, limit: count)
                if !interfaces.isEmpty { interfaces[interfaces.count - 1].endpoints.append(endpoint) }
            default:
                if !interfaces.isEmpty {
                    try interfaces[interfaces.count - 1].attach(body, offset: offset, limit: count)
                }
            }
            offset += length
        }
        guard Int(totalLength) == count else {
            throw DescriptorError(
                .totalLengthMismatch, offset: 2, field: "wTotalLength", value: Int(totalLength), limit: count)
        }
        self.interfaces = interfaces
    }

    /// Parses a configuration held in an array.
    public init(bytes: [UInt8]) throws(DescriptorError) {
        try self.init(bytes: bytes.span)
    }

    /// The interfaces that carry a CCID class descriptor, first alternate setting only: one PC/SC
    /// reader each under pcscd's CCID driver.
    public var ccidInterfaces: [USBInterface] {
        interfaces.filter { $0.alternateSetting == 0 && $0.ccid != nil }
    }
}

// MARK: - Interface

/// One interface descriptor (USB 2.0 §9.6.5), its endpoints and the class-specific descriptors
/// that follow it.
public struct USBInterface: Sendable, Hashable, Codable {
    /// `bInterfaceNumber`.
    public var number: UInt8
    /// `bAlternateSetting`.
    public var alternateSetting: UInt8
    /// `bNumEndpoints`, as declared (``endpoints`` holds those actually found).
    public var endpointCount: UInt8
    /// `bInterfaceClass`: 0x0B for CCID, 0xFF for vendor-specific.
    public var interfaceClass: USBClass
    /// `bInterfaceSubClass`.
    public var subClass: UInt8
    /// `bInterfaceProtocol`: for class 0x0B, 0 is CCID bulk transfer, 1 ICCD version A, 2 ICCD version B.
    public var interfaceProtocol: UInt8
    /// `iInterface`: string index of the interface name (pcsc-lite puts that name in brackets in
    /// the reader name).
    public var nameIndex: UInt8
    /// The endpoint descriptors that followed.
    public var endpoints: [USBEndpoint]
    /// The CCID class descriptor, when the interface has one.
    public var ccid: CCIDClassDescriptor?
    /// Where the CCID class descriptor started in the configuration's bytes.
    public var ccidOffset: Int?
    /// Types of the other class-specific descriptors that followed, in order.
    public var otherDescriptorTypes: [UInt8]

    /// An interface from its values (tests).
    public init(
        number: UInt8, alternateSetting: UInt8 = 0, endpointCount: UInt8 = 3, interfaceClass: USBClass,
        subClass: UInt8 = 0, interfaceProtocol: UInt8 = 0, nameIndex: UInt8 = 0, endpoints: [USBEndpoint] = [],
        ccid: CCIDClassDescriptor? = nil
    ) {
        self.number = number
        self.alternateSetting = alternateSetting
        self.endpointCount = endpointCount
        self.interfaceClass = interfaceClass
        self.subClass = subClass
        self.interfaceProtocol = interfaceProtocol
        self.nameIndex = nameIndex
        self.endpoints = endpoints
        self.ccid = ccid
        self.ccidOffset = nil
        self.otherDescriptorTypes = []
    }

    static let layout: [FieldLayout] = [
        FieldLayout(name: "bLength", offset: 0, size: 1),
        FieldLayout(name: "bDescriptorType", offset: 1, size: 1),
        FieldLayout(name: "bInterfaceNumber", offset: 2, size: 1),
        FieldLayout(name: "bAlternateSetting", offset: 3, size: 1),
        FieldLayout(name: "bNumEndpoints", offset: 4, size: 1),
        FieldLayout(name: "bInterfaceClass", offset: 5, size: 1),
        FieldLayout(name: "bInterfaceSubClass", offset: 6, size: 1),
        FieldLayout(name: "bInterfaceProtocol", offset: 7, size: 1),
        FieldLayout(name: "iInterface", offset: 8, size: 1),
    ]

    /// Parses one interface descriptor (at least 9 bytes, type 4) on its own: exactly `bLength`
    /// bytes. An input shorter than `bLength` is ``DescriptorError/Code/truncated`` at 0, the
    /// descriptor's first byte; bytes after it are ``DescriptorError/Code/trailingBytes``.
    public init(bytes: Span<UInt8>) throws(DescriptorError) {
        let count = bytes.count
        if count >= 1, bytes[0] < 9 {
            throw .badLength("interface bLength", at: 0, found: Int(bytes[0]), limit: count)
        }
        if count >= 2, bytes[1] != USBConfiguration.interfaceDescriptorType {
            throw .unexpectedType("interface bDescriptorType", at: 1, found: Int(bytes[1]), limit: count)
        }
        if let missing = firstMissingField(Self.layout, count: count) {
            throw .truncated(missing.name, at: missing.offset, limit: count)
        }
        // An input shorter than its bLength is cut, not followed by extra bytes: a prefix of a
        // longer interface descriptor must not be reported at an offset past its end.
        guard count >= Int(bytes[0]) else { throw .truncated("interface descriptor", at: 0, limit: count) }
        guard count == Int(bytes[0]) else {
            throw DescriptorError(.trailingBytes, offset: Int(bytes[0]), field: "interface descriptor", limit: count)
        }
        try self.init(descriptor: bytes, offset: 0, limit: count)
    }

    /// Parses one interface descriptor held in an array.
    public init(bytes: [UInt8]) throws(DescriptorError) {
        try self.init(bytes: bytes.span)
    }

    /// One interface descriptor inside a configuration; `body` is exactly `bLength` bytes.
    init(descriptor body: Span<UInt8>, offset: Int, limit: Int) throws(DescriptorError) {
        guard body.count >= 9 else {
            throw .badLength("interface bLength", at: offset, found: body.count, limit: limit)
        }
        number = body[2]
        alternateSetting = body[3]
        endpointCount = body[4]
        interfaceClass = USBClass(rawValue: body[5])
        subClass = body[6]
        interfaceProtocol = body[7]
        nameIndex = body[8]
        endpoints = []
        ccid = nil
        ccidOffset = nil
        otherDescriptorTypes = []
    }

    /// Keeps a class-specific descriptor that followed this interface (or one of its endpoints):
    /// the first 54-byte descriptor of type 0x21 or 0xFF on a smart-card or vendor-class
    /// interface is the CCID class descriptor.
    mutating func attach(_ body: Span<UInt8>, offset: Int, limit: Int) throws(DescriptorError) {
        let type = body[1]
        let isCandidateClass = interfaceClass == .smartCard || interfaceClass == .vendorSpecific
        let isCandidateType =
            type == CCIDClassDescriptor.descriptorTypeCCID || type == CCIDClassDescriptor.descriptorTypeProprietary
        if ccid == nil, isCandidateClass, isCandidateType, body.count == CCIDClassDescriptor.length {
            ccid = try CCIDClassDescriptor(bytes: body, baseOffset: offset)
            ccidOffset = offset
        } else {
            otherDescriptorTypes.append(type)
        }
    }

    /// Whether pcscd's CCID driver can talk to this interface: it carries a CCID class descriptor.
    public var isCCID: Bool { ccid != nil }
}

// MARK: - Endpoint

/// An endpoint descriptor (USB 2.0 §9.6.6). CCID readers have bulk-OUT, bulk-IN and, for card
/// insertion events, interrupt-IN.
public struct USBEndpoint: Sendable, Hashable, Codable {
    /// `bEndpointAddress`: bit 7 set for IN.
    public var address: UInt8
    /// `bmAttributes`: bits 0–1 are the transfer type (2 bulk, 3 interrupt).
    public var attributes: UInt8
    /// `wMaxPacketSize`.
    public var maxPacketSize: UInt16
    /// `bInterval`.
    public var interval: UInt8

    /// An endpoint from its values (tests).
    public init(address: UInt8, attributes: UInt8, maxPacketSize: UInt16, interval: UInt8 = 0) {
        self.address = address
        self.attributes = attributes
        self.maxPacketSize = maxPacketSize
        self.interval = interval
    }

    init(descriptor body: Span<UInt8>, offset: Int, limit: Int) throws(DescriptorError) {
        guard body.count >= 7 else {
            throw .badLength("endpoint bLength", at: offset, found: body.count, limit: limit)
        }
        address = body[2]
        attributes = body[3]
        maxPacketSize = le16(body, 4)
        interval = body[6]
    }

    /// Whether data flows from the device to the host.
    public var isIn: Bool { address & 0x80 != 0 }
}
