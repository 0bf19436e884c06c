// MARK: - Tag class

/// The two class bits of a tag's first byte.
///
/// The class tells who owns the tag number: X.509 uses universal tags for its structure and
/// context-specific tags (`A0`, `A3`) for optional fields; the JPKI text AP uses private tags
/// (`FF20`, `DF21`), and ICAO/JPKI visual data uses application tags (`7F21`, `5F4E`).
public enum TLVClass: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Bits `00`: types defined by X.680 itself (SEQUENCE, INTEGER, OBJECT IDENTIFIER, ...).
    case universal = 0
    /// Bits `01`: tags an application or card specification assigns (`7F21`, `5F4E`).
    case application = 1
    /// Bits `10`: tags whose meaning depends on the enclosing structure (`A0`, `80`).
    case contextSpecific = 2
    /// Bits `11`: tags a private organisation assigns (`FF20`, `DF21` on the JPKI text AP).
    case `private` = 3

    /// The lower-case name, as the `tlv` tree printer shows it.
    public var description: String {
        switch self {
        case .universal: "universal"
        case .application: "application"
        case .contextSpecific: "context"
        case .private: "private"
        }
    }
}

// MARK: - Tag

/// A BER tag of one to four bytes, stored so that its hex reads like the wire bytes.
///
/// `DF21` on the wire is `TLVTag(0xDF21)`, `30` is `TLVTag(0x30)`. Keeping the wire form (rather
/// than class + number) lets code and logs use the tags the JPKI and ISO 7816 documents print,
/// and makes comparing a tag one integer compare in the reader's hot loop.
public struct TLVTag: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The tag's wire bytes, big-endian, right-aligned (`0xDF21` for `DF 21`).
    public var rawValue: UInt32

    /// Wraps wire bytes already packed into a `UInt32`; see the type's documentation.
    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Lets tags be written as the hex the documents print: `let name: TLVTag = 0xDF22`.
    @inlinable
    public init(integerLiteral value: UInt32) {
        self.rawValue = value
    }

    /// How many bytes the tag takes on the wire (1...4).
    ///
    /// A multi-byte tag's first byte always has its low five bits set, so it is never zero and
    /// the count follows from the highest non-zero byte.
    @inlinable
    public var byteCount: Int {
        let significantBits = 32 &- rawValue.leadingZeroBitCount
        return significantBits <= 8 ? 1 : (significantBits &+ 7) >> 3
    }

    /// The first wire byte, which carries the class, the constructed bit and the number (or `1F`).
    @inlinable
    public var firstByte: UInt8 {
        UInt8(truncatingIfNeeded: rawValue >> UInt32((byteCount &- 1) &* 8))
    }

    /// The tag's class (bits 8-7 of the first byte).
    @inlinable
    public var tagClass: TLVClass {
        TLVClass(rawValue: firstByte >> 6)!
    }

    /// Whether the value holds nested TLV objects (bit 6 of the first byte).
    @inlinable
    public var isConstructed: Bool {
        firstByte & 0x20 != 0
    }

    /// The tag number within its class: `0x21` for `DF21`, `16` for `30`, `33` for `7F21`.
    @inlinable
    public var number: UInt32 {
        let count = byteCount
        if count == 1 { return rawValue & 0x1F }
        var number: UInt32 = 0
        var index = count &- 2
        while index >= 0 {
            number = number << 7 | (rawValue >> UInt32(index &* 8)) & 0x7F
            index &-= 1
        }
        return number
    }

    /// Upper-case hex of the wire bytes, two digits per byte: `30`, `DF21`, `7F21`.
    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: byteCount * 2 - hex.count) + hex
    }
}

// MARK: - Well-known tags

extension TLVTag {
    /// `01` BOOLEAN.
    public static let boolean: TLVTag = 0x01
    /// `02` INTEGER (an RSA modulus, a serial number).
    public static let integer: TLVTag = 0x02
    /// `03` BIT STRING (a certificate's public key and signature).
    public static let bitString: TLVTag = 0x03
    /// `04` OCTET STRING (an extension's value).
    public static let octetString: TLVTag = 0x04
    /// `05` NULL (the parameters of an RSA algorithm identifier).
    public static let null: TLVTag = 0x05
    /// `06` OBJECT IDENTIFIER.
    public static let objectIdentifier: TLVTag = 0x06
    /// `0C` UTF8String.
    public static let utf8String: TLVTag = 0x0C
    /// `30` SEQUENCE, constructed.
    public static let sequence: TLVTag = 0x30
    /// `31` SET, constructed.
    public static let set: TLVTag = 0x31
}
