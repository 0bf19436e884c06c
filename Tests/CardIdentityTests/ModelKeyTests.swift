import CardIdentity
import FoundationEssentials
import Testing

@Suite("Reader identity and model key")
struct ModelKeyTests {
    /// The RC-S300/P as libccid would describe it (ids and bcdDevice from its descriptor file).
    static let rcS300P = ReaderTLVProperties(usbVendorID: 0x054C, usbProductID: 0x0DC9, maximumAPDUDataSize: 65536)

    @Test("USB ids and the IFD version make the key")
    func usbKey() {
        let identity = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P (0123456) 00 00", ifdVersion: IFDVersion(rawValue: 0x0100_0000),
            tlvProperties: Self.rcS300P)
        #expect(identity.modelKey.description == "usb:054c:0dc9 fw=1.00")
        #expect(identity.modelKey.source == .usb)
        #expect(identity.serialNumber == "0123456")
        #expect(identity.maximumAPDUDataSize == 65536)
    }

    @Test("Two units of one model on different ports share a key")
    func unitsShareKey() {
        let first = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P (0123456) 00 00", ifdVersion: IFDVersion(rawValue: 0x0100_0000),
            channel: ChannelID(rawValue: 0x0020_0103), tlvProperties: Self.rcS300P)
        let second = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P (7654321) 01 00", ifdVersion: IFDVersion(rawValue: 0x0100_0000),
            channel: ChannelID(rawValue: 0x0020_0207), tlvProperties: Self.rcS300P)
        #expect(first != second)
        #expect(first.modelKey == second.modelKey)
    }

    @Test("A firmware change makes a different model key")
    func firmwareSplits() {
        let old = ReaderIdentity(
            name: "x 00 00", ifdVersion: IFDVersion(rawValue: 0x0100_0000), tlvProperties: Self.rcS300P)
        let new = ReaderIdentity(
            name: "x 00 00", ifdVersion: IFDVersion(rawValue: 0x0101_0000), tlvProperties: Self.rcS300P)
        #expect(old.modelKey != new.modelKey)
        #expect(new.modelKey.description == "usb:054c:0dc9 fw=1.01")
    }

    @Test("sFirmwareID is used only when there is no IFD version")
    func firmwareFallback() {
        let properties = ReaderTLVProperties(usbVendorID: 0x08E6, usbProductID: 0x3437, firmwareID: "GemTwin V2")
        let withoutVersion = ReaderIdentity(name: "Gemalto PC Twin Reader 00 00", tlvProperties: properties)
        #expect(withoutVersion.modelKey.description == "usb:08e6:3437 fw=GemTwin V2")
        let withVersion = ReaderIdentity(
            name: "Gemalto PC Twin Reader 00 00", ifdVersion: IFDVersion(rawValue: 0x0200_0000),
            tlvProperties: properties)
        #expect(withVersion.modelKey.description == "usb:08e6:3437 fw=2.00")
    }

    @Test("USB ids without any firmware still make a USB key")
    func usbWithoutFirmware() {
        let identity = ReaderIdentity(name: "SONY FeliCa RC-S300/P 00 00", tlvProperties: Self.rcS300P)
        #expect(identity.modelKey.description == "usb:054c:0dc9")
    }

    @Test("Interfaces of one USB device get different keys")
    func interfacesSplit() {
        let properties = ReaderTLVProperties(usbVendorID: 0x072F, usbProductID: 0x221A)
        let picc = ReaderIdentity(
            name: "ACS ACR1251 Dual Reader [ACR1251 Dual Reader PICC] 00 00", tlvProperties: properties)
        let sam = ReaderIdentity(
            name: "ACS ACR1251 Dual Reader [ACR1251 Dual Reader SAM] 01 00", tlvProperties: properties)
        #expect(picc.modelKey.description == "usb:072f:221a [ACR1251 Dual Reader PICC]")
        #expect(picc.modelKey != sam.modelKey)
    }

    @Test("vpcd gives no attributes, so both of its slots key on the name")
    func vpcdNameKey() {
        let slot0 = ReaderIdentity(name: "Virtual PCD 00 00", attributes: ReaderAttributes())
        let slot1 = ReaderIdentity(name: "Virtual PCD 00 01", attributes: ReaderAttributes())
        #expect(slot0.modelKey.description == "name:Virtual PCD")
        #expect(slot0.modelKey.source == .name)
        #expect(slot1.modelKey == slot0.modelKey)
        #expect(slot0.ifdVersion == nil && slot0.channel == nil && slot0.usbVendorID == nil)
    }

    @Test("A vendor id without a product id is not enough for a USB key")
    func halfUSB() {
        let identity = ReaderIdentity(
            name: "ACS ACR39U ICC Reader (1234) 00 00", tlvProperties: ReaderTLVProperties(usbVendorID: 0x072F))
        #expect(identity.modelKey.description == "name:ACS ACR39U ICC Reader")
    }

    @Test("Raw attributes are decoded, and ones that do not decode count as absent")
    func rawAttributes() {
        let attributes = ReaderAttributes(
            vendorName: Array("SONY".utf8) + [0], ifdVersion: [0, 0, 0, 1], serialNumber: Array("0123456".utf8) + [0],
            channelID: [0x01])
        let identity = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P 00 00", attributes: attributes, tlvProperties: Self.rcS300P)
        #expect(identity.vendorName == "SONY")
        #expect(identity.ifdVersion?.release == "1.00")
        #expect(identity.serialNumber == "0123456")
        #expect(identity.channel == nil)
        #expect(identity.modelKey.description == "usb:054c:0dc9 fw=1.00")
    }

    @Test("A key survives its string form and JSON, and rejects strings that are not keys")
    func roundTrip() throws {
        let key = ModelKey.usb(vendorID: 0x054C, productID: 0x0DC9, firmware: "1.00")
        #expect(ModelKey(key.description) == key)
        #expect(ModelKey("name:Virtual PCD") == .name("Virtual PCD"))
        #expect(ModelKey("Virtual PCD") == nil)
        #expect(ModelKey("usb:") == nil)
        let data = try JSONEncoder().encode([key])
        #expect(String(decoding: data, as: UTF8.self) == #"["usb:054c:0dc9 fw=1.00"]"#)
        #expect(try JSONDecoder().decode([ModelKey].self, from: data) == [key])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ModelKey].self, from: Data(#"["x"]"#.utf8)) }
    }

    @Test("A reader PC/SC lists with an empty name still gets a key that reads back (fuzz finding)")
    func emptyName() {
        let key = ReaderIdentity(name: "", attributes: ReaderAttributes()).modelKey
        #expect(key.description == "name:unnamed")
        #expect(ModelKey(key.description) == key)
    }

    @Test("A model name that starts with a combining mark reads back, though it joins the colon (fuzz finding)")
    func combiningMark() {
        let key = ModelKey.name("\u{059A}<Reader")
        #expect("name:\u{059A}".hasPrefix("name:") == false)  // why the check is on UTF-8
        #expect(ModelKey(key.description) == key)
        #expect(key.source == .name)
    }

    @Test("A reader identity survives JSON")
    func identityJSON() throws {
        let identity = ReaderIdentity(
            name: "SONY FeliCa RC-S300/P (0123456) 00 00", vendorName: "SONY",
            ifdVersion: IFDVersion(rawValue: 0x0100_0000),
            channel: ChannelID(rawValue: 0x0020_0103), tlvProperties: Self.rcS300P)
        let decoded = try JSONDecoder().decode(ReaderIdentity.self, from: JSONEncoder().encode(identity))
        #expect(decoded == identity)
        #expect(decoded.modelKey == identity.modelKey)
    }
}

@Suite("ATR coding")
struct ATRCodingTests {
    @Test("An ATR survives JSON as its hex string")
    func atrJSON() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactless)
        let data = try JSONEncoder().encode([atr])
        #expect(String(decoding: data, as: UTF8.self) == #"["3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F"]"#)
        #expect(try JSONDecoder().decode([ATR].self, from: data) == [atr])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ATR].self, from: Data(#"["3B"]"#.utf8)) }
    }
}
