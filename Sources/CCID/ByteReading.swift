// Little-endian fields, read from a span the caller has already bounds-checked. USB puts every
// multi-byte field in little-endian order (USB 2.0 §8.1), whatever the host.

@inline(__always)
func le16(_ bytes: Span<UInt8>, _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
}

@inline(__always)
func le32(_ bytes: Span<UInt8>, _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
        | UInt32(bytes[offset + 3]) << 24
}

/// A descriptor field: its name in the specification, where it starts and how wide it is. Parsers
/// check fields in order so a short input is rejected at the first field that does not fit, and
/// the error names it.
struct FieldLayout: Sendable {
    let name: String
    let offset: Int
    let size: Int
}

/// The first field of `layout` that does not fit in `count` bytes, if any.
func firstMissingField(_ layout: [FieldLayout], count: Int) -> FieldLayout? {
    layout.first { $0.offset + $0.size > count }
}
