/// BER-TLV and DER reading for what the My Number Card returns: X.509 certificates (DER) and the
/// JPKI text-AP records (`FF20 { DF21 ... DF25 }`, `FF10`, read as lenient BER).
///
/// Everything here borrows the caller's bytes (`Span<UInt8>`), allocates nothing and never traps:
/// every malformed input ends in a ``TLVError`` naming the offset.
public enum TLV {
    /// The default nesting limit: a certificate needs about six levels; this leaves room for
    /// nested extensions while bounding recursion on hostile input.
    public static let defaultMaxDepth = 32
}

// MARK: - Summary

/// What a whole-input check found.
public struct TLVSummary: Hashable, Sendable {
    /// How many objects there are, at every depth.
    public let nodeCount: Int
    /// The deepest level seen (0 when there is only a primitive top-level object).
    public let deepestLevel: Int
    /// Absolute offset just past the top-level object; in BER mode, trailing padding starts here.
    public let objectEnd: Int

    /// Creates a summary from its parts.
    public init(nodeCount: Int, deepestLevel: Int, objectEnd: Int) {
        self.nodeCount = nodeCount
        self.deepestLevel = deepestLevel
        self.objectEnd = objectEnd
    }
}

// MARK: - Whole-input checks

extension TLV {
    /// Checks that `bytes` is exactly one well-formed object, descending into every constructed
    /// value.
    ///
    /// In DER mode any byte after the object is ``TLVError/Code/trailingBytes``. In BER mode a
    /// tail of `00`/`FF` padding is allowed (JPKI EFs are padded with `FF`); anything else after
    /// the object is still ``TLVError/Code/trailingBytes``. An empty input is
    /// ``TLVError/Code/truncatedTag`` at offset 0.
    ///
    /// `leafTags` names constructed tags whose values are not TLV. The JPKI my-number record
    /// `FF10` is one: `FF` sets the constructed bit, but the value is 12 ASCII digits, so
    /// descending into it fails (at offset 3, as ``TLVError/Code/valueBeyondEnd``). Pass
    /// `leafTags: [0xFF10]` to check such a record.
    @discardableResult
    public static func validate(
        _ bytes: Span<UInt8>, mode: TLVMode = .der, maxDepth: Int = defaultMaxDepth, leafTags: [TLVTag] = []
    ) throws(TLVError) -> TLVSummary {
        try walk(bytes, mode: mode, maxDepth: maxDepth, leafTags: leafTags) { _, _ in }
    }

    /// Visits every object of the single object in `bytes` in document order (parent before
    /// children), with its depth and an escapable summary, checking as
    /// ``validate(_:mode:maxDepth:leafTags:)`` does (`leafTags` are visited but not entered).
    ///
    /// Objects before an error have already been visited when it is thrown, so a printer can show
    /// the tree up to the problem and then the error.
    ///
    /// The walk is a loop, not a recursion: it keeps the end of every open constructed value on a
    /// small stack (at most `maxDepth` entries, and never more than half the input's length, so
    /// the default limit keeps it on the machine stack), which costs less per level than a call.
    /// It is inlined with `visit` at the call site.
    @inlinable
    @discardableResult
    public static func walk(
        _ bytes: Span<UInt8>, mode: TLVMode = .der, maxDepth: Int = defaultMaxDepth, leafTags: [TLVTag] = [],
        _ visit: (_ depth: Int, _ node: TLVNodeInfo) -> Void
    ) throws(TLVError) -> TLVSummary {
        let count = bytes.count
        var reader = TLVReader(bytes, mode: mode, maxDepth: maxDepth)
        guard let root = try reader.next() else {
            // Empty input, or (BER) nothing but padding: there is no object.
            try TLV.reject(.truncatedTag, offset: 0, limit: count)
        }
        visit(0, root.info)
        var nodes = 1
        var deepest = 0
        let objectEnd = root.endOffset
        if root.isConstructed && root.valueLength > 0 && (leafTags.isEmpty || !leafTags.contains(root.tag)) {
            // Two copies of the loop, each with its mode fixed, so neither tests the mode per object.
            if mode == .der {
                try walkValues(
                    root.input, from: root.valueOffset, to: objectEnd, level: root.level.child, strict: true,
                    leafTags: leafTags, &nodes, &deepest, visit)
            } else {
                try walkValues(
                    root.input, from: root.valueOffset, to: objectEnd, level: root.level.child, strict: false,
                    leafTags: leafTags, &nodes, &deepest, visit)
            }
        }
        if !reader.isAtEnd && (mode == .der || !reader.isPaddingToEnd(from: reader.position)) {
            try TLV.reject(.trailingBytes, offset: reader.offset, limit: count)
        }
        return TLVSummary(nodeCount: nodes, deepestLevel: deepest, objectEnd: objectEnd)
    }

