import HexCoding

/// A PC/SC reader name split into its parts.
///
/// pcsc-lite names readers "Vendor Product [Interface] (Serial) NN SS": the driver's friendly
/// name, the USB interface string and serial number when the device has them, then the reader
/// index NN and slot SS as two hex digits each ("SONY FeliCa RC-S300/P [RC-S300/P] (0123456) 00 00",
/// "ACS ACR39U ICC Reader 00 00", "Virtual PCD 00 01").
///
/// The parts matter because only some of them describe the *model*: NN changes with plug order
/// and the serial with the unit, while vendor, product, interface and slot do not. Names come from
/// many drivers and may be truncated at 127 characters, so splitting never fails: a part that
/// cannot be recognised is nil and stays inside the part before it.
public struct ReaderName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name exactly as PC/SC listed it.
    public let fullName: String
    /// The vendor: the first word, or a known multi-word vendor such as "SCM Microsystems Inc."
    /// (see ``knownVendors``); nil for an empty name.
    public let vendor: String?
    /// What follows the vendor in the friendly name; nil when the name is a single word.
    public let product: String?
    /// The USB interface string, from "[…]"; nil when absent.
    public let interface: String?
    /// The device serial number, from a last "(…)" after the friendly name and interface; nil when
    /// absent. Text with spaces, and the words in ``productParentheticals``, stay in the product.
    public let serialNumber: String?
    /// NN, pcsc-lite's reader index (0 … 15 in Debian's build); it depends on plug order.
    public let readerIndex: UInt8?
    /// SS, the slot of a multi-slot reader (for example the SAM slot of a dual reader).
    public let slot: UInt8?

    /// Splits a reader name; never fails (see the type's documentation).
    public init(_ name: String) {
        fullName = name
        var rest = Self.trimmed(name[...])

        var index: UInt8? = nil
        var slot: UInt8? = nil
        if let (beforeSlot, slotValue) = Self.trailingHexPair(rest),
            let (beforeIndex, indexValue) = Self.trailingHexPair(beforeSlot)
        {
            index = indexValue
            slot = slotValue
            rest = Self.trimmed(beforeIndex)
        }
        readerIndex = index
        self.slot = slot

        var serial: Substring? = nil
        if let (before, inside) = Self.trailingGroup(rest, open: "(", close: ")"),
            !inside.contains(" "), !Self.productParentheticals.contains(String(inside))
        {
            serial = inside
            rest = before
        }
        serialNumber = serial.map(String.init)

        var interface: Substring? = nil
        if let (before, inside) = Self.trailingGroup(rest, open: "[", close: "]") {
            interface = inside
            rest = before
        }
        self.interface = interface.map(String.init)

        if rest.isEmpty {
            vendor = nil
            product = nil
        } else {
            let vendorPart =
                Self.knownVendors.first { Self.hasWordPrefix(rest, $0) }.map { rest.prefix($0.count) }
                ?? rest.prefix { $0 != " " }
            vendor = String(vendorPart)
            let productPart = Self.trimmed(rest.dropFirst(vendorPart.count))
            product = productPart.isEmpty ? nil : String(productPart)
        }
    }

    /// "Vendor Product [Interface]": the name without serial, reader index and slot, the part
    /// that is the same for every unit of a model.
    public var modelName: String {
        var parts: [String] = []
        if let vendor { parts.append(vendor) }
        if let product { parts.append(product) }
        if let interface { parts.append("[\(interface)]") }
        return parts.joined(separator: " ")
    }

    public var description: String { fullName }

    // MARK: - Vendors

    /// Vendors whose names have more than one word, longest first, taken from the section headers
    /// of the CCID driver's supported_readers.txt where the reader names start with them. Any
    /// other vendor is taken to be the first word, which holds for most names (ACS, SONY, Gemalto).
    public static let knownVendors: [String] = [
        "FujitsuTechnologySolutions GmbH", "Free Software Initiative of Japan", "Giesecke & Devrient GmbH",
        "Dexon Tecnologias Digitais LTDA", "Fujitsu Siemens Computers", "NTT Communications Corp.",
        "Philips Semiconductors", "SCM Microsystems Inc.", "Identive Technologies", "TOPPAN FORMS CO.,LTD",
        "Feitian Technologies", "Precise Biometrics", "id3 Semiconductors", "Hewlett-Packard Company",
        "Hewlett Packard", "Inside Secure", "INSIDE Secure", "appidkey GmbH", "Genesys Logic",
        "Unicept GmbH", "Certgate GmbH", "Hitachi, Ltd.", "Broadcom Corp", "KOBIL Systems",
        "Aladdin R.D.", "Pol Henarejos", "MK Technology", "Cherry GmbH", "REINER SCT", "DESKO GmbH",
        "HID OMNIKEY", "Alcor Micro", "Alcor Link", "OMNIKEY AG", "HID Global", "Spyrus Inc", "Access IS",
        "Generic USB", "TOKEN2 MFA", "AF Care",
    ].sorted { $0.count > $1.count }

    /// Parenthesised words that end friendly names in the CCID driver's supported_readers.txt
    /// ("ACS CryptoMate (T2)", "Aladdin R.D. JC-WebPass (JC600)", "… Token 350 (ICCD)"): without
    /// a serial they would look like one. A serial, when present, still follows them.
    public static let productParentheticals: Set<String> = ["T2", "JC600", "JC602", "ICCD", "Liteon", "CCID"]

    // MARK: - Splitting helpers

    private static func trimmed(_ text: Substring) -> Substring {
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\0" || $0.isNewline }
        guard let first = text.firstIndex(where: { !isPadding($0) }),
            let last = text.lastIndex(where: { !isPadding($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }

    /// A trailing " HH" token of exactly two hex digits, and what precedes it.
    private static func trailingHexPair(_ text: Substring) -> (Substring, UInt8)? {
        guard let space = text.lastIndex(of: " ") else { return nil }
        let token = Array(text[text.index(after: space)...].utf8)
        guard token.count == 2, let high = Hex.nibble(token[0]), let low = Hex.nibble(token[1]) else { return nil }
        return (text[..<space], high << 4 | low)
    }

    /// A trailing " <open>…<close>" group with non-empty content and no nested brackets, and the
    /// trimmed text before it (which must not be empty: a name is not only a serial).
    private static func trailingGroup(_ text: Substring, open: Character, close: Character) -> (Substring, Substring)? {
        guard text.last == close, let start = text.lastIndex(of: open), start > text.startIndex,
            text[text.index(before: start)] == " "
        else { return nil }
        let inside = text[text.index(after: start)..<text.index(before: text.endIndex)]
        let before = trimmed(text[..<start])
        guard !inside.isEmpty, !inside.contains(close), !before.isEmpty else { return nil }
        return (before, inside)
    }

    private static func hasWordPrefix(_ text: Substring, _ prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let end = text.index(text.startIndex, offsetBy: prefix.count)
        return end == text.endIndex || text[end] == " "
    }
}
