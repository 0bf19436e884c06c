// MARK: - String descriptors

/// String descriptors (USB 2.0 §9.6.7): `bLength`, type 3, then UTF-16LE text, or for index 0 the
/// list of language ids.
public enum USBStringDescriptor {
    /// `bDescriptorType` of a string descriptor.
    public static let descriptorType: UInt8 = 0x03

    /// The text of a string descriptor. Invalid UTF-16 is replaced, not rejected: a reader's name
    /// is evidence for a person, and some firmware sends junk (one dump in the CCID driver's data
    /// has control characters in its interface name).
    public static func text(bytes: Span<UInt8>) throws(DescriptorError) -> String {
        let units = try codeUnits(bytes, field: "string descriptor")
        return String(decoding: units, as: UTF16.self)
    }

    /// The language ids of string descriptor 0 (0x0409 is English, United States).
    public static func languages(bytes: Span<UInt8>) throws(DescriptorError) -> [UInt16] {
        try codeUnits(bytes, field: "language id descriptor")
    }

    private static func codeUnits(_ bytes: Span<UInt8>, field: String) throws(DescriptorError) -> [UInt16] {
        let count = bytes.count
        guard count >= 1 else { throw .truncated("\(field) bLength", at: 0, limit: count) }
        let length = Int(bytes[0])
        guard length >= 2 else { throw .badLength("\(field) bLength", at: 0, found: length, limit: count) }
        guard count >= 2 else { throw .truncated("\(field) bDescriptorType", at: 1, limit: count) }
        guard bytes[1] == descriptorType else {
            throw .unexpectedType("\(field) bDescriptorType", at: 1, found: Int(bytes[1]), limit: count)
        }
        guard length <= count else { throw .truncated("\(field) text", at: 2, limit: count) }
        guard length % 2 == 0 else {
            throw DescriptorError(.oddStringLength, offset: 0, field: field, value: length, limit: count)
        }
        guard length == count else {
            throw DescriptorError(.trailingBytes, offset: length, field: field, limit: count)
        }
        var units: [UInt16] = []
        units.reserveCapacity((length - 2) / 2)
        var offset = 2
        while offset < length {
            units.append(le16(bytes, offset))
            offset += 2
        }
        return units
    }
}
