// MARK: - Snapshot (the seam)

/// What one USB enumeration saw of one device: where it sits, its raw descriptors and the strings
/// that could be read.
///
/// This is the seam between I/O and parsing. The USBDevices module fills it from libusb; tests
/// fill it with descriptor bytes built from the CCID driver's reader data, because no USB device
/// can be plugged into the machines this project is built on. Everything downstream (matching,
/// `readerbench doctor`) works on snapshots only.
public struct USBDeviceSnapshot: Sendable, Hashable, Codable {
    /// The bus number (`libusb_get_bus_number`).
    public var bus: UInt8
    /// The device address on its bus (`libusb_get_device_address`); changes on every plug-in.
    public var address: UInt8
    /// The chain of hub ports from the root hub to the device (`libusb_get_port_numbers`): one
    /// element when the device is plugged into the computer, one more for each hub in between.
    public var portPath: [UInt8]
    /// The negotiated link speed.
    public var speed: USBSpeed
    /// The 18 bytes of the device descriptor.
    public var deviceDescriptor: [UInt8]
    /// The active configuration's bytes (`wTotalLength` of them), or nil when they could not be read.
    public var configuration: [UInt8]?
    /// Strings read from the device, by string descriptor index. Empty when the device could
    /// not be opened (see ``openError``).
    public var strings: [UInt8: String]
    /// Why the device could not be opened to read its strings, when it could not.
    public var openError: USBErrorCode?

    /// A snapshot from its parts.
    public init(
        bus: UInt8, address: UInt8, portPath: [UInt8], speed: USBSpeed, deviceDescriptor: [UInt8],
        configuration: [UInt8]?, strings: [UInt8: String] = [:], openError: USBErrorCode? = nil
    ) {
        self.bus = bus
        self.address = address
        self.portPath = portPath
        self.speed = speed
        self.deviceDescriptor = deviceDescriptor
        self.configuration = configuration
        self.strings = strings
        self.openError = openError
    }

    /// The port path as Linux writes it in sysfs: bus, a dash, then ports joined by dots ("1-2.3").
    public var location: String {
        "\(bus)-" + (portPath.isEmpty ? "0" : portPath.map(String.init).joined(separator: "."))
    }

    /// How many hubs sit between the computer's root hub and the device.
    public var hubsInBetween: Int { max(0, portPath.count - 1) }

    /// The usbfs node libusb opens for the device ("/dev/bus/usb/001/004").
    public var deviceNode: String { "/dev/bus/usb/" + threeDigits(bus) + "/" + threeDigits(address) }
}

private func threeDigits(_ value: UInt8) -> String {
    let text = String(value)
    return String(repeating: "0", count: 3 - text.count) + text
}

// MARK: - Parsed device

/// A snapshot with its descriptors parsed: the typed view matching and diagnosis work on.
public struct USBDevice: Sendable, Hashable {
    /// What was seen.
    public let snapshot: USBDeviceSnapshot
    /// The device descriptor.
    public let descriptor: USBDeviceDescriptor
    /// The active configuration, when its bytes were read.
    public let configuration: USBConfiguration?

    /// Parses a snapshot's descriptors; a malformed descriptor is an error naming the offset in
    /// the device or configuration descriptor bytes.
    public init(_ snapshot: USBDeviceSnapshot) throws(DescriptorError) {
        self.snapshot = snapshot
        descriptor = try USBDeviceDescriptor(bytes: snapshot.deviceDescriptor)
        configuration = try snapshot.configuration.map { (bytes: [UInt8]) throws(DescriptorError) in
            try USBConfiguration(bytes: bytes)
        }
    }

    /// `idVendor`.
    public var vendorID: UInt16 { descriptor.vendorID }
    /// `idProduct`.
    public var productID: UInt16 { descriptor.productID }
    /// `bcdDevice`.
    public var deviceRelease: USBRelease { descriptor.deviceRelease }
    /// The iManufacturer string, when read.
    public var manufacturer: String? { string(descriptor.manufacturerIndex) }
    /// The iProduct string, when read.
    public var product: String? { string(descriptor.productIndex) }
    /// The iSerialNumber string, when read.
    public var serialNumber: String? { string(descriptor.serialNumberIndex) }
    /// An interface's iInterface string, when read.
    public func name(of interface: USBInterface) -> String? { string(interface.nameIndex) }

    /// The string at a descriptor index (index 0 means "none").
    public func string(_ index: UInt8) -> String? {
        index == 0 ? nil : snapshot.strings[index]
    }

    /// The interfaces pcscd's CCID driver can serve (first alternate setting, CCID class descriptor present).
    public var ccidInterfaces: [USBInterface] { configuration?.ccidInterfaces ?? [] }

    /// Interfaces of the first alternate setting.
    public var interfaces: [USBInterface] { configuration?.interfaces.filter { $0.alternateSetting == 0 } ?? [] }

    /// "VVVV:PPPP" in upper-case hex (054C:0DC9).
    public var usbID: String { hex16(vendorID) + ":" + hex16(productID) }

    /// The most current the device may draw, in mA.
    public var maxPowerMilliamps: Int? { configuration?.maxPowerMilliamps(speed: snapshot.speed) }
}
