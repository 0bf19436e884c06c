import BERTLV

/// BER-TLV in both modes: the one-pass `TLV.walk` and a tree built node by node from
/// `TLVReader`/`TLVNode.children` must agree on every node and on the error, and what DER accepts
/// must be exactly the canonical encoding of what it read.
enum TLVTargets {
    static let der = FuzzTarget(
        name: "tlv-der",
        summary: "BER-TLV in DER mode: walk and node tree agree (nodes and error); what parses re-encodes to the "
            + "same bytes; every strict prefix of a valid object is refused; the 4-byte header probe agrees"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "tlv-der")
        let walked = walk(bytes, mode: .der)
        let built = tree(bytes, mode: .der)
        try check.expect(walked == built, "walk and tree disagree:\n  walk \(walked)\n  tree \(built)")
        guard case .success(let nodes) = walked, let root = nodes.first else { return }

        // Canonical: DER has one encoding per value, so re-encoding what was read gives the input.
        var encoded: [UInt8] = []
        encode(nodes, from: 0, bytes: bytes, into: &encoded)
        try check.expect(encoded == array(bytes), "re-encoding gives \(encoded.count) bytes that differ from the input")

        // A definite length fixes the end: no strict prefix of one object is a whole object.
        let cuts: [Int] = bytes.count <= 256 ? Array(0..<bytes.count) : (0..<16).map { bytes.count * $0 / 16 }
        for cut in cuts {
            let prefix = bytes.extracting(0..<cut)
            if (try? TLV.validate(prefix, mode: .der)) != nil {
                throw check.violation("the \(cut)-byte prefix of a \(bytes.count)-byte object validates")
            }
        }

