import CardIdentity
import Testing

// Names follow pcsc-lite's "Friendly name [Interface] (Serial) NN SS". Friendly names and
// interface strings are real ones from the CCID driver's supported_readers.txt and readers/*.txt
// (reference/ccid-readers); serial numbers are made up, as pcsc.md's example is.

/// One name and the parts it should split into.
struct NameCase: Sendable, CustomTestStringConvertible {
    var name: String
    var vendor: String?
    var product: String?
    var interface: String? = nil
    var serial: String? = nil
    var index: UInt8? = nil
    var slot: UInt8? = nil
    var testDescription: String { name.isEmpty ? "(empty)" : name }
}

@Suite("Reader names")
struct ReaderNameTests {
    static let cases: [NameCase] = [
        // pcsc.md's examples.
        NameCase(
            name: "SONY FeliCa RC-S300/P [RC-S300/P] (0123456) 00 00", vendor: "SONY", product: "FeliCa RC-S300/P",
            interface: "RC-S300/P", serial: "0123456", index: 0, slot: 0),
        NameCase(name: "ACS ACR39U ICC Reader 00 00", vendor: "ACS", product: "ACR39U ICC Reader", index: 0, slot: 0),
        NameCase(name: "Virtual PCD 00 00", vendor: "Virtual", product: "PCD", index: 0, slot: 0),
        NameCase(name: "Virtual PCD 00 01", vendor: "Virtual", product: "PCD", index: 0, slot: 1),
        // Interface strings from the descriptor files; two readers of one device.
        NameCase(
            name: "ACS ACR1251 Dual Reader [ACR1251 Dual Reader PICC] 00 00", vendor: "ACS",
            product: "ACR1251 Dual Reader", interface: "ACR1251 Dual Reader PICC", index: 0, slot: 0),
        NameCase(
            name: "ACS ACR1251 Dual Reader [ACR1251 Dual Reader SAM] 01 00", vendor: "ACS",
            product: "ACR1251 Dual Reader", interface: "ACR1251 Dual Reader SAM", index: 1, slot: 0),
        // Multi-word vendors.
        NameCase(
            name: "NTT Communications Corp. SCR3310-NTTCom USB SmartCard Reader [Vendor Interface] 00 00",
            vendor: "NTT Communications Corp.", product: "SCR3310-NTTCom USB SmartCard Reader",
            interface: "Vendor Interface", index: 0, slot: 0),
        NameCase(
            name: "SCM Microsystems Inc. SCR 3310 [CCID Interface] (21120801234567) 02 00",
            vendor: "SCM Microsystems Inc.", product: "SCR 3310", interface: "CCID Interface",
            serial: "21120801234567", index: 2, slot: 0),
        NameCase(
            name: "Broadcom Corp 58200 [Contacted SmartCard] (0123456789ABCD) 0A 00", vendor: "Broadcom Corp",
            product: "58200", interface: "Contacted SmartCard", serial: "0123456789ABCD", index: 10, slot: 0),
        NameCase(
            name: "Giesecke & Devrient GmbH Star Sign Card Token 350 (ICCD) 00 00",
            vendor: "Giesecke & Devrient GmbH", product: "Star Sign Card Token 350 (ICCD)", index: 0, slot: 0),
        // Friendly names that end in parentheses themselves.
        NameCase(name: "ACS CryptoMate (T2) 00 00", vendor: "ACS", product: "CryptoMate (T2)", index: 0, slot: 0),
        NameCase(
            name: "ACS CryptoMate (T2) (99887766) 00 00", vendor: "ACS", product: "CryptoMate (T2)",
            serial: "99887766", index: 0, slot: 0),
        NameCase(
            name: "Elatec TWN4/B1.06/CPF3.05/S1SC1.32/P (Beta 3) 00 00", vendor: "Elatec",
            product: "TWN4/B1.06/CPF3.05/S1SC1.32/P (Beta 3)", index: 0, slot: 0),
        NameCase(
            name: "TOKEN2 FIDO2 Security Key(0026) 00 00", vendor: "TOKEN2", product: "FIDO2 Security Key(0026)",
            index: 0, slot: 0),
        NameCase(
            name: "Gemalto PC Twin Reader (645D1D1F) 00 00", vendor: "Gemalto", product: "PC Twin Reader",
            serial: "645D1D1F", index: 0, slot: 0),
        // Without the pcsc-lite suffix (macOS, Windows) or cut short.
        NameCase(name: "SONY FeliCa RC-S300/P", vendor: "SONY", product: "FeliCa RC-S300/P"),
        NameCase(name: "ACS ACR39U ICC Reader 0", vendor: "ACS", product: "ACR39U ICC Reader 0"),
        NameCase(
            name: "Gemalto PC Twin Reader (645D1D1F) 0", vendor: "Gemalto", product: "PC Twin Reader (645D1D1F) 0"),
        NameCase(name: "Virtual", vendor: "Virtual", product: nil),
        NameCase(name: "  Virtual PCD 00 00\0", vendor: "Virtual", product: "PCD", index: 0, slot: 0),
        NameCase(name: "", vendor: nil, product: nil),
        NameCase(name: "00 00", vendor: "00", product: "00"),
        NameCase(name: "[x] 00 00", vendor: "[x]", product: nil, index: 0, slot: 0),
        NameCase(name: "Reader ZZ 00", vendor: "Reader", product: "ZZ 00"),
    ]

    @Test("Names split into vendor, product, interface, serial, index and slot", arguments: cases)
    func split(_ expected: NameCase) {
        let name = ReaderName(expected.name)
        #expect(name.fullName == expected.name)
        #expect(name.vendor == expected.vendor)
        #expect(name.product == expected.product)
        #expect(name.interface == expected.interface)
        #expect(name.serialNumber == expected.serial)
        #expect(name.readerIndex == expected.index)
        #expect(name.slot == expected.slot)
    }

    @Test("The model name drops serial, index and slot but keeps the interface")
    func modelName() {
        #expect(
            ReaderName("SONY FeliCa RC-S300/P [RC-S300/P] (0123456) 00 00").modelName
                == "SONY FeliCa RC-S300/P [RC-S300/P]")
        #expect(ReaderName("Virtual PCD 00 01").modelName == "Virtual PCD")
        #expect(ReaderName("").modelName == "")
    }

    @Test("Random text built from the name's special characters never traps")
    func randomNames() {
        let pieces = ["ACS", " ", "[", "]", "(", ")", "00", "0A", "FF", "é", "\0", "リーダー", "  ", "x"]
        var random = SplitMix64(seed: 7)
        for _ in 0..<5_000 {
            let count = Int(random.next() % 12)
            let text = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let name = ReaderName(text)
            if name.readerIndex != nil { #expect(name.slot != nil) }
            #expect(name.fullName == text)
        }
    }
}
