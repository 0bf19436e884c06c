import CardTiming
import Testing

/// The link model's arithmetic, checked against values worked out by hand and against the
/// transfer estimates of `shared/reference/limits.md`.
@Suite("TransferModel")
struct TransferModelTests {
    /// ISO 14443 Type B at `kbps` with FSC 256 and 10 bits per character.
    static func contactless(_ kbps: Double, perFrame: Double = 0, exchange: Double = 0) -> TransferModel {
        TransferModel(
            link: .contactless, bitRateKbps: kbps, bitsPerCharacter: 10, frameSize: 256,
            perFrameOverheadMicroseconds: perFrame, exchangeOverheadMicroseconds: exchange)
    }

    static func close(_ a: Double, _ b: Double, within tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }

    // MARK: - Hand-computed cases

    /// 5-byte READ BINARY, 256 data bytes + SW = 258 bytes back, at 106 kbit/s, FSC 256:
    /// a block carries 256 - 3 (PCB, CRC) = 253 bytes, so the command is 1 block and the response
    /// 2 blocks (253 + 5), acknowledged by one 3-byte R-block. On the link:
    /// 5 + 258 + 3 blocks × 3 + 1 R-block × 3 = 275 bytes = 2750 bits; 2750 / 106000 s = 25943.396 µs.
    @Test("a 5-byte command and a 258-byte response at 106 kbit/s with FSC 256 take 25943.396 µs on the link")
    func readBinaryChunkAt106k() {
        let model = Self.contactless(106)
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 258), 2750.0 / 0.106))
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 258), 25943.396226, within: 1e-5))
    }

    /// The same with the 106k profile's overheads: 4 frames (1 + 2 I-blocks, 1 R-block) × 311.3 µs
    /// and 1500 µs for the reader: 25943.396 + 1245.2 + 1500 = 28688.596 µs.
    @Test("per-frame and per-exchange overheads add 4 frames and one exchange for a 258-byte response")
    func overheadsAt106k() {
        let model = Self.contactless(106, perFrame: 311.3, exchange: 1500)
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 258), 28688.596226, within: 1e-5))
    }

    /// Token read: 5 bytes out, 32 + 2 back, one block each way adding 3 bytes each:
    /// 5 + 34 + 6 = 45 bytes = 450 bits → 4245.283 µs.
    @Test("a 32-byte read (34 bytes back) is one block each way: 45 bytes, 4245.283 µs at 106 kbit/s")
    func tokenReadAt106k() {
        #expect(
            Self.close(
                Self.contactless(106).microseconds(commandCount: 5, responseCount: 34), 4245.283019, within: 1e-5))
    }

    /// 253 response bytes fit one block (5 + 253 + 6 = 264 bytes); 254 need two and an R-block
    /// (5 + 254 + 9 + 3 = 271 bytes).
    @Test("the response crosses into a second block at 254 bytes, not before")
    func blockBoundary() {
        let model = Self.contactless(106)
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 253), 2640.0 / 0.106))
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 254), 2710.0 / 0.106))
    }

    /// A 300-byte command: 2 blocks (253 + 47) + 1 R-block; a 2-byte response: 1 block.
    /// 300 + 2 + 3 × 3 + 3 = 314 bytes → 29622.642 µs.
    @Test("long commands are chained in blocks too")
    func longCommand() {
        #expect(Self.close(Self.contactless(106).microseconds(commandCount: 300, responseCount: 2), 3140.0 / 0.106))
    }

    /// Contact T=1 at F 372, D 1, 4 MHz: etu = 93 µs, 10752.688 bit/s; 11 etu per character;
    /// IFSC 254 (frame 258 with NAD, PCB, LEN, LRC). 5 + 258 bytes: 1 + 2 blocks of 4 overhead
    /// bytes and one 3-byte R-block → 278 characters × 11 × 93 µs = 284394 µs.
    @Test("contact T=1 at the default rate moves a 256-byte chunk in 284.394 ms")
    func contactDefaultRate() {
        let model = TransferModel(
            link: .contact, fi: 372, di: 1, clockMHz: 4, bitsPerCharacter: 11, frameSize: 258,
            perFrameOverheadMicroseconds: 0, exchangeOverheadMicroseconds: 0)
        #expect(Self.close(model.bitsPerSecond, 4_000_000.0 / 372))
        #expect(Self.close(model.microseconds(commandCount: 5, responseCount: 258), 284394, within: 1e-4))
    }

    // MARK: - Shape

    @Test("time grows with every byte sent or received", arguments: [106.0, 424.0])
    func monotonic(kbps: Double) {
        let model = Self.contactless(kbps, perFrame: 100, exchange: 1500)
        var previous = model.microseconds(commandCount: 5, responseCount: 0)
        for response in 1...2100 {
            let now = model.microseconds(commandCount: 5, responseCount: response)
            if !(now > previous) { Issue.record("response \(response): \(now) µs is not more than \(previous) µs") }
            previous = now
        }
        previous = model.microseconds(commandCount: 4, responseCount: 2)
        for command in 5...1000 {
            let now = model.microseconds(commandCount: command, responseCount: 2)
            if !(now > previous) { Issue.record("command \(command): \(now) µs is not more than \(previous) µs") }
            previous = now
        }
    }

    @Test("higher bit rates are faster for every size")
    func fasterAtHigherRates() {
        let rates: [Double] = [106, 212, 424, 848]
        for response in [2, 34, 258, 600, 2050] {
            let times = rates.map {
                Self.contactless($0, perFrame: 50, exchange: 1000).microseconds(
                    commandCount: 5, responseCount: response)
            }
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 > $1 }, "response \(response): \(times)")
        }
        // Without overheads, doubling the rate halves the time exactly.
        let slow = Self.contactless(106).microseconds(commandCount: 5, responseCount: 258)
        let fast = Self.contactless(212).microseconds(commandCount: 5, responseCount: 258)
        #expect(Self.close(slow, 2 * fast))
    }

    // MARK: - Against the reference's estimates

    /// Link time the profile adds for reading a certificate of `size` bytes in 256-byte short
    /// READ BINARY chunks (5-byte command; chunk + 2 bytes of SW back), in milliseconds.
    static func certificateRead(_ model: TransferModel, size: Int) -> Double {
        var remaining = size
        var total = 0.0
        while remaining > 0 {
            let chunk = min(256, remaining)
            total += model.microseconds(commandCount: 5, responseCount: chunk + 2)
            remaining -= chunk
        }
        return total / 1000
    }

    /// limits.md "Transfer estimate [E]": 1.2 KB certificate 129 / 66 / 35 ms and 2 KB 221 / 114 /
    /// 60 ms at 106 / 212 / 424 kbit/s; contact at 4 MHz default 1.37 s / 2.35 s, 4 MHz 4x 0.34 s /
    /// 0.59 s. "1.2 KB" is taken as 1200 bytes (5 reads) and "2 KB" as 2048 bytes (8 reads). The
    /// model's figure includes the per-frame and per-exchange overheads of the profile file, i.e.
    /// everything the profile adds for the link. Tolerance: ±25% of the estimate.
    @Test(
        "the built-in link models land within ±25% of limits.md's certificate-read estimates",
        arguments: [
            ("contactless-106k", 129.0, 221.0), ("contactless-212k", 66.0, 114.0), ("contactless-424k", 35.0, 60.0),
            ("contact-default", 1370.0, 2350.0), ("contact-fast", 340.0, 590.0),
        ])
    func matchesReferenceEstimates(profile name: String, smallMs: Double, largeMs: Double) throws {
        let transfer = try #require(try TimingProfiles.named(name).transfer)
        for (size, estimate) in [(1200, smallMs), (2048, largeMs)] {
            let modelled = Self.certificateRead(transfer, size: size)
            let ratio = modelled / estimate
            #expect(
                ratio >= 0.75 && ratio <= 1.25, "\(name), \(size) B: modelled \(modelled) ms vs estimate \(estimate) ms"
            )
        }
    }

    @Test("a link with no room for data or an impossible rate is refused by validation")
    func validation() {
        var bad = Self.contactless(106)
        bad.frameSize = 3
        #expect(TimingProfile(name: "x", imitates: "x", transfer: bad).validationProblem() != nil)
        bad = Self.contactless(0)
        #expect(TimingProfile(name: "x", imitates: "x", transfer: bad).validationProblem() != nil)
        bad = Self.contactless(106)
        bad.bitsPerCharacter = 0
        #expect(TimingProfile(name: "x", imitates: "x", transfer: bad).validationProblem() != nil)
        bad = Self.contactless(106, perFrame: -1)
        #expect(TimingProfile(name: "x", imitates: "x", transfer: bad).validationProblem() != nil)
        // F = 0 would make the bit rate infinite and the link free.
        let contactZeroF = TransferModel(
            link: .contact, fi: 0, di: 1, clockMHz: 4, bitsPerCharacter: 11, frameSize: 258,
            perFrameOverheadMicroseconds: 0, exchangeOverheadMicroseconds: 0)
        #expect(TimingProfile(name: "x", imitates: "x", transfer: contactZeroF).validationProblem() != nil)
        #expect(TimingProfile(name: "x", imitates: "x", transfer: Self.contactless(106)).validationProblem() == nil)
    }
}
