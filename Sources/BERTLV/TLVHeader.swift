// MARK: - Header

/// The tag and length of one object, without its value.
///
/// The card read path reads only the first 4 or 7 bytes of an EF to learn how big the
/// certificate is (`30 82 06 1F` is 4 + 0x061F bytes) before reading the rest in chunks;
/// ``TLV/header(ofPrefix:mode:)`` returns this for that.
public struct TLVHeader: Hashable, Sendable {
    /// The object's tag.
    public let tag: TLVTag
    /// Bytes taken by the tag and length fields.
    public let headerLength: Int
    /// Bytes of value the length field declares.
    public let valueLength: Int

    /// Creates a header from its parts.
    @inlinable
    public init(tag: TLVTag, headerLength: Int, valueLength: Int) {
        self.tag = tag
        self.headerLength = headerLength
        self.valueLength = valueLength
    }

    /// The size of the whole encoded object: header plus value.
    @inlinable
    public var totalLength: Int { headerLength &+ valueLength }
}

// MARK: - Header parsing (the one place that reads tag and length bytes)

/// Where a parsed header ends and what it declared.
@usableFromInline
struct ParsedHeader {
    @usableFromInline var tag: UInt32
    /// Whether the first tag byte has the constructed bit (`0x20`).
    @usableFromInline var constructed: Bool
    /// Absolute index just past the length field.
    @usableFromInline var valueStart: Int
    @usableFromInline var valueLength: Int

    @inlinable @inline(__always)
    init(tag: UInt32, constructed: Bool, valueStart: Int, valueLength: Int) {
        self.tag = tag
        self.constructed = constructed
        self.valueStart = valueStart
        self.valueLength = valueLength
    }
}

extension TLV {
    /// Reads the tag and length starting at `start` in `input[..<end]`, checking that both fit
    /// before `end` but not that the value does (callers differ on that: the reader needs the
    /// value, the 4-byte header probe does not).
    ///
    /// The caller has checked `start < end`, and `end` is within the input the pointer was taken
    /// from; every read below is at an index under `end`, so it stays inside that input. Indices
    /// are absolute offsets, so errors carry them as they are; `limitIsInputEnd` only changes
    /// their wording. No arithmetic here can overflow: every index stays at or below `end`.
    @inlinable @inline(__always)
    static func parseHeader(
        _ input: UnsafePointer<UInt8>, at start: Int, end: Int, strict: Bool, limitIsInputEnd: Bool
    ) throws(TLVError) -> ParsedHeader {
        let first = input[start]
        var index = start &+ 1
        var tag = UInt32(first)
        if first & 0x1F == 0x1F {
            try parseLongTag(
                input, &index, &tag, end: end, strict: strict, start: start, limitIsInputEnd: limitIsInputEnd)
        }

        guard index < end else {
            try TLV.reject(.truncatedLength, offset: index, limit: end, limitIsInputEnd: limitIsInputEnd)
        }
        let lengthByte = input[index]
        index &+= 1
        if lengthByte < 0x80 {
            return ParsedHeader(
                tag: tag, constructed: first & 0x20 != 0, valueStart: index, valueLength: Int(lengthByte))
        }
        let length = try parseLongLength(
            input, &index, lengthByte, end: end, strict: strict, limitIsInputEnd: limitIsInputEnd)
        return ParsedHeader(tag: tag, constructed: first & 0x20 != 0, valueStart: index, valueLength: length)
    }

    /// The high-tag-number form (`1F` in the first byte's low bits), kept out of line: the
    /// common universal tags never need it.
    @inlinable
    static func parseLongTag(
        _ input: UnsafePointer<UInt8>, _ index: inout Int, _ tag: inout UInt32, end: Int, strict: Bool, start: Int,
        limitIsInputEnd: Bool
    ) throws(TLVError) {
        var subsequent = 0
        while true {
            guard index < end else {
                try TLV.reject(.truncatedTag, offset: start, limit: end, limitIsInputEnd: limitIsInputEnd)
            }
            let byte = input[index]
            index &+= 1
            subsequent &+= 1
            // X.690 8.1.2.4.2: no leading zero bits in the number; numbers below 31 use one byte.
            if strict && subsequent == 1 && (byte == 0x80 || byte < 0x1F) {
                try TLV.reject(.nonMinimalTag, offset: start, limit: end, limitIsInputEnd: limitIsInputEnd)
            }
            tag = tag << 8 | UInt32(byte)
            if byte & 0x80 == 0 { return }
            if subsequent == 3 {
                try TLV.reject(.tagTooLong, offset: start, limit: end, limitIsInputEnd: limitIsInputEnd)
            }
        }
    }

    /// The long length forms `81`...`84` (the length byte was at `index - 1`); `80` (indefinite)
    /// and `85`... are rejected.
    @inlinable
    static func parseLongLength(
        _ input: UnsafePointer<UInt8>, _ index: inout Int, _ lengthByte: UInt8, end: Int, strict: Bool,
        limitIsInputEnd: Bool
    ) throws(TLVError) -> Int {
        let lengthStart = index &- 1
        let lengthBytes = Int(lengthByte & 0x7F)
        if lengthBytes == 0 {
            try TLV.reject(.indefiniteLength, offset: lengthStart, limit: end, limitIsInputEnd: limitIsInputEnd)
        }
        if lengthBytes > 4 {
            try TLV.reject(
                .lengthTooLong, offset: lengthStart, value: lengthBytes, limit: end, limitIsInputEnd: limitIsInputEnd)
        }
        guard lengthBytes <= end &- index else {
            try TLV.reject(.truncatedLength, offset: lengthStart, limit: end, limitIsInputEnd: limitIsInputEnd)
        }
        var length: UInt32 = 0
        for offset in 0..<lengthBytes {
            length = length << 8 | UInt32(input[index &+ offset])
        }
        // X.690 10.1: the fewest length bytes, and the short form below 128.
        if strict && (length < 0x80 || input[index] == 0) {
            try TLV.reject(
                .nonMinimalLength, offset: lengthStart, value: Int(length), limit: end,
                limitIsInputEnd: limitIsInputEnd)
        }
        index &+= lengthBytes
        // A 64-bit Int holds every UInt32; the check only matters on 32-bit platforms.
        guard let result = Int(exactly: length) else {
            try TLV.reject(
                .lengthTooLong, offset: lengthStart, value: lengthBytes, limit: end, limitIsInputEnd: limitIsInputEnd)
        }
        return result
    }

    /// The first byte of `bytes`, for readers that keep a pointer rather than the span (so the hot
    /// loop carries one register for the input instead of two). Empty spans may have no storage
    /// at all; they get a placeholder that is never read, since every read is below a zero end.
    @inlinable @inline(__always)
    static func startAddress(of bytes: Span<UInt8>) -> UnsafePointer<UInt8> {
        bytes.withUnsafeBufferPointer { $0.baseAddress } ?? UnsafePointer(bitPattern: 1)!
    }
}
