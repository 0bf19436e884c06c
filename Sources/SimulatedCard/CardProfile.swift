/// Which physical My Number Card the simulator imitates: its interface, its ATR and whether it
/// takes extended-length APDUs.
///
/// Real cards differ by interface and by batch (`../shared/reference/jpki.md`): the contactless
/// ATR is the PC/SC form for ISO 14443 Type B; contact cards speak T=1, and some declare
/// extended Lc/Le in their historical bytes while others do not. The read path must be measured
/// against both, so extended length is a profile switch.
public struct CardProfile: Sendable, Hashable {
    public enum Interface: String, Sendable, Hashable, Codable {
        case contactless
        case contact
    }

    /// The profile's name on the command line (`--card NAME`).
    public let name: String
    public let interface: Interface
    public let atr: [UInt8]
    /// Whether READ BINARY and other commands accept extended Lc/Le; when false an extended
    /// command gets `6700`.
    public let extendedLength: Bool
    /// What the profile imitates, for help texts and result files.
    public let summary: String

    public init(name: String, interface: Interface, atr: [UInt8], extendedLength: Bool, summary: String) {
        self.name = name
        self.interface = interface
        self.atr = atr
        self.extendedLength = extendedLength
        self.summary = summary
    }

    /// The contactless ATR seen on real cards (`3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F`):
    /// 106/212/424 kbit/s, FSC 256, FWI 10.
    public static let contactlessATR: [UInt8] = [
        0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
    ]

    /// Contact T=1 ATRs of real cards, from pcsc-tools' `smartcard_list.txt` (the list
    /// `limits.md` cites). Both offer IFSC 251. The first has TA1 = 13 (F 372, D 4) and card
    /// capabilities `73 C6 01 C0` (command chaining and extended Lc/Le); the second has no TA1
    /// (default 372/1) and `73 C6 01 00` (neither).
    public static let contactExtendedATR: [UInt8] = [
        0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1, 0x73, 0xC6, 0x01, 0xC0,
        0x3B,
    ]
    public static let contactShortATR: [UInt8] = [
        0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00,
    ]

    public static let contactless = CardProfile(
        name: "contactless", interface: .contactless, atr: contactlessATR, extendedLength: false,
        summary: "My Number Card over ISO 14443 Type B, short APDUs only")
    public static let contactlessExtended = CardProfile(
        name: "contactless-extended", interface: .contactless, atr: contactlessATR, extendedLength: true,
        summary: "My Number Card over ISO 14443 Type B, extended-length APDUs accepted")
    public static let contact = CardProfile(
        name: "contact", interface: .contact, atr: contactExtendedATR, extendedLength: true,
        summary: "My Number Card in a contact reader, T=1, TA1 = 13, extended length declared in the ATR")
    public static let contactShort = CardProfile(
        name: "contact-short", interface: .contact, atr: contactShortATR, extendedLength: false,
        summary: "My Number Card in a contact reader, T=1, default rate, no extended length in the ATR")

    /// Every built-in profile.
    public static let builtIn: [CardProfile] = [.contactless, .contactlessExtended, .contact, .contactShort]

    /// The built-in profile with this name.
    public static func named(_ name: String) -> CardProfile? { builtIn.first { $0.name == name } }
}

/// The simulated card's PINs. They are test data: documented, settable, and never those of a
/// real person.
public struct CardPINs: Sendable, Hashable {
    /// JPKI user-authentication PIN (EF 0018): 4 digits, 3 tries.
    public var authentication: String
    /// Text AP (券面事項入力補助AP) PIN (EF 0011): 4 digits, 3 tries.
    public var text: String
    /// JPKI signature PIN (EF 001B): 6–16 of A–Z and 0–9, 5 tries.
    public var signature: String

    public init(authentication: String = "1234", text: String = "1234", signature: String = "ABC123") {
        self.authentication = authentication
        self.text = text
        self.signature = signature
    }

    /// Why a PIN does not fit its rules, or nil when all do.
    public func validationProblem() -> String? {
        let digits = { (pin: String) in pin.utf8.count == 4 && pin.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        if !digits(authentication) { return "the authentication PIN must be 4 digits" }
        if !digits(text) { return "the text-AP PIN must be 4 digits" }
        let signOK =
            (6...16).contains(signature.utf8.count)
            && signature.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
        if !signOK { return "the signature PIN must be 6 to 16 characters of A–Z and 0–9" }
        return nil
    }
}
