/// How long a card (and the reader's link to it) takes to answer, as a model.
///
/// A profile adds time on the card side of the simulator so the harness can be exercised
/// against latencies like a real reader's. Its numbers are a **model, not a measurement**: each
/// profile says what it imitates and where its figures come from, and every result measured
/// against it is labelled "modelled".
///
/// The time for one command is
///
///     fixed + transfer(command, response) + processing(INS) + jitter, all × slowFactor
///
/// where `transfer` comes from the ``TransferModel`` (bit rate, framing, per-frame and
/// per-exchange overheads) and `processing` from a per-instruction table.
public struct TimingProfile: Codable, Sendable, Hashable {
    /// Name on the command line (`--profile NAME`).
    public var name: String
    /// Which reader/card situation it imitates, and the sources of its figures.
    public var imitates: String
    /// Always true for built-in profiles: the delays are modelled. Present in the file so no one
    /// mistakes a profile for a measurement.
    public var modelled: Bool
    /// Added to every command, in microseconds (calibration profiles use only this).
    public var fixedMicroseconds: Double
    /// How bytes move between reader and card; nil adds no transfer time.
    public var transfer: TransferModel?
    /// Card processing time per instruction, keyed by INS in hex (`"A4"`, `"B0"`, `"20"`, `"2A"`),
    /// in microseconds.
    public var processingMicroseconds: [String: Double]
    /// Processing time for instructions not in the table.
    public var defaultProcessingMicroseconds: Double
    /// Random variation; nil for none.
    public var jitter: Jitter?
    /// Multiplies the whole delay (the "slow card" fault uses this).
    public var slowFactor: Double

    public init(
        name: String, imitates: String, modelled: Bool = true, fixedMicroseconds: Double = 0,
        transfer: TransferModel? = nil, processingMicroseconds: [String: Double] = [:],
        defaultProcessingMicroseconds: Double = 0, jitter: Jitter? = nil, slowFactor: Double = 1
    ) {
        self.name = name
        self.imitates = imitates
        self.modelled = modelled
        self.fixedMicroseconds = fixedMicroseconds
        self.transfer = transfer
        self.processingMicroseconds = processingMicroseconds
        self.defaultProcessingMicroseconds = defaultProcessingMicroseconds
        self.jitter = jitter
        self.slowFactor = slowFactor
    }

    /// Random variation added to each command's delay.
    public struct Jitter: Codable, Sendable, Hashable {
        public enum Distribution: String, Codable, Sendable {
            /// Uniform in [-width/2, +width/2].
            case uniform
            /// Normal with the given standard deviation, clipped at ±4σ.
            case normal
        }
        public var distribution: Distribution
        /// Standard deviation (normal) or full width (uniform), in microseconds.
        public var microseconds: Double
        /// Seed of the generator, so runs are reproducible.
        public var seed: UInt64

        public init(distribution: Distribution, microseconds: Double, seed: UInt64) {
            self.distribution = distribution
            self.microseconds = microseconds
            self.seed = seed
        }
    }

    /// Checks that the numbers make sense; returns why not.
    public func validationProblem() -> String? {
        if fixedMicroseconds < 0 || defaultProcessingMicroseconds < 0 { return "negative delays" }
        if processingMicroseconds.values.contains(where: { $0 < 0 }) { return "a negative processing time" }
        if let bad = processingMicroseconds.keys.first(where: { UInt8($0, radix: 16) == nil }) {
            return "processing key '\(bad)' is not an INS in hex"
        }
        if !(slowFactor > 0) { return "slowFactor must be positive" }
        if let jitter, jitter.microseconds < 0 { return "negative jitter" }
        if let transfer, let problem = transfer.validationProblem() { return problem }
        return nil
    }
}

// MARK: - Built-in calibration profiles

extension TimingProfile {
    /// Adds nothing: the card answers as fast as the simulator can.
    public static let instant = TimingProfile(
        name: "instant", imitates: "no card-side time at all: measures the harness and the PC/SC stack only")

    /// Every command takes exactly 2.000 ms on the card side: calibrates the harness (the
    /// measured per-APDU median should be 2.000 ms plus the round-trip floor).
    public static let fixed2ms = TimingProfile(
        name: "fixed-2ms", imitates: "calibration: exactly 2.000 ms per command, nothing else", fixedMicroseconds: 2000)
}
