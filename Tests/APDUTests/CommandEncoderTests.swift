import APDU
import HexCoding
import PropertyBased
import Testing

@Suite("Command encoding, ISO/IEC 7816-4 cases 1 to 4")
struct CommandEncoderTests {
    @Test("case 1 is the bare header")
    func case1() throws {
        #expect(try encoded(APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80)) == [0x00, 0x20, 0x00, 0x80])
    }

    @Test("case 2 short: Le 1, 255 and 256 (as 00)")
    func case2Short() throws {
        #expect(try encoded(readBinary, le: 1) == [0x00, 0xB0, 0x00, 0x00, 0x01])
        #expect(try encoded(readBinary, le: 255) == [0x00, 0xB0, 0x00, 0x00, 0xFF])
        #expect(try encoded(readBinary, le: 256) == [0x00, 0xB0, 0x00, 0x00, 0x00])
    }

    @Test("case 2 goes extended at Le 257, and Le 65536 encodes as 00 00 00")
    func case2Extended() throws {
        #expect(try encoded(readBinary, le: 257) == [0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x01])
        #expect(try encoded(readBinary, le: 65536) == [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(try encoded(readBinary, le: 0x061F, form: .extended) == Hex.decode("00B00000 00061F"))
    }

    @Test("case 3 short: the JPKI SELECT by AID")
    func case3Short() throws {
        #expect(try encoded(selectJPKI, data: jpkiAID) == Hex.decode("00A4040C0AD392F000260100000001"))
    }

    @Test("case 3: Lc 255 stays short, Lc 256 goes extended")
    func case3LcBoundary() throws {
        let d255 = [UInt8](repeating: 0x5A, count: 255)
        let short = try encoded(selectJPKI, data: d255)
        #expect(short.count == 4 + 1 + 255 && short[4] == 0xFF)
        let d256 = [UInt8](repeating: 0x5A, count: 256)
        let extended = try encoded(selectJPKI, data: d256)
        #expect(extended.count == 4 + 3 + 256)
        #expect(Array(extended[4..<7]) == [0x00, 0x01, 0x00])
    }

    @Test("case 3 extended at Lc 65535, the largest")
    func case3MaximumData() throws {
        let data = [UInt8](repeating: 1, count: 65535)
        let bytes = try encoded(selectJPKI, data: data)
        #expect(bytes.count == 4 + 3 + 65535)
        #expect(Array(bytes[4..<7]) == [0x00, 0xFF, 0xFF])
    }

    @Test("case 4 short: COMPUTE DIGITAL SIGNATURE with a 51-byte DigestInfo and Le 256")
    func case4Short() throws {
        let digestInfo = [UInt8](repeating: 0xAB, count: 51)
        let bytes = try encoded(APDUHeader(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80), data: digestInfo, le: 256)
        #expect(bytes.count == 4 + 1 + 51 + 1)
        #expect(bytes[4] == 0x33 && bytes.last == 0x00)
    }

    @Test("case 4 extended: two-byte Le after three-byte Lc, 65536 as 00 00")
    func case4Extended() throws {
        let bytes = try encoded(selectJPKI, data: [1, 2, 3], le: 65536, form: .extended)
        #expect(bytes == [0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x03, 1, 2, 3, 0x00, 0x00])
        let le257 = try encoded(selectJPKI, data: [1], le: 257)
        #expect(le257 == [0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x01, 1, 0x01, 0x01])
    }

    @Test("forced extended form applies even to small commands; case 1 has no length fields to extend")
    func forcedExtended() throws {
        #expect(try encoded(readBinary, le: 4, form: .extended) == [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x04])
        #expect(try encoded(readBinary, form: .extended) == [0x00, 0xB0, 0x00, 0x00])
    }

