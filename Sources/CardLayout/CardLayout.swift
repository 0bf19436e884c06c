/// What a My Number Card holds, as public sources describe it (`../shared/reference/jpki.md`):
/// application identifiers, elementary-file identifiers and PIN rules. Both the read path (which
/// asks for these) and the simulated card (which answers) use this one description.

/// The My Number Card's applications, by AID (`../shared/reference/jpki.md`).
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

/// Elementary files the read paths use.
public enum CardFile {
    /// JPKI AP: the token EF ("JPKIAPICCTOKEN2", space padded).
    public static let jpkiToken: UInt16 = 0x0006
    /// JPKI AP: user-authentication certificate (no PIN needed to read).
    public static let jpkiAuthenticationCertificate: UInt16 = 0x000A
    /// JPKI AP: the CA certificate of the authentication certificate.
    public static let jpkiAuthenticationCA: UInt16 = 0x000B
    /// JPKI AP: signature certificate (needs the signature PIN).
    public static let jpkiSignatureCertificate: UInt16 = 0x0001
    /// JPKI AP: the CA certificate of the signature certificate.
    public static let jpkiSignatureCA: UInt16 = 0x0002
    /// JPKI AP: authentication private key (used by COMPUTE DIGITAL SIGNATURE after VERIFY of 0018).
    public static let jpkiAuthenticationKey: UInt16 = 0x0017
    /// JPKI AP: authentication PIN.
    public static let jpkiAuthenticationPIN: UInt16 = 0x0018
    /// JPKI AP: signature private key.
    public static let jpkiSignatureKey: UInt16 = 0x001A
    /// JPKI AP: signature PIN.
    public static let jpkiSignaturePIN: UInt16 = 0x001B
    /// Text AP: its PIN.
    public static let textPIN: UInt16 = 0x0011
    /// Text AP: PIN-A (the My Number).
    public static let textPINA: UInt16 = 0x0014
    /// Text AP: PIN-B.
    public static let textPINB: UInt16 = 0x0015
    /// Text AP: the My Number record (`FF10`).
    public static let textMyNumber: UInt16 = 0x0001
    /// Text AP: the basic four items (`FF20 { DF21 … DF25 }`).
    public static let textBasicFour: UInt16 = 0x0002
    /// The token's expected content.
    public static let jpkiTokenText = "JPKIAPICCTOKEN2"
}
