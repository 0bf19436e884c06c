import CardIdentity
import HexCoding
import Testing

// Test vectors are real ATRs copied from the project's reference files (jpki.md, limits.md) and,
// where those only give a prefix, from pcsc-tools' smartcard_list.txt (Debian 12, pcsc-tools
// 1.6.2), the public list limits.md cites.

/// The ATRs used across the tests, each with where it comes from.
enum Vectors {
    /// My Number Card, contact, smartcard_list.txt "Japanese Individual Number Card"; limits.md
    /// quotes its start (3B C5 FF 81 31 FB 45 …, no TA1).
    static let myNumberContactNoTA1 = "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00"
    /// My Number Card, contact, smartcard_list.txt "My Number Card"; limits.md quotes 3B DA 13 FF ….
    static let myNumberContactTA1 = "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B"
    /// My Number Card, contactless, PC/SC Part 3 form (jpki.md, and smartcard_list.txt "JPKI card").
    static let myNumberContactless = "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F"
    /// The other My Number batch, protocol info 00 81 D1 (jpki.md, limits.md). No full ATR is
    /// published, so it is built here: application data as in the 05 E0 batch (an assumption),
    /// protocol info 00 81 D1, MBLI byte 00, and TCK worked out by hand as the XOR of T0 … the
    /// last historical byte: 88^80=08, ^01=09, ^00=09, ^00=09, ^05=0C, ^E0=EC, ^00=EC, ^81=6D,
    /// ^D1=BC, ^00=BC.
    static let myNumberContactlessFWI13 = "3B 88 80 01 00 00 05 E0 00 81 D1 00 BC"
    /// JUKI card (Basic Resident Registration Card), smartcard_list.txt.
    static let jukiContactless = "3B 88 80 01 00 00 14 E0 B3 81 91 00 5E"
    /// The JPKI card as another reader reports it (smartcard_list.txt): not the PC/SC Part 3 form.
    static let myNumberOtherReader = "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6"
    /// German health insurance card G2, smartcard_list.txt: TA1 = 96 and a T=15 group.
    static let germanHealthG2 = "3B D0 96 FF 81 B1 FE 45 1F 03 2E"
    /// SIMEMU, smartcard_list.txt: inverse convention, T=0 only, no TCK.
    static let inverseSIM = "3F 28 00 00 11 14 00 03 68 90 00"
    /// "Meano (Bank)", smartcard_list.txt: the shortest T=0 form with TB1 and TC1.
    static let meano = "3B 60 00 00"
    /// MIFARE Classic 1K in the PC/SC Part 3 storage form, smartcard_list.txt.
    static let mifare1K = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"
    /// Chinese ID card (Type B) in the storage form, smartcard_list.txt.
    static let chineseID = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 07 FF B0 00 00 00 00 20"
    /// NXP JCOP 31 over RFID, smartcard_list.txt: a Type A card with 8 ATS historical bytes.
    static let jcopContactless = "3B 88 80 01 00 73 C8 40 00 00 90 00 62"

    static let all = [
        myNumberContactNoTA1, myNumberContactTA1, myNumberContactless, myNumberContactlessFWI13, jukiContactless,
        myNumberOtherReader, germanHealthG2, inverseSIM, meano, mifare1K, chineseID, jcopContactless,
    ]

    static func bytes(_ hex: String) -> [UInt8] { try! Hex.decode(hex) }
    static func atr(_ hex: String) throws -> ATR { try ATR(bytes: bytes(hex)) }
}

// MARK: - Real ATRs

