// MARK: - Node

/// One object read by a ``TLVReader``: its header, where it is, and its value as a span.
///
/// A node borrows the input; it cannot outlive the bytes the reader was made over. For a copy
/// that can be stored or passed to a closure, take ``info``.
public struct TLVNode: ~Escapable {
    /// The object's tag, e.g. `30` or `DF22`.
    public let tag: TLVTag
    /// Header length (2 to 9 bytes), kept small so that it shares a word with `tag`.
    @usableFromInline let storedHeaderLength: UInt16
    /// The constructed bit of the tag's first byte, kept from parsing: deriving it from `tag`
    /// again costs a dozen instructions per node in a walk.
    @usableFromInline let constructed: Bool
    /// Absolute offset of the object's first (tag) byte.
    public let offset: Int
    /// Bytes of value; the value lies inside the input (the reader checked it).
    @usableFromInline let storedValueLength: Int
    /// The first byte of the input (see ``TLVReader``); `value` and `children` are made from it.
    @usableFromInline let input: UnsafePointer<UInt8>
    /// Depth, depth budget and mode, inherited by ``children``.
    @usableFromInline let level: TLVLevel

    /// A node the reader has checked: `input[offset ..< offset + headerLength + valueLength]` is
    /// inside the input. The reader ties its lifetime to the input's.
    @inlinable @inline(__always)
    @_lifetime(immortal)
    init(
        unchecked input: UnsafePointer<UInt8>, tag: TLVTag, constructed: Bool, offset: Int, headerLength: Int,
        valueLength: Int, level: TLVLevel
    ) {
        self.tag = tag
        self.storedHeaderLength = UInt16(truncatingIfNeeded: headerLength)
        self.constructed = constructed
        self.offset = offset
        self.storedValueLength = valueLength
        self.input = input
        self.level = level
    }

    /// The value bytes, borrowed from the input.
    @inlinable
    public var value: Span<UInt8> {
        @_lifetime(copy self)
        get {
            let span = unsafe Span(_unsafeStart: input + valueOffset, count: storedValueLength)
            return unsafe _overrideLifetime(span, copying: self)
        }
    }

    /// Bytes taken by the tag and length fields (2 to 9).
    @inlinable
    public var headerLength: Int { Int(storedHeaderLength) }

    /// Nesting depth: 0 for top-level objects, 1 for their children, and so on.
    @inlinable
    public var depth: Int { level.depth }

    /// The tag's class.
    @inlinable
    public var tagClass: TLVClass { tag.tagClass }

    /// Whether the value is a sequence of nested objects (the tag's constructed bit).
    @inlinable
    public var isConstructed: Bool { constructed }

    /// Bytes of value.
    @inlinable
    public var valueLength: Int { storedValueLength }

    /// Absolute offset of the first value byte.
    @inlinable
    public var valueOffset: Int { offset &+ headerLength }

    /// Absolute offset just past the object.
    @inlinable
    public var endOffset: Int { offset &+ headerLength &+ storedValueLength }

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
            let start = valueOffset
            let reader = TLVReader(
                unchecked: input, position: start, end: constructed ? start &+ storedValueLength : start,
                level: level.child)
            return unsafe _overrideLifetime(reader, copying: self)
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
        let skipped = min(max(prefix, 0), storedValueLength)
        let reader = TLVReader(
            unchecked: input, position: valueOffset &+ skipped, end: endOffset, level: level.child)
        return unsafe _overrideLifetime(reader, copying: self)
    }

    /// An escapable summary of this node, for printing and storing.
    @inlinable
    public var info: TLVNodeInfo {
        TLVNodeInfo(tag: tag, offset: offset, headerLength: headerLength, valueLength: storedValueLength)
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
