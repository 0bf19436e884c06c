/// Hexadecimal text for bytes, as the CLI, trace files and logs write it.
///
/// Parsing accepts what people paste: upper or lower case, and whitespace (spaces, tabs,
/// newlines) or colons between bytes, so `00 A4 04 0C`, `00a4040c` and `00:A4:04:0C` are all
/// the same four bytes. A byte's two digits must stand together.
public enum Hex {
    /// How formatted hex separates bytes.
    public enum Style: Sendable {
        /// `00A4040C`: trace files and compact logs.
        case compact
        /// `00 A4 04 0C`: what people read.
        case spaced
    }

    /// Decodes hex text into bytes; see the type's documentation for what is accepted.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        try decode(utf8: text.utf8) { bytes.append($0) }
        return bytes
    }

    /// Decodes hex held as UTF-8 bytes (a line of a file), handing each byte to `emit`.
    ///
    /// This is the allocation-free core: the trace loader feeds it slices of a file it has mapped
    /// and appends into its own arena.
    @inlinable
    public static func decode<C: Collection<UInt8>>(
        utf8: C, _ emit: (UInt8) throws(HexError) -> Void
    ) throws(HexError) {
        var high: UInt8? = nil
        var highOffset = 0
        var offset = 0
        for character in utf8 {
            defer { offset += 1 }
            if let value = nibble(character) {
                if let h = high {
                    try emit(h << 4 | value)
                    high = nil
                } else {
                    high = value
                    highOffset = offset
                }
            } else if character == 0x20 || character == 0x09 || character == 0x0A || character == 0x0D
                || character == 0x3A
            {
                if high != nil { throw .splitByte(offset: highOffset) }
            } else {
                throw .invalidCharacter(offset: offset, character: character)
            }
        }
        if high != nil { throw .oddDigitCount(offset: highOffset) }
    }

    /// The value of one hex digit, or nil.
    @inlinable @inline(__always)
    public static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c &- 0x30
        case 0x41...0x46: return c &- 0x37
        case 0x61...0x66: return c &- 0x57
        default: return nil
        }
    }

    /// Formats bytes as upper-case hex.
    public static func encode(_ bytes: Span<UInt8>, style: Style = .compact) -> String {
        let count = bytes.count
        if count == 0 { return "" }
        let length = style == .spaced ? count * 3 - 1 : count * 2
        return String(unsafeUninitializedCapacity: length) { buffer in
            var i = 0
            for index in bytes.indices {
                if style == .spaced && index > 0 {
                    buffer[i] = 0x20
                    i += 1
                }
                let byte = bytes[index]
                buffer[i] = digitTable(byte >> 4)
                buffer[i + 1] = digitTable(byte & 0x0F)
                i += 2
            }
            return i
        }
    }

    /// Formats bytes as upper-case hex.
    public static func encode(_ bytes: some Sequence<UInt8>, style: Style = .compact) -> String {
        let array = Array(bytes)
        return encode(array.span, style: style)
    }

    /// The two upper-case ASCII hex digits of `byte`, for callers that format into their own
    /// buffers without building strings.
    @inlinable @inline(__always)
    public static func digits(of byte: UInt8) -> (UInt8, UInt8) {
        (digitTable(byte >> 4), digitTable(byte & 0x0F))
    }

    @usableFromInline @inline(__always)
    static func digitTable(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 &+ value : 0x37 &+ value
    }

}

/// Why hex text could not be decoded. Offsets count UTF-8 bytes from the start of the text.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character that is neither a hex digit nor an allowed separator.
    case invalidCharacter(offset: Int, character: UInt8)
    /// The text ends in the middle of a byte.
    case oddDigitCount(offset: Int)
    /// A separator stands between the two digits of one byte.
    case splitByte(offset: Int)

    public var description: String {
        switch self {
        case .invalidCharacter(let offset, let character):
            let shown =
                (0x21...0x7E).contains(character)
                ? "'\(Character(Unicode.Scalar(character)))'" : "byte 0x\(Hex.encode([character]))"
            return "invalid hex character \(shown) at offset \(offset)"
        case .oddDigitCount(let offset):
            return "odd number of hex digits: the digit at offset \(offset) has no partner"
        case .splitByte(let offset):
            return "a separator splits the byte starting at offset \(offset)"
        }
    }
}
