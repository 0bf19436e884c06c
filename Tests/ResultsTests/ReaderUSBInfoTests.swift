import CardIdentity
import Foundation
import Results
import Testing

@Suite("Reader USB identity, keys and capabilities in the header")
struct ReaderUSBInfoTests {
    static func readerWithUSB() -> ReaderInfo {
        var reader = ReaderInfo(
            name: "SONY FeliCa RC-S300/P (0123456) 00 00", identity: nil, modelKey: "usb:054c:0dc9 fw=1.00", atr: nil)
        reader.usb = USBReaderIdentity(
            vendorID: 0x054C, productID: 0x0DC9, deviceRelease: 0x0100, source: .libusb, serialNumber: "0123456",
            location: "1-2", hubsInBetween: 0, evidence: ["channel-id", "usb-ids"])
        reader.usbModelKey = "usb:054c:0dc9@1.00"
        reader.nameModelKey = "name:SONY FeliCa RC-S300/P"
        reader.capabilities = ReaderCapabilityNotes(
            source: "usb-descriptor", exchangeLevel: "extended-apdu", protocols: "T=1",
            maxDataRateBitsPerSecond: 921_600,
            maxCCIDMessageLength: 522,
            explanations: ["short and extended APDU level: the reader frames T=1 itself and takes extended APDUs"])
        return reader
    }

    @Test("the new fields survive a JSON round trip")
    func roundTrip() throws {
        let reader = Self.readerWithUSB()
        let decoded = try JSONDecoder().decode(ReaderInfo.self, from: try JSONEncoder().encode(reader))
        #expect(decoded == reader)
    }

    @Test("a reader without them writes none of them, and a file from before them still reads")
    func absentWhenUnknown() throws {
        let plain = ReaderInfo(name: "Virtual PCD 00 00", identity: nil, modelKey: "name:Virtual PCD", atr: nil)
        let text = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        for key in ["usb", "usbModelKey", "nameModelKey", "capabilities"] { #expect(!text.contains("\"\(key)\"")) }
        let old = #"{"name":"Virtual PCD 00 00","modelKey":"name:Virtual PCD"}"#
        let decoded = try JSONDecoder().decode(ReaderInfo.self, from: Data(old.utf8))
        #expect(decoded == plain)
    }
}
