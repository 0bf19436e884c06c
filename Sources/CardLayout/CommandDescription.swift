import APDU
import HexCoding

/// What a command APDU asks a My Number Card to do, in the read path's words: which command,
/// which application or file, which offset and length (`readerbench apdu decode`).
///
/// It names what the bytes say and no more: a SELECT by file id cannot tell which application
/// is selected, so every application holding that id is named. PIN data (VERIFY, CHANGE
/// REFERENCE DATA, RESET RETRY COUNTER) is never part of the description: ``shownData`` holds it
/// redacted, so a decoded command can be pasted into a bug report.
public struct CommandDescription: Sendable, Hashable {
    /// The command's name: "SELECT", "READ BINARY", "VERIFY", "COMPUTE DIGITAL SIGNATURE",
    /// "GET RESPONSE", another ISO 7816-4 name, or "INS XX".
    public var name: String
    /// One line for people, starting with the name.
    public var summary: String
    /// For SELECT by AID: the application selected, when it is one of the card's.
    public var application: CardApplication?
    /// The command data as it may be shown: PIN bytes replaced by ``PINRedaction/marker``.
    public var shownData: [UInt8]
    /// Whether ``shownData`` is redacted.
    public var dataIsRedacted: Bool

    /// Describes a command; throws what ``CommandView`` throws for malformed bytes.
    public init(_ command: Span<UInt8>) throws(APDUError) {
        let view = try CommandView(command)
        let header = view.header
        var data: [UInt8] = []
        data.reserveCapacity(view.data.count)
        for index in view.data.indices { data.append(view.data[index]) }
        let le = view.expectedLength
        application = nil
        dataIsRedacted = PINRedaction.carriesPIN(ins: header.ins) && !data.isEmpty
        shownData = dataIsRedacted ? [UInt8](repeating: PINRedaction.marker, count: data.count) : data

        switch header.ins {
        case 0xA4:
            name = "SELECT"
            (summary, application) = Self.select(p1: header.p1, p2: header.p2, data: data)
        case 0xB0:
            name = "READ BINARY"
            let length = le.map { "length \($0)" } ?? "no Le"
            if header.p1 & 0x80 != 0 {
                let shortEF = Hex.encode([header.p1 & 0x1F])
                summary = "READ BINARY of short EF \(shortEF): offset \(header.p2), \(length)"
            } else {
                summary = "READ BINARY: offset \(Int(header.p1) << 8 | Int(header.p2)), \(length)"
            }
        case 0xB1:
            name = "READ BINARY"
            summary = "READ BINARY (odd INS): offset in the data, " + (le.map { "length \($0)" } ?? "no Le")
        case 0x20:
            name = "VERIFY"
            let reference = "reference \(Hex.encode([header.p2]))" + (header.p2 == 0x80 ? " (the selected PIN EF)" : "")
            if data.isEmpty {
                summary =
                    header.p1 == 0xFF
                    ? "VERIFY without data, P1 FF: resets the verified state of \(reference)"
                    : "VERIFY without data: asks the retry counter of \(reference) (63 Cx: x tries left)"
            } else {
                summary = "VERIFY: \(data.count) bytes of PIN (redacted) for \(reference)"
            }
        case 0x24, 0x2C:
            name = header.ins == 0x24 ? "CHANGE REFERENCE DATA" : "RESET RETRY COUNTER"
            summary = "\(name): \(data.count) bytes of PIN data (redacted), reference \(Hex.encode([header.p2]))"
        case 0x2A:
            (name, summary) = Self.securityOperation(cla: header.cla, p1: header.p1, p2: header.p2, data: data, le: le)
        case 0xC0:
            name = "GET RESPONSE"
            summary = "GET RESPONSE: " + (le.map { "length \($0)" } ?? "no Le")
        default:
            if let iso = Self.isoName(ins: header.ins) {
                name = iso
                summary =
                    iso + (header.ins == 0xB2 ? ": record \(header.p1)" : "") + (le.map { ", length \($0)" } ?? "")
            } else {
                name = "INS \(Hex.encode([header.ins]))"
                summary = "\(name): not a command of the My Number Card read path"
            }
        }
        if view.isChained { summary += "; chained (more segments follow)" }
    }