@Suite("ATR decoding")
struct ATRTests {
    @Test("The contact My Number ATR without TA1 offers T=1 at the default 372/1 with IFSC 251")
    func contactWithoutTA1() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactNoTA1)
        #expect(atr.convention == .direct)
        #expect(atr.formatByte == 0xC5)
        #expect(atr.interfaceGroups.count == 3)
        #expect(atr.interfaceGroups[0].ta == nil)
        #expect(atr.interfaceGroups[0].tc == 0xFF)
        #expect(atr.offeredProtocols == [.t1])
        #expect(atr.rateAdjustment == .default)
        #expect(atr.rateAdjustment.isDeclared == false)
        #expect(atr.rateAdjustment.clockRateConversion == 372)
        #expect(atr.rateAdjustment.bitRateAdjustment == 1)
        #expect(atr.rateAdjustment.description == "default 372/1")
        #expect(atr.extraGuardTime == .minimum)
        #expect(atr.extraGuardTime.characterGuardTimeETU(for: .t1) == 11)
        #expect(atr.specificMode == nil)
        #expect(atr.historicalBytes == [0x80, 0x73, 0xC6, 0x01, 0x00])
        #expect(atr.checkCharacter == .valid(0x00))
        let t1 = try #require(atr.t1Parameters)
        #expect(t1.informationFieldSize == 251)
        #expect(t1.isInformationFieldSizeDeclared)
        #expect(t1.blockWaitingTimeInteger == 4)
        #expect(t1.characterWaitingTimeInteger == 5)
        #expect(t1.errorDetection == .lrc)
        #expect(atr.t0WaitingTimeInteger == nil)
        #expect(atr.contactless == nil)
    }

    @Test("At 4 MHz the default 372/1 runs at about 10 752 bit/s, as limits.md estimates")
    func defaultBitRate() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactNoTA1)
        let rate = try #require(atr.rateAdjustment.bitsPerSecond(clockFrequencyHz: 4_000_000))
        #expect(Int(rate) == 10752)
    }

    @Test("The contact My Number ATR with TA1 = 13 offers Fi 372, Di 4: four times the default rate")
    func contactWithTA1() throws {
        let atr = try Vectors.atr(Vectors.myNumberContactTA1)
        #expect(atr.interfaceGroups[0].ta == 0x13)
        #expect(atr.rateAdjustment.isDeclared)
        #expect(atr.rateAdjustment.clockRateConversion == 372)
        #expect(atr.rateAdjustment.maximumClockFrequencyHz == 5_000_000)
        #expect(atr.rateAdjustment.bitRateAdjustment == 4)
        #expect(atr.rateAdjustment.clockCyclesPerETU == 93)
        #expect(atr.rateAdjustment.description == "Fi=372 Di=4 f(max)=5 MHz")
        #expect(atr.extraGuardTime == .minimum)
        #expect(atr.offeredProtocols == [.t1])
        #expect(atr.historicalBytes.count == 10)
        #expect(atr.checkCharacter == .valid(0x3B))
        let t1 = try #require(atr.t1Parameters)
        #expect(t1.informationFieldSize == 251)
        #expect(t1.blockWaitingTimeInteger == 4)
        #expect(t1.characterWaitingTimeInteger == 6)
        #expect(t1.characterWaitingTimeETU == 11 + 64)
    }

    @Test("An ATR with a T=15 group lists T=15 as indicated but not as offered")
    func globalT15Group() throws {
        let atr = try Vectors.atr(Vectors.germanHealthG2)
        #expect(atr.indicatedProtocols == [.t1, .t15])
        #expect(atr.offeredProtocols == [.t1])
        #expect(atr.interfaceGroups.map(\.number) == [1, 2, 3, 4])
        #expect(atr.interfaceGroups[3].qualifier == .t15)
        #expect(atr.specificInterfaceBytes(for: .t15)?.ta == 0x03)
        #expect(atr.rateAdjustment.clockRateConversion == 512)
        #expect(atr.rateAdjustment.bitRateAdjustment == 32)
        #expect(atr.t1Parameters?.informationFieldSize == 254)
        #expect(atr.historicalBytes.isEmpty)
        #expect(atr.checkCharacter == .valid(0x2E))
    }

    @Test("TA2 puts the card in specific mode for its protocol")
    func specificMode() throws {
        let atr = try Vectors.atr(Vectors.myNumberOtherReader)
        let mode = try #require(atr.specificMode)
        #expect(mode.protocol == .t1)
        #expect(mode.canChangeMode == false)
        #expect(mode.usesImplicitParameters == false)
        #expect(atr.rateAdjustment.clockRateConversion == 512)
        #expect(atr.rateAdjustment.bitRateAdjustment == 1)
        #expect(atr.t1Parameters == T1Parameters(ta: 0xFE, tb: 0x40, tc: 0x00))
        #expect(atr.historicalBytes == [0x42, 0x00, 0x01, 0x00, 0xD1])
        #expect(atr.checkCharacter == .valid(0xD6))
        #expect(atr.contactless == nil)
    }

    @Test("An inverse-convention T=0 ATR has no TCK and T=0 defaults")
    func inverseConvention() throws {
        let atr = try Vectors.atr(Vectors.inverseSIM)
        #expect(atr.convention == .inverse)
        #expect(atr.interfaceGroups.count == 1)
        #expect(atr.interfaceGroups[0].tb == 0x00)
        #expect(atr.indicatedProtocols.isEmpty)
        #expect(atr.offeredProtocols == [.t0])
        #expect(atr.t0WaitingTimeInteger == 10)
        #expect(atr.t1Parameters == nil)
        #expect(atr.historicalBytes == [0x00, 0x11, 0x14, 0x00, 0x03, 0x68, 0x90, 0x00])
        #expect(atr.checkCharacter == .notExpected)
    }

    @Test("TC1 = 0 means no extra guard time")
    func zeroGuardTime() throws {
        let atr = try Vectors.atr(Vectors.meano)
        #expect(atr.extraGuardTime == .extra(etus: 0))
        #expect(atr.extraGuardTime.characterGuardTimeETU(for: .t0) == 12)
        #expect(atr.checkCharacter == .notExpected)
    }

    @Test("The description is the ATR as spaced hex")
    func description() throws {
        #expect(try Vectors.atr(Vectors.myNumberContactless).description == Vectors.myNumberContactless)
    }
}

