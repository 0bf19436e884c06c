import HexCoding
import Testing
import VPCD

// MARK: - Helpers

/// Decodes the first frame of `bytes`, so tests can compare results without holding spans.
private func firstFrame(_ bytes: [UInt8]) throws(VPCDFrameError) -> VPCDFrame? {
    try VPCDCodec.decodeFrame(bytes.span)
}

private func stream(_ bytes: [UInt8]) throws(VPCDFrameError) -> [VPCDFrame] {
    try VPCDCodec.decodeStream(bytes.span)
}

private func frame(_ payload: [UInt8]) throws -> [UInt8] {
    try VPCDCodec.encodeFrame(payload: payload.span)
}

/// What vpcd sends in a typical session: power on, ATR poll, a SELECT, a READ BINARY, power off.
private func sessionStream() throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes += VPCDCodec.encodeControl(.powerOn)
    bytes += VPCDCodec.encodeControl(.getATR)
    bytes += try frame(Hex.decode("00A4040C 07 D392F000260100"))
    bytes += try frame(Hex.decode("00B00000 00"))
    bytes += VPCDCodec.encodeControl(.powerOff)
    return bytes
}

// MARK: - Decoding

@Suite("vpcd frame codec")
struct VPCDCodecTests {
    @Test("each control byte decodes to its control message", arguments: VPCDControl.allCases)
    func controlBytes(control: VPCDControl) throws {
        let decoded = try #require(try firstFrame([0x00, 0x01, control.rawValue]))
        #expect(decoded.kind == .control(control))
        #expect(decoded.payload == 2..<3)
        #expect(decoded.byteCount == 3)
    }

    @Test("only GET ATR expects a reply")
    func repliesExpected() {
        #expect(VPCDControl.allCases.filter(\.expectsReply) == [.getATR])
    }

    @Test("an unknown one-byte payload is rejected with the byte named")
    func unknownControl() {
        #expect(throws: VPCDFrameError.unknownControl(0x03)) { try firstFrame([0x00, 0x01, 0x03]) }
        #expect(throws: VPCDFrameError.unknownControl(0xFF)) { try firstFrame([0x00, 0x01, 0xFF, 0x00]) }
    }

    @Test("a payload of two bytes or more is a command, located without copying")
    func commandFrame() throws {
        let bytes: [UInt8] = [0x00, 0x05, 0x00, 0xB0, 0x00, 0x00, 0x04, 0xEE]
        let decoded = try #require(try firstFrame(bytes))
        #expect(decoded.kind == .command)
        #expect(Array(bytes[decoded.payload]) == [0x00, 0xB0, 0x00, 0x00, 0x04])
        #expect(decoded.byteCount == 7)
    }

    @Test("a zero length is an error, never an empty frame")
    func emptyPayload() {
        #expect(throws: VPCDFrameError.emptyPayload) { try firstFrame([0x00, 0x00]) }
        #expect(throws: VPCDFrameError.emptyPayload) { try frame([]) }
    }