    /// Every object inside `input[start..<end]`, the non-empty value of the top-level object
    /// (`first` is depth 1), in document order: the body of ``walk(_:mode:maxDepth:leafTags:_:)``.
    ///
    /// The stack holds, for every open constructed value, the end of the level it is in; a level
    /// ends where its enclosing value does (or, in BER, where only padding is left). In DER every
    /// non-empty value holds at least one object or an error, so the depth limit and the deepest
    /// level are settled once per value, when it is entered, instead of once per object.
    @inlinable @inline(__always)
    static func walkValues(
        _ input: UnsafePointer<UInt8>, from start: Int, to end: Int, level first: TLVLevel, strict: Bool,
        leafTags: [TLVTag], _ nodes: inout Int, _ deepest: inout Int,
        _ visit: (_ depth: Int, _ node: TLVNodeInfo) -> Void
    ) throws(TLVError) {
        if strict {
            if first.isTooDeep {
                throw TLVError(
                    .depthExceeded, offset: start, value: first.maxDepth, limit: end, limitIsInputEnd: false)
            }
            if first.depth > deepest { deepest = first.depth }
        }
        // Values that can be open at once: one per level left, and at most one per two bytes. The
        // end of the level at depth d is kept at ends[d], so slot 0 (the root's level) is unused.
        let capacity = min(first.remaining, (end &- start) >> 1) &+ 2
        let enterAll = leafTags.isEmpty
        var visited = nodes
        var deepestSeen = deepest
        defer {
            nodes = visited
            deepest = deepestSeen
        }
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { (ends) throws(TLVError) in
            let stack = ends.baseAddress.unsafelyUnwrapped
            var position = start
            var end = end
            var level = first
            // Here `position < end` always holds: the walk starts in a non-empty value, enters only
            // non-empty values, and closes every level it has read to the end before going on.
            while true {
                var skipToEnd = false
                if !strict {
                    let byte = input[position]
                    skipToEnd = (byte == 0x00 || byte == 0xFF) && isPadding(input, from: position, to: end)
                }
                if !skipToEnd {
                    if !strict {
                        if level.isTooDeep {
                            throw TLVError(
                                .depthExceeded, offset: position, value: level.maxDepth, limit: end,
                                limitIsInputEnd: false)
                        }
                        if level.depth > deepestSeen { deepestSeen = level.depth }
                    }
                    let header = try parseHeader(
                        input, at: position, end: end, strict: strict, limitIsInputEnd: false)
                    let valueStart = header.valueStart
                    let valueLength = header.valueLength
                    guard valueLength <= end &- valueStart else {
                        throw TLVError(
                            .valueBeyondEnd, offset: position, value: valueLength, limit: end,
                            limitIsInputEnd: false)
                    }
                    visit(
                        level.depth,
                        TLVNodeInfo(
                            tag: TLVTag(rawValue: header.tag), offset: position,
                            headerLength: valueStart &- position, valueLength: valueLength))
                    visited &+= 1
                    let valueEnd = valueStart &+ valueLength
                    if header.constructed && valueLength > 0
                        && (enterAll || !leafTags.contains(TLVTag(rawValue: header.tag)))
                    {
                        let child = level.child
                        if strict {
                            if child.isTooDeep {
                                throw TLVError(
                                    .depthExceeded, offset: valueStart, value: child.maxDepth, limit: valueEnd,
                                    limitIsInputEnd: false)
                            }
                            if child.depth > deepestSeen { deepestSeen = child.depth }
                        }
                        stack[level.depth] = end
                        end = valueEnd
                        position = valueStart
                        level = child
                        continue
                    }
                    position = valueEnd
                } else {
                    position = end
                }
                // Close every level read to its end; the walk is over when the first one closes.
                while position >= end {
                    if level.raw == first.raw { return }
                    level = level.parent
                    end = stack[level.depth]
                }
            }
        }
    }

    /// Whether `input[start..<end]` is all `00`/`FF` padding.
    @inlinable
    static func isPadding(_ input: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let byte = input[index]
            if byte != 0x00 && byte != 0xFF { return false }
            index &+= 1
        }
        return true
    }
}

// MARK: - Lookups

extension TLV {
    /// Follows a tag path from the top level of `bytes`; see ``TLVReader/find(path:)``.
    ///
    /// `try TLV.find(path: [0xFF20, 0xDF22], in: record, mode: .ber)?.value` is the name in the
    /// JPKI basic-information record.
    @_lifetime(copy bytes)
    public static func find(
        path: [TLVTag], in bytes: Span<UInt8>, mode: TLVMode = .der, maxDepth: Int = defaultMaxDepth
    ) throws(TLVError) -> TLVNode? {
        var reader = TLVReader(bytes, mode: mode, maxDepth: maxDepth)
        return try reader.find(path: path.span)
    }

    /// Reads the tag and length at the start of `prefix`, the first few bytes of an object, to
    /// learn how large the object is before reading it.
    ///
    /// The card read path reads 4 bytes (`30 82 06 1F` → 4 + 0x061F = 1571) or 7 bytes (enough
    /// for a two-byte tag and an `84` length) of the certificate EF. The value itself need not be
    /// in `prefix`; bytes after the header are ignored.
    public static func header(ofPrefix prefix: Span<UInt8>, mode: TLVMode = .der) throws(TLVError) -> TLVHeader {
        guard !prefix.isEmpty else { try TLV.reject(.truncatedTag, offset: 0, limit: 0) }
        let parsed = try parseHeader(
            startAddress(of: prefix), at: 0, end: prefix.count, strict: mode == .der, limitIsInputEnd: true)
        return TLVHeader(
            tag: TLVTag(rawValue: parsed.tag), headerLength: parsed.valueStart, valueLength: parsed.valueLength)
    }
}