// MARK: - Check character

@Suite("ATR check character")
struct ATRCheckCharacterTests {
    @Test("A wrong TCK is reported with the value that would have been right, not thrown")
    func invalidTCK() throws {
        let atr = try Vectors.atr("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7E")
        #expect(atr.checkCharacter == .invalid(found: 0x7E, expected: 0x7F))
        #expect(atr.checkCharacter.isAcceptable == false)
        #expect(atr.contactless?.typeB?.frameWaitingTimeInteger == 10)
    }

    @Test("A TCK missing where T=1 requires one is reported as missing")
    func missingTCK() throws {
        let atr = try Vectors.atr("3B 88 80 01 00 00 05 E0 B3 81 A1 00")
        #expect(atr.checkCharacter == .missing(expected: 0x7F))
    }

    @Test("Every real vector's TCK is valid or not expected")
    func realVectorsCheck() throws {
        for hex in Vectors.all {
            #expect(try Vectors.atr(hex).checkCharacter.isAcceptable, "\(hex)")
        }
    }
}

// MARK: - Errors and boundaries

@Suite("ATR errors and boundaries")
struct ATRBoundaryTests {
    @Test(
        "Errors name the problem and the offset",
        arguments: [
            ("", ATRError.tooShort(length: 0)),
            ("3B", .tooShort(length: 1)),
            ("3C 00", .invalidInitialCharacter(0x3C)),
            ("03 00", .invalidInitialCharacter(0x03)),
            ("3B 10", .truncatedInterfaceBytes(group: 1, offset: 2)),
            ("3B F0 11 22 33", .truncatedInterfaceBytes(group: 1, offset: 5)),
            ("3B 80 80", .truncatedInterfaceBytes(group: 2, offset: 3)),
            ("3B 02 01", .truncatedHistoricalBytes(declared: 2, available: 1, offset: 2)),
            ("3B 00 00", .trailingBytes(count: 1, offset: 2)),
            ("3B 80 01 81 00", .trailingBytes(count: 1, offset: 4)),
        ])
    func errors(hex: String, expected: ATRError) {
        #expect(throws: expected) { try Vectors.atr(hex) }
        #expect(expected.offset >= 0)
    }