    @Test("a length above the limit is rejected from the header alone")
    func oversizedLength() {
        // Only the header has arrived: the decoder must not wait for 300 bytes it will refuse.
        #expect(throws: VPCDFrameError.payloadTooLong(length: 300, limit: 261)) {
            try VPCDCodec.decodeFrame([0x01, 0x2C].span, maximumPayloadLength: 261)
        }
    }

    @Test("the largest length two bytes can carry is an acceptable extended APDU")
    func largestFrame() throws {
        var bytes: [UInt8] = [0xFF, 0xFF]
        bytes += [UInt8](repeating: 0x5A, count: 0xFFFF)
        let decoded = try #require(try firstFrame(bytes))
        #expect(decoded.payload.count == VPCDCodec.maximumPayloadLength)
        #expect(try firstFrame(Array(bytes.dropLast())) == nil)
    }

    @Test("a reply longer than 65535 bytes cannot be encoded")
    func oversizedReply() {
        let payload = [UInt8](repeating: 0, count: 0x10000)
        #expect(throws: VPCDFrameError.payloadTooLong(length: 0x10000, limit: 0xFFFF)) { try frame(payload) }
    }

    // MARK: Streams and prefixes

    @Test("a session stream decodes frame by frame, in order")
    func sessionDecodes() throws {
        let bytes = try sessionStream()
        let frames = try stream(bytes)
        #expect(frames.map(\.kind) == [.control(.powerOn), .control(.getATR), .command, .command, .control(.powerOff)])
        #expect(Array(bytes[frames[2].payload]) == (try Hex.decode("00A4040C07D392F000260100")))
        #expect(frames.last?.payload.upperBound == bytes.count)
    }

    @Test("every strict prefix of a frame asks for more data and never throws")
    func prefixesNeedMore() throws {
        let whole = try frame(Hex.decode("00A4040C 07 D392F000260100"))
        for length in 0..<whole.count {
            #expect(try firstFrame(Array(whole.prefix(length))) == nil, "prefix of \(length) bytes")
        }
        #expect(try firstFrame(whole)?.byteCount == whole.count)
    }

    @Test("every prefix of a valid stream either decodes whole frames or reports truncation")
    func streamPrefixes() throws {
        let bytes = try sessionStream()
        let boundaries = Set(try stream(bytes).map(\.payload.upperBound)).union([0])
        for length in 0...bytes.count {
            let prefix = Array(bytes.prefix(length))
            if boundaries.contains(length) {
                let frames = try stream(prefix)
                #expect(frames.last?.payload.upperBound ?? 0 == length)
            } else {
                #expect(throws: VPCDFrameError.self, "prefix of \(length) bytes") { try stream(prefix) }
                do {
                    _ = try stream(prefix)
                } catch {
                    guard case .truncated(let needed, let available) = error else {
                        Issue.record("prefix of \(length) bytes: \(error), expected truncation")
                        continue
                    }
                    #expect(available == length)
                    #expect(needed > length)
                }
            }
        }
    }

    @Test("trailing garbage after valid frames is reported, not skipped")
    func trailingGarbage() throws {
        var bytes = VPCDCodec.encodeControl(.getATR)
        bytes += [0x00, 0x01, 0x07]
        #expect(throws: VPCDFrameError.unknownControl(0x07)) { try stream(bytes) }
    }

    // MARK: Encoding

    @Test("encoding puts a big-endian length before the payload")
    func encodeRoundTrip() throws {
        let payload = [UInt8](repeating: 0xA5, count: 0x0123) + [0x90, 0x00]
        let bytes = try frame(payload)
        #expect(bytes.prefix(2) == [0x01, 0x25])
        let decoded = try #require(try firstFrame(bytes))
        #expect(Array(bytes[decoded.payload]) == payload)
    }

    @Test("encoding into an output span writes header and payload, and refuses what does not fit")
    func encodeIntoOutputSpan() throws {
        let payload: [UInt8] = [0x90, 0x00]
        var fits: [UInt8] = []
        try fits.append(addingCapacity: 4) { (output: inout OutputSpan<UInt8>) throws(VPCDFrameError) in
            try VPCDCodec.encodeFrame(payload: payload.span, into: &output)
        }
        #expect(fits == [0x00, 0x02, 0x90, 0x00])

        var tooSmall: [UInt8] = []
        #expect(throws: VPCDFrameError.payloadTooLong(length: 2, limit: 1)) {
            try tooSmall.append(addingCapacity: 3) { (output: inout OutputSpan<UInt8>) throws(VPCDFrameError) in
                try VPCDCodec.encodeFrame(payload: payload.span, into: &output)
            }
        }
        #expect(tooSmall.isEmpty)
    }

    @Test("errors describe themselves in words a user can act on")
    func errorDescriptions() {
        #expect(VPCDFrameError.unknownControl(0x03).description.contains("0x03"))
        #expect(VPCDFrameError.payloadTooLong(length: 9, limit: 8).description.contains("limit of 8"))
    }
}
