import Foundation
import Testing

/// `readerbench apdu decode` explains a command in the words of the read path: which command,
/// which JPKI application or file, which offset and length; and it never prints a PIN.
@Suite("apdu decode names the command")
struct APDUCommandTests {
    @Test(
        "the first line names the command, the JPKI application or file, offsets and lengths",
        arguments: [
            ("00A4040C0AD392F000260100000001", ["SELECT by AID", "JPKI AP"]),
            ("00A4040C0AD3921000310001010408", ["SELECT by AID", "text AP"]),
            ("00A4020C02000A", ["SELECT by file id 000A", "user-authentication certificate"]),
            ("00A4020C020018", ["SELECT by file id 0018", "user-authentication PIN"]),
            ("00B0000404", ["READ BINARY", "offset 4", "length 4"]),
            ("00B0010000", ["READ BINARY", "offset 256", "length 256"]),
            ("00200080", ["VERIFY", "retry counter"]),
            (APDUCommandTests.signCommand, ["COMPUTE DIGITAL SIGNATURE", "SHA-256"]),
            ("00C0000010", ["GET RESPONSE", "length 16"]),
        ])
    func namesTheCommand(_ hex: String, _ words: [String]) throws {
        let outcome = try CLI.run(["apdu", "decode", hex])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let first = outcome.stdout.split(separator: "\n").first.map(String.init) ?? ""
        for word in words { #expect(first.contains(word), "\(hex): \(outcome.stdout)") }
    }

    /// COMPUTE DIGITAL SIGNATURE over a SHA-256 DigestInfo, as the pin scenario sends it.
    static let signCommand =
        "802A008033" + "3031300D060960864801650304020105000420" + String(repeating: "AB", count: 32) + "00"

    @Test("VERIFY's data is shown redacted: the PIN never reaches the terminal")
    func verifyIsRedacted() throws {
        let outcome = try CLI.run(["apdu", "decode", "002000800431323334"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("VERIFY"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("redacted"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("31 32 33 34") && !outcome.stdout.contains("31323334"), "\(outcome.stdout)")
    }
}
