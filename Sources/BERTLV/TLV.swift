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
    @discardableResult
    public static func walk(
        _ bytes: Span<UInt8>, mode: TLVMode = .der, maxDepth: Int = defaultMaxDepth, leafTags: [TLVTag] = [],
        _ visit: (_ depth: Int, _ node: TLVNodeInfo) -> Void
    ) throws(TLVError) -> TLVSummary {
        var reader = TLVReader(bytes, mode: mode, maxDepth: maxDepth)
        var nodeCount = 0
        var deepest = 0
        guard let root = try reader.next() else {
            // Empty input, or (BER) nothing but padding: there is no object.
            throw TLVError(.truncatedTag, offset: 0, limit: bytes.count)
        }
        visit(0, root.info)
        nodeCount = 1
        if root.isConstructed && (leafTags.isEmpty || !leafTags.contains(root.tag)) {
            var children = root.children
            try walkLevel(&children, leafTags, &nodeCount, &deepest, visit)
        }
        let objectEnd = root.endOffset
        if !reader.isAtEnd && (mode == .der || !reader.isPaddingToEnd(from: reader.position)) {
            throw TLVError(.trailingBytes, offset: reader.offset, limit: bytes.count)
        }
        return TLVSummary(nodeCount: nodeCount, deepestLevel: deepest, objectEnd: objectEnd)
    }

    /// One level of ``walk(_:mode:maxDepth:leafTags:_:)``; recursion depth is bounded by the reader's
    /// depth limit.
    static func walkLevel(
        _ reader: inout TLVReader, _ leafTags: [TLVTag], _ nodeCount: inout Int, _ deepest: inout Int,
        _ visit: (_ depth: Int, _ node: TLVNodeInfo) -> Void
    ) throws(TLVError) {
        while let node = try reader.next() {
            visit(node.depth, node.info)
            nodeCount &+= 1
            if node.depth > deepest { deepest = node.depth }
            if node.isConstructed && (leafTags.isEmpty || !leafTags.contains(node.tag)) {
                var children = node.children
                try walkLevel(&children, leafTags, &nodeCount, &deepest, visit)
            }
        }
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
        let parsed = try parseHeader(prefix, at: 0, strict: mode == .der, base: 0, limitIsInputEnd: true)
        return TLVHeader(
            tag: TLVTag(rawValue: parsed.tag), headerLength: parsed.valueStart, valueLength: parsed.valueLength)
    }
}
