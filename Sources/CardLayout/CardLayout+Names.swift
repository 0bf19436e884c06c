// MARK: - Applications by AID

extension CardApplication {
    /// The application this AID selects, or nil when it is none of the card's.
    public init?(aid: some Collection<UInt8>) {
        guard let match = Self.allCases.first(where: { $0.aid.elementsEqual(aid) }) else { return nil }
        self = match
    }

    /// Its short name: "JPKI AP", "text AP", "visual AP", "住基 AP".
    public var shortName: String {
        switch self {
        case .jpki: "JPKI AP"
        case .text: "text AP"
        case .visual: "visual AP"
        case .juki: "住基 AP"
        }
    }

    /// Its name for people, with the Japanese name a card's documentation uses.
    public var displayName: String {
        switch self {
        case .jpki: "JPKI AP (公的個人認証)"
        case .text: "text AP (券面事項入力補助AP)"
        case .visual: "visual AP (券面AP)"
        case .juki: "住基 AP"
        }
    }
}

// MARK: - Files by id

extension CardFile {
    /// One elementary file of one application, named.
    public struct Named: Sendable, Hashable {
        public var application: CardApplication
        public var id: UInt16
        /// What the file holds, e.g. "user-authentication certificate".
        public var name: String
    }

    /// The files public sources describe (`../shared/reference/jpki.md`). File ids are per
    /// application: 0001 is the JPKI signature certificate and the text AP's My Number, so a
    /// SELECT by file id alone cannot tell which; ``named(_:)`` gives every candidate.
    public static let known: [Named] = [
        Named(
            application: .jpki, id: jpkiSignatureCertificate,
            name: "signature certificate (read needs the signature PIN)"),
        Named(application: .jpki, id: jpkiSignatureCA, name: "signature CA certificate"),
        Named(application: .jpki, id: jpkiToken, name: "token (\"\(jpkiTokenText)\")"),
        Named(
            application: .jpki, id: jpkiAuthenticationCertificate,
            name: "user-authentication certificate (no PIN to read)"),
        Named(application: .jpki, id: jpkiAuthenticationCA, name: "user-authentication CA certificate"),
        Named(application: .jpki, id: jpkiAuthenticationKey, name: "user-authentication private key"),
        Named(application: .jpki, id: jpkiAuthenticationPIN, name: "user-authentication PIN (4 digits, 3 tries)"),
        Named(application: .jpki, id: jpkiSignatureKey, name: "signature private key"),
        Named(application: .jpki, id: jpkiSignaturePIN, name: "signature PIN (6 to 16 of A-Z 0-9, 5 tries)"),
        Named(application: .text, id: textMyNumber, name: "My Number"),
        Named(application: .text, id: textBasicFour, name: "basic four items (name, address, birth date, sex)"),
        Named(application: .text, id: 0x0003, name: "digital signature over the text data"),
        Named(application: .text, id: textPIN, name: "PIN (4 digits, 3 tries)"),
        Named(application: .text, id: textPINA, name: "PIN-A (the My Number)"),
        Named(application: .text, id: textPINB, name: "PIN-B (birth date, expiry year, security code)"),
        Named(application: .visual, id: 0x0002, name: "card face (images, needs PIN-A or PIN-B)"),
        Named(application: .visual, id: 0x0012, name: "PIN-B"),
        Named(application: .visual, id: 0x0013, name: "PIN-A"),
    ]

    /// Every known file with this id, in the order of ``CardApplication`` (JPKI first).
    public static func named(_ id: UInt16) -> [Named] {
        let matches = known.filter { $0.id == id }
        return CardApplication.allCases.flatMap { application in matches.filter { $0.application == application } }
    }
}