    // MARK: - SELECT

    private static func select(p1: UInt8, p2: UInt8, data: [UInt8]) -> (String, CardApplication?) {
        // P2 bits 4-3: what the card returns (00 FCI, 04 FCP, 08 FMD, 0C nothing, as JPKI sends).
        let returned: [UInt8: String] = [
            0x00: "; returns the FCI", 0x04: "; returns the FCP", 0x08: "; returns the FMD",
        ]
        let response = returned[p2 & 0x0C] ?? ""
        switch p1 {
        case 0x04:
            let aid = Hex.encode(data, style: .spaced)
            guard let application = CardApplication(aid: data) else {
                return ("SELECT by AID \(aid): not one of the My Number Card's applications\(response)", nil)
            }
            return ("SELECT by AID \(aid): \(application.displayName)\(response)", application)
        case 0x00...0x02 where data.count == 2:
            let id = UInt16(data[0]) << 8 | UInt16(data[1])
            let hex = Hex.encode(data)
            let files = CardFile.named(id)
            guard !files.isEmpty else {
                return ("SELECT by file id \(hex): not a file the My Number Card read path uses\(response)", nil)
            }
            let names = files.map { "\($0.application.shortName) \($0.name)" }
            let which =
                names.count == 1
                ? names[0] : names.joined(separator: ", or ") + " (depends on the selected application)"
            return ("SELECT by file id \(hex): \(which)\(response)", nil)
        default:
            return ("SELECT (P1 \(Hex.encode([p1]))): \(Hex.encode(data, style: .spaced))\(response)", nil)
        }
    }

    // MARK: - Signatures

    /// The DER prefix of a SHA-256 DigestInfo (the hash follows, 32 bytes).
    static let sha256DigestInfoPrefix: [UInt8] = [
        0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
        0x20,
    ]

    private static func securityOperation(
        cla: UInt8, p1: UInt8, p2: UInt8, data: [UInt8], le: Int?
    ) -> (String, String) {
        let input =
            data.count == 51 && data.starts(with: sha256DigestInfoPrefix)
            ? "a SHA-256 DigestInfo" : "\(data.count) bytes"
        let response = le.map { ", response up to \($0) bytes" } ?? ""
        // JPKI's proprietary form (CLA 80, P1 00, P2 80), as the pin scenario sends it.
        if cla & 0x80 != 0 && p1 == 0x00 && p2 == 0x80 {
            return (
                "COMPUTE DIGITAL SIGNATURE",
                "COMPUTE DIGITAL SIGNATURE (JPKI): signs \(input) with the key of the selected EF\(response)"
            )
        }
        if p1 == 0x9E && p2 == 0x9A {
            return (
                "COMPUTE DIGITAL SIGNATURE",
                "COMPUTE DIGITAL SIGNATURE (PERFORM SECURITY OPERATION 9E 9A): signs \(input)\(response)"
            )
        }
        return (
            "PERFORM SECURITY OPERATION",
            "PERFORM SECURITY OPERATION (P1 P2 \(Hex.encode([p1, p2]))): \(input)\(response)"
        )
    }

    // MARK: - Other instructions

    /// ISO/IEC 7816-4 names of instructions the read path does not send but a log may hold.
    static func isoName(ins: UInt8) -> String? {
        switch ins {
        case 0x22: "MANAGE SECURITY ENVIRONMENT"
        case 0x84: "GET CHALLENGE"
        case 0x88: "INTERNAL AUTHENTICATE"
        case 0x82: "EXTERNAL AUTHENTICATE"
        case 0xB2, 0xB3: "READ RECORD"
        case 0xCA, 0xCB: "GET DATA"
        case 0xD6: "UPDATE BINARY"
        default: nil
        }
    }
}
