// MARK: - Mood's quantile test

/// Did the p-quantile change? Mood's test, generalised from the median to any quantile: count
/// the samples of each side at or below the pooled sample's p-quantile and ask, with Fisher's
/// exact test, whether the split between the sides could be chance.
///
/// Why this test for the significance of a quantile, rather than the interval of
/// ``QuantileRatio`` read as a z-test: under "no change" the pooled samples are exchangeable, so
/// the count on each side is exactly hypergeometric whatever the distribution, with any number
/// of ties. The p-value is exact at every level, also the 1e-5 a family of 50 series and five
/// tests asks for, where a studentised quantile difference (its standard error estimated from
/// a few order statistics) has heavier tails than the normal and would raise false alarms.
public enum QuantileTest {
    /// The test's outcome.
    public struct Result: Sendable, Hashable, Codable {
        /// The pooled sample's p-quantile (nearest rank) the counts are taken at.
        public var pooledQuantile: Double
        /// Baseline samples at or below it.
        public var baselineAtOrBelow: Int
        /// Current samples at or below it.
        public var currentAtOrBelow: Int
        /// Two-sided p-value of Fisher's exact test on the 2 × 2 table.
        public var pValue: Double
    }

    /// Tests ascending `baseline` against ascending `current` at quantile `p`.
    ///
    /// - Precondition: both samples are sorted ascending and not empty; `p` is in (0, 1).
    public static func test(baseline: [Double], current: [Double], quantile p: Double) -> Result {
        let n1 = baseline.count
        let n2 = current.count
        let total = n1 + n2
        let rank = min(total, max(1, Int((p * Double(total)).rounded(.up))))
        let pooled = kthSmallest(rank, baseline, current)
        let a = atOrBelow(baseline, pooled)
        let c = atOrBelow(current, pooled)
        return Result(
            pooledQuantile: pooled, baselineAtOrBelow: a, currentAtOrBelow: c,
            pValue: fisherExact(a: a, rowTotal: n1, columnTotal: a + c, total: total))
    }

    /// The k-th smallest (from 1) of two ascending arrays together, by binary search on how
    /// many come from the first: the pooled sample's nearest-rank quantile without merging.
    static func kthSmallest(_ k: Int, _ first: [Double], _ second: [Double]) -> Double {
        var low = max(0, k - second.count)
        var high = min(k, first.count)
        while low < high {
            let i = (low + high) / 2
            let j = k - i
            if j > 0 && first[i] < second[j - 1] { low = i + 1 } else { high = i }
        }
        let i = low
        let j = k - i
        if i == 0 { return second[j - 1] }
        if j == 0 { return first[i - 1] }
        return max(first[i - 1], second[j - 1])
    }

    /// How many of ascending `sorted` are ≤ `value` (binary search).
    static func atOrBelow(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Two-sided Fisher exact p-value of a 2 × 2 table with first cell `a`, first row total
    /// `rowTotal`, first column total `columnTotal` and grand total `total`: the probability,
    /// under the hypergeometric distribution with these margins, of a table no more likely than
    /// the one seen.
    ///
    /// Probabilities are built by the ratio of consecutive terms from the mode and normalised
    /// over the support, so no factorial is ever formed and nothing overflows.
    public static func fisherExact(a: Int, rowTotal n1: Int, columnTotal k: Int, total n: Int) -> Double {
        let low = max(0, k - (n - n1))
        let high = min(k, n1)
        guard high > low else { return 1 }
        let mode = min(high, max(low, Int(Double(n1 + 1) * Double(k + 1) / Double(n + 2))))
        // Weights relative to the mode's, walking up and down from it; the observed table's
        // weight first, then the sums.
        func up(_ x: Int) -> Double {
            Double(k - x) * Double(n1 - x) / (Double(x + 1) * Double(n - k - n1 + x + 1))
        }
        func down(_ x: Int) -> Double {
            Double(x) * Double(n - k - n1 + x) / (Double(k - x + 1) * Double(n1 - x + 1))
        }
        var observed = 1.0
        if a > mode {
            for x in mode..<a { observed *= up(x) }
        } else if a < mode {
            for x in stride(from: mode, to: a, by: -1) { observed *= down(x) }
        }
        let limit = observed * (1 + 1e-7)
        var total = 1.0
        var tail = 1 <= limit ? 1.0 : 0
        var weight = 1.0
        var x = mode
        while x < high && weight > 0 {
            weight *= up(x)
            x += 1
            total += weight
            if weight <= limit { tail += weight }
        }
        weight = 1
        x = mode
        while x > low && weight > 0 {
            weight *= down(x)
            x -= 1
            total += weight
            if weight <= limit { tail += weight }
        }
        return min(1, tail / total)
    }
}