    @Test("The shortest ATR is TS and T0 alone")
    func shortest() throws {
        let atr = try Vectors.atr("3B 00")
        #expect(atr.interfaceGroups.count == 1)
        #expect(atr.historicalBytes.isEmpty)
        #expect(atr.offeredProtocols == [.t0])
        #expect(atr.checkCharacter == .notExpected)
    }

    @Test("Fifteen historical bytes, the most T0 can declare, are all read")
    func fifteenHistoricalBytes() throws {
        let historical = Array(UInt8(1)...UInt8(15))
        let atr = try ATR(bytes: [0x3B, 0x0F] + historical)
        #expect(atr.historicalBytes == historical)
    }

    @Test("A TD that announces no further bytes ends the groups but still indicates its protocol")
    func emptyFollowingGroup() throws {
        // T0 = 80 (TD1 only, no historical bytes), TD1 = 01: T=1 and no group 2. TCK = 80 ^ 01 = 81.
        let atr = try Vectors.atr("3B 80 01 81")
        #expect(atr.interfaceGroups.count == 1)
        #expect(atr.offeredProtocols == [.t1])
        #expect(atr.checkCharacter == .valid(0x81))
        #expect(atr.t1Parameters == T1Parameters(ta: nil, tb: nil, tc: nil))
        #expect(atr.t1Parameters?.informationFieldSize == 32)
        #expect(atr.t1Parameters?.characterWaitingTimeInteger == 13)
    }

    @Test("Reserved TA1 values are reported as unknown rather than guessed")
    func reservedTA1() throws {
        let rate = RateAdjustment(ta1: 0x70)
        #expect(rate.clockRateConversion == nil)
        #expect(rate.bitRateAdjustment == nil)
        #expect(rate.isValid == false)
        #expect(rate.bitsPerSecond(clockFrequencyHz: 4_000_000) == nil)
        #expect(rate.description == "Fi=RFU(7) Di=RFU(0)")
        #expect(RateAdjustment(ta1: 0xA9).maximumClockFrequencyHz == 7_500_000)
        #expect(RateAdjustment(ta1: 0xA9).description == "Fi=768 Di=20 f(max)=7.5 MHz")
    }

    @Test("Every proper prefix of a real ATR is rejected, or lacks only its TCK", arguments: Vectors.all)
    func everyPrefix(hex: String) throws {
        let full = Vectors.bytes(hex)
        let fullATR = try ATR(bytes: full)
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            if length == full.count - 1, case .valid(let tck) = fullATR.checkCharacter {
                #expect(try ATR(bytes: prefix).checkCharacter == .missing(expected: tck))
            } else {
                #expect(throws: ATRError.self, "prefix of \(length) bytes") { try ATR(bytes: prefix) }
            }
        }
    }

    @Test("Random bytes never trap, and whatever parses reassembles to the input")
    func randomBytes() {
        var random = SplitMix64(seed: 0x4A50_4B49)
        for round in 0..<20_000 {
            let length = Int(random.next() % 40)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Half the inputs get a valid TS so the parser goes past the first byte.
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = round % 4 == 0 ? 0x3B : 0x3F }
            guard let atr = try? ATR(bytes: bytes) else { continue }
            #expect(reassemble(atr) == bytes)
        }
    }

    /// Puts an ATR back together from its parsed parts.
    private func reassemble(_ atr: ATR) -> [UInt8] {
        var bytes = [atr.convention == .direct ? 0x3B : 0x3F, atr.formatByte]
        for group in atr.interfaceGroups {
            bytes += [group.ta, group.tb, group.tc, group.td].compactMap { $0 }
        }
        bytes += atr.historicalBytes
        switch atr.checkCharacter {
        case .valid(let tck): bytes.append(tck)
        case .invalid(let found, _): bytes.append(found)
        case .notExpected, .missing: break
        }
        return bytes
    }
}

/// A small deterministic generator so random tests repeat exactly.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
