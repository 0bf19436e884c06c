/// A stable key for a reader model, so measurements from different units, ports and days group
/// together.
///
/// The choice, in order:
/// 1. USB vendor and product id known (from FEATURE_GET_TLV_PROPERTIES):
///    `usb:054c:0dc9 fw=1.00`, lower-case hex ids, then the firmware when known (the IFD version
///    release, else sFirmwareID; see ``ReaderIdentity/firmware``), then the USB interface from the
///    name in brackets when the name has one (`usb:072f:221a fw=2.03 [ACR1251 Dual Reader PICC]`).
///    Firmware is part of the key because a firmware update can change timing; the interface is,
///    because one USB device can expose several readers (contactless and SAM interfaces) whose
///    timings must not be mixed.
/// 2. Otherwise the reader name without reader index, slot and serial (``ReaderName/modelName``):
///    `name:Virtual PCD`. The index depends on plug order and the serial on the unit, so neither
///    may split a model.
///
/// The slot is not part of either form; a multi-slot reader's slots share a key, and callers
/// that need them apart key on (model, ``ReaderName/slot``).
public struct ModelKey: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The string form, which is also the key's whole identity.
    public let description: String

    /// Where a key came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Built from USB vendor and product id.
        case usb
        /// Built from the reader name.
        case name
    }

    /// Accepts a key's string form back (from a results file); nil unless it starts with `usb:`
    /// or `name:` and has something after the prefix.
    ///
    /// The prefix is compared as UTF-8, not as characters: a model name that starts with a
    /// combining mark joins the `:` into one character, and the key must still read back.
    public init?(_ description: String) {
        let utf8 = description.utf8
        guard
            (utf8.starts(with: "usb:".utf8) && utf8.count > 4) || (utf8.starts(with: "name:".utf8) && utf8.count > 5)
        else { return nil }
        self.description = description
    }

    /// The key for a USB model (rule 1).
    public static func usb(vendorID: UInt16, productID: UInt16, firmware: String? = nil, interface: String? = nil)
        -> ModelKey
    {
        var text = "usb:" + hex16(vendorID) + ":" + hex16(productID)
        if let firmware, !firmware.isEmpty { text += " fw=" + firmware }
        if let interface, !interface.isEmpty { text += " [" + interface + "]" }
        return ModelKey(unchecked: text)
    }

    /// The key for a model known only by name (rule 2); pass ``ReaderName/modelName``. An empty
    /// name (a reader PC/SC lists as "") becomes `name:unnamed`: `name:` alone would not read back.
    public static func name(_ modelName: String) -> ModelKey {
        ModelKey(unchecked: "name:" + (modelName.isEmpty ? "unnamed" : modelName))
    }

    /// The key for a reader, by the rules in the type's documentation.
    public init(identity: ReaderIdentity) {
        if let vendorID = identity.usbVendorID, let productID = identity.usbProductID {
            self = .usb(
                vendorID: vendorID, productID: productID, firmware: identity.firmware,
                interface: identity.nameParts.interface)
        } else {
            let modelName = identity.nameParts.modelName
            self = .name(modelName.isEmpty ? identity.name : modelName)
        }
    }

    /// Which rule produced the key.
    public var source: Source { description.utf8.starts(with: "usb:".utf8) ? .usb : .name }

    private init(unchecked description: String) { self.description = description }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

// MARK: - Codable

extension ModelKey: Codable {
    /// Encodes as the bare string form, so results files read naturally and sort by model.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = ModelKey(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a model key: \(text)")
        }
        self = key
    }
}

/// Four lower-case hex digits.
private func hex16(_ value: UInt16) -> String {
    let digits = Array("0123456789abcdef")
    return String((0..<4).reversed().map { digits[Int((value >> (4 * UInt16($0))) & 0xF)] })
}
