// MARK: - Reader

/// Reads BER-TLV objects one after another from borrowed bytes, without copying them.
///
/// A reader covers one level: the top-level objects of an input, or the children of one
/// constructed object (``TLVNode/children``). Each ``next()`` returns a ``TLVNode`` whose `value`
/// is a span into the same memory, so walking a 1.5 KB certificate allocates nothing. Offsets in
/// nodes and errors are absolute (counted from the start of the input the first reader was made
/// over), whatever the depth.
///
/// The reader checks each header and that its value fits in the level; it does not look inside
/// values until asked to (``TLV/validate(_:mode:maxDepth:leafTags:)`` does that for a whole input).
public struct TLVReader: ~Escapable {
    /// The first byte of the input the first reader was made over; every reader and node made
    /// from it shares this base, so offsets are plain indices from it.
    @usableFromInline let input: UnsafePointer<UInt8>
    /// Absolute offset of the next object.
    @usableFromInline var position: Int
    /// Absolute offset just past this level (the input's end at the top level, the enclosing
    /// value's end below it). Never beyond the input, so reads below it are inside the input.
    @usableFromInline let end: Int
    /// Depth of the objects this reader yields, the depth still allowed (a reader at the limit
    /// throws on its first object) and whether DER checks are on.
    @usableFromInline let level: TLVLevel

    /// A reader over the top-level objects of `bytes`.
    ///
    /// - Parameters:
    ///   - mode: DER (default, for certificates) or lenient BER (for JPKI text-AP records).
    ///   - maxDepth: how many levels of nesting are allowed; the top level is one. A certificate
    ///     needs about six, the JPKI records two. The default, ``TLV/defaultMaxDepth``, leaves
    ///     room while bounding the recursion of ``TLV/validate(_:mode:maxDepth:leafTags:)``.
    @inlinable @inline(__always)
    @_lifetime(copy bytes)
    public init(_ bytes: Span<UInt8>, mode: TLVMode = .der, maxDepth: Int = TLV.defaultMaxDepth) {
        let reader = TLVReader(
            unchecked: TLV.startAddress(of: bytes), position: 0, end: bytes.count,
            level: TLVLevel(maxDepth: maxDepth, strict: mode == .der))
        self = unsafe _overrideLifetime(reader, copying: bytes)
    }

    /// A reader over `input[position..<end]`; callers tie its lifetime to the input's.
    @inlinable @inline(__always)
    @_lifetime(immortal)
    init(unchecked input: UnsafePointer<UInt8>, position: Int, end: Int, level: TLVLevel) {
        self.input = input
        self.position = position
        self.end = end
        self.level = level
    }

    /// The mode this reader (and the readers of its children) checks with.
    @inlinable
    public var mode: TLVMode { level.strict ? .der : .ber }

    /// Depth of the objects this reader yields: 0 at the top level.
    @inlinable
    public var depth: Int { level.depth }

    /// Absolute offset of the next object (or of the end, or of padding that ended the level).
    @inlinable
    public var offset: Int { position }

    /// Absolute offset just past the bytes of this level.
    @inlinable
    public var endOffset: Int { end }

    /// Whether every byte of this level has been read (padding skipped in BER mode counts).
    @inlinable
    public var isAtEnd: Bool { position >= end }

    /// The bytes not read yet at this level: after ``next()`` returned nil in BER mode, the padding.
    @inlinable
    public var remainingBytes: Span<UInt8> {
        @_lifetime(copy self)
        get {
            let start = min(position, end)
            let span = unsafe Span(_unsafeStart: input + start, count: end &- start)
            return unsafe _overrideLifetime(span, copying: self)
        }
    }

    /// The next object at this level, or nil at the end of the level.
    ///
    /// In BER mode, nil is also returned where the rest of the level is only `00`/`FF` padding;
    /// ``offset`` then names where the padding starts and ``remainingBytes`` holds it. After an
    /// error the reader stays where it was, so calling again throws again.
    @inlinable @inline(__always)
    @_lifetime(copy self)
    public mutating func next() throws(TLVError) -> TLVNode? {
        let start = position
        let end = self.end
        if start >= end { return nil }
        let level = self.level
        if !level.isPlainDER {
            if !level.strict {
                let first = input[start]
                if (first == 0x00 || first == 0xFF) && isPaddingToEnd(from: start) { return nil }
            }
            if level.isTooDeep {
                try TLV.reject(
                    .depthExceeded, offset: start, value: level.maxDepth, limit: end,
                    limitIsInputEnd: level.depth == 0)
            }
        }
        let header = try TLV.parseHeader(
            input, at: start, end: end, strict: level.strict, limitIsInputEnd: level.depth == 0)
        let valueStart = header.valueStart
        guard header.valueLength <= end &- valueStart else {
            try TLV.reject(
                .valueBeyondEnd, offset: start, value: header.valueLength, limit: end,
                limitIsInputEnd: level.depth == 0)
        }
        position = valueStart &+ header.valueLength
        let node = TLVNode(
            unchecked: input, tag: TLVTag(rawValue: header.tag), constructed: header.constructed, offset: start,
            headerLength: valueStart &- start, valueLength: header.valueLength, level: level)
        return unsafe _overrideLifetime(node, copying: self)
    }

    /// Whether `input[start..<end]` is all `00`/`FF`; only asked at a `00`/`FF` byte, so rarely.
    @inlinable
    func isPaddingToEnd(from start: Int) -> Bool {
        var index = start
        while index < end {
            let byte = input[index]
            if byte != 0x00 && byte != 0xFF { return false }
            index &+= 1
        }
        return true
    }

    // MARK: - Looking things up

    /// Skips objects at this level until one has `tag`, and returns it (nil if none has).
    @inlinable
    @_lifetime(copy self)
    public mutating func next(withTag tag: TLVTag) throws(TLVError) -> TLVNode? {
        while let node = try next() {
            if node.tag == tag { return node }
        }
        return nil
    }

    /// Follows a path of tags down from this level: the first object tagged `path[0]`, then the
    /// first of its children tagged `path[1]`, and so on. Returns nil if a step is missing, and
    /// nil for an empty path.
    ///
    /// `[0xFF20, 0xDF22]` finds the name in the JPKI basic-information record. Siblings that are
    /// skipped are only checked as far as their headers.
    @inlinable
    @_lifetime(copy self)
    public mutating func find(path: Span<TLVTag>) throws(TLVError) -> TLVNode? {
        guard !path.isEmpty, var node = try next(withTag: path[0]) else { return nil }
        var step = 1
        while step < path.count {
            var children = node.children
            guard let child = try children.next(withTag: path[step]) else { return nil }
            node = child
            step &+= 1
        }
        return node
    }
}
