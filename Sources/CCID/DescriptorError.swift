// MARK: - Error

/// Why descriptor bytes were rejected, and where.
///
/// One error type for every descriptor this module reads (typed throws keep it allocation-free
/// and let callers switch on `code`). `offset` counts from the first byte the caller handed in,
/// even for a CCID class descriptor found deep inside a configuration, so a message can be matched
/// against a hex dump. Tests compare `code` and `offset`; `description` is for people.
public struct DescriptorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Code: Hashable, Sendable, CaseIterable {
        /// The input ends inside a descriptor or one of its fields.
        case truncated
        /// `bLength` is not what the descriptor type requires (54 for the CCID class descriptor,
        /// 18 for a device descriptor, at least 9 for interfaces and configurations, at least 2 for
        /// any descriptor).
        case badLength
        /// `bDescriptorType` is not the type asked for (or, for the CCID class descriptor, neither
        /// 0x21 nor the proprietary 0xFF some vendor-class readers use).
        case unexpectedType
        /// Bytes follow a descriptor that must stand alone.
        case trailingBytes
        /// A configuration's `wTotalLength` differs from the bytes its descriptors take.
        case totalLengthMismatch
        /// A string descriptor whose UTF-16 text has an odd number of bytes.
        case oddStringLength
    }

    /// What kind of problem was found.
    public let code: Code
    /// Offset of the byte where the problem is: the first byte of the field or descriptor concerned.
    public let offset: Int
    /// The field concerned, by its name in the USB or CCID specification (`dwMaxCCIDMessageLength`).
    public let field: String
    /// The number the check was about: the `bLength` or `bDescriptorType` found, the declared
    /// `wTotalLength`; 0 otherwise.
    public let value: Int
    /// How many bytes the input had.
    public let limit: Int

    /// Creates an error; parsers use the small factories below so every site reads alike.
    public init(_ code: Code, offset: Int, field: String, value: Int = 0, limit: Int) {
        self.code = code
        self.offset = offset
        self.field = field
        self.value = value
        self.limit = limit
    }

    static func truncated(_ field: String, at offset: Int, limit: Int) -> Self {
        Self(.truncated, offset: offset, field: field, limit: limit)
    }

    static func badLength(_ field: String, at offset: Int, found: Int, limit: Int) -> Self {
        Self(.badLength, offset: offset, field: field, value: found, limit: limit)
    }

    static func unexpectedType(_ field: String, at offset: Int, found: Int, limit: Int) -> Self {
        Self(.unexpectedType, offset: offset, field: field, value: found, limit: limit)
    }

    /// A sentence a user can act on, starting with the offset:
    /// `offset 44: dwMaxCCIDMessageLength runs past the end of the input (46 bytes)`.
    public var description: String {
        let problem: String
        switch code {
        case .truncated: problem = "\(field) runs past the end of the input (\(limit) bytes)"
        case .badLength: problem = "\(field) has bLength \(value), which its descriptor type does not allow"
        case .unexpectedType: problem = "\(field) has bDescriptorType \(hex(value)), not the type expected here"
        case .trailingBytes: problem = "\(limit - offset) unexpected bytes follow the \(field)"
        case .totalLengthMismatch:
            problem = "\(field) declares \(value) bytes but the descriptors take \(limit)"
        case .oddStringLength: problem = "\(field) holds an odd number of UTF-16 bytes"
        }
        return "offset \(offset): \(problem)"
    }
}

/// `0x21`: types and lengths read best in hex, as dumps print them.
func hex(_ value: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 2 - digits.count)) + digits
}
