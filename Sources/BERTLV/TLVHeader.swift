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
    /// Index just past the length field, relative to the span parsed.
    @usableFromInline var valueStart: Int
    @usableFromInline var valueLength: Int

    @inlinable @inline(__always)
    init(tag: UInt32, valueStart: Int, valueLength: Int) {
        self.tag = tag
        self.valueStart = valueStart
        self.valueLength = valueLength
    }
}

extension TLV {
    /// Reads the tag and length starting at `start` in `bytes`, checking that both fit in
    /// `bytes` but not that the value does (callers differ on that: the reader needs the value,
    /// the 4-byte header probe does not).
    ///
    /// `base` turns indices into absolute offsets for errors; `limitIsInputEnd` only changes
    /// their wording. All index arithmetic stays below `bytes.count`, so it cannot overflow.
    @inlinable @inline(__always)
    static func parseHeader(
        _ bytes: Span<UInt8>, at start: Int, strict: Bool, base: Int, limitIsInputEnd: Bool
    ) throws(TLVError) -> ParsedHeader {
        let count = bytes.count
        var index = start
        guard index < count else {
            throw TLVError(.truncatedTag, offset: base &+ start, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
        }
        let first = bytes[unchecked: index]
        index &+= 1
        var tag = UInt32(first)
        if first & 0x1F == 0x1F {
            try parseLongTag(
                bytes, &index, &tag, strict: strict, start: start, base: base, limitIsInputEnd: limitIsInputEnd)
        }

        guard index < count else {
            throw TLVError(
                .truncatedLength, offset: base &+ index, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
        }
        let lengthStart = index
        let lengthByte = bytes[unchecked: index]
        index &+= 1
        if lengthByte < 0x80 {
            return ParsedHeader(tag: tag, valueStart: index, valueLength: Int(lengthByte))
        }
        let length = try parseLongLength(
            bytes, &index, lengthByte, strict: strict, lengthStart: lengthStart, base: base,
            limitIsInputEnd: limitIsInputEnd)
        return ParsedHeader(tag: tag, valueStart: index, valueLength: length)
    }

    /// The high-tag-number form (`1F` in the first byte's low bits), kept out of line: the
    /// common universal tags never need it.
    @inlinable
    static func parseLongTag(
        _ bytes: Span<UInt8>, _ index: inout Int, _ tag: inout UInt32, strict: Bool, start: Int, base: Int,
        limitIsInputEnd: Bool
    ) throws(TLVError) {
        let count = bytes.count
        var subsequent = 0
        while true {
            guard index < count else {
                throw TLVError(
                    .truncatedTag, offset: base &+ start, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
            }
            let byte = bytes[unchecked: index]
            index &+= 1
            subsequent &+= 1
            // X.690 8.1.2.4.2: no leading zero bits in the number; numbers below 31 use one byte.
            if strict && subsequent == 1 && (byte == 0x80 || byte < 0x1F) {
                throw TLVError(
                    .nonMinimalTag, offset: base &+ start, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
            }
            tag = tag << 8 | UInt32(byte)
            if byte & 0x80 == 0 { return }
            if subsequent == 3 {
                throw TLVError(
                    .tagTooLong, offset: base &+ start, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
            }
        }
    }

    /// The long length forms `81`...`84`; `80` (indefinite) and `85`... are rejected.
    @inlinable
    static func parseLongLength(
        _ bytes: Span<UInt8>, _ index: inout Int, _ lengthByte: UInt8, strict: Bool, lengthStart: Int, base: Int,
        limitIsInputEnd: Bool
    ) throws(TLVError) -> Int {
        let count = bytes.count
        let lengthBytes = Int(lengthByte & 0x7F)
        if lengthBytes == 0 {
            throw TLVError(
                .indefiniteLength, offset: base &+ lengthStart, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
        }
        if lengthBytes > 4 {
            throw TLVError(
                .lengthTooLong, offset: base &+ lengthStart, value: lengthBytes, limit: base &+ count,
                limitIsInputEnd: limitIsInputEnd)
        }
        guard lengthBytes <= count &- index else {
            throw TLVError(
                .truncatedLength, offset: base &+ lengthStart, limit: base &+ count, limitIsInputEnd: limitIsInputEnd)
        }
        var length: UInt32 = 0
        for offset in 0..<lengthBytes {
            length = length << 8 | UInt32(bytes[unchecked: index &+ offset])
        }
        // X.690 10.1: the fewest length bytes, and the short form below 128.
        if strict && (length < 0x80 || bytes[unchecked: index] == 0) {
            throw TLVError(
                .nonMinimalLength, offset: base &+ lengthStart, value: Int(length), limit: base &+ count,
                limitIsInputEnd: limitIsInputEnd)
        }
        index &+= lengthBytes
        guard let result = Int(exactly: length) else {
            throw TLVError(
                .lengthTooLong, offset: base &+ lengthStart, value: lengthBytes, limit: base &+ count,
                limitIsInputEnd: limitIsInputEnd)
        }
        return result
    }
}