    @Test("rejects what cannot be encoded, with the numbers that explain why")
    func rejections() {
        #expect(throws: APDUError.dataTooLong(count: 65536)) {
            try encoded(selectJPKI, data: [UInt8](repeating: 0, count: 65536))
        }
        #expect(throws: APDUError.expectedLengthOutOfRange(65537)) { try encoded(readBinary, le: 65537) }
        #expect(throws: APDUError.expectedLengthOutOfRange(0)) { try encoded(readBinary, le: 0) }
        #expect(throws: APDUError.reservedInstruction(0x61)) {
            try encoded(APDUHeader(cla: 0, ins: 0x61, p1: 0, p2: 0))
        }
        #expect(throws: APDUError.reservedInstruction(0x9F)) {
            try encoded(APDUHeader(cla: 0, ins: 0x9F, p1: 0, p2: 0))
        }
        #expect(throws: APDUError.shortFormCannotCarry(dataCount: 256, expectedLength: nil)) {
            try encoded(selectJPKI, data: [UInt8](repeating: 0, count: 256), form: .short)
        }
        #expect(throws: APDUError.shortFormCannotCarry(dataCount: 0, expectedLength: 257)) {
            try encoded(readBinary, le: 257, form: .short)
        }
    }

    @Test("reports a buffer too small instead of writing past it")
    func outputTooSmall() {
        var small = APDUBuffer(capacity: 8)
        let aid = jpkiAID
        do {
            try small.encode(selectJPKI, data: aid.span)
            Issue.record("an 8-byte buffer took a 15-byte command")
        } catch {
            #expect(error == .outputTooSmall(needed: 15, available: 8))
        }
        #expect(small.count == 0)
    }

    @Test("encodedCount agrees with what encode writes")
    func encodedCountAgrees() throws {
        for (dataCount, le) in [(0, nil), (0, 1), (0, 256), (0, 257), (5, nil), (255, 256), (256, 1), (300, 65536)]
            as [(Int, Int?)]
        {
            let bytes = try encoded(selectJPKI, data: [UInt8](repeating: 7, count: dataCount), le: le)
            #expect(try CommandEncoder.encodedCount(dataCount: dataCount, expectedLength: le) == bytes.count)
        }
    }

    @Test("every encodable command parses back to the same header, data, Le and form")
    func roundTrip() async {
        let sizes = Gen.int(in: 0...600)
        let les = Gen.int(in: 0...65536)
        let forms = Gen.int(in: 0...2)
        await propertyCheck(count: 400, input: sizes, les, forms) { dataCount, leValue, formIndex in
            let le: Int? = leValue == 0 ? nil : leValue
            let form: LengthForm = [.automatic, .short, .extended][formIndex]
            let data = (0..<dataCount).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let header = APDUHeader(cla: 0x00, ins: 0xB0, p1: UInt8(dataCount & 0x7F), p2: 0x01)
            do {
                let bytes = try encoded(header, data: data, le: le, form: form)
                let parsed = try ParsedCommand(bytes)
                #expect(parsed.header == header)
                #expect(parsed.data == data)
                #expect(parsed.le == le)
                let expectExtended =
                    form == .extended ? (dataCount > 0 || le != nil) : (dataCount > 255 || (le ?? 0) > 256)
                #expect(parsed.isExtended == expectExtended)
            } catch {
                // Only the short form may refuse, and only when the command does not fit it.
                #expect(form == .short && (dataCount > 255 || (le ?? 0) > 256), "unexpected \(error)")
            }
        }
    }
}

@Suite("Command chaining")
struct CommandChainTests {
    @Test("splits 600 bytes into 255 + 255 + 90 with the chaining bit on all but the last")
    func splitsLongData() throws {
        let data = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        let chain = try CommandChain(
            APDUHeader(cla: 0x00, ins: 0x2A, p1: 0x9E, p2: 0x9A), dataCount: 600, expectedLength: 256)
        #expect(chain.segmentCount == 3)
        var segments: [[UInt8]] = []
        for index in 0..<chain.segmentCount {
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 300, alignment: 1)
            defer { storage.deallocate() }
            var out = OutputRawSpan(buffer: storage, initializedCount: 0)
            try chain.encodeSegment(index, data: data.span, into: &out)
            let n = out.finalize(for: storage)
            segments.append(Array(storage[0..<n]))
        }
        #expect(segments.map { $0[0] } == [0x10, 0x10, 0x00])
        #expect(segments.map(\.count) == [4 + 1 + 255, 4 + 1 + 255, 4 + 1 + 90 + 1])
        #expect(segments[2].last == 0x00)
        let rejoined = segments.flatMap { Array($0[5..<(5 + Int($0[4]))]) }
        #expect(rejoined == data)
    }

    @Test("empty data is a one-command chain; invalid segment sizes are refused")
    func edges() throws {
        let chain = try CommandChain(readBinary, dataCount: 0, expectedLength: 4)
        #expect(chain.segmentCount == 1)
        #expect(throws: APDUError.invalidSegmentSize(256)) {
            try CommandChain(readBinary, dataCount: 10, segmentSize: 256)
        }
        #expect(throws: APDUError.invalidSegmentSize(0)) { try CommandChain(readBinary, dataCount: 10, segmentSize: 0) }
    }
}
