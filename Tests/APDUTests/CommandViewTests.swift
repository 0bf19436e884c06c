import APDU
import HexCoding
import PropertyBased
import Testing

@Suite("Reading received commands")
struct CommandViewTests {
    @Test("reads each case from real JPKI commands")
    func readsRealCommands() throws {
        let select = try ParsedCommand(Hex.decode("00A4040C0AD392F000260100000001"))
        #expect(select.caseNumber == 3 && select.data == jpkiAID && select.le == nil)
        let read = try ParsedCommand(Hex.decode("00B0000004"))
        #expect(read.caseNumber == 2 && read.le == 4)
        let read256 = try ParsedCommand(Hex.decode("00B0000000"))
        #expect(read256.le == 256)
        let retries = try ParsedCommand(Hex.decode("00200080"))
        #expect(retries.caseNumber == 1)
        let extendedRead = try ParsedCommand(Hex.decode("00B0000400061F"))
        #expect(extendedRead.isExtended && extendedRead.le == 0x061F && extendedRead.header.p1p2 == 4)
    }

    @Test("refuses sizes that fit no case")
    func refusesMalformed() throws {
        #expect(throws: APDUError.commandTooShort(count: 3)) { try ParsedCommand([0, 0xA4, 4]) }
        // Lc says 10 bytes follow but only 2 do.
        #expect(throws: (any Error).self) { try ParsedCommand(Hex.decode("00A4040C0AD392")) }
        // Six bytes starting an extended length cannot be complete.
        #expect(throws: (any Error).self) { try ParsedCommand(Hex.decode("00B000000001")) }
        // Extended Lc of zero is not a length.
        #expect(throws: (any Error).self) { try ParsedCommand(Hex.decode("00A4040C000000AA")) }
    }

    @Test("every prefix of a valid command either parses or throws, never traps")
    func everyPrefix() throws {
        let full = try encoded(selectJPKI, data: [UInt8](repeating: 3, count: 300), le: 65536)
        var valid: [Int] = []
        for n in 0...full.count {
            if (try? ParsedCommand(Array(full.prefix(n)))) != nil { valid.append(n) }
        }
        // Header only (case 1); 5 bytes (case 2, Le 00 = 256); 7 bytes (case 2 extended, Le = the
        // Lc bytes); header + extended Lc + data (case 3 extended); the whole command (case 4).
        #expect(valid == [4, 5, 7, 4 + 3 + 300, full.count])
    }

    @Test("whatever random bytes the reader accepts, the encoder writes back byte for byte")
    func randomBytes() async {
        await propertyCheck(count: 2000, input: Gen<UInt8>.value().array(of: 0...300)) { bytes in
            guard let parsed = try? ParsedCommand(bytes) else { return }
            // INS 6X and 9X are reserved: the reader reports them (a card answers 6D00) but the
            // encoder refuses to write one, by design.
            if parsed.header.hasReservedInstruction { return }
            // A command that parses is in canonical form: its fields, encoded in the same length
            // form, are the very bytes that were read.
            let again = try? encoded(
                parsed.header, data: parsed.data, le: parsed.le, form: parsed.isExtended ? .extended : .short)
            #expect(again == bytes, "\(bytes) parsed as \(parsed) but encodes as \(String(describing: again))")
        }
    }

    @Test("random commands the encoder writes are read back, and every byte dropped from them is noticed")
    func truncationsOfValidCommands() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...300), Gen.int(in: 0...300)) { dataCount, leValue in
            let data = (0..<dataCount).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let bytes = try encoded(readBinary, data: data, le: leValue == 0 ? nil : leValue)
            #expect(try ParsedCommand(bytes).data == data)
            // Dropping the last byte never yields the same command.
            let shorter = Array(bytes.dropLast())
            let parsed = try? ParsedCommand(shorter)
            #expect(parsed?.data != data || parsed?.le != (leValue == 0 ? nil : leValue))
        }
    }
}

@Suite("Responses and status words")
struct ResponseTests {
    @Test("splits data from SW1 SW2 without copying")
    func splitsDataAndStatus() throws {
        let bytes: [UInt8] = [0x30, 0x82, 0x06, 0x1F, 0x90, 0x00]
        let view = try ResponseView(bytes.span)
        #expect(view.statusWord == .success)
        #expect(view.data.count == 4)
        #expect(view.data[1] == 0x82)
        let onlyStatus: [UInt8] = [0x6A, 0x82]
        let empty = try ResponseView(onlyStatus.span)
        #expect(empty.data.isEmpty && empty.statusWord == .fileNotFound)
    }

    @Test("a response shorter than two bytes is an error")
    func tooShort() {
        for bytes in [[], [0x90]] as [[UInt8]] {
            #expect(throws: APDUError.responseTooShort(count: bytes.count)) { _ = try ResponseView(bytes.span).count }
        }
    }

    @Test("status words carry their ISO/IEC 7816-4 meanings")
    func meanings() {
        let cases: [(UInt16, String)] = [
            (0x9000, "success"), (0x6110, "16 more bytes"), (0x6C04, "Le 4"), (0x6282, "end of file"),
            (0x63C2, "2 tries left"), (0x63C1, "1 try left"), (0x63C0, "blocked"), (0x6700, "wrong length"),
            (0x6982, "security status"), (0x6983, "blocked"), (0x6984, "PIN blocked"), (0x6985, "conditions"),
            (0x6986, "no current EF"), (0x6A80, "data field"), (0x6A82, "not found"), (0x6A86, "P1-P2"),
            (0x6B00, "offset"), (0x6D00, "instruction not supported"), (0x6E00, "class not supported"),
            (0x6F00, "no precise diagnosis"),
        ]
        for (raw, fragment) in cases {
            let sw = StatusWord(rawValue: raw)
            #expect(sw.meaning.contains(fragment), "\(sw)")
        }
    }

    @Test("derived values: bytes available, exact Le, tries left")
    func derivedValues() {
        #expect(StatusWord(rawValue: 0x6100).bytesAvailable == 256)
        #expect(StatusWord(rawValue: 0x6120).bytesAvailable == 32)
        #expect(StatusWord(rawValue: 0x6C00).exactExpectedLength == 256)
        #expect(StatusWord(rawValue: 0x63C3).triesLeft == 3)
        #expect(StatusWord(rawValue: 0x6300).triesLeft == nil)
        #expect(StatusWord.verificationFailed(triesLeft: 2).rawValue == 0x63C2)
        #expect(StatusWord.success.description == "9000 (success)")
    }
}
