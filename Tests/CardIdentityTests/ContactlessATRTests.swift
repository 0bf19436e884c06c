import CardIdentity
import HexCoding
import Testing

@Suite("PC/SC contactless ATRs")
struct ContactlessATRTests {
    @Test("The My Number Card's contactless ATR reads as Type B at 106/212/424 kbit/s, FSC 256, FWI 10")
    func myNumberTypeB() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactless)
        #expect(atr.checkCharacter == .valid(0x7F))
        #expect(atr.offeredProtocols == [.t0, .t1])
        let contactless = try #require(atr.contactless)
        let typeB = try #require(contactless.typeB)
        #expect(typeB.applicationData == [0x00, 0x00, 0x05, 0xE0])
        #expect(typeB.protocolInfo == [0xB3, 0x81, 0xA1])
        #expect(typeB.bitRates.cardToReader == [.kbps106, .kbps212, .kbps424])
        #expect(typeB.bitRates.readerToCard == [.kbps106, .kbps212, .kbps424])
        #expect(typeB.bitRates.requiresSameRateBothDirections)
        #expect(typeB.bitRates.symmetricRates.last == .kbps424)
        #expect(typeB.frameSizeIndex == 8)
        #expect(typeB.maximumFrameSize == 256)
        #expect(typeB.isISO14443Part4Compliant)
        #expect(typeB.frameWaitingTimeInteger == 10)
        #expect(typeB.applicationDataCoding == 0)
        #expect(typeB.supportsCID)
        #expect(typeB.supportsNAD == false)
        #expect(typeB.maximumBufferLengthIndex == 0)
        #expect(typeB.cardIdentifier == 0)
    }

    @Test("FWI 10 gives a frame waiting time of about 309 ms")
    func frameWaitingTimeFWI10() throws {
        let typeB = try #require(try Vectors.atr(Vectors.myNumberContactless).contactless?.typeB)
        let fwt = try #require(typeB.frameWaitingTime)
        // 4096 · 1024 / 13.56 MHz = 0.30931… s
        #expect(fwt > .milliseconds(309) && fwt < .milliseconds(310))
        let seconds = try #require(typeB.frameWaitingTimeSeconds)
        #expect(seconds > 0.309 && seconds < 0.310)
    }

    @Test("The 00 81 D1 batch reads as 106 kbit/s only with FWI 13, about 2.47 s")
    func myNumberFWI13Batch() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactlessFWI13)
        #expect(atr.checkCharacter == .valid(0xBC))
        let typeB = try #require(atr.contactless?.typeB)
        #expect(typeB.bitRates.cardToReader == [.kbps106])
        #expect(typeB.bitRates.readerToCard == [.kbps106])
        #expect(typeB.bitRates.requiresSameRateBothDirections == false)
        #expect(typeB.maximumFrameSize == 256)
        #expect(typeB.frameWaitingTimeInteger == 13)
        let fwt = try #require(typeB.frameWaitingTime)
        #expect(fwt > .milliseconds(2470) && fwt < .milliseconds(2480))
    }

    @Test("The JUKI card's protocol info B3 81 91 means FWI 9, half the My Number Card's FWT")
    func jukiCard() throws {
        let typeB = try #require(try Vectors.atr(Vectors.jukiContactless).contactless?.typeB)
        #expect(typeB.frameWaitingTimeInteger == 9)
        let fwt = try #require(typeB.frameWaitingTime)
        #expect(fwt > .milliseconds(154) && fwt < .milliseconds(155))
    }

    @Test("A MIFARE Classic 1K storage-card ATR is recognised as a storage card, not Type B")
    func mifareStorageCard() throws {
        let contactless = try #require(try Vectors.atr(Vectors.mifare1K).contactless)
        guard case .storage(let card) = contactless.card else {
            Issue.record("expected a storage card, got \(contactless.card)")
            return
        }
        #expect(card.standard == 0x03)
        #expect(card.standardName == "ISO 14443 Type A part 3")
        #expect(card.cardName == 0x0001)
        #expect(contactless.typeB == nil)
    }

    @Test("A Type B card in the storage form keeps its standard byte")
    func typeBStorageForm() throws {
        let contactless = try #require(try Vectors.atr(Vectors.chineseID).contactless)
        guard case .storage(let card) = contactless.card else {
            Issue.record("expected a storage card")
            return
        }
        #expect(card.standardName == "ISO 14443 Type B part 3")
        #expect(card.cardName == 0xFFB0)
    }

    @Test("A Type A card whose ATS bytes do not claim ISO 14443-4 is not read as Type B")
    func typeAIsNotTypeB() throws {
        let contactless = try #require(try Vectors.atr(Vectors.jcopContactless).contactless)
        #expect(
            contactless.card == .iso14443TypeA(answerToSelectHistoricalBytes: Vectors.bytes("00 73 C8 40 00 00 90 00")))
        #expect(contactless.typeB == nil)
        // A caller that knows better can still force the Type B reading.
        #expect(TypeBParameters(historicalBytes: contactless.historicalBytes)?.isPlausibleATQB == false)
    }

    @Test("Contact ATRs are not taken for the contactless form")
    func contactIsNotContactless() throws {
        for hex in [Vectors.myNumberContactNoTA1, Vectors.myNumberContactTA1, Vectors.myNumberOtherReader] {
            #expect(try Vectors.atr(hex).contactless == nil, "\(hex)")
        }
    }

    /// Bit rate bytes and the rates they allow, card to reader and reader to card.
    static let bitRateCases: [(UInt8, [ContactlessBitRate], [ContactlessBitRate])] = [
        (0x00, [.kbps106], [.kbps106]),
        (0x77, [.kbps106, .kbps212, .kbps424, .kbps848], [.kbps106, .kbps212, .kbps424, .kbps848]),
        (0x10, [.kbps106, .kbps212], [.kbps106]),
        (0x04, [.kbps106], [.kbps106, .kbps848]),
    ]

    @Test("Bit rate bits map to rates per direction", arguments: bitRateCases)
    func bitRateBits(raw: UInt8, cardToReader: [ContactlessBitRate], readerToCard: [ContactlessBitRate]) {
        let rates = TypeBBitRates(rawValue: raw)
        #expect(rates.cardToReader == cardToReader)
        #expect(rates.readerToCard == readerToCard)
    }

    @Test("ISO 14443 bit rates are fc/128 … fc/16")
    func bitRateValues() {
        #expect(ContactlessBitRate.kbps106.bitsPerSecond == 105_937.5)
        #expect(ContactlessBitRate.kbps848.bitsPerSecond == 847_500)
    }

    @Test(
        "FSCI maps to 16 … 256 bytes, the 2016 extension to 4096, and reserved values to nil",
        arguments: [(UInt8, Int)]([
            (0x0, 16), (0x1, 24), (0x2, 32), (0x3, 40), (0x4, 48), (0x5, 64), (0x6, 96), (0x7, 128), (0x8, 256),
            (0xC, 4096),
        ]))
    func frameSizes(fsci: UInt8, size: Int) throws {
        let typeB = try #require(TypeBParameters(historicalBytes: [0, 0, 0, 0, 0, fsci << 4 | 1, 0, 0]))
        #expect(typeB.maximumFrameSize == size)
        #expect(TypeBParameters(historicalBytes: [0, 0, 0, 0, 0, 0xD1, 0, 0])?.maximumFrameSize == nil)
    }

    @Test("FWI 15 has no frame waiting time of its own")
    func reservedFWI() throws {
        let typeB = try #require(TypeBParameters(historicalBytes: [0, 0, 0, 0, 0, 0x81, 0xF1, 0]))
        #expect(typeB.frameWaitingTime == nil)
        #expect(typeB.frameWaitingTimeSeconds == nil)
    }
}
