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
    func send(_ card: borrowing PCSCCard, _ header: APDUHeader, data: [UInt8] = [], le: Int? = nil) throws -> (
        [UInt8], StatusWord
    ) {
        var command = APDUBuffer(capacity: 300)
        var response = APDUBuffer()
        try command.encode(header, data: data.span, expectedLength: le)
        try card.transmit(command.span, into: &response)
        let bytes = response.copyBytes()
        return (Array(bytes.dropLast(2)), StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1]))
    }

    @Test(
        "a peer's JPKI sequence works: select, token, certificate in 256-byte chunks, VERIFY, sign, and the signature verifies"
    )
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
                let chunk = try send(
                    card, APDUHeader(cla: 0, ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF)), le: 256)
                #expect(chunk.1 == .success)
                certificate += chunk.0.prefix(total - offset)
            }
            #expect(certificate == SyntheticIdentity.authCertificate)
            // VERIFY the auth PIN, then sign with the auth key.
            #expect(try send(card, APDUHeader(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C), data: [0x00, 0x18]).1 == .success)
            #expect(
                try send(card, APDUHeader(cla: 0, ins: 0x20, p1: 0, p2: 0x80)).1 == .verificationFailed(triesLeft: 3))
            #expect(
                try send(card, APDUHeader(cla: 0, ins: 0x20, p1: 0, p2: 0x80), data: Array("1234".utf8)).1 == .success)
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
            let whole = try send(
                card, APDUHeader(cla: 0, ins: 0xB0, p1: 0, p2: 0), le: SyntheticIdentity.authCertificate.count)
            #expect(whole.1 == .success)
            #expect(whole.0 == SyntheticIdentity.authCertificate)
            try card.disconnect(.leave)
        }
    }

    /// What can be asserted on any machine about injected card time: more of it measures more,
    /// and the phases tile each iteration in order. How much the host adds on top of an injected
    /// delay is a measurement that `readerbench calibrate` reports, not a test.
    @Test("a larger injected card delay gives a larger measured median, and phases are ordered and never overlap")
    func injectedDelayOrdering() throws {
        func measure(_ timing: TimingProfile) throws -> UInt64 {
            try withServedCard(SimulatorConfiguration(timing: timing)) {
                var engine = ReadPathEngine(channel: try PCSCReaderChannel(readerName: Self.reader), scenario: .visual)
                var histogram = LatencyHistogram()
                for round in 0..<12 {
                    let failure = engine.runIteration(powerAfter: .leave)
                    #expect(failure == nil)
                    let phases = engine.recorder.phases
                    for (earlier, later) in zip(phases, phases.dropFirst()) {
                        #expect(earlier.startNanoseconds <= earlier.endNanoseconds)
                        #expect(earlier.endNanoseconds <= later.startNanoseconds, "phases overlap: \(phases)")
                    }
                    for apdu in engine.recorder.apdus {
                        let inside = phases.contains {
                            $0.startNanoseconds <= apdu.startNanoseconds && apdu.endNanoseconds <= $0.endNanoseconds
                        }
                        #expect(inside, "an APDU outside every phase")
                    }
                    if round >= 2 { for apdu in engine.recorder.apdus { histogram.record(apdu.durationNanoseconds) } }
                }
                return try #require(histogram.summary).p50
            }
        }
        let floor = try measure(.instant)
        let delayed = try measure(.fixed2ms)
        // Every APDU of fixed-2ms waits at least 2 ms on the card side before answering.
        #expect(delayed >= 2_000_000, "fixed-2ms median \(delayed) ns")
        #expect(delayed > floor, "fixed-2ms median \(delayed) ns, instant \(floor) ns")
    }
}
