import Comparison

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Shapes of latency

/// A latency distribution to draw samples from. Medians are 1 (the unit is arbitrary: every rule
/// compared here is scale-free); spreads are those of card-reader exchanges, a few percent to
/// about ten percent around the median, with the shapes that make means misleading.
public enum LatencyShape: Sendable, Hashable, CustomStringConvertible {
    /// exp(N(log median, σ²)): the textbook skewed latency.
    case logNormal(median: Double, sigma: Double)
    /// Two log-normal modes: `weight` of the samples around `median`, the rest around
    /// `median × separation` (a retry, a 61XX chain, a USB frame boundary).
    case bimodal(median: Double, sigma: Double, separation: Double, weight: Double)
    /// A log-normal body plus, with probability `rate`, a Pareto delay (scale `scale`, shape
    /// `alpha`; infinite variance for alpha ≤ 2): a noisy neighbour, a scheduler preemption.
    case heavyTailed(median: Double, sigma: Double, rate: Double, scale: Double, alpha: Double)
    /// Drawn with replacement from real samples (a series of a committed result file).
    case resampled(name: String, pool: [Double])

    /// The default synthetic shapes of the simulations.
    public static let logNormalDefault = LatencyShape.logNormal(median: 1, sigma: 0.10)
    /// 70% of samples at 1, 30% at 1.25, each mode with σ 0.04.
    public static let bimodalDefault = LatencyShape.bimodal(median: 1, sigma: 0.04, separation: 1.25, weight: 0.7)
    /// A σ 0.05 body; 5% of samples delayed by a Pareto(0.1, 1.2) amount.
    public static let heavyTailedDefault = LatencyShape.heavyTailed(
        median: 1, sigma: 0.05, rate: 0.05, scale: 0.1, alpha: 1.2)

    /// A short name for tables.
    public var description: String {
        switch self {
        case .logNormal(_, let sigma): "log-normal σ \(sigma)"
        case .bimodal(_, _, let separation, let weight):
            "bimodal \(Int(weight * 100))/\(Int(100 - weight * 100)) ×\(separation)"
        case .heavyTailed(_, _, let rate, _, let alpha): "heavy-tailed (\(Int(rate * 100))% Pareto α \(alpha))"
        case .resampled(let name, _): "real: \(name)"
        }
    }

    /// The family of the shape, for grouping figures.
    public var family: String {
        switch self {
        case .logNormal: "log-normal"
        case .bimodal: "bimodal"
        case .heavyTailed: "heavy-tailed"
        case .resampled: "real (resampled)"
        }
    }

    /// `count` independent samples.
    public func draw(_ count: Int, using generator: inout SeededGenerator) -> [Double] {
        var samples = [Double]()
        samples.reserveCapacity(count)
        for _ in 0..<count { samples.append(drawOne(using: &generator)) }
        return samples
    }

    /// One sample.
    public func drawOne(using generator: inout SeededGenerator) -> Double {
        switch self {
        case .logNormal(let median, let sigma):
            return median * exp(sigma * Self.gaussian(&generator))
        case .bimodal(let median, let sigma, let separation, let weight):
            let center = generator.nextUnit() < weight ? median : median * separation
            return center * exp(sigma * Self.gaussian(&generator))
        case .heavyTailed(let median, let sigma, let rate, let scale, let alpha):
            var value = median * exp(sigma * Self.gaussian(&generator))
            if generator.nextUnit() < rate {
                value += scale * pow(generator.nextUnit(), -1 / alpha)
            }
            return value
        case .resampled(_, let pool):
            let index = Int(generator.next() % UInt64(pool.count))
            return pool[index]
        }
    }

    /// A standard normal deviate (Box–Muller; one of the pair is dropped, which keeps the
    /// sequence simple to reason about).
    static func gaussian(_ generator: inout SeededGenerator) -> Double {
        let u = generator.nextUnit()
        let v = generator.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// The shape's p-quantile: exact from the pool for a resampled shape, otherwise estimated
    /// from 200,000 draws with a fixed seed (the same value every time).
    public func referenceQuantile(_ p: Double) -> Double {
        if case .resampled(_, let pool) = self {
            let sorted = SampleQuantile.sorted(pool)
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        var generator = SeededGenerator(seed: 0x5EED_CAFE)
        let sorted = SampleQuantile.sorted(draw(200_000, using: &generator))
        return sorted[Int(p * Double(sorted.count))]
    }
}

// MARK: - Changes

/// A change applied to the current side's samples.
public enum LatencyChange: Sendable, Hashable, CustomStringConvertible {
    /// Nothing changes (an A/A comparison).
    case none
    /// Every sample multiplied by `factor`: p50, p90 and p99 all move by it.
    case scale(Double)
    /// The tail beyond the shape's p95 stretched so that p99 moves by `factor` while p50 and p90
    /// stay exactly where they were: x ↦ q95 + (x − q95)·k for x > q95, with
    /// k = (factor·q99 − q95)/(q99 − q95).
    case tail(q95: Double, q99: Double, factor: Double)

    /// The tail change for `shape`, from its reference quantiles.
    public static func tail(of shape: LatencyShape, factor: Double) -> LatencyChange {
        .tail(q95: shape.referenceQuantile(0.95), q99: shape.referenceQuantile(0.99), factor: factor)
    }

    /// The samples, changed.
    public func apply(_ samples: [Double]) -> [Double] {
        switch self {
        case .none:
            return samples
        case .scale(let factor):
            return samples.map { $0 * factor }
        case .tail(let q95, let q99, let factor):
            let stretch = (factor * q99 - q95) / (q99 - q95)
            return samples.map { $0 > q95 ? q95 + ($0 - q95) * stretch : $0 }
        }
    }

    /// A short name for tables.
    public var description: String {
        switch self {
        case .none: "none"
        case .scale(let factor): "all ×\(factor)"
        case .tail(_, _, let factor): "p99 ×\(factor), p50 and p90 unchanged"
        }
    }
}
