/// The applications and files of the simulated card, as `../shared/reference/jpki.md` lists them.
///
/// Only what the qualification-check paths and their peers touch is modelled; everything else
/// answers `6A82` (not found) as a card would for a file it does not have.
public enum CardApplication: String, Sendable, Hashable, CaseIterable, Codable {
    /// 公的個人認証 (JPKI) AP: certificates, keys, PINs.
    case jpki
    /// 券面事項入力補助AP: My Number and the basic four items as text.
    case text
    /// 券面AP: the card face (images); only its PINs and a protected EF are modelled.
    case visual
    /// 住基AP.
    case juki

    /// The application identifier selected with `00 A4 04 0C`.
    public var aid: [UInt8] {
        switch self {
        case .jpki: [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
        case .text: [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
        case .visual: [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]
        case .juki: [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00]
        }
    }
}

/// Which PIN an EF or a key is guarded by.
public enum PINReference: Int, Sendable, Hashable, CaseIterable, Codable {
    /// JPKI EF 0018.
    case jpkiAuthentication
    /// JPKI EF 001B.
    case jpkiSignature
    /// Text AP EF 0011.
    case text
    /// Text AP EF 0014 (PIN-A: the 12-digit My Number).
    case textA
    /// Text AP EF 0015 (PIN-B: birth date YYMMDD, expiry year, security code).
    case textB
    /// Visual AP EF 0013 (PIN-A).
    case visualA
    /// Visual AP EF 0012 (PIN-B).
    case visualB

    /// Tries a fresh card allows.
    public var maximumTries: Int {
        switch self {
        case .jpkiSignature: 5
        default: 3
        }
    }
}

/// One elementary file.
struct ElementaryFile: Sendable {
    enum Content: Sendable {
        /// A transparent EF: `bytes` then padding up to `capacity` (real EFs are allocated larger
        /// than their DER, and reads past the DER return the padding).
        case binary(bytes: [UInt8], capacity: Int, padding: UInt8)
        /// A PIN: VERIFY checks it while it is the current EF.
        case pin(PINReference)
        /// A private key: COMPUTE DIGITAL SIGNATURE uses it while it is the current EF.
        case key(SigningKey, PINReference)
    }

    let id: UInt16
    let content: Content
    /// The PIN that must be verified to read the file, or nil for free reads.
    let readCondition: PINReference?
}

/// The card's two RSA keys.
public enum SigningKey: Sendable, Hashable {
    case authentication
    case signature
}

extension ElementaryFile {
    /// A transparent EF whose allocation is the data rounded up to whole 256-byte blocks:
    /// peers that read whole blocks past the end of the DER get padding, as on real cards
    /// (reference: "one peer reads whole 256 blocks past DER end (EF padded)" [I]).
    static func binary(
        _ id: UInt16, _ bytes: [UInt8], capacity: Int? = nil, padding: UInt8 = 0xFF, readCondition: PINReference? = nil
    ) -> ElementaryFile {
        let capacity = capacity ?? max(256, (bytes.count + 255) / 256 * 256)
        return ElementaryFile(id: id, content: .binary(bytes: bytes, capacity: capacity, padding: padding), readCondition: readCondition)
    }
}

/// The files of every application, built once from the identity and the fictitious person.
struct CardFileSystem: Sendable {
    let files: [CardApplication: [UInt16: ElementaryFile]]

    init(identity: CardIdentityMaterial, person: FictitiousPerson) {
        func table(_ list: [ElementaryFile]) -> [UInt16: ElementaryFile] {
            Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0) })
        }
        // "JPKIAPICCTOKEN2" padded with spaces to 32 bytes: what peers read with READ BINARY 32.
        var token = Array("JPKIAPICCTOKEN2".utf8)
        token += [UInt8](repeating: 0x20, count: 32 - token.count)
        files = [
            .jpki: table([
                ElementaryFile(id: 0x0006, content: .binary(bytes: token, capacity: 32, padding: 0x20), readCondition: nil),
                .binary(0x000A, identity.authenticationCertificate),
                .binary(0x000B, identity.authenticationCA),
                .binary(0x0001, identity.signatureCertificate, readCondition: .jpkiSignature),
                .binary(0x0002, identity.signatureCA),
                ElementaryFile(id: 0x0018, content: .pin(.jpkiAuthentication), readCondition: nil),
                ElementaryFile(id: 0x001B, content: .pin(.jpkiSignature), readCondition: nil),
                ElementaryFile(id: 0x0017, content: .key(.authentication, .jpkiAuthentication), readCondition: nil),
                ElementaryFile(id: 0x001A, content: .key(.signature, .jpkiSignature), readCondition: nil),
            ]),
            .text: table([
                ElementaryFile(id: 0x0011, content: .pin(.text), readCondition: nil),
                ElementaryFile(id: 0x0014, content: .pin(.textA), readCondition: nil),
                ElementaryFile(id: 0x0015, content: .pin(.textB), readCondition: nil),
                // 17 bytes exactly: FF 10 0C <12 digits> FF FF, per the reference.
                .binary(0x0001, person.myNumberRecord, capacity: person.myNumberRecord.count, readCondition: .text),
                .binary(0x0002, person.basicFourRecord, readCondition: .text),
            ]),
            .visual: table([
                ElementaryFile(id: 0x0013, content: .pin(.visualA), readCondition: nil),
                ElementaryFile(id: 0x0012, content: .pin(.visualB), readCondition: nil),
                // The card face (images) is not modelled: only its protection is.
                .binary(0x0002, [0xFF, 0x20, 0x00], readCondition: .visualA),
            ]),
            .juki: table([]),
        ]
    }
}

/// The certificates and keys the card holds.
public struct CardIdentityMaterial: Sendable {
    public var authenticationCertificate: [UInt8]
    public var authenticationCA: [UInt8]
    public var authenticationKeyPKCS8: [UInt8]
    public var signatureCertificate: [UInt8]
    public var signatureCA: [UInt8]
    public var signatureKeyPKCS8: [UInt8]

    /// The synthetic identity made by `scripts/make-card-identity` and compiled in.
    public static let synthetic = CardIdentityMaterial(
        authenticationCertificate: SyntheticIdentity.authCertificate, authenticationCA: SyntheticIdentity.authCA,
        authenticationKeyPKCS8: SyntheticIdentity.authKeyPKCS8, signatureCertificate: SyntheticIdentity.signCertificate,
        signatureCA: SyntheticIdentity.signCA, signatureKeyPKCS8: SyntheticIdentity.signKeyPKCS8)
}
