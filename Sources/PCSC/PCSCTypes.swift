import CPCSCLite
import CardTransport

/// How an application shares the reader with others (`SCARD_SHARE_*`).
public enum ShareMode: Sendable, Hashable, CaseIterable {
    /// `SCARD_SHARE_EXCLUSIVE`: nobody else may connect; what a benchmark wants on a real reader.
    case exclusive
    /// `SCARD_SHARE_SHARED`: others may connect; commands interleave between transactions.
    case shared
    /// `SCARD_SHARE_DIRECT`: talk to the reader without a card (for `SCardControl`).
    case direct

    var rawValue: UInt {
        switch self {
        case .exclusive: UInt(SCARD_SHARE_EXCLUSIVE)
        case .shared: UInt(SCARD_SHARE_SHARED)
        case .direct: UInt(SCARD_SHARE_DIRECT)
        }
    }
}

/// The card protocols PC/SC can negotiate (`SCARD_PROTOCOL_*`).
public struct CardProtocols: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// `SCARD_PROTOCOL_T0`: character protocol.
    public static let t0 = CardProtocols(rawValue: UInt(SCARD_PROTOCOL_T0))
    /// `SCARD_PROTOCOL_T1`: block protocol; what the My Number Card speaks, contact or contactless.
    public static let t1 = CardProtocols(rawValue: UInt(SCARD_PROTOCOL_T1))
    /// `SCARD_PROTOCOL_RAW`.
    public static let raw = CardProtocols(rawValue: UInt(SCARD_PROTOCOL_RAW))
    /// T=0 or T=1, whichever the card offers.
    public static let any: CardProtocols = [.t0, .t1]

    public var description: String {
        var names: [String] = []
        if contains(.t0) { names.append("T=0") }
        if contains(.t1) { names.append("T=1") }
        if contains(.raw) { names.append("RAW") }
        return names.isEmpty ? "none" : names.joined(separator: "|")
    }
}

/// What happens to the card when the connection ends or is reset (`SCARD_*_CARD`).
public enum Disposition: String, Sendable, Hashable, CaseIterable {
    /// `SCARD_LEAVE_CARD`.
    case leave
    /// `SCARD_RESET_CARD`: warm reset.
    case reset
    /// `SCARD_UNPOWER_CARD`: power off; the next connect pays a cold start.
    case unpower
    /// `SCARD_EJECT_CARD`.
    case eject

    public init(_ action: PowerAction) {
        switch action {
        case .leave: self = .leave
        case .reset: self = .reset
        case .unpower: self = .unpower
        }
    }

    /// The `SCARD_*_CARD` value. Not `rawValue`: that is the `String` one the raw type synthesizes, and
    /// a second `rawValue` of another type fails to compile in whole-module (release) builds.
    var pcscValue: UInt {
        switch self {
        case .leave: UInt(SCARD_LEAVE_CARD)
        case .reset: UInt(SCARD_RESET_CARD)
        case .unpower: UInt(SCARD_UNPOWER_CARD)
        case .eject: UInt(SCARD_EJECT_CARD)
        }
    }
}

/// A reader attribute for `SCardGetAttrib`, as `SCARD_ATTR_VALUE(class, tag)` builds it
/// (the C macro is function-like, so Swift cannot import it; its formula is `class << 16 | tag`).
public struct ReaderAttribute: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }
    init(class attributeClass: Int32, tag: UInt) { rawValue = UInt(attributeClass) << 16 | tag }

    /// `SCARD_ATTR_VENDOR_NAME`.
    public static let vendorName = ReaderAttribute(class: SCARD_CLASS_VENDOR_INFO, tag: 0x0100)
    /// `SCARD_ATTR_VENDOR_IFD_TYPE`.
    public static let vendorIFDType = ReaderAttribute(class: SCARD_CLASS_VENDOR_INFO, tag: 0x0101)
    /// `SCARD_ATTR_VENDOR_IFD_VERSION` (libccid: bcdDevice << 16).
    public static let vendorIFDVersion = ReaderAttribute(class: SCARD_CLASS_VENDOR_INFO, tag: 0x0102)
    /// `SCARD_ATTR_VENDOR_IFD_SERIAL_NO`.
    public static let vendorIFDSerialNumber = ReaderAttribute(class: SCARD_CLASS_VENDOR_INFO, tag: 0x0103)
    /// `SCARD_ATTR_CHANNEL_ID` (libccid: 0x0020 << 16 | bus << 8 | address).
    public static let channelID = ReaderAttribute(class: SCARD_CLASS_COMMUNICATIONS, tag: 0x0110)
    /// `SCARD_ATTR_MAXINPUT`.
    public static let maxInput = ReaderAttribute(class: SCARD_CLASS_VENDOR_DEFINED, tag: 0xA007)
    /// `SCARD_ATTR_ATR_STRING`.
    public static let atrString = ReaderAttribute(class: SCARD_CLASS_ICC_STATE, tag: 0x0303)
}

/// `SCARD_CTL_CODE(code)`: pcsc-lite's control-code formula (`0x42000000 + code`), which Swift
/// cannot import because it is a function-like macro.
public func controlCode(_ code: UInt) -> UInt { 0x4200_0000 + code }

/// `CM_IOCTL_GET_FEATURE_REQUEST` (`SCARD_CTL_CODE(3400)`): asks a reader which PC/SC part 10
/// features it has.
public let getFeatureRequestControlCode = controlCode(3400)
