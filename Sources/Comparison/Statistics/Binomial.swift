#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Binomial probabilities

/// The Binomial(n, p) distribution function over the window where its mass lies.
///
/// Order-statistic intervals ask "how many of n samples fall below the true p-quantile?", which
/// is Binomial(n, p) whatever the latency distribution is: that is what makes them
/// distribution-free. Only the window of about ±12 standard deviations around the mean is
/// computed (the mass outside it is below 1e-30), by the ratio recurrence of consecutive
/// probabilities normalised over the window, so n in the millions costs a few thousand steps
/// and nothing underflows.
struct BinomialDistribution {
    let n: Int
    let p: Double
    /// The first k of the window; P(B < first) is taken as 0.
    private let first: Int
    /// cumulative[i] = P(B ≤ first + i).
    private let cumulative: [Double]

    init(n: Int, p: Double) {
        precondition(n >= 0 && p > 0 && p < 1, "Binomial(n ≥ 0, 0 < p < 1)")
        self.n = n
        self.p = p
        let mean = Double(n) * p
        let spread = (Double(n) * p * (1 - p)).squareRoot()
        let low = max(0, Int((mean - 12 * spread - 10).rounded(.down)))
        let high = min(n, Int((mean + 12 * spread + 10).rounded(.up)))
        let mode = min(max(Int((Double(n + 1) * p).rounded(.down)), low), high)
        var mass = [Double](repeating: 0, count: high - low + 1)
        mass[mode - low] = 1
        let odds = p / (1 - p)
        if mode < high {
            for k in mode..<high {
                mass[k + 1 - low] = mass[k - low] * Double(n - k) / Double(k + 1) * odds
            }
        }
        if mode > low {
            for k in stride(from: mode, to: low, by: -1) {
                mass[k - 1 - low] = mass[k - low] * Double(k) / Double(n - k + 1) / odds
            }
        }
        let total = mass.reduce(0, +)
        var running = 0.0
        cumulative = mass.map {
            running += $0 / total
            return running
        }
        first = low
    }

    /// P(B ≤ k).
    func cdf(_ k: Int) -> Double {
        if k < first { return 0 }
        if k - first >= cumulative.count { return 1 }
        return min(1, cumulative[k - first])
    }

    /// The largest k in -1…n with P(B ≤ k) ≤ probability (-1 when even P(B ≤ 0) is larger).
    func largest(withCDFAtMost probability: Double) -> Int {
        var k = first - 1
        while k + 1 <= n && cdf(k + 1) <= probability { k += 1 }
        return k
    }

    /// The smallest k in 0…n with P(B ≤ k) ≥ probability.
    func smallest(withCDFAtLeast probability: Double) -> Int {
        var k = first
        while k < n && cdf(k) < probability { k += 1 }
        return k
    }
}
