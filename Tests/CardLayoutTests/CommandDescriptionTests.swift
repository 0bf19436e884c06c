import APDU
import CardLayout
import HexCoding
import Testing

/// `apdu decode` explains commands in the read path's words; these are the words.
@Suite("naming the commands of the My Number Card read path")
struct CommandDescriptionTests {
    static func describe(_ hex: String) throws -> CommandDescription {
        let bytes = try Hex.decode(hex)
        return try CommandDescription(bytes.span)
    }

    @Test("SELECT by AID names the JPKI AP and the other applications", arguments: CardApplication.allCases)
    func selectApplication(_ application: CardApplication) throws {
        let description = try Self.describe("00A4040C0A" + Hex.encode(application.aid))
        #expect(description.name == "SELECT")
        #expect(description.application == application)
        #expect(description.summary.hasPrefix("SELECT by AID"))
        #expect(description.summary.contains(application.displayName), "\(description.summary)")
    }

    @Test("the JPKI AP's AID reads as the JPKI AP")
    func jpkiAP() throws {
        let summary = try Self.describe("00A4040C0AD392F000260100000001").summary
        #expect(summary.contains("JPKI AP"), "\(summary)")
    }

    @Test("an AID that is not the card's is said to be so")
    func foreignAID() throws {
        let description = try Self.describe("00A4040007A0000000041010")
        #expect(description.application == nil)
        #expect(description.summary.contains("not one of the My Number Card's applications"), "\(description.summary)")
    }

    @Test(
        "SELECT by file id names JPKI's files, and every application an ambiguous id belongs to",
        arguments: [
            ("000A", ["JPKI AP", "user-authentication certificate"]),
            ("0018", ["JPKI AP", "user-authentication PIN"]),
            ("0017", ["JPKI AP", "user-authentication private key"]),
            ("0006", ["JPKI AP", "token"]),
            ("0011", ["text AP", "PIN"]),
            ("0001", ["JPKI AP", "signature certificate", "text AP", "My Number"]),
        ])
    func selectFile(_ id: String, _ words: [String]) throws {
        let description = try Self.describe("00A4020C02" + id)
        #expect(description.name == "SELECT")
        #expect(description.summary.hasPrefix("SELECT by file id \(id)"), "\(description.summary)")
        for word in words { #expect(description.summary.contains(word), "\(description.summary)") }
    }

    @Test("an unknown file id is named as unknown, not guessed")
    func unknownFile() throws {
        let summary = try Self.describe("00A4020C027F7F").summary
        #expect(
            summary.contains("7F7F") && summary.contains("not a file the My Number Card read path uses"), "\(summary)")
    }

    @Test(
        "READ BINARY shows its offset and length, short and extended",
        arguments: [
            ("00B0000004", 0, 4), ("00B0000404", 4, 4), ("00B0010000", 256, 256), ("00B00004000620", 4, 1568),
        ])
    func readBinary(_ hex: String, _ offset: Int, _ length: Int) throws {
        let description = try Self.describe(hex)
        #expect(description.name == "READ BINARY")
        #expect(description.summary == "READ BINARY: offset \(offset), length \(length)")
    }

    @Test("READ BINARY with a short EF id in P1 names it and the offset in P2")
    func readBinaryShortEF() throws {
        let summary = try Self.describe("00B08A0004").summary
        #expect(summary == "READ BINARY of short EF 0A: offset 0, length 4", "\(summary)")
    }

    @Test("VERIFY with data shows it redacted; without data it asks the retry counter")
    func verify() throws {
        let withPIN = try Self.describe("002000800431323334")
        #expect(withPIN.name == "VERIFY")
        #expect(withPIN.dataIsRedacted)
        #expect(withPIN.shownData == [0x2A, 0x2A, 0x2A, 0x2A])
        #expect(withPIN.summary.contains("redacted") && !withPIN.summary.contains("1234"), "\(withPIN.summary)")
        let query = try Self.describe("00200080")
        #expect(query.summary.contains("retry counter"), "\(query.summary)")
        #expect(!query.dataIsRedacted)
    }

    @Test("CHANGE REFERENCE DATA and RESET RETRY COUNTER carry PINs too, and are redacted")
    func otherPINCommands() throws {
        for hex in ["00240080083132333435363738", "002C0080043132333400"] {
            let description = try Self.describe(hex)
            #expect(description.dataIsRedacted)
            #expect(description.shownData.allSatisfy { $0 == PINRedaction.marker })
        }
    }

    @Test("COMPUTE DIGITAL SIGNATURE: JPKI's 80 2A 00 80 over a SHA-256 DigestInfo, and ISO's PSO 9E 9A")
    func computeDigitalSignature() throws {
        let digestInfo = "3031300D060960864801650304020105000420" + String(repeating: "AB", count: 32)
        let jpki = try Self.describe("802A008033" + digestInfo + "00")
        #expect(jpki.name == "COMPUTE DIGITAL SIGNATURE")
        #expect(jpki.summary.contains("SHA-256 DigestInfo"), "\(jpki.summary)")
        let iso = try Self.describe("002A9E9A03AABBCC00")
        #expect(iso.name == "COMPUTE DIGITAL SIGNATURE")
        #expect(iso.summary.contains("PERFORM SECURITY OPERATION"), "\(iso.summary)")
        let other = try Self.describe("002A8086020102")
        #expect(other.name == "PERFORM SECURITY OPERATION")
    }

    @Test("GET RESPONSE shows the length it asks for")
    func getResponse() throws {
        #expect(try Self.describe("00C0000010").summary == "GET RESPONSE: length 16")
        #expect(try Self.describe("00C0000000").summary == "GET RESPONSE: length 256")
    }

    @Test("other instructions get their ISO name or their INS")
    func otherInstructions() throws {
        #expect(try Self.describe("0084000008").name == "GET CHALLENGE")
        #expect(try Self.describe("00B2010C00").name == "READ RECORD")
        #expect(try Self.describe("00EE0000").name == "INS EE")
    }

    @Test("a malformed command is an APDU error, as CommandView says")
    func malformed() throws {
        #expect(throws: APDUError.self) { try Self.describe("00A404") }
        #expect(throws: APDUError.self) { try Self.describe("00A4040C0AD392") }
    }

    @Test("any P1 and P2 with short or odd data is described without trapping", arguments: [0, 1, 2, 3])
    func anyParameters(_ dataCount: Int) throws {
        for ins in [0xA4, 0xB0, 0x20, 0x2A, 0xC0] as [UInt8] {
            for p1 in 0...255 {
                for p2 in [0x00, 0x0C, 0x80, 0x9A] as [UInt8] {
                    var bytes: [UInt8] = [0x00, ins, UInt8(p1), p2]
                    if dataCount > 0 { bytes += [UInt8(dataCount)] + [UInt8](repeating: 0x31, count: dataCount) }
                    let description = try CommandDescription(bytes.span)
                    #expect(!description.summary.isEmpty)
                }
            }
        }
    }

    @Test("every prefix of a valid command describes or fails cleanly")
    func prefixes() throws {
        let bytes = try Hex.decode(
            "802A008033" + "3031300D060960864801650304020105000420" + String(repeating: "AB", count: 32) + "00")
        for length in 0...bytes.count {
            let prefix = Array(bytes[0..<length])
            _ = try? CommandDescription(prefix.span)
        }
    }
}
