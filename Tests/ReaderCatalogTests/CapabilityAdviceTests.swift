import CCID
import CCIDFixtures
import ReaderCatalog
import Testing

/// The explanations and warnings a run prints, for the capabilities of real readers.
@Suite("Capability advice")
struct CapabilityAdviceTests {
    /// The capabilities of a dump's interface, read back from its rebuilt descriptor.
    func capabilities(_ file: String, interface: Int = 0) throws -> ReaderCapabilities {
        let block = try ReaderDataset.dump(file).interfaces[interface]
        return ReaderCapabilities(descriptor: try CCIDClassDescriptor(bytes: DescriptorBytes.ccid(block)))
    }

    @Test("ACR39U: TPDU level with T=1, 826 kbit/s, 271-byte messages; every chunking works")
    func acr39u() throws {
        let reader = try capabilities("ACS_ACR39U_ICC_Reader.txt")
        for chunking in ReadChunking.allCases {
            let advice = CapabilityAdvice.advise(reader, chunking: chunking)
            #expect(
                advice.explanations == [
                    "TPDU level: pcscd frames T=1 on the host", "max data rate 826 kbit/s",
                    "max CCID message 271 bytes",
                ])
            #expect(advice.warnings.isEmpty)
            #expect(advice.chunking == chunking)
        }
    }

    @Test("a short-APDU reader (ACR1251 SAM) falls back from extended to 256-byte chunks, and says so")
    func shortAPDUFallsBack() throws {
        let sam = try capabilities("ACS_ACR1251_Dual_Reader.txt", interface: 1)
        let advice = CapabilityAdvice.advise(sam, chunking: .extended)
        #expect(
            advice.explanations.first == "short APDU only: the extended-read strategy falls back to 256-byte chunks")
        #expect(advice.explanations.contains("max data rate 344.1 kbit/s"))
        #expect(advice.explanations.contains("max CCID message 288 bytes"))
        #expect(advice.chunking == .fixed256 && advice.requestedChunking == .extended)
        #expect(advice.warnings.count == 1)
        #expect(
            advice.warnings[0].hasPrefix("--chunks extended cannot work on this reader (short APDU level exchange)"))
        #expect(CapabilityAdvice.advise(sam, chunking: .exact).warnings.isEmpty)
    }

    @Test("the RC-S300 and the ACR1251 PICC take extended reads; no warning")
    func extendedReaders() throws {
        for reader in [try capabilities("SONY_FeliCa_RC-S300_P.txt"), try capabilities("ACS_ACR1251_Dual_Reader.txt")] {
            let advice = CapabilityAdvice.advise(reader, chunking: .extended)
            #expect(advice.warnings.isEmpty && advice.chunking == .extended)
            #expect(advice.explanations[0].hasPrefix("short and extended APDU level"))
        }
    }

    @Test("max data rate 106 kbit/s reads as the issue writes it")
    func dataRate106() throws {
        let advice = CapabilityAdvice.advise(try capabilities("TOPPAN_FORMS_TC63CUT021.txt"), chunking: .exact)
        #expect(advice.explanations.contains("max data rate 106 kbit/s"))
        #expect(formatDataRate(9600) == "9.6 kbit/s")
        #expect(formatDataRate(412_903) == "412.9 kbit/s")
        #expect(formatDataRate(1_250_000) == "1.25 Mbit/s")
    }

    @Test("a short-APDU reader whose messages cannot hold a 256-byte response is warned about for 256 and exact")
    func smallMessages() throws {
        let reader = try capabilities("Bluink_CCID.txt")
        #expect(reader.exchangeLevel == .shortAPDU && reader.maxMessageLength == 240)
        for chunking in [ReadChunking.fixed256, .exact, .extended] {
            let advice = CapabilityAdvice.advise(reader, chunking: chunking)
            #expect(advice.warnings.contains { $0.contains("needs a 268-byte CCID message") }, "\(chunking)")
        }
    }

    @Test("a T=0-only TPDU reader cannot carry an extended read")
    func tpduT0Only() throws {
        let reader = try capabilities("Gemalto_SG.txt")
        #expect(reader.exchangeLevel == .tpdu && !reader.protocols.contains(.t1))
        let advice = CapabilityAdvice.advise(reader, chunking: .extended)
        #expect(advice.explanations[0] == "TPDU level: pcscd runs T=0 on the host")
        #expect(advice.chunking == .fixed256)
        #expect(advice.warnings[0].contains("T=0 only"))
    }

    @Test("no capabilities: one explanation, no warning, the chunking kept")
    func unknownReader() {
        let advice = CapabilityAdvice.advise(nil, chunking: .extended)
        #expect(advice.explanations.count == 1 && advice.explanations[0].hasPrefix("reader capabilities unknown"))
        #expect(advice.warnings.isEmpty && advice.chunking == .extended)
    }
}
