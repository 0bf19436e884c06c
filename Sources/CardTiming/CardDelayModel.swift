/// Turns a ``TimingProfile`` into a delay per command, with seeded jitter.
///
/// One model per served card (it holds the generator's state). Computing a delay allocates
/// nothing: the instruction table is flattened into 256 slots up front.
public struct CardDelayModel: Sendable {
    public let profile: TimingProfile
    private var processingByINS: [Double]
    private var generator: SplitMix64

    public init(_ profile: TimingProfile) {
        self.profile = profile
        var table = [Double](repeating: profile.defaultProcessingMicroseconds, count: 256)
        for (key, value) in profile.processingMicroseconds {
            if let ins = UInt8(key, radix: 16) { table[Int(ins)] = value }
        }
        processingByINS = table
        generator = SplitMix64(seed: profile.jitter?.seed ?? 0)
    }

    /// Card-side nanoseconds for a command of `commandCount` bytes with instruction `ins`
    /// answered by `responseCount` bytes.
    public mutating func delayNanoseconds(ins: UInt8, commandCount: Int, responseCount: Int) -> UInt64 {
        var microseconds = profile.fixedMicroseconds + processingByINS[Int(ins)]
        if let transfer = profile.transfer {
            microseconds += transfer.microseconds(commandCount: commandCount, responseCount: responseCount)
        }
        if let jitter = profile.jitter, jitter.microseconds > 0 {
            switch jitter.distribution {
            case .uniform: microseconds += (generator.nextUnit() - 0.5) * jitter.microseconds
            case .normal: microseconds += max(-4, min(4, generator.nextStandardNormal())) * jitter.microseconds
            }
        }
        microseconds *= profile.slowFactor
        return microseconds <= 0 ? 0 : UInt64((microseconds * 1000).rounded())
    }

    /// The delay for a raw command (INS is its second byte).
    public mutating func delayNanoseconds(command: Span<UInt8>, responseCount: Int) -> UInt64 {
        let ins: UInt8 = command.count > 1 ? command[1] : 0
        return delayNanoseconds(ins: ins, commandCount: command.count, responseCount: responseCount)
    }
}

/// A small, fast, seedable generator (SplitMix64), so jittered runs repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller).
    public mutating func nextStandardNormal() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
