import BERTLV
import HexCoding
import Testing

/// Reading the synthetic X.509 certificate, checked against `openssl asn1parse` of the same file.
@Suite("Certificate")
struct CertificateTests {
    @Test("walking the certificate visits the same objects, offsets, depths and lengths as openssl asn1parse")
    func walkMatchesOpenSSL() throws {
        let certificate = try certificateBytes()
        let expected = try openSSLNodes()
        let (nodes, result) = walkAll(certificate)
        _ = try result.get()
        let seen = nodes.map {
            OpenSSLNode(
                offset: $0.info.offset, depth: $0.depth, headerLength: $0.info.headerLength,
                valueLength: $0.info.valueLength, isConstructed: $0.info.isConstructed)
        }
        #expect(seen == expected)
    }

    @Test("DER validation accepts the certificate and counts every object to the end of the file")
    func validateCountsEveryNode() throws {
        let certificate = try certificateBytes()
        let expected = try openSSLNodes()
        let summary = try TLV.validate(certificate.span, mode: .der)
        #expect(summary.nodeCount == expected.count)
        #expect(summary.deepestLevel == expected.map(\.depth).max())
        #expect(summary.objectEnd == certificate.count)
        #expect(validationError(certificate, mode: .ber) == nil)
    }

    @Test("the certificate is a SEQUENCE of tbsCertificate, signatureAlgorithm and a BIT STRING signature")
    func topLevelShape() throws {
        let certificate = try certificateBytes()
        var reader = TLVReader(certificate.span)
        guard let root = try reader.next() else { throw MissingNode("root") }
        #expect(root.tag == .sequence)
        #expect(root.info.isConstructed)
        #expect(root.tagClass == .universal)
        #expect(root.offset == 0)
        #expect(root.endOffset == certificate.count)
        let readerEnd = try reader.nextTag()
        #expect(readerEnd == nil)

        var children = root.children
        var tags: [TLVTag] = []
        while let child = try children.next() { tags.append(child.tag) }
        #expect(tags == [.sequence, .sequence, .bitString])
    }

    @Test("the signature algorithm is the OID of sha256WithRSAEncryption followed by NULL")
    func signatureAlgorithm() throws {
        let certificate = try certificateBytes()
        // 1.2.840.113549.1.1.11 (RFC 4055).
        let sha256WithRSAEncryption = hex("2A 86 48 86 F7 0D 01 01 0B")
        var reader = TLVReader(certificate.span)
        guard let root = try reader.next() else { throw MissingNode("root") }
        var children = root.children
        _ = try children.next()  // tbsCertificate
        guard let algorithm = try children.next() else { throw MissingNode("algorithm") }
        var parts = algorithm.children
        guard let oid = try parts.next() else { throw MissingNode("oid") }
        #expect(oid.tag == .objectIdentifier)
        #expect(!oid.info.isConstructed)
        #expect(Array(certificate[oid.valueRange]) == sha256WithRSAEncryption)
        guard let parameters = try parts.next() else { throw MissingNode("parameters") }
        #expect(parameters.tag == .null)
        #expect(parameters.valueLength == 0)
        let partsEnd = try parts.nextTag()
        #expect(partsEnd == nil)
    }

    @Test("the public key's modulus is a 257-byte INTEGER inside the BIT STRING, at an absolute offset")
    func modulusInsideBitString() throws {
        let certificate = try certificateBytes()
        var reader = TLVReader(certificate.span)
        guard let root = try reader.next() else { throw MissingNode("root") }
        var top = root.children
        guard let tbs = try top.next() else { throw MissingNode("tbs") }
        // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
        var fields = tbs.children
        for _ in 0..<6 { _ = try fields.next() }
        guard let spki = try fields.next() else { throw MissingNode("spki") }
        #expect(spki.tag == .sequence)
        var spkiParts = spki.children
        _ = try spkiParts.next()  // AlgorithmIdentifier
        guard let bitString = try spkiParts.next() else { throw MissingNode("bitString") }
        #expect(bitString.tag == .bitString)
        #expect(bitString.value[0] == 0)  // no unused bits

        // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, after the unused-bits byte.
        var keyReader = bitString.encapsulated(droppingFirst: 1)
        guard let key = try keyReader.next() else { throw MissingNode("key") }
        #expect(key.tag == .sequence)
        var keyParts = key.children
        guard let modulus = try keyParts.next() else { throw MissingNode("modulus") }
        #expect(modulus.tag == .integer)
        #expect(modulus.valueLength == 257)
        #expect(modulus.value[0] == 0x00)  // sign byte: the top bit of a 2048-bit modulus is set
        #expect(modulus.value[1] & 0x80 != 0)
        guard let exponent = try keyParts.next() else { throw MissingNode("exponent") }
        #expect(exponent.tag == .integer)
        let keyPartsEnd = try keyParts.nextTag()
        #expect(keyPartsEnd == nil)

        // Offsets stay absolute through the encapsulated reader: they slice the file directly.
        #expect(modulus.offset > bitString.valueOffset)
        #expect(modulus.endOffset <= bitString.endOffset)
        #expect(certificate[modulus.valueRange].first == 0x00)
        #expect(certificate[modulus.valueRange].count == 257)
        #expect(certificate[modulus.offset] == 0x02)
    }

    @Test("the first 4 and the first 7 bytes of the certificate give its total size")
    func headerGivesFileSize() throws {
        let certificate = try certificateBytes()
        let four = try TLV.header(ofPrefix: certificate.span.extracting(first: 4))
        #expect(four.tag == .sequence)
        #expect(four.headerLength == 4)
        #expect(four.totalLength == certificate.count)
        let seven = try TLV.header(ofPrefix: certificate.span.extracting(first: 7))
        #expect(seven == four)
    }

    @Test("every proper prefix of the certificate fails validation at or before its end, in both modes")
    func everyPrefixFails() throws {
        let certificate = try certificateBytes()
        for mode in [TLVMode.der, .ber] {
            var accepted: [Int] = []
            var outOfRange: [Int] = []
            for length in 0..<certificate.count {
                guard let error = validationError(Array(certificate[..<length]), mode: mode) else {
                    accepted.append(length)
                    continue
                }
                if error.offset > length { outOfRange.append(length) }
            }
            #expect(accepted.isEmpty, "\(mode): prefixes accepted: \(accepted)")
            #expect(outOfRange.isEmpty, "\(mode): errors past the end for prefixes \(outOfRange)")
        }
    }

    @Test("bytes after the certificate are trailing bytes in DER; BER allows only 00/FF padding")
    func trailingBytesAfterCertificate() throws {
        let certificate = try certificateBytes()
        let extra = validationError(certificate + [0x00], mode: .der)
        #expect(extra?.code == .trailingBytes)
        #expect(extra?.offset == certificate.count)
        #expect(validationError(certificate + [0xFF, 0xFF, 0x00], mode: .ber) == nil)
        #expect(validationError(certificate + [0x05, 0x00], mode: .ber)?.code == .trailingBytes)
    }

    @Test("the certificate needs its full depth: one level less is a depth error")
    func depthLimitOnCertificate() throws {
        let certificate = try certificateBytes()
        let levels = try #require(try openSSLNodes().map(\.depth).max()) + 1
        #expect(validationError(certificate, maxDepth: levels) == nil)
        let error = validationError(certificate, maxDepth: levels - 1)
        #expect(error?.code == .depthExceeded)
        #expect(error?.value == levels - 1)
    }
}
