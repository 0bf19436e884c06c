import CCID
import CCIDFixtures
import CardIdentity
import ReaderCatalog
import ReaderMatching
import Testing

/// Matching on the names and attributes the CCID driver produces for the named readers, with
/// their descriptors from the dataset. No USB device can be plugged in here: devices are
/// snapshots built from the dumps.
@Suite("Matching PC/SC readers to USB devices")
struct ReaderMatcherTests {
    /// A dump's device as a parsed USB device, and the driver's friendly name for its ids.
    func device(_ file: String, serial: String?, bus: UInt8 = 1, address: UInt8 = 4) throws -> (
        USBDevice, [InterfaceBlock], String
    ) {
        let dump = try ReaderDataset.dump(file)
        let blocks = dump.devices[0]
        let device = try USBDevice(DescriptorBytes.snapshot(blocks, serial: serial, bus: bus, address: address))
        let friendly = try #require(
            ReaderCatalog.driverListings(vendorID: device.vendorID, productID: device.productID).first?.name)
        return (device, blocks, friendly)
    }

    static let namedReaders = [
        "SONY_FeliCa_RC-S300_S.txt", "SONY_FeliCa_RC-S300_P.txt", "ACS_ACR39U_ICC_Reader.txt", "SCR3310-NTTCom.txt",
        "ACS_ACR1251_Dual_Reader.txt",
    ]

    @Test("with everything libccid gives, the channel id ties the reader to its device", arguments: namedReaders)
    func libccidChannel(file: String) throws {
        let (device, blocks, friendly) = try device(file, serial: "0123456")
        let other = try USBDevice(DescriptorBytes.snapshot(try ReaderDataset.dump("SCR331-DI.txt"), bus: 1, address: 9))
        let reader = try PCSCReaderFixture.identity(blocks, serial: "0123456", friendlyName: friendly)
        let outcome = ReaderMatcher.match(readers: [reader], devices: [other, device])
        let match = try #require(outcome.match(for: reader.name), "\(reader.name)")
        #expect(match.deviceIndex == 1)
        #expect(match.evidence.first == .channelID)
        #expect(Set(match.evidence).isSuperset(of: [.channelID, .usbIDs, .ifdVersion, .serialNumber, .readerName]))
        #expect(match.identifiesUnit)
        #expect(match.interfaceNumber == blocks[0].interfaceNumber)
    }

    @Test("both ACR1251 interfaces: the interface name in brackets picks PICC or SAM")
    func dualReaderInterfaces() throws {
        let (device, blocks, friendly) = try device("ACS_ACR1251_Dual_Reader.txt", serial: nil)
        let picc = try PCSCReaderFixture.identity(blocks, interface: 0, serial: nil, index: 0, friendlyName: friendly)
        let sam = try PCSCReaderFixture.identity(blocks, interface: 1, serial: nil, index: 1, friendlyName: friendly)
        #expect(picc.name == "ACS ACR1251 Dual Reader [ACR1251 Dual Reader PICC] 00 00")
        #expect(sam.name == "ACS ACR1251 Dual Reader [ACR1251 Dual Reader SAM] 01 00")
        let outcome = ReaderMatcher.match(readers: [picc, sam], devices: [device])
        #expect(outcome.match(for: picc.name)?.interfaceNumber == 0)
        #expect(outcome.match(for: sam.name)?.interfaceNumber == 1)
        #expect(outcome.match(for: sam.name)?.evidence.contains(.interfaceName) == true)
        let samKnowledge = ReaderKnowledge(reader: sam, devices: [device], outcome: outcome)
        #expect(samKnowledge.usbModelKey?.description == "usb:072f:221a@2.00 [ACR1251 Dual Reader SAM]")
        #expect(samKnowledge.capabilities?.exchangeLevel == .shortAPDU)
        #expect(samKnowledge.capabilities?.source == .usbDescriptor)
        #expect(samKnowledge.nameModelKey.description == "name:ACS ACR1251 Dual Reader [ACR1251 Dual Reader SAM]")
    }

    @Test("without the channel id (an older driver), USB ids and the serial number tell two units apart")
    func serialTellsUnitsApart() throws {
        let (first, blocks, friendly) = try device("SONY_FeliCa_RC-S300_P.txt", serial: "AAAA1111", address: 4)
        let (second, _, _) = try device("SONY_FeliCa_RC-S300_P.txt", serial: "BBBB2222", address: 5)
        let reader = try PCSCReaderFixture.identity(
            blocks, serial: "BBBB2222", facts: [.vendorAttributes, .tlvProperties], friendlyName: friendly)
        #expect(reader.name == "SONY FeliCa RC-S300/P (BBBB2222) 00 00")
        let outcome = ReaderMatcher.match(readers: [reader], devices: [first, second])
        let match = try #require(outcome.match(for: reader.name))
        #expect(match.deviceIndex == 1 && match.evidence.first == .serialNumber && match.identifiesUnit)
    }

    @Test("by name only (a driver that gives no attributes): the match says it rests on the name")
    func nameOnly() throws {
        let (device, blocks, friendly) = try device("SCR3310-NTTCom.txt", serial: nil)
        let reader = try PCSCReaderFixture.identity(blocks, serial: nil, facts: [], friendlyName: friendly)
        #expect(reader.name == "NTT Communications Corp. SCR3310-NTTCom USB SmartCard Reader [Vendor Interface] 00 00")
        let outcome = ReaderMatcher.match(readers: [reader], devices: [device])
        let match = try #require(outcome.match(for: reader.name))
        #expect(match.evidence == [.readerName, .interfaceName])
        #expect(!match.identifiesUnit)
        let knowledge = ReaderKnowledge(reader: reader, devices: [device], outcome: outcome)
        #expect(knowledge.usb?.evidence == ["reader-name", "interface-name"])
        #expect(knowledge.usbModelKey?.description == "usb:04e6:511a@2.03")
    }

    @Test("two identical units known by name only are ambiguous, not guessed")
    func identicalUnitsByName() throws {
        let (first, blocks, friendly) = try device("ACS_ACR39U_ICC_Reader.txt", serial: nil, address: 4)
        let (second, _, _) = try device("ACS_ACR39U_ICC_Reader.txt", serial: nil, address: 5)
        let reader = try PCSCReaderFixture.identity(blocks, serial: nil, facts: [], friendlyName: friendly)
        let outcome = ReaderMatcher.match(readers: [reader], devices: [first, second])
        #expect(outcome.matches.isEmpty)
        #expect(outcome.ambiguousReaders[reader.name] == [0, 1])
    }

    @Test("a contradicting fact excludes a device: another bus and address, another bcdDevice")
    func contradictions() throws {
        let (device, blocks, friendly) = try device("ACS_ACR39U_ICC_Reader.txt", serial: nil, bus: 2, address: 7)
        let elsewhere = try PCSCReaderFixture.identity(blocks, serial: nil, bus: 1, address: 4, friendlyName: friendly)
        #expect(ReaderMatcher.match(readers: [elsewhere], devices: [device]).unmatchedReaders == [elsewhere.name])
        var otherRelease = blocks
        otherRelease[0].deviceFields["bcdDevice"] = 0x0300
        let newer = try PCSCReaderFixture.identity(
            otherRelease, serial: nil, bus: 2, address: 7, friendlyName: friendly)
        #expect(ReaderMatcher.match(readers: [newer], devices: [device]).matches.isEmpty)
    }

    @Test("vpcd's readers match no USB device and keep their name key")
    func virtualReader() throws {
        let (device, _, _) = try device("SONY_FeliCa_RC-S300_P.txt", serial: "0123456")
        let vpcd = ReaderIdentity(name: "Virtual PCD 00 00", attributes: ReaderAttributes())
        let outcome = ReaderMatcher.match(readers: [vpcd], devices: [device])
        #expect(outcome.unmatchedReaders == ["Virtual PCD 00 00"])
        let knowledge = ReaderKnowledge(reader: vpcd, devices: [device], outcome: outcome)
        #expect(knowledge.usb == nil && knowledge.usbModelKey == nil && knowledge.capabilities == nil)
        #expect(knowledge.nameModelKey.description == "name:Virtual PCD")
    }

    @Test("without libusb, the CCID driver's attributes give the USB key and the table gives the capabilities")
    func withoutLibUSB() throws {
        let (_, blocks, friendly) = try device("SONY_FeliCa_RC-S300_S.txt", serial: "0123456")
        let reader = try PCSCReaderFixture.identity(blocks, serial: "0123456", friendlyName: friendly)
        let knowledge = ReaderKnowledge(
            reader: reader, devices: [], outcome: ReaderMatcher.match(readers: [reader], devices: []))
        #expect(knowledge.usbModelKey?.description == "usb:054c:0dc8@1.00")
        #expect(knowledge.usb?.source == .pcsc)
        #expect(knowledge.capabilities?.source == .catalog)
        #expect(knowledge.capabilities?.exchangeLevel == .extendedAPDU)
        #expect(knowledge.notes.isEmpty)
    }

    @Test("USB identity of a libusb match: location, hubs, speed, power, strings")
    func usbIdentityDetails() throws {
        let dump = try ReaderDataset.dump("SONY_FeliCa_RC-S300_P.txt")
        let snapshot = DescriptorBytes.snapshot(
            dump, serial: "0123456", bus: 3, address: 12, portPath: [1, 4, 2], speed: .full)
        let device = try USBDevice(snapshot)
        let reader = try PCSCReaderFixture.identity(
            dump.interfaces, serial: "0123456", bus: 3, address: 12, friendlyName: "SONY FeliCa RC-S300/P")
        let knowledge = ReaderKnowledge(
            reader: reader, devices: [device], outcome: ReaderMatcher.match(readers: [reader], devices: [device]))
        let usb = try #require(knowledge.usb)
        #expect(usb.source == .libusb && usb.location == "3-1.4.2" && usb.hubsInBetween == 2)
        #expect(usb.speed == "full speed (12 Mbit/s)" && usb.maxPowerMilliamps == 100)
        #expect(usb.manufacturer == "SONY" && usb.product == "FeliCa Port/PaSoRi 4.0" && usb.serialNumber == "0123456")
        #expect(knowledge.usbModelKey?.description == "usb:054c:0dc9@1.00")
        #expect(knowledge.capabilities?.maxMessageLength == 522)
    }
}
