#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Two-sample Kolmogorov–Smirnov

/// The two-sample Kolmogorov–Smirnov test: the largest gap between the two empirical
/// distribution functions.
///
/// What it sees: any change of shape, not only of location; in particular modes that trade
/// weight (a retry path taken by 30% of iterations instead of 10%) which Mann–Whitney U can
/// miss. What it misses: changes confined to the far tail, where both distribution functions are
/// already near 1; the per-quantile tests of ``Comparator`` cover the tail.
public enum KolmogorovSmirnov {
    /// The test's outcome.
    public struct Result: Sendable, Hashable, Codable {
        /// D = sup |F_baseline(x) − F_current(x)|, in [0, 1].
        public var d: Double
        /// The p-value.
        public var pValue: Double
    }

    /// Tests ascending `baseline` against ascending `current`.
    ///
    /// D is evaluated only at the end of each run of tied values, so ties never create a
    /// spurious gap. The p-value is the Kolmogorov distribution's tail at Stephens' corrected
    /// λ = (√nₑ + 0.12 + 0.11/√nₑ)·D with nₑ = n₁n₂/(n₁ + n₂), which is accurate from nₑ ≈ 4 up
    /// and conservative with ties.
    ///
    /// - Precondition: both samples are sorted ascending and not empty.
    public static func test(baseline: [Double], current: [Double]) -> Result {
        let n1 = baseline.count
        let n2 = current.count
        precondition(n1 > 0 && n2 > 0, "Kolmogorov–Smirnov of an empty sample")
        var i = 0
        var j = 0
        var d = 0.0
        while i < n1 && j < n2 {
            let value = min(baseline[i], current[j])
            while i < n1 && baseline[i] == value { i += 1 }
            while j < n2 && current[j] == value { j += 1 }
            d = max(d, abs(Double(i) / Double(n1) - Double(j) / Double(n2)))
        }
        let effective = (Double(n1) * Double(n2) / Double(n1 + n2)).squareRoot()
        let lambda = (effective + 0.12 + 0.11 / effective) * d
        return Result(d: d, pValue: kolmogorovTail(lambda))
    }

    /// Q(λ) = P(K > λ) for the Kolmogorov distribution, by whichever of its two series converges
    /// fast at λ: 2Σ(−1)^(k−1)·exp(−2k²λ²) for large λ, and 1 − (√(2π)/λ)·Σexp(−(2k−1)²π²/(8λ²))
    /// for small λ.
    public static func kolmogorovTail(_ lambda: Double) -> Double {
        guard lambda > 0 else { return 1 }
        if lambda < 1.18 {
            let factor = -Double.pi * Double.pi / (8 * lambda * lambda)
            var sum = 0.0
            for k in 1...6 {
                let odd = Double(2 * k - 1)
                sum += exp(odd * odd * factor)
            }
            return min(1, max(0, 1 - (2 * Double.pi).squareRoot() / lambda * sum))
        }
        var sum = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += k % 2 == 1 ? term : -term
            if term < 1e-17 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
