import APDU
import CardCrypto
import CardTiming
import CardTransport
import Measurement
import PCSC
import ReadPath
import RigSupport
import SimulatedCard
import Simulator
import Testing

/// The simulated card behind the real pcscd + vpcd, driven the way a peer application drives a
/// real My Number Card. Slot 1, serialized: one card per slot at a time.
@Suite("The simulated card through pcscd and vpcd", .serialized, Rig.enabled)
struct PeerSequenceTests {
    static let reader = Rig.readers[1]

    /// Serves `configuration` on slot 1 for the duration of `body`.
    func withServedCard<R>(_ configuration: SimulatorConfiguration, _ body: () throws -> R) throws -> R {
        try Rig.requireReader(Self.reader)
        // The previous card may count as present until vpcd's next 400 ms poll; a card served
        // before that would be connected through the old card's closed link.
        guard try Rig.waitForCard(in: Self.reader, present: false) else {
            throw Rig.Unavailable(description: "\(Self.reader) still holds a card; the slot is not free")
        }
        let served = try SimulatedReader(configuration, slot: 1, giveUpConnectingAfter: .seconds(5))
        defer { served.stop() }
        guard try Rig.waitForCard(in: Self.reader, present: true) else {
            throw Rig.Unavailable(description: "the simulated card never appeared in \(Self.reader)")
        }
        return try body()
    }

    /// Sends one command and returns (data, SW), failing the test on transport errors.
    func send(_ card: borrowing PCSCCard, _ header: APDUHeader, data: [UInt8] = [], le: Int? = nil) throws -> ([UInt8], StatusWord) {
        var command = APDUBuffer(capacity: 300)
        var response = APDUBuffer()
        try command.encode(header, data: data.span, expectedLength: le)
        try card.transmit(command.span, into: &response)
        let bytes = response.copyBytes()
        return (Array(bytes.dropLast(2)), StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1]))
    }

    @Test("a peer's JPKI sequence works: select, token, certificate in 256-byte chunks, VERIFY, sign, and the signature verifies")
    func peerSequenceShortReads() throws {
        try withServedCard(SimulatorConfiguration()) {
            let context = try PCSCContext()
            let card = try context.connect(reader: Self.reader)
            #expect(card.atr == CardProfile.contactlessATR)
            let jpki: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 4, p2: 0x0C), data: jpki).1 == .success)
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x06]).1 == .success)
            let token = try send(card, APDUHeader(cla: 0, ins: 0xB0, p1: 0, p2: 0), le: 32)
            #expect(String(decoding: token.0, as: UTF8.self).hasPrefix("JPKIAPICCTOKEN2"))
            // The certificate: the 4-byte header, then 256-byte chunks.
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x0A]).1 == .success)
            var certificate = try send(card, APDUHeader(cla: 0, ins: 0xB0, p1: 0, p2: 0), le: 4).0
            let total = 4 + (Int(certificate[2]) << 8 | Int(certificate[3]))
            while certificate.count < total {
                let offset = certificate.count
                let chunk = try send(card, APDUHeader(cla: 0, ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF)), le: 256)
                #expect(chunk.1 == .success)
                certificate += chunk.0.prefix(total - offset)
            }
            #expect(certificate == SyntheticIdentity.authCertificate)
            // VERIFY the auth PIN, then sign with the auth key.
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x18]).1 == .success)
            #expect(try send(card, APDUHeader(cla: 0, ins: 0x20, p1: 0, p2: 0x80)).1 == .verificationFailed(triesLeft: 3))
            #expect(try send(card, APDUHeader(cla: 0, ins: 0x20, p1: 0, p2: 0x80), data: Array("1234".utf8)).1 == .success)
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x17]).1 == .success)
            let digestInfo = try Challenge.digestInfo(for: Array("challenge".utf8))
            let signed = try send(card, APDUHeader(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80), data: digestInfo, le: 256)
            #expect(signed.1 == .success && signed.0.count == 256)
            let key = try X509Certificate(derEncoded: certificate.span).publicKey()
            let signature = signed.0
            let verified = key.verifyPKCS1v15(signature: signature.span, digestInfo: digestInfo.span)
            #expect(verified)
            try card.disconnect(.leave)
        }
    }

    @Test("on the extended-length profile one extended READ BINARY returns the whole certificate through pcscd")
    func peerSequenceExtendedRead() throws {
        try withServedCard(SimulatorConfiguration(card: .contactlessExtended)) {
            let context = try PCSCContext()
            let card = try context.connect(reader: Self.reader)
            let jpki: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
            _ = try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 4, p2: 0x0C), data: jpki)
            _ = try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x0A])
            let whole = try send(card, APDUHeader(cla: 0, ins: 0xB0, p1: 0, p2: 0), le: SyntheticIdentity.authCertificate.count)
            #expect(whole.1 == .success)
            #expect(whole.0 == SyntheticIdentity.authCertificate)
            try card.disconnect(.leave)
        }
    }

    @Test("calibration: with fixed-2ms the per-APDU median is 2.000 ms ± 2% above the measured round-trip floor")
    func calibration() throws {
        func medianAPDU(_ timing: TimingProfile) throws -> (median: UInt64, phaseGap: UInt64) {
            try withServedCard(SimulatorConfiguration(timing: timing)) {
                var engine = ReadPathEngine(channel: try PCSCReaderChannel(readerName: Self.reader), scenario: .visual)
                var histogram = LatencyHistogram()
                var largestGap: UInt64 = 0
                for round in 0..<40 {
                    let failure = engine.runIteration(powerAfter: .leave)
                    #expect(failure == nil)
                    guard round >= 5 else { continue }
                    for apdu in engine.recorder.apdus { histogram.record(apdu.durationNanoseconds) }
                    let phases = engine.recorder.phases
                    let total = phases.last!.endNanoseconds - phases.first!.startNanoseconds
                    let sum = phases.reduce(UInt64(0)) { $0 + $1.durationNanoseconds }
                    largestGap = max(largestGap, total - sum)
                }
                return (try #require(histogram.summary).p50, largestGap)
            }
        }
        let floor = try medianAPDU(.instant)
        let calibrated = try medianAPDU(.fixed2ms)
        let added = Double(calibrated.median) - Double(floor.median)
        #expect(abs(added - 2_000_000) <= 40_000, "fixed-2ms added \(added) ns over a floor of \(floor.median) ns")
        // Phases cover the iteration but for the clock reads between them: 7 boundaries, each a
        // few tens of nanoseconds (InstrumentationCost), far below 50 µs.
        let overhead = InstrumentationCost.measure(rounds: 3, perRound: 5_000)
        #expect(Double(calibrated.phaseGap) <= 14 * overhead + 50_000, "gap \(calibrated.phaseGap) ns")
    }
}
