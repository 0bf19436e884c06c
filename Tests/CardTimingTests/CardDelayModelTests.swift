import CardTiming
import Testing

/// The per-command delay: fixed + transfer + processing(INS) + jitter, all × slowFactor.
@Suite("CardDelayModel")
struct CardDelayModelTests {
    /// A spread of commands: INS, command bytes, response bytes.
    static let commands: [(ins: UInt8, command: Int, response: Int)] = [
        (0xA4, 15, 2), (0xB0, 5, 258), (0xB0, 7, 1573), (0x20, 9, 2), (0x2A, 57, 258), (0x00, 4, 2), (0xFF, 0, 0),
    ]

    static func jittered(_ distribution: TimingProfile.Jitter.Distribution, seed: UInt64, slow: Double = 1)
        -> TimingProfile
    {
        TimingProfile(
            name: "jitter", imitates: "test", fixedMicroseconds: 1000,
            jitter: .init(distribution: distribution, microseconds: 150, seed: seed), slowFactor: slow)
    }

    static func sequence(_ profile: TimingProfile, count: Int = 200) -> [UInt64] {
        var model = CardDelayModel(profile)
        return (0..<count).map { index in
            let command = commands[index % commands.count]
            return model.delayNanoseconds(
                ins: command.ins, commandCount: command.command, responseCount: command.response)
        }
    }

