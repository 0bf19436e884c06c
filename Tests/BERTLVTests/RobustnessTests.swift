import BERTLV
import PropertyBased
import Testing

/// Hostile and damaged input: never a crash, always either a parse or a ``TLVError``, and nodes that stay
/// inside the input.
@Suite("Robustness")
struct RobustnessTests {
    /// Checks what every successful walk must satisfy: each node lies inside the input, each child inside
    /// its parent, depths step by at most one, and the object ends where the summary says.
    static func checkWalk(_ bytes: [UInt8], mode: TLVMode) {
        let (nodes, result) = walkAll(bytes, mode: mode)
        var parents: [Range<Int>] = []
        for (depth, info) in nodes {
            #expect(info.range.lowerBound >= 0 && info.range.upperBound <= bytes.count)
            #expect(info.valueRange.lowerBound == info.offset + info.headerLength)
            #expect(depth <= parents.count)
            parents.removeLast(parents.count - depth)
            if let parent = parents.last {
                #expect(parent.contains(info.offset) && info.range.upperBound <= parent.upperBound)
            }
            parents.append(info.valueRange)
        }
        switch result {
        case .success(let summary):
            #expect(summary.nodeCount == nodes.count)
            #expect(summary.objectEnd == nodes.first?.info.range.upperBound)
            #expect(summary.objectEnd <= bytes.count)
            if mode == .der { #expect(summary.objectEnd == bytes.count) }
        case .failure(let error):
            #expect(error.offset >= 0 && error.offset <= bytes.count)
        }
    }

    /// Checks that the walk and a recursive walk over the reader see the same nodes and end the same way
    /// (the same summary, or the same error: code, offset, value and limit).
    static func checkAgreement(_ bytes: [UInt8], mode: TLVMode, maxDepth: Int = TLV.defaultMaxDepth) {
        let walked = walkAll(bytes, mode: mode, maxDepth: maxDepth)
        let read = readerWalk(bytes, mode: mode, maxDepth: maxDepth)
        #expect(walked.nodes.map(\.depth) == read.nodes.map(\.depth))
        #expect(walked.nodes.map(\.info) == read.nodes.map(\.info))
        #expect(walked.result == read.result)
    }

    @Test("the walk agrees with a walk over the reader on random and damaged input, at every depth limit")
    func walkAgreesWithReader() async throws {
        let certificate = try certificateBytes()
        let mutation = zip(Gen.int(in: 0..<certificate.count), Gen.uint8())
        await propertyCheck(count: 1500, input: mutation.array(of: 1...3), Gen.int(in: 0...8)) { changes, limit in
            var bytes = certificate
            for (index, byte) in changes { bytes[index] = byte }
            Self.checkAgreement(bytes, mode: .der)
            Self.checkAgreement(bytes, mode: .ber)
            Self.checkAgreement(bytes, mode: .der, maxDepth: limit)
            Self.checkAgreement(bytes, mode: .ber, maxDepth: limit)
        }
        await propertyCheck(count: 1500, input: Gen.uint8().array(of: 0...48), Gen.int(in: 0...4)) { bytes, limit in
            Self.checkAgreement(bytes, mode: .der)
            Self.checkAgreement(bytes, mode: .ber)
            Self.checkAgreement(bytes, mode: .der, maxDepth: limit)
            Self.checkAgreement(bytes, mode: .ber, maxDepth: limit)
        }
        for cut in 0...certificate.count {
            Self.checkAgreement(Array(certificate[..<cut]), mode: .der)
            Self.checkAgreement(Array(certificate[..<cut]) + [0xFF, 0x00], mode: .ber)
        }
    }

    @Test("random bytes either parse or throw TLVError, in both modes")
    func randomBytes() async {
        await propertyCheck(count: 3000, input: Gen.uint8().array(of: 0...48)) { bytes in
            Self.checkWalk(bytes, mode: .der)
            Self.checkWalk(bytes, mode: .ber)
        }
    }

    @Test("random bytes behind a plausible header either parse or throw TLVError")
    func randomBodies() async {
        let headers: [[UInt8]] = [[0x30, 0x20], [0xFF, 0x20, 0x81, 0x40], [0x30, 0x82, 0x00, 0x30], [0xA0, 0x10]]
        await propertyCheck(count: 2000, input: Gen.element(of: headers), Gen.uint8().array(of: 0...80)) {
            header, body in
            guard let header else { return }
            Self.checkWalk(header + body, mode: .der)
            Self.checkWalk(header + body, mode: .ber)
        }
    }

    @Test("the certificate with one to four bytes changed either parses or throws TLVError")
    func mutatedCertificate() async throws {
        let certificate = try certificateBytes()
        let mutation = zip(Gen.int(in: 0..<certificate.count), Gen.uint8())
        await propertyCheck(count: 3000, input: mutation.array(of: 1...4)) { changes in
            var bytes = certificate
            for (index, byte) in changes { bytes[index] = byte }
            Self.checkWalk(bytes, mode: .der)
            Self.checkWalk(bytes, mode: .ber)
        }
    }

    @Test("the certificate cut at a random place with random bytes appended either parses or throws")
    func truncatedAndExtended() async throws {
        let certificate = try certificateBytes()
        await propertyCheck(count: 1000, input: Gen.int(in: 0...certificate.count), Gen.uint8().array(of: 0...8)) {
            cut, tail in
            let bytes = Array(certificate[..<cut]) + tail
            Self.checkWalk(bytes, mode: .der)
            Self.checkWalk(bytes, mode: .ber)
        }
    }

    @Test("an object encoded with any tag and value length reads back with the same tag and value")
    func roundTrip() async {
        let tags: [UInt32] = [0x04, 0x0C, 0x80, 0xDF21, 0x5F4E, 0xDF8101]
        await propertyCheck(count: 500, input: Gen.element(of: tags), Gen.uint8().array(of: 0...300)) { tag, value in
            guard let tag else { return }
            let bytes = tlv(tag, value)
            var reader = TLVReader(bytes.span)
            do {
                guard let node = try reader.next() else {
                    Issue.record("no object")
                    return
                }
                let info = node.info
                #expect(info.tag == TLVTag(rawValue: tag))
                #expect(Array(bytes[info.valueRange]) == value)
                #expect(reader.isAtEnd == true)
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
