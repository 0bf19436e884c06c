import CardIdentity
import Foundation
import Testing

@Suite("USB model key and identity")
struct USBModelKeyTests {
    @Test("usb:VVVV:PPPP@bcdDevice, lower-case ids, bcdDevice as lsusb prints it")
    func keyForm() {
        #expect(
            ModelKey.usbDevice(vendorID: 0x054C, productID: 0x0DC9, deviceRelease: 0x0100).description
                == "usb:054c:0dc9@1.00")
        #expect(
            ModelKey.usbDevice(vendorID: 0x072F, productID: 0xB100, deviceRelease: 0x0216).description
                == "usb:072f:b100@2.16")
        #expect(
            ModelKey.usbDevice(vendorID: 0x058F, productID: 0x9520, deviceRelease: 0xF0F0).description
                == "usb:058f:9520@F0.F0")
        #expect(ModelKey.usbDevice(vendorID: 1, productID: 2, deviceRelease: 0x0100).source == .usb)
    }

    @Test("the interface is named only when the device has several CCID interfaces")
    func interfaceOnlyWhenSeveral() {
        var picc = USBReaderIdentity(
            vendorID: 0x072F, productID: 0x221A, deviceRelease: 0x0200, source: .libusb, interfaceNumber: 0,
            interfaceName: "ACR1251 Dual Reader PICC", ccidInterfaceCount: 2)
        #expect(picc.modelKey.description == "usb:072f:221a@2.00 [ACR1251 Dual Reader PICC]")
        picc.ccidInterfaceCount = 1
        #expect(picc.modelKey.description == "usb:072f:221a@2.00")
    }

    @Test("without libusb, the CCID driver's TLV ids and IFD version give the same key")
    func fromPCSC() throws {
        let identity = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P (0123456) 00 00", ifdVersion: IFDVersion(rawValue: 0x0100_0000),
            channel: ChannelID(rawValue: 0x0020_0104),
            tlvProperties: ReaderTLVProperties(usbVendorID: 0x054C, usbProductID: 0x0DC9, maximumAPDUDataSize: 0x10000))
        let usb = try #require(USBReaderIdentity(pcsc: identity))
        #expect(usb.modelKey.description == "usb:054c:0dc9@1.00")
        #expect(usb.source == .pcsc && usb.bus == 1 && usb.address == 4 && usb.serialNumber == "0123456")
        #expect(USBReaderIdentity(pcsc: ReaderIdentity(name: "Virtual PCD 00 00")) == nil)
    }

    @Test("JSON shows ids in hex and the release as lsusb prints it, and reads back")
    func json() throws {
        let identity = USBReaderIdentity(
            vendorID: 0x054C, productID: 0x0DC9, deviceRelease: 0x0100, source: .libusb,
            product: "FeliCa Port/PaSoRi 4.0",
            location: "1-2.3", hubsInBetween: 1, evidence: ["channel-id"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(identity), as: UTF8.self)
        #expect(text.contains(#""vendorID":"054C""#) && text.contains(#""deviceRelease":"1.00""#))
        #expect(!text.contains("serialNumber"))
        #expect(try JSONDecoder().decode(USBReaderIdentity.self, from: Data(text.utf8)) == identity)
    }
}
