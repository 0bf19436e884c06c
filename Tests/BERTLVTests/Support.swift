import BERTLV
import Foundation
import HexCoding
import Testing

// MARK: - Fixtures

/// Loads a file from `Fixtures/` (copied into the test bundle).
func fixtureBytes(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return [UInt8](try Data(contentsOf: url))
}

/// The synthetic self-signed RSA-2048 certificate (see Fixtures/README.md).
func certificateBytes() throws -> [UInt8] {
    try fixtureBytes("synthetic-rsa2048.der")
}

/// One line of `openssl asn1parse` output: an independent reading of the certificate to compare with.
struct OpenSSLNode: Equatable, CustomStringConvertible {
    var offset: Int
    var depth: Int
    var headerLength: Int
    var valueLength: Int
    var isConstructed: Bool

    var description: String {
        "\(offset):d=\(depth) hl=\(headerLength) l=\(valueLength) \(isConstructed ? "cons" : "prim")"
    }
}

/// Parses `Fixtures/synthetic-rsa2048.asn1parse.txt`, made by `openssl asn1parse` from the same DER.
func openSSLNodes() throws -> [OpenSSLNode] {
    let text = String(decoding: try fixtureBytes("synthetic-rsa2048.asn1parse.txt"), as: UTF8.self)
    let pattern = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(cons|prim):/
    var nodes: [OpenSSLNode] = []
    for line in text.split(separator: "\n") {
        let match = try #require(line.firstMatch(of: pattern), "unexpected asn1parse line: \(line)")
        nodes.append(
            OpenSSLNode(
                offset: Int(match.1)!, depth: Int(match.2)!, headerLength: Int(match.3)!,
                valueLength: Int(match.4)!, isConstructed: match.5 == "cons"))
    }
    return nodes
}

// MARK: - Building TLV bytes

/// Encodes a length in its minimal DER form.
func derLength(_ length: Int) -> [UInt8] {
    if length < 0x80 { return [UInt8(length)] }
    var bytes: [UInt8] = []
    var rest = length
    while rest > 0 {
        bytes.insert(UInt8(rest & 0xFF), at: 0)
        rest >>= 8
    }
    return [0x80 | UInt8(bytes.count)] + bytes
}

/// Encodes one object: tag bytes as written in the documents (`0xDF22`), a minimal length, the value.
func tlv(_ tag: UInt32, _ value: [UInt8]) -> [UInt8] {
    let tagBytes = TLVTag(rawValue: tag).byteCount
    let tagWire = (0..<tagBytes).reversed().map { UInt8(truncatingIfNeeded: tag >> UInt32($0 * 8)) }
    return tagWire + derLength(value.count) + value
}

/// Hex test vectors, written as the documents print them. A typo in a vector is recorded as a test
/// issue (and yields no bytes) rather than thrown, so vectors can be used inline in expressions.
func hex(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
    do {
        return try Hex.decode(text)
    } catch {
        Issue.record("bad hex vector \(text): \(error)", sourceLocation: sourceLocation)
        return []
    }
}

// MARK: - Checking

/// The error `validate` throws for `bytes`, or nil if they are valid.
func validationError(
    _ bytes: [UInt8], mode: TLVMode = .der, maxDepth: Int = TLV.defaultMaxDepth, leafTags: [TLVTag] = []
) -> TLVError? {
    do {
        try TLV.validate(bytes.span, mode: mode, maxDepth: maxDepth, leafTags: leafTags)
        return nil
    } catch {
        return error
    }
}

/// Every node `walk` visits, as (depth, summary), plus the result or the error.
func walkAll(
    _ bytes: [UInt8], mode: TLVMode = .der, maxDepth: Int = TLV.defaultMaxDepth
) -> (nodes: [(depth: Int, info: TLVNodeInfo)], result: Result<TLVSummary, TLVError>) {
    var nodes: [(depth: Int, info: TLVNodeInfo)] = []
    let result = Result { () throws(TLVError) -> TLVSummary in
        try TLV.walk(bytes.span, mode: mode, maxDepth: maxDepth) { depth, info in nodes.append((depth, info)) }
    }
    return (nodes, result)
}

/// Thrown by a test when an object it expects is missing; `#require` cannot hold a `TLVNode`
/// (it is `~Escapable`), so tests unwrap with `guard let ... else { throw MissingNode(...) }`.
struct MissingNode: Error, CustomStringConvertible {
    var description: String
    init(_ what: String) { description = "missing: \(what)" }
}

extension TLVReader {
    /// The next object's tag (nil at the end), for `#expect`, which cannot capture a node.
    mutating func nextTag() throws(TLVError) -> TLVTag? {
        try next()?.tag
    }
}

// MARK: - A second walk, on the reader

/// What ``walkAll(_:mode:maxDepth:)`` must return, computed another way: a recursive walk over
/// ``TLVReader`` (how `TLV.walk` was written before it became a loop over one stack of ends).
/// The two share only the header parser, so comparing them checks the loop's levels, limits,
/// padding and error offsets against the reader's.
func readerWalk(
    _ bytes: [UInt8], mode: TLVMode = .der, maxDepth: Int = TLV.defaultMaxDepth, leafTags: [TLVTag] = []
) -> (nodes: [(depth: Int, info: TLVNodeInfo)], result: Result<TLVSummary, TLVError>) {
    var nodes: [(depth: Int, info: TLVNodeInfo)] = []
    func level(_ reader: inout TLVReader) throws(TLVError) {
        while let node = try reader.next() {
            nodes.append((node.depth, node.info))
            if node.isConstructed && !leafTags.contains(node.tag) {
                var children = node.children
                try level(&children)
            }
        }
    }
    let result = Result { () throws(TLVError) -> TLVSummary in
        var reader = TLVReader(bytes.span, mode: mode, maxDepth: maxDepth)
        guard let root = try reader.next() else { throw TLVError(.truncatedTag, offset: 0, limit: bytes.count) }
        nodes.append((0, root.info))
        if root.isConstructed && !leafTags.contains(root.tag) {
            var children = root.children
            try level(&children)
        }
        let objectEnd = root.endOffset
        if !reader.isAtEnd {
            let padding = reader.remainingBytes
            var onlyPadding = mode == .ber
            for index in padding.indices where padding[index] != 0x00 && padding[index] != 0xFF {
                onlyPadding = false
            }
            if !onlyPadding { throw TLVError(.trailingBytes, offset: reader.offset, limit: bytes.count) }
        }
        return TLVSummary(
            nodeCount: nodes.count, deepestLevel: nodes.map(\.depth).max() ?? 0, objectEnd: objectEnd)
    }
    return (nodes, result)
}
