import RunModel
import CardLayout

/// The phases of a qualification check, in the order a check goes through them. Every APDU
/// belongs to one, and each is timed as a whole.
public enum Phase: UInt8, CaseIterable, Sendable, Hashable, Codable {
    /// Opening the connection (`SCardConnect`): on a cold iteration this powers the card up.
    case connect
    /// Selecting the application and identifying it (the JPKI token).
    case select
    /// Reading the user-authentication certificate.
    case readCertificate
    /// Reading the retry counter and verifying the PIN.
    case verifyPIN
    /// Selecting the key and signing the challenge.
    case sign
    /// Reading the text AP's basic four items.
    case readText
    /// Closing the connection (`SCardDisconnect`).
    case disconnect

    /// The name in tables and result files.
    public var label: String {
        switch self {
        case .connect: "connect"
        case .select: "select"
        case .readCertificate: "read certificate"
        case .verifyPIN: "verify PIN"
        case .sign: "sign"
        case .readText: "read text"
        case .disconnect: "disconnect"
        }
    }
}

/// What an APDU does, for per-kind statistics (all READ BINARY chunks of a certificate are one
/// kind, whatever their offset).
public enum APDUKind: UInt8, CaseIterable, Sendable, Hashable, Codable {
    case selectApplication
    case selectFile
    case readToken
    case readHeader
    case readChunk
    case queryRetries
    case verify
    case computeSignature

    public var label: String {
        switch self {
        case .selectApplication: "SELECT AP"
        case .selectFile: "SELECT EF"
        case .readToken: "READ BINARY token"
        case .readHeader: "READ BINARY header"
        case .readChunk: "READ BINARY chunk"
        case .queryRetries: "VERIFY retry counter"
        case .verify: "VERIFY"
        case .computeSignature: "COMPUTE DIGITAL SIGNATURE"
        }
    }
}

/// Which PIN a scenario verifies.
public enum PINRole: String, Sendable, Hashable, Codable {
    /// JPKI user-authentication PIN (EF 0018): 4 digits, 3 tries.
    case authentication
    /// Text AP PIN (EF 0011): 4 digits, 3 tries.
    case text

    /// Tries a card starts with.
    public var maximumTries: Int { 3 }

    /// Whether `pin` has the PIN's shape (4 digits), checked before it is ever sent.
    public func accepts(_ pin: [UInt8]) -> Bool {
        pin.count == 4 && pin.allSatisfy { (0x30...0x39).contains($0) }
    }

    public var label: String { self == .authentication ? "JPKI user-authentication PIN" : "text-AP PIN" }
}

/// One thing a scenario does, interpreted by ``ReadPathEngine``.
public enum Operation: Sendable, Hashable {
    /// SELECT by AID (`00 A4 04 0C`).
    case selectApplication(CardApplication)
    /// SELECT EF under the current application (`00 A4 02 0C 02 <id>`).
    case selectFile(UInt16)
    /// READ BINARY of the JPKI token EF (32 bytes), checked against "JPKIAPICCTOKEN2".
    case readToken
    /// VERIFY without data: the retry counter, checked against the PIN floor.
    case queryRetries(PINRole)
    /// VERIFY with the PIN.
    case verify(PINRole)
    /// COMPUTE DIGITAL SIGNATURE (`80 2A 00 80`) over the iteration's challenge DigestInfo.
    case sign
    /// Read the selected EF's DER object (header, then the rest, per the read strategy) as the
    /// certificate.
    case readCertificate
    /// Read the selected EF's BER record (`FF20`) as the basic four items.
    case readTextRecord
}

/// A step: an operation and the phase it is timed in.
public struct Step: Sendable, Hashable {
    public var phase: Phase
    public var operation: Operation

    public init(_ phase: Phase, _ operation: Operation) {
        self.phase = phase
        self.operation = operation
    }

    /// A short name for results ("SELECT EF 0018", "VERIFY").
    public var label: String {
        switch operation {
        case .selectApplication(let app): "SELECT \(app.rawValue) AP"
        case .selectFile(let id): "SELECT EF \(hex4(id))"
        case .readToken: "READ token"
        case .queryRetries: "VERIFY (retry counter)"
        case .verify: "VERIFY"
        case .sign: "COMPUTE DIGITAL SIGNATURE"
        case .readCertificate: "READ certificate"
        case .readTextRecord: "READ basic four"
        }
    }
}

func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: 4 - digits.count) + digits
}

/// A qualification-check path as data: the same engine runs every scenario, so the three paths
/// cannot drift apart in how they time, check or record.
public struct Scenario: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var steps: [Step]

    /// The PIN the scenario verifies, if any.
    public var pinRole: PINRole? {
        for step in steps { if case .verify(let role) = step.operation { return role } }
        return nil
    }

    /// Whether the scenario signs (and so checks the signature against the certificate).
    public var signs: Bool { steps.contains { $0.operation == .sign } }

    /// 本則: the qualification check with the 4-digit PIN.
    public static let pin = Scenario(
        name: "pin",
        summary: "select JPKI AP, read the token, verify the auth PIN, sign a challenge, read the auth certificate",
        steps: [
            Step(.select, .selectApplication(.jpki)),
            Step(.select, .selectFile(CardFile.jpkiToken)),
            Step(.select, .readToken),
            Step(.verifyPIN, .selectFile(CardFile.jpkiAuthenticationPIN)),
            Step(.verifyPIN, .queryRetries(.authentication)),
            Step(.verifyPIN, .verify(.authentication)),
            Step(.sign, .selectFile(CardFile.jpkiAuthenticationKey)),
            Step(.sign, .sign),
            Step(.readCertificate, .selectFile(CardFile.jpkiAuthenticationCertificate)),
            Step(.readCertificate, .readCertificate),
        ])

    /// 目視確認: no PIN, only the authentication certificate.
    public static let visual = Scenario(
        name: "visual",
        summary: "select JPKI AP and read the auth certificate (visual check, no PIN)",
        steps: [
            Step(.select, .selectApplication(.jpki)),
            Step(.readCertificate, .selectFile(CardFile.jpkiAuthenticationCertificate)),
            Step(.readCertificate, .readCertificate),
        ])

    /// The basic four items from the text AP, with its 4-digit PIN.
    public static let text = Scenario(
        name: "text",
        summary: "select the text AP, verify its PIN, read the basic four items (name, address, birth date, sex)",
        steps: [
            Step(.select, .selectApplication(.text)),
            Step(.verifyPIN, .selectFile(CardFile.textPIN)),
            Step(.verifyPIN, .queryRetries(.text)),
            Step(.verifyPIN, .verify(.text)),
            Step(.readText, .selectFile(CardFile.textBasicFour)),
            Step(.readText, .readTextRecord),
        ])

    public static let all: [Scenario] = [.pin, .visual, .text]

    public static func named(_ name: String) -> Scenario? { all.first { $0.name == name } }
}
