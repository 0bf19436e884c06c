// MARK: - Mann–Whitney U

/// The Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples.
///
/// What it sees: whether values of one sample tend to be larger than the other's, a shift of
/// location, robust to outliers and to any monotone change of units. What it misses: a change of
/// shape that keeps the two samples' ranks balanced (modes trading weight around the same
/// centre); ``KolmogorovSmirnov`` covers that.
public enum MannWhitneyU {
    /// The test's outcome.
    public struct Result: Sendable, Hashable, Codable {
        /// U of the current sample: the pairs (baseline b, current c) with c > b, ties counting ½.
        public var u: Double
        /// U divided by the number of pairs: the probability that a current sample exceeds a
        /// baseline one (0.5 when nothing changed). An effect size people can read.
        public var probabilityCurrentGreater: Double
        /// The z statistic, continuity-corrected (0 when every value is tied).
        public var z: Double
        /// Two-sided p-value.
        public var pValue: Double
    }

    /// Tests ascending `baseline` against ascending `current`.
    ///
    /// Ties get the average of the ranks they span, and the variance is reduced by the usual
    /// tie term Σ(t³ − t) / (N(N − 1)); the p-value is the normal approximation with continuity
    /// correction, which is accurate at the sample sizes a verdict needs (at least 10 per side;
    /// ``Comparator`` asks for that).
    ///
    /// - Precondition: both samples are sorted ascending and not empty.
    public static func test(baseline: [Double], current: [Double]) -> Result {
        let n1 = baseline.count
        let n2 = current.count
        precondition(n1 > 0 && n2 > 0, "Mann–Whitney U of an empty sample")
        var i = 0
        var j = 0
        var rank = 0.0  // ranks given so far
        var currentRankSum = 0.0
        var tieTerm = 0.0
        while i < n1 || j < n2 {
            let value = j >= n2 || (i < n1 && baseline[i] <= current[j]) ? baseline[i] : current[j]
            var inBaseline = 0
            var inCurrent = 0
            while i < n1 && baseline[i] == value {
                i += 1
                inBaseline += 1
            }
            while j < n2 && current[j] == value {
                j += 1
                inCurrent += 1
            }
            let t = Double(inBaseline + inCurrent)
            let averageRank = rank + (t + 1) / 2
            currentRankSum += Double(inCurrent) * averageRank
            tieTerm += t * t * t - t
            rank += t
        }
        let pairs = Double(n1) * Double(n2)
        let u = currentRankSum - Double(n2) * Double(n2 + 1) / 2
        let total = Double(n1 + n2)
        let variance = pairs / 12 * ((total + 1) - (total > 1 ? tieTerm / (total * (total - 1)) : 0))
        guard variance > 0 else {
            return Result(u: u, probabilityCurrentGreater: u / pairs, z: 0, pValue: 1)
        }
        let deviation = u - pairs / 2
        let corrected = max(0, abs(deviation) - 0.5)
        let z = (deviation < 0 ? -corrected : corrected) / variance.squareRoot()
        return Result(
            u: u, probabilityCurrentGreater: u / pairs, z: z, pValue: min(1, StandardNormal.twoSidedP(z)))
    }
}
