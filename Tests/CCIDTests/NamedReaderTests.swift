import CCID
import CCIDFixtures
import Testing

/// The readers that matter for My Number Card work, field by field, with the values read off
/// their files by hand.
@Suite("Named readers, field by field")
struct NamedReaderTests {
    @Test(
        "Sony RC-S300/S and /P: contactless, T=1, short and extended APDU, 522-byte messages",
        arguments: [("SONY_FeliCa_RC-S300_S.txt", UInt16(0x0DC8)), ("SONY_FeliCa_RC-S300_P.txt", 0x0DC9)])
    func sonyRCS300(file: String, productID: UInt16) throws {
        let dump = try dump(file)
        #expect(dump.interfaces.count == 1)
        let block = dump.interfaces[0]
        #expect(block.vendorID == 0x054C && block.productID == productID && block.bcdDevice == 0x0100)
        #expect(block.manufacturer == "SONY" && block.product == "FeliCa Port/PaSoRi 4.0")
        #expect(block.interfaceName == nil)
        let interface = try USBInterface(bytes: DescriptorBytes.interface(block, nameIndex: 0))
        #expect(interface.interfaceClass == .smartCard && interface.number == 0 && interface.endpointCount == 3)
        let ccid = try parsedCCID(block)
        #expect(ccid.descriptorType == 0x21)
        #expect(ccid.ccidRelease.description == "1.10")
        #expect(ccid.maxSlotIndex == 0 && ccid.slotCount == 1)
        #expect(ccid.voltageSupport == [.volts5, .volts3, .volts1_8])
        #expect(ccid.protocols == .t1)
        #expect(ccid.defaultClockKHz == 4000 && ccid.maximumClockKHz == 4000 && ccid.clockFrequencyCount == 0)
        #expect(ccid.dataRate == 115_200 && ccid.maxDataRate == 921_600 && ccid.dataRateCount == 0)
        #expect(ccid.maxIFSD == 254)
        #expect(ccid.synchronousProtocols == 0 && ccid.mechanical == 0)
        #expect(ccid.features.rawValue == 0x0004_007E)
        #expect(ccid.exchangeLevel == .extendedAPDU)
        #expect(
            ccid.features.isSuperset(of: [
                .automaticParametersFromATR, .automaticActivation, .automaticVoltage, .automaticClock,
                .automaticBaudRate, .automaticNegotiation,
            ]))
        #expect(!ccid.features.contains(.automaticPPS))
        #expect(ccid.maxMessageLength == 522)
        #expect(ccid.classGetResponse == 0 && ccid.classEnvelope == 0 && ccid.lcdLayout == 0)
        #expect(ccid.pinSupport == [] && ccid.maxBusySlots == 1)
    }

    @Test("ACS ACR39U: contact, T=0 and T=1, TPDU level (pcscd frames T=1), 826 kbit/s, 271-byte messages")
    func acr39u() throws {
        let block = try dump("ACS_ACR39U_ICC_Reader.txt").interfaces[0]
        #expect(block.vendorID == 0x072F && block.productID == 0xB100 && block.bcdDevice == 0x0216)
        #expect(block.manufacturer == "ACS" && block.product == "ACR39U ICC Reader")
        #expect(block.interfaceName == "\u{02}<F??")  // junk the reader returned; kept as it came
        let ccid = try parsedCCID(block)
        #expect(ccid.ccidRelease.rawValue == 0x0110)
        #expect(ccid.voltageSupport == [.volts5, .volts3, .volts1_8])
        #expect(ccid.protocols == [.t0, .t1])
        #expect(ccid.defaultClockKHz == 4800 && ccid.maximumClockKHz == 16_000)
        #expect(ccid.dataRate == 12_903 && ccid.maxDataRate == 826_000)
        #expect(ccid.maxIFSD == 247)
        #expect(ccid.features.rawValue == 0x0001_00B2 && ccid.exchangeLevel == .tpdu)
        #expect(
            ccid.features.isSuperset(of: [
                .automaticParametersFromATR, .automaticClock, .automaticBaudRate, .automaticPPS,
            ]))
        #expect(ccid.maxMessageLength == 271)
        #expect(ccid.classGetResponse == 0xFF && ccid.classEnvelope == 0xFF)
        #expect(ccid.lcdLayout == 0 && ccid.pinSupport == [] && ccid.maxBusySlots == 1 && ccid.slotCount == 1)
    }

    @Test("NTT Com SCR3310-NTTCom: a vendor-class (0xFF) interface that carries a CCID class descriptor")
    func scr3310NTTCom() throws {
        let dump = try dump("SCR3310-NTTCom.txt")
        let block = dump.interfaces[0]
        #expect(block.vendorID == 0x04E6 && block.productID == 0x511A && block.bcdDevice == 0x0203)
        #expect(block.manufacturer == "NTT Communications Corp.")
        #expect(block.product == "SCR3310-NTTCom USB SmartCard Reader")
        #expect(block.interfaceName == "Vendor Interface")
        let configuration = try USBConfiguration(bytes: DescriptorBytes.configuration(dump.interfaces, endpoints: true))
        let interface = try #require(configuration.interfaces.first)
        #expect(interface.interfaceClass == .vendorSpecific)
        let ccid = try #require(interface.ccid, "the CCID descriptor of a vendor-class interface is found")
        #expect(configuration.ccidInterfaces.count == 1)
        #expect(ccid.descriptorType == 0x21)
        #expect(ccid.protocols == [.t0, .t1])
        #expect(ccid.defaultClockKHz == 4800 && ccid.maximumClockKHz == 8000)
        #expect(ccid.dataRate == 12_903 && ccid.maxDataRate == 412_903)
        #expect(ccid.maxIFSD == 252)
        #expect(ccid.features.rawValue == 0x0001_01BA && ccid.exchangeLevel == .tpdu)
        #expect(ccid.features.contains(.clockStop))
        #expect(ccid.maxMessageLength == 271)
        #expect(ccid.classGetResponse == 0xFF && ccid.classEnvelope == 0xFF && ccid.pinSupport == [])
    }

    @Test("ACS ACR1251 Dual: two CCID interfaces, contactless (PICC) and SAM, with different capabilities")
    func acr1251Dual() throws {
        let dump = try dump("ACS_ACR1251_Dual_Reader.txt")
        #expect(dump.interfaces.map(\.interfaceName) == ["ACR1251 Dual Reader PICC", "ACR1251 Dual Reader SAM"])
        let configuration = try USBConfiguration(bytes: DescriptorBytes.configuration(dump.interfaces, endpoints: true))
        #expect(configuration.ccidInterfaces.map(\.number) == [0, 1])
        let picc = try #require(configuration.interfaces[0].ccid)
        let sam = try #require(configuration.interfaces[1].ccid)
        #expect(dump.interfaces[0].vendorID == 0x072F && dump.interfaces[0].productID == 0x221A)
        #expect(dump.interfaces[0].bcdDevice == 0x0200)

        #expect(picc.ccidRelease.rawValue == 0x0100 && picc.protocols == .t1)
        #expect(picc.defaultClockKHz == 4000 && picc.maximumClockKHz == 4000)
        #expect(picc.dataRate == 10_752 && picc.maxDataRate == 250_000 && picc.maxIFSD == 512)
        #expect(picc.features.rawValue == 0x0004_0040 && picc.exchangeLevel == .extendedAPDU)
        #expect(picc.maxMessageLength == 522 && picc.pinSupport == [])

        #expect(sam.ccidRelease.rawValue == 0x0110 && sam.protocols == [.t0, .t1])
        #expect(sam.defaultClockKHz == 4800 && sam.maximumClockKHz == 4800)
        #expect(sam.dataRate == 12_903 && sam.maxDataRate == 344_100 && sam.maxIFSD == 254)
        #expect(sam.features.rawValue == 0x0002_00BA && sam.exchangeLevel == .shortAPDU)
        #expect(sam.maxMessageLength == 288)
        #expect(sam.pinSupport == [.verification, .modification])
        #expect(sam.maxBusySlots == 1)
    }
}