    @Test("the instant profile adds nothing to any command")
    func instant() {
        var model = CardDelayModel(.instant)
        for command in Self.commands {
            #expect(
                model.delayNanoseconds(ins: command.ins, commandCount: command.command, responseCount: command.response)
                    == 0)
        }
    }

    @Test("fixed-2ms adds exactly 2,000,000 ns to every command, whatever its INS or size")
    func fixed2ms() {
        var model = CardDelayModel(.fixed2ms)
        for ins in 0...255 {
            for (commandCount, responseCount) in [(0, 0), (5, 258), (4, 65538)] {
                let delay = model.delayNanoseconds(
                    ins: UInt8(ins), commandCount: commandCount, responseCount: responseCount)
                if delay != 2_000_000 {
                    Issue.record("INS \(ins), \(commandCount)/\(responseCount) bytes: \(delay) ns")
                }
            }
        }
        let command: [UInt8] = [0x80, 0x2A, 0x00, 0x80]
        let span = command.span
        #expect(model.delayNanoseconds(command: span, responseCount: 258) == 2_000_000)
    }

    @Test("processing time comes from the INS table, in any hex case, else the default")
    func processingTable() {
        let profile = TimingProfile(
            name: "table", imitates: "test", processingMicroseconds: ["2A": 300_000, "b0": 4000],
            defaultProcessingMicroseconds: 3000)
        var model = CardDelayModel(profile)
        #expect(model.delayNanoseconds(ins: 0x2A, commandCount: 57, responseCount: 258) == 300_000_000)
        #expect(model.delayNanoseconds(ins: 0xB0, commandCount: 5, responseCount: 258) == 4_000_000)
        #expect(model.delayNanoseconds(ins: 0xA4, commandCount: 15, responseCount: 2) == 3_000_000)
        // A raw command's INS is its second byte; a command too short to have one uses INS 00.
        let sign: [UInt8] = [0x80, 0x2A, 0x00, 0x80, 0x01, 0x00, 0x00]
        let signSpan = sign.span
        #expect(model.delayNanoseconds(command: signSpan, responseCount: 258) == 300_000_000)
        let stub: [UInt8] = [0x2A]
        let stubSpan = stub.span
        #expect(model.delayNanoseconds(command: stubSpan, responseCount: 2) == 3_000_000)
    }

    @Test("the link's transfer time is added, rounded to the nanosecond")
    func transferAdded() {
        let link = TransferModel(
            link: .contactless, bitRateKbps: 106, bitsPerCharacter: 10, frameSize: 256,
            perFrameOverheadMicroseconds: 311.3, exchangeOverheadMicroseconds: 1500)
        var model = CardDelayModel(
            TimingProfile(name: "link", imitates: "test", fixedMicroseconds: 100, transfer: link))
        // 100 µs fixed + 28688.596226 µs link (see TransferModelTests) = 28788596.226 ns → 28788596.
        #expect(model.delayNanoseconds(ins: 0xB0, commandCount: 5, responseCount: 258) == 28_788_596)
        let command: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x00]
        let span = command.span
        #expect(model.delayNanoseconds(command: span, responseCount: 258) == 28_788_596)
    }

    @Test(
        "jitter is the same for the same seed and differs across seeds",
        arguments: [TimingProfile.Jitter.Distribution.normal, .uniform])
    func jitterReproducible(distribution: TimingProfile.Jitter.Distribution) {
        let first = Self.sequence(Self.jittered(distribution, seed: 42))
        let again = Self.sequence(Self.jittered(distribution, seed: 42))
        let other = Self.sequence(Self.jittered(distribution, seed: 43))
        #expect(first == again)
        #expect(first != other)
        // And it varies from command to command.
        #expect(Set(first).count > 150)
    }

    @Test("normal jitter stays within ±4σ and centres on the fixed delay; uniform within ±width/2")
    func jitterBounds() {
        let normal = Self.sequence(Self.jittered(.normal, seed: 7), count: 20_000)
        #expect(normal.allSatisfy { $0 >= 400_000 && $0 <= 1_600_000 })
        let mean = Double(normal.reduce(0, +)) / Double(normal.count)
        // σ = 150 µs; the mean of 20,000 draws is within 3σ/√n ≈ 3.2 µs of 1000 µs (seeded, so fixed).
        #expect(abs(mean - 1_000_000) < 3_200)
        let uniform = Self.sequence(Self.jittered(.uniform, seed: 7), count: 20_000)
        #expect(uniform.allSatisfy { $0 >= 925_000 && $0 <= 1_075_000 })
        #expect(uniform.min()! < 930_000 && uniform.max()! > 1_070_000)
    }

    @Test("jitter that would make a delay negative clamps at zero")
    func negativeClamps() {
        let profile = TimingProfile(
            name: "j", imitates: "test", jitter: .init(distribution: .normal, microseconds: 500, seed: 3))
        let delays = Self.sequence(profile, count: 1000)
        #expect(delays.contains(0))
        #expect(delays.contains { $0 > 0 })
    }

    @Test("the slow factor multiplies the whole delay, jitter included")
    func slowFactor() {
        let link = TransferModel(
            link: .contactless, bitRateKbps: 212, bitsPerCharacter: 10, frameSize: 256,
            perFrameOverheadMicroseconds: 155.7, exchangeOverheadMicroseconds: 1500)
        var base = TimingProfile(
            name: "s", imitates: "test", fixedMicroseconds: 250, transfer: link, processingMicroseconds: ["B0": 4000],
            defaultProcessingMicroseconds: 3000)
        var normal = CardDelayModel(base)
        base.slowFactor = 3
        var slow = CardDelayModel(base)
        for command in Self.commands {
            let a = normal.delayNanoseconds(
                ins: command.ins, commandCount: command.command, responseCount: command.response)
            let b = slow.delayNanoseconds(
                ins: command.ins, commandCount: command.command, responseCount: command.response)
            #expect(abs(Double(b) - 3 * Double(a)) <= 2, "\(command): \(a) ns × 3 vs \(b) ns")
        }
        let plain = Self.sequence(Self.jittered(.normal, seed: 9))
        let doubled = Self.sequence(Self.jittered(.normal, seed: 9, slow: 2))
        for (a, b) in zip(plain, doubled) { #expect(abs(Double(b) - 2 * Double(a)) <= 1) }
        var calibration = TimingProfile.fixed2ms
        calibration.slowFactor = 2.5
        var model = CardDelayModel(calibration)
        #expect(model.delayNanoseconds(ins: 0xB0, commandCount: 5, responseCount: 258) == 5_000_000)
    }

    @Test("SplitMix64 gives the reference implementation's outputs")
    func splitMixVector() {
        // Outputs of Vigna's splitmix64.c for seed 0 (the widely published first values).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
        var unit = SplitMix64(seed: 99)
        for _ in 0..<10_000 {
            let u = unit.nextUnit()
            if !(u >= 0 && u < 1) { Issue.record("nextUnit gave \(u)") }
        }
    }
}
