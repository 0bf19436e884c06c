import CCID
import CLibUSB

// MARK: - libusb context

/// A libusb context, released exactly once (`libusb_exit` in `deinit`).
struct LibUSBContext: ~Copyable {
    private let context: OpaquePointer

    init() throws(USBErrorCode) {
        var pointer: OpaquePointer?
        let result = libusb_init(&pointer)
        guard result == 0, let pointer else { throw USBErrorCode(rawValue: result) }
        context = pointer
    }

    deinit { libusb_exit(context) }

    /// A snapshot of every device libusb lists; the device list is freed before returning.
    func snapshots(
        readStrings: (USBDeviceDescriptor, USBConfiguration?) -> Bool
    ) -> Result<[USBDeviceSnapshot], USBErrorCode> {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { return .failure(USBErrorCode(rawValue: Int32(truncatingIfNeeded: count))) }
        defer { libusb_free_device_list(list, 1) }
        var devices: [USBDeviceSnapshot] = []
        for index in 0..<Int(count) {
            guard let device = list[index] else { continue }
            if let snapshot = Self.snapshot(device, readStrings: readStrings) { devices.append(snapshot) }
        }
        return .success(devices)
    }

    // MARK: - One device

    /// What libusb knows of one device; nil when even its device descriptor cannot be read.
    private static func snapshot(
        _ device: OpaquePointer, readStrings: (USBDeviceDescriptor, USBConfiguration?) -> Bool
    ) -> USBDeviceSnapshot? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        let deviceBytes = deviceDescriptorBytes(descriptor)
        let configurationBytes = configurationBytes(device)

        var ports = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        var snapshot = USBDeviceSnapshot(
            bus: libusb_get_bus_number(device), address: libusb_get_device_address(device),
            portPath: depth > 0 ? Array(ports[0..<Int(depth)]) : [],
            speed: USBSpeed(rawValue: libusb_get_device_speed(device)), deviceDescriptor: deviceBytes,
            configuration: configurationBytes)

        guard let parsedDevice = try? USBDeviceDescriptor(bytes: deviceBytes) else { return snapshot }
        let parsedConfiguration = configurationBytes.flatMap { try? USBConfiguration(bytes: $0) }
        guard readStrings(parsedDevice, parsedConfiguration) else { return snapshot }

        var handle: OpaquePointer?
        let opened = libusb_open(device, &handle)
        guard opened == 0, let handle else {
            snapshot.openError = USBErrorCode(rawValue: opened)
            return snapshot
        }
        defer { libusb_close(handle) }
        var indexes: Set<UInt8> = [
            parsedDevice.manufacturerIndex, parsedDevice.productIndex, parsedDevice.serialNumberIndex,
        ]
        for interface in parsedConfiguration?.interfaces ?? [] { indexes.insert(interface.nameIndex) }
        indexes.remove(0)
        snapshot.strings = strings(handle, indexes: indexes)
        return snapshot
    }

    /// The 18 bytes of a device descriptor, from libusb's parsed copy.
    static func deviceDescriptorBytes(_ d: libusb_device_descriptor) -> [UInt8] {
        var bytes: [UInt8] = [d.bLength, d.bDescriptorType]
        appendLE16(d.bcdUSB, to: &bytes)
        bytes += [d.bDeviceClass, d.bDeviceSubClass, d.bDeviceProtocol, d.bMaxPacketSize0]
        appendLE16(d.idVendor, to: &bytes)
        appendLE16(d.idProduct, to: &bytes)
        appendLE16(d.bcdDevice, to: &bytes)
        bytes += [d.iManufacturer, d.iProduct, d.iSerialNumber, d.bNumConfigurations]
        return bytes
    }

    /// The active configuration (or the first, for an unconfigured device) laid out again as the
    /// device sent it: libusb keeps every descriptor it does not parse, such as the CCID class
    /// descriptor, as raw `extra` bytes after the interface or endpoint it followed.
    private static func configurationBytes(_ device: OpaquePointer) -> [UInt8]? {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) != 0 || config == nil {
            config = nil
            guard libusb_get_config_descriptor(device, 0, &config) == 0 else { return nil }
        }
        guard let config else { return nil }
        defer { libusb_free_config_descriptor(config) }
        return configurationBytes(config.pointee)
    }

    /// The bytes of a configuration libusb has parsed: the descriptors in the order the device
    /// sent them, each descriptor libusb kept as `extra` right after the one it followed.
    static func configurationBytes(_ c: libusb_config_descriptor) -> [UInt8] {
        var bytes: [UInt8] = [9, c.bDescriptorType, 0, 0, c.bNumInterfaces, c.bConfigurationValue, c.iConfiguration]
        bytes += [c.bmAttributes, c.MaxPower]
        appendExtra(c.extra, c.extra_length, to: &bytes)
        for interfaceIndex in 0..<Int(c.bNumInterfaces) {
            guard let interfaces = c.interface else { break }
            let interface = interfaces[interfaceIndex]
            for settingIndex in 0..<Int(interface.num_altsetting) {
                guard let settings = interface.altsetting else { break }
                let s = settings[settingIndex]
                bytes += [9, s.bDescriptorType, s.bInterfaceNumber, s.bAlternateSetting, s.bNumEndpoints]
                bytes += [s.bInterfaceClass, s.bInterfaceSubClass, s.bInterfaceProtocol, s.iInterface]
                appendExtra(s.extra, s.extra_length, to: &bytes)
                for endpointIndex in 0..<Int(s.bNumEndpoints) {
                    guard let endpoints = s.endpoint else { break }
                    let e = endpoints[endpointIndex]
                    let long = e.bLength >= 9
                    bytes += [long ? 9 : 7, e.bDescriptorType, e.bEndpointAddress, e.bmAttributes]
                    appendLE16(e.wMaxPacketSize, to: &bytes)
                    bytes.append(e.bInterval)
                    if long { bytes += [e.bRefresh, e.bSynchAddress] }
                    appendExtra(e.extra, e.extra_length, to: &bytes)
                }
            }
        }
        let total = bytes.count
        bytes[2] = UInt8(total & 0xFF)
        bytes[3] = UInt8((total >> 8) & 0xFF)
        return bytes
    }

    /// The strings at the given indexes, in the device's first language; unreadable ones are left out.
    private static func strings(_ handle: OpaquePointer, indexes: Set<UInt8>) -> [UInt8: String] {
        var buffer = [UInt8](repeating: 0, count: 255)
        let languagesLength = libusb_get_string_descriptor(handle, 0, 0, &buffer, Int32(buffer.count))
        guard languagesLength > 0,
            let language = try? USBStringDescriptor.languages(bytes: buffer.span.extracting(0..<Int(languagesLength)))
                .first
        else { return [:] }
        var found: [UInt8: String] = [:]
        for index in indexes.sorted() {
            let length = libusb_get_string_descriptor(handle, index, language, &buffer, Int32(buffer.count))
            guard length > 0 else { continue }
            if let text = try? USBStringDescriptor.text(bytes: buffer.span.extracting(0..<Int(length))) {
                found[index] = text
            }
        }
        return found
    }

    private static func appendLE16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func appendExtra(_ extra: UnsafePointer<UInt8>?, _ length: Int32, to bytes: inout [UInt8]) {
        guard let extra, length > 0 else { return }
        bytes += UnsafeBufferPointer(start: extra, count: Int(length))
    }
}
