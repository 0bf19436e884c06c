// MARK: - Node

/// One object read by a ``TLVReader``: its header, where it is, and its value as a span.
///
/// A node borrows the input; it cannot outlive the bytes the reader was made over. For a copy
/// that can be stored or passed to a closure, take ``info``.
public struct TLVNode: ~Escapable {
    /// The object's tag, e.g. `30` or `DF22`.
    public let tag: TLVTag
    /// Header length, kept as 32 bits so that it shares a word with `tag` (at most 9 bytes).
    @usableFromInline let packedHeaderLength: UInt32
    /// Absolute offset of the object's first (tag) byte.
    public let offset: Int
    /// The value bytes, borrowed from the input.
    public let value: Span<UInt8>
    /// Depth, depth limit and mode, inherited by ``children``.
    @usableFromInline let level: TLVLevel

    @inlinable @inline(__always)
    @_lifetime(copy value)
    init(tag: TLVTag, offset: Int, headerLength: Int, value: Span<UInt8>, level: TLVLevel) {
        self.tag = tag
        self.packedHeaderLength = UInt32(truncatingIfNeeded: headerLength)
        self.offset = offset
        self.value = value
        self.level = level
    }

    /// Bytes taken by the tag and length fields (2 to 9).
    @inlinable
    public var headerLength: Int { Int(packedHeaderLength) }

    /// Nesting depth: 0 for top-level objects, 1 for their children, and so on.
    @inlinable
    public var depth: Int { level.depth }

    /// The tag's class.
    @inlinable
    public var tagClass: TLVClass { tag.tagClass }

    /// Whether the value is a sequence of nested objects (the tag's constructed bit).
    @inlinable
    public var isConstructed: Bool { tag.isConstructed }

    /// Bytes of value.
    @inlinable
    public var valueLength: Int { value.count }

    /// Absolute offset of the first value byte.
    @inlinable
    public var valueOffset: Int { offset &+ headerLength }

    /// Absolute offset just past the object.
    @inlinable
    public var endOffset: Int { offset &+ headerLength &+ value.count }

    /// Absolute offsets of the value, to slice the original input with.
    @inlinable
    public var valueRange: Range<Int> { valueOffset..<endOffset }

    /// A reader over the children of a constructed object; an empty reader for a primitive one.
    ///
    /// The children inherit the mode and depth limit, and report absolute offsets.
    @inlinable
    public var children: TLVReader {
        @_lifetime(copy self)
        get {
            TLVReader(
                isConstructed ? value : value.extracting(last: 0), base: valueOffset, level: level.child)
        }
    }

    /// Reads a primitive value as TLV, after skipping `prefix` bytes.
    ///
    /// Some primitive values carry a whole encoding: a certificate's public key is a DER
    /// `RSAPublicKey` inside a BIT STRING after one unused-bits byte (`droppingFirst: 1`), and an
    /// extension's value is DER inside an OCTET STRING. Offsets stay absolute; depth continues
    /// from this node. If `prefix` is larger than the value, the reader is empty.
    @inlinable
    @_lifetime(copy self)
    public func encapsulated(droppingFirst prefix: Int = 0) -> TLVReader {
        let skipped = min(max(prefix, 0), value.count)
        return TLVReader(
            value.extracting(droppingFirst: skipped), base: valueOffset &+ skipped, level: level.child)
    }

    /// An escapable summary of this node, for printing and storing.
    @inlinable
    public var info: TLVNodeInfo {
        TLVNodeInfo(tag: tag, offset: offset, headerLength: headerLength, valueLength: value.count)
    }
}

// MARK: - Node summary

/// Where an object is and what its header says, without borrowing the input.
///
/// ``TLV/walk(_:mode:maxDepth:leafTags:_:)`` hands these to its closure; the `readerbench tlv` tree
/// printer slices the input with ``valueRange`` for its previews.
public struct TLVNodeInfo: Hashable, Sendable {
    /// The object's tag.
    public let tag: TLVTag
    /// Absolute offset of the object's tag byte.
    public let offset: Int
    /// Bytes taken by the tag and length fields.
    public let headerLength: Int
    /// Bytes of value.
    public let valueLength: Int

    /// Creates a summary from its parts.
    @inlinable
    public init(tag: TLVTag, offset: Int, headerLength: Int, valueLength: Int) {
        self.tag = tag
        self.offset = offset
        self.headerLength = headerLength
        self.valueLength = valueLength
    }

    /// The tag's class.
    @inlinable
    public var tagClass: TLVClass { tag.tagClass }

    /// Whether the object holds nested objects.
    @inlinable
    public var isConstructed: Bool { tag.isConstructed }

    /// Absolute offsets of the value.
    @inlinable
    public var valueRange: Range<Int> { (offset + headerLength)..<(offset + headerLength + valueLength) }

    /// Absolute offsets of the whole object, header included.
    @inlinable
    public var range: Range<Int> { offset..<(offset + headerLength + valueLength) }
}
