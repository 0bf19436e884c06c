import Synchronization

// MARK: - Ranks, computed once

/// A memo of ``SampleQuantile/ranks(count:_:level:)``: the ranks of an order-statistic interval
/// depend only on the sample count, the quantile and the level, and a run's series mostly share
/// one count (the iterations), so a comparison of 30 series × 12 quantiles computes a few dozen
/// Binomial windows instead of hundreds. Safe to share between threads.
public final class RankTable: Sendable {
    private struct Key: Hashable {
        var count: Int
        var p: Double
        var level: Double
    }

    private let entries = Mutex<[Key: SampleQuantile.Ranks?]>([:])
    private let normalQuantiles = Mutex<[Double: Double]>([:])

    /// An empty table.
    public init() {}

    /// The ranks for `count` samples, from the table or computed and kept.
    public func ranks(count: Int, _ p: Double, level: Double) -> SampleQuantile.Ranks? {
        let key = Key(count: count, p: p, level: level)
        if let known = entries.withLock({ $0[key] }) { return known }
        let ranks = SampleQuantile.ranks(count: count, p, level: level)
        entries.withLock { $0[key] = ranks }
        return ranks
    }

    /// Φ⁻¹((1 + confidence)/2), the two-sided z of a confidence level, computed once per level.
    public func z(_ confidence: Double) -> Double {
        if let known = normalQuantiles.withLock({ $0[confidence] }) { return known }
        let z = StandardNormal.quantile((1 + confidence) / 2)
        normalQuantiles.withLock { $0[confidence] = z }
        return z
    }
}
