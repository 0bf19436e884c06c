import CCID
import CCIDFixtures
import CLibUSB
import Testing

@testable import USBDevices

/// libusb hands over a configuration already parsed, with the descriptors it does not know (the
/// CCID class descriptor) kept as `extra` bytes. These tests build that parsed form from a reader
/// dump, as libusb would for the real device, and check that laying it out again gives the bytes
/// the device sends: no device can be plugged in here, so this is how the libusb path is checked.
@Suite("libusb's parsed configuration laid out again")
struct ConfigurationLayoutTests {
    /// libusb's parsed form of `DescriptorBytes.configuration(blocks, endpoints: true)`, built in
    /// memory the caller keeps alive while `body` runs.
    func withLibUSBConfiguration<T>(_ blocks: [InterfaceBlock], _ body: (libusb_config_descriptor) throws -> T) rethrows
        -> T
    {
        let ccidBytes = blocks.map { DescriptorBytes.ccid($0) }
        let extras = ccidBytes.map { bytes -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            pointer.initialize(from: bytes, count: bytes.count)
            return pointer
        }
        let endpoints = (0..<blocks.count).map { position -> UnsafeMutablePointer<libusb_endpoint_descriptor> in
            let first = UInt8(1 + 3 * position)
            let pointer = UnsafeMutablePointer<libusb_endpoint_descriptor>.allocate(capacity: 3)
            let layouts: [(UInt8, UInt8, UInt16, UInt8)] = [
                (first, 0x02, 64, 0), (0x80 | (first + 1), 0x02, 64, 0), (0x80 | (first + 2), 0x03, 8, 16),
            ]
            for (index, (address, attributes, size, interval)) in layouts.enumerated() {
                var endpoint = libusb_endpoint_descriptor()
                endpoint.bLength = 7
                endpoint.bDescriptorType = 5
                endpoint.bEndpointAddress = address
                endpoint.bmAttributes = attributes
                endpoint.wMaxPacketSize = size
                endpoint.bInterval = interval
                (pointer + index).initialize(to: endpoint)
            }
            return pointer
        }
        let settings = UnsafeMutablePointer<libusb_interface_descriptor>.allocate(capacity: blocks.count)
        let interfaces = UnsafeMutablePointer<libusb_interface>.allocate(capacity: blocks.count)
        defer {
            extras.forEach { $0.deallocate() }
            endpoints.forEach { $0.deallocate() }
            settings.deallocate()
            interfaces.deallocate()
        }
        for (position, block) in blocks.enumerated() {
            var setting = libusb_interface_descriptor()
            setting.bLength = 9
            setting.bDescriptorType = 4
            setting.bInterfaceNumber = block.interfaceNumber
            setting.bAlternateSetting = UInt8(block.interfaceFields["bAlternateSetting"]!)
            setting.bNumEndpoints = 3
            setting.bInterfaceClass = block.interfaceClass
            setting.bInterfaceSubClass = UInt8(block.interfaceFields["bInterfaceSubClass"]!)
            setting.bInterfaceProtocol = UInt8(block.interfaceFields["bInterfaceProtocol"]!)
            setting.iInterface = block.interfaceName == nil ? 0 : UInt8(4 + position)
            setting.endpoint = UnsafePointer(endpoints[position])
            setting.extra = UnsafePointer(extras[position])
            setting.extra_length = Int32(ccidBytes[position].count)
            (settings + position).initialize(to: setting)
            var interface = libusb_interface()
            interface.altsetting = UnsafePointer(settings + position)
            interface.num_altsetting = 1
            (interfaces + position).initialize(to: interface)
        }
        var config = libusb_config_descriptor()
        config.bLength = 9
        config.bDescriptorType = 2
        config.bNumInterfaces = UInt8(blocks.count)
        config.bConfigurationValue = 1
        config.bmAttributes = 0x80
        config.MaxPower = 50
        config.interface = UnsafePointer(interfaces)
        return try body(config)
    }

    @Test(
        "the bytes equal the device's, and the CCID class descriptor is found again",
        arguments: ["SCR3310-NTTCom.txt", "ACS_ACR1251_Dual_Reader.txt", "SONY_FeliCa_RC-S300_P.txt"])
    func layoutMatchesDevice(file: String) throws {
        let blocks = try ReaderDataset.dump(file).interfaces
        let expected = DescriptorBytes.configuration(blocks, maxPower: 50, endpoints: true)
        let bytes = withLibUSBConfiguration(blocks) { LibUSBContext.configurationBytes($0) }
        #expect(bytes == expected)
        let parsed = try USBConfiguration(bytes: bytes)
        #expect(parsed.ccidInterfaces.count == blocks.count)
    }

    @Test("the device descriptor is laid out field by field")
    func deviceDescriptor() throws {
        let block = try ReaderDataset.dump("SONY_FeliCa_RC-S300_S.txt").interfaces[0]
        var descriptor = libusb_device_descriptor()
        descriptor.bLength = 18
        descriptor.bDescriptorType = 1
        descriptor.bcdUSB = 0x0200
        descriptor.bMaxPacketSize0 = 64
        descriptor.idVendor = block.vendorID
        descriptor.idProduct = block.productID
        descriptor.bcdDevice = block.bcdDevice
        descriptor.iManufacturer = 1
        descriptor.iProduct = 2
        descriptor.iSerialNumber = 3
        descriptor.bNumConfigurations = 1
        #expect(LibUSBContext.deviceDescriptorBytes(descriptor) == DescriptorBytes.device(block, hasSerial: true))
    }
}
