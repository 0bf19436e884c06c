import CardLayout

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
        return ElementaryFile(
            id: id, content: .binary(bytes: bytes, capacity: capacity, padding: padding), readCondition: readCondition)
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
        var token = Array(CardFile.jpkiTokenText.utf8)
        token += [UInt8](repeating: 0x20, count: 32 - token.count)
        files = [
            .jpki: table([
                ElementaryFile(
                    id: CardFile.jpkiToken, content: .binary(bytes: token, capacity: 32, padding: 0x20),
                    readCondition: nil),
                .binary(CardFile.jpkiAuthenticationCertificate, identity.authenticationCertificate),
                .binary(CardFile.jpkiAuthenticationCA, identity.authenticationCA),
                .binary(
                    CardFile.jpkiSignatureCertificate, identity.signatureCertificate, readCondition: .jpkiSignature),
                .binary(CardFile.jpkiSignatureCA, identity.signatureCA),
                ElementaryFile(
                    id: CardFile.jpkiAuthenticationPIN, content: .pin(.jpkiAuthentication), readCondition: nil),
                ElementaryFile(id: CardFile.jpkiSignaturePIN, content: .pin(.jpkiSignature), readCondition: nil),
                ElementaryFile(
                    id: CardFile.jpkiAuthenticationKey, content: .key(.authentication, .jpkiAuthentication),
                    readCondition: nil),
                ElementaryFile(
                    id: CardFile.jpkiSignatureKey, content: .key(.signature, .jpkiSignature), readCondition: nil),
            ]),
            .text: table([
                ElementaryFile(id: CardFile.textPIN, content: .pin(.text), readCondition: nil),
                ElementaryFile(id: CardFile.textPINA, content: .pin(.textA), readCondition: nil),
                ElementaryFile(id: CardFile.textPINB, content: .pin(.textB), readCondition: nil),
                // 17 bytes exactly: FF 10 0C <12 digits> FF FF, per the reference.
                .binary(
                    CardFile.textMyNumber, person.myNumberRecord, capacity: person.myNumberRecord.count,
                    readCondition: .text),
                .binary(CardFile.textBasicFour, person.basicFourRecord, readCondition: .text),
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
