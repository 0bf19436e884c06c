#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Sample quantiles

/// Quantiles of a sorted sample, and the distribution-free intervals that bound them.
public enum SampleQuantile {
    /// `values` in ascending order.
    ///
    /// A merge sort written for `Double` (insertion-sorted runs of 16, then merged): in an
    /// optimised build as fast as the standard library's sort for the few thousand samples of a
    /// series, and several times faster in a debug build, where the generic sort is not
    /// specialised. The simulation tests sort millions of samples in debug builds.
    public static func sorted(_ values: [Double]) -> [Double] {
        var source = values
        let n = source.count
        guard n > 1 else { return source }
        let run = 16
        var start = 0
        while start < n {
            let end = min(start + run, n)
            var i = start + 1
            while i < end {
                let value = source[i]
                var j = i - 1
                while j >= start && source[j] > value {
                    source[j + 1] = source[j]
                    j -= 1
                }
                source[j + 1] = value
                i += 1
            }
            start = end
        }
        var target = [Double](repeating: 0, count: n)
        var width = run
        while width < n {
            var low = 0
            while low < n {
                let middle = min(low + width, n)
                let high = min(low + 2 * width, n)
                var i = low
                var j = middle
                var k = low
                while i < middle && j < high {
                    if source[j] < source[i] {
                        target[k] = source[j]
                        j += 1
                    } else {
                        target[k] = source[i]
                        i += 1
                    }
                    k += 1
                }
                while i < middle {
                    target[k] = source[i]
                    i += 1
                    k += 1
                }
                while j < high {
                    target[k] = source[j]
                    j += 1
                    k += 1
                }
                low = high
            }
            swap(&source, &target)
            width *= 2
        }
        return source
    }

    /// The p-quantile of ascending `sorted` values, interpolated between the two nearest order
    /// statistics (Hyndman & Fan's type 7, the default of R and NumPy): a continuous estimate
    /// that moves smoothly as samples are added, where nearest-rank jumps.
    ///
    /// - Precondition: `sorted` is ascending and not empty; `p` is in [0, 1].
    public static func estimate(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty, "a quantile of no samples")
        let h = Double(sorted.count - 1) * p
        let below = Int(h.rounded(.down))
        guard below + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[below] + (h - Double(below)) * (sorted[below + 1] - sorted[below])
    }

    /// An interval that holds the true p-quantile with probability at least `level`, from two
    /// order statistics; nil when the sample is too small for any pair of ranks to reach that
    /// level (see ``samplesToBound(_:level:)``).
    ///
    /// Why order statistics: the number of samples below the true p-quantile is Binomial(n, p)
    /// whatever the distribution, so the ranks l < u with P(l ≤ B < u) ≥ level give an exact,
    /// distribution-free interval [x₍l₎, x₍u₎]. Each tail gets at most (1 − level)/2; the
    /// interval's actual coverage (at least `level`, higher because ranks are whole numbers) is
    /// returned so a standard error can be derived from it.
    ///
    /// - Precondition: `sorted` is ascending; `p` and `level` are in (0, 1).
    public static func interval(_ sorted: [Double], _ p: Double, level: Double) -> Interval? {
        ranks(count: sorted.count, p, level: level).map { Interval(sorted, $0) }
    }

    /// The ranks of ``interval(_:_:level:)`` for `count` samples: they depend on the count, the
    /// quantile and the level only, never on the values, so a comparison of many series of the
    /// same length computes them once (``RankTable``).
    public static func ranks(count n: Int, _ p: Double, level: Double) -> Ranks? {
        guard n > 0 else { return nil }
        let tail = (1 - level) / 2
        let binomial = BinomialDistribution(n: n, p: p)
        // Ranks are 1-based: x₍l₎ > ξ exactly when fewer than l samples are below ξ.
        let lower = binomial.largest(withCDFAtMost: tail) + 1
        let upper = binomial.smallest(withCDFAtLeast: 1 - tail) + 1
        guard lower >= 1, upper <= n, lower <= upper else { return nil }
        let coverage = binomial.cdf(upper - 1) - binomial.cdf(lower - 1)
        return Ranks(lower: lower, upper: upper, coverage: coverage)
    }

    /// The smallest sample size for which ``interval(_:_:level:)`` exists: the extreme order
    /// statistics must themselves reach the level, which takes p^n ≤ (1 − level)/2 and
    /// (1 − p)^n ≤ (1 − level)/2. For p99 at 99% that is 528 samples.
    public static func samplesToBound(_ p: Double, level: Double) -> Int {
        let tail = (1 - level) / 2
        let worst = max(p, 1 - p)
        var n = max(1, Int((log(tail) / log(worst)).rounded(.up)) - 2)
        while pow(worst, Double(n)) > tail { n += 1 }
        return n
    }

    /// The two ranks of an order-statistic interval and its exact coverage.
    public struct Ranks: Sendable, Hashable, Codable {
        /// l, from 1.
        public var lower: Int
        /// u, from 1.
        public var upper: Int
        /// P(l ≤ B < u) for B ~ Binomial(n, p): the interval's coverage for a continuous
        /// distribution, at least the level asked.
        public var coverage: Double
        /// z of that coverage, Φ⁻¹((1 + coverage)/2): how many standard errors the interval's
        /// half-width is, which turns its width into a standard error.
        public var z: Double

        /// Ranks and their coverage.
        public init(lower: Int, upper: Int, coverage: Double) {
            self.lower = lower
            self.upper = upper
            self.coverage = coverage
            z = StandardNormal.quantile((1 + min(coverage, 1 - 1e-15)) / 2)
        }
    }

    /// A quantile's order-statistic interval.
    public struct Interval: Sendable, Hashable, Codable {
        /// x₍l₎.
        public var lower: Double
        /// x₍u₎.
        public var upper: Double
        /// l, from 1.
        public var lowerRank: Int
        /// u, from 1.
        public var upperRank: Int
        /// P(x₍l₎ ≤ ξ ≤ x₍u₎) exactly, for a continuous distribution: at least the level asked.
        public var coverage: Double
        /// Φ⁻¹((1 + coverage)/2).
        public var z: Double

        /// The interval of ascending `sorted` samples at `ranks`.
        public init(_ sorted: [Double], _ ranks: Ranks) {
            lower = sorted[ranks.lower - 1]
            upper = sorted[ranks.upper - 1]
            lowerRank = ranks.lower
            upperRank = ranks.upper
            coverage = ranks.coverage
            z = ranks.z
        }
    }
}