        let header = try? TLV.header(ofPrefix: bytes, mode: .der)
        try check.expect(
            header?.tag == root.tag && header?.headerLength == root.headerLength
                && header?.valueLength == root.valueLength,
            "the header probe says \(String(describing: header)), the walk \(root)")
    }

    static let ber = FuzzTarget(
        name: "tlv-ber",
        summary: "BER-TLV in lenient BER mode: walk and node tree agree; nodes nest inside their parents; what DER "
            + "accepts BER reads the same; 00/FF padding after a valid object is accepted; find(path:) finds the first "
            + "node down the first-child chain"
    ) { bytes throws(PropertyViolation) in
        let check = Checker(target: "tlv-ber")
        let walked = walk(bytes, mode: .ber)
        let built = tree(bytes, mode: .ber)
        try check.expect(walked == built, "walk and tree disagree:\n  walk \(walked)\n  tree \(built)")
        // What DER accepts, BER reads the same, unless DER read an object where BER sees padding:
        // a run of 00/FF to the end of a level (`30 02 00 00` holds a tag-0 object in DER, padding
        // in BER).
        if case .success(let derNodes) = walk(bytes, mode: .der), !hasPaddingShapedObject(derNodes, bytes) {
            try check.expect(walked == .success(derNodes), "DER accepts what BER reads differently")
        }
        guard case .success(let nodes) = walked, let root = nodes.first else { return }

        // Every node lies inside its parent's value, and inside the input.
        var parents: [Node] = []
        for node in nodes {
            while let last = parents.last, last.depth >= node.depth { parents.removeLast() }
            let range = node.offset..<(node.offset + node.headerLength + node.valueLength)
            try check.expect(range.upperBound <= bytes.count, "node \(node) ends past the input")
            if let parent = parents.last {
                try check.expect(
                    parent.depth == node.depth - 1 && range.lowerBound >= parent.valueStart
                        && range.upperBound <= parent.end,
                    "node \(node) is not inside its parent \(parent)")
            } else {
                try check.expect(node.depth == 0, "node \(node) has no parent")
            }
            parents.append(node)
        }

        // Padding after the object (00 and FF, as JPKI EFs have) changes nothing.
        let padded = array(bytes) + [0xFF, 0xFF, 0x00, 0xFF]
        try check.expect(walk(padded.span, mode: .ber) == walked, "FF/00 padding changed what BER reads")

        // The first node at each depth down the first-child chain is what find(path:) returns.
        var path: [TLVTag] = [root.tag]
        var last = root
        for node in nodes.dropFirst() {
            guard node.depth == path.count else { break }
            path.append(node.tag)
            last = node
        }
        var found: Int?
        do {
            if let node = try TLV.find(path: path, in: bytes, mode: .ber) { found = node.offset }
        } catch {
            throw check.violation("find(path: \(path)) throws \(error) on input the walk accepted")
        }
        try check.expect(
            found == last.offset, "find(path: \(path)) gives \(String(describing: found)), expected \(last)")
    }

    // MARK: - Two ways to read

    /// A node as both readers report it.
    struct Node: Hashable, CustomStringConvertible {
        var depth: Int
        var offset: Int
        var tag: TLVTag
        var headerLength: Int
        var valueLength: Int
        var valueStart: Int { offset + headerLength }
        var end: Int { valueStart + valueLength }
        var description: String { "\(tag)@\(offset) depth \(depth) header \(headerLength) value \(valueLength)" }
    }

    /// `TLV.validate`'s walk: nodes in document order, then the error if any.
    static func walk(_ bytes: Span<UInt8>, mode: TLVMode) -> Result<[Node], TLVError> {
        var nodes: [Node] = []
        do {
            try TLV.walk(bytes, mode: mode) { depth, info in
                nodes.append(
                    Node(
                        depth: depth, offset: info.offset, tag: info.tag, headerLength: info.headerLength,
                        valueLength: info.valueLength))
            }
        } catch {
            return .failure(error)
        }
        return .success(nodes)
    }

    /// The same through the public reader API: one object at the top, descend into every
    /// constructed value, then the trailing-bytes rule.
    static func tree(_ bytes: Span<UInt8>, mode: TLVMode) -> Result<[Node], TLVError> {
        var nodes: [Node] = []
        do throws(TLVError) {
            var reader = TLVReader(bytes, mode: mode)
            guard let root = try reader.next() else { throw TLVError(.truncatedTag, offset: 0, limit: bytes.count) }
            nodes.append(node(root))
            if root.isConstructed {
                var children = root.children
                try descend(&children, into: &nodes)
            }
            // In BER a tail of 00/FF padding is allowed; anything else after the object is not.
            if !reader.isAtEnd && (mode == .der || !isPadding(reader.remainingBytes)) {
                throw TLVError(.trailingBytes, offset: reader.offset, limit: bytes.count)
            }
        } catch {
            return .failure(error)
        }
        return .success(nodes)
    }

    private static func descend(_ reader: inout TLVReader, into nodes: inout [Node]) throws(TLVError) {
        while let child = try reader.next() {
            nodes.append(node(child))
            if child.isConstructed {
                var grandchildren = child.children
                try descend(&grandchildren, into: &nodes)
            }
        }
    }

    private static func node(_ n: borrowing TLVNode) -> Node {
        Node(depth: n.depth, offset: n.offset, tag: n.tag, headerLength: n.headerLength, valueLength: n.valueLength)
    }

    /// Whether some node, with everything after it in its level, is all 00/FF bytes.
    private static func hasPaddingShapedObject(_ nodes: [Node], _ bytes: Span<UInt8>) -> Bool {
        var ends: [Int] = []  // the end of each open level, by depth
        for node in nodes {
            ends.removeLast(max(0, ends.count - node.depth))
            let levelEnd = ends.last ?? bytes.count
            if isPadding(bytes.extracting(node.offset..<levelEnd)) { return true }
            ends.append(node.end)
        }
        return false
    }

    private static func isPadding(_ bytes: Span<UInt8>) -> Bool {
        for index in bytes.indices where bytes[index] != 0x00 && bytes[index] != 0xFF { return false }
        return true
    }

    // MARK: - DER encoding

    /// Appends the canonical encoding of node `index` (and its subtree) of a walk; returns the
    /// index after its subtree.
    @discardableResult
    static func encode(_ nodes: [Node], from index: Int, bytes: Span<UInt8>, into out: inout [UInt8]) -> Int {
        let node = nodes[index]
        let tag = node.tag.rawValue
        for shift in stride(from: (node.tag.byteCount - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: tag >> UInt32(shift)))
        }
        let length = node.valueLength
        if length < 0x80 {
            out.append(UInt8(length))
        } else {
            var lengthBytes: [UInt8] = []
            var rest = length
            while rest > 0 {
                lengthBytes.insert(UInt8(rest & 0xFF), at: 0)
                rest >>= 8
            }
            out.append(0x80 | UInt8(lengthBytes.count))
            out += lengthBytes
        }
        var next = index + 1
        if node.tag.isConstructed {
            while next < nodes.count && nodes[next].depth > node.depth {
                next = encode(nodes, from: next, bytes: bytes, into: &out)
            }
        } else {
            for offset in node.valueStart..<node.end { out.append(bytes[offset]) }
        }
        return next
    }
}
