import Comparison
import Testing

/// The statistics against SciPy's answers for the same inputs (Fixtures/reference-values.json).
@Suite("Statistics agree with SciPy")
struct ReferenceValueTests {
    let reference = ReferenceValues.shared

    @Test("normal quantiles match scipy.stats.norm.ppf to 1e-11 relative, far into the tails")
    func normalQuantiles() {
        for value in reference.normalQuantiles {
            let x = StandardNormal.quantile(value.p)
            #expect(abs(x - value.x) <= 1e-11 * max(1, abs(value.x)), "p \(value.p): \(x) vs \(value.x)")
        }
        #expect(StandardNormal.quantile(0) == -.infinity && StandardNormal.quantile(1) == .infinity)
    }

    @Test("the normal quantile inverts the distribution function")
    func normalRoundTrip() {
        for p in stride(from: 0.0005, to: 1, by: 0.0137) {
            let back = StandardNormal.cdf(StandardNormal.quantile(p))
            #expect(abs(back - p) <= 1e-14, "p \(p) came back as \(back)")
        }
    }

    @Test("order-statistic ranks and their coverage match SciPy's binomial distribution")
    func ranks() {
        for ranks in reference.ranks {
            let sorted = (1...ranks.n).map(Double.init)
            let interval = SampleQuantile.interval(sorted, ranks.p, level: ranks.level)
            if ranks.lowerRank < 1 || ranks.upperRank > ranks.n {
                #expect(interval == nil, "n \(ranks.n) p \(ranks.p): no interval reaches \(ranks.level)")
                continue
            }
            guard let interval else {
                Issue.record("n \(ranks.n) p \(ranks.p): expected ranks \(ranks.lowerRank)…\(ranks.upperRank)")
                continue
            }
            #expect(interval.lowerRank == ranks.lowerRank && interval.upperRank == ranks.upperRank)
            #expect(interval.lower == Double(ranks.lowerRank) && interval.upper == Double(ranks.upperRank))
            #expect(abs(interval.coverage - ranks.coverage) <= 1e-9)
            #expect(interval.coverage >= ranks.level)
        }
    }

    @Test("sample quantiles match NumPy's default (type 7)")
    func quantiles() {
        for pair in reference.pairs {
            let sorted = pair.baseline.sorted()
            for (key, expected) in pair.quantiles {
                let value = SampleQuantile.estimate(sorted, Double(key)!)
                #expect(abs(value - expected) <= 1e-12 * abs(expected), "seed \(pair.seed) q \(key)")
            }
        }
    }

    @Test("Mann–Whitney U and its p-value match SciPy's, ties included")
    func mannWhitney() {
        for pair in reference.pairs {
            let result = MannWhitneyU.test(baseline: pair.baseline.sorted(), current: pair.current.sorted())
            #expect(result.u == pair.mannWhitneyU, "seed \(pair.seed)")
            #expect(abs(result.pValue - pair.mannWhitneyP) <= 1e-9 * pair.mannWhitneyP, "seed \(pair.seed)")
        }
    }

    @Test("Kolmogorov–Smirnov D matches SciPy's exactly and its p-value the exact one within 30%")
    func kolmogorovSmirnov() {
        for pair in reference.pairs {
            let result = KolmogorovSmirnov.test(baseline: pair.baseline.sorted(), current: pair.current.sorted())
            #expect(abs(result.d - pair.kolmogorovSmirnovD) <= 1e-12, "seed \(pair.seed)")
            let ratio = result.pValue / pair.kolmogorovSmirnovExactP
            #expect(
                ratio > 1 / 1.3 && ratio < 1.3,
                "seed \(pair.seed): \(result.pValue) vs exact \(pair.kolmogorovSmirnovExactP)")
        }
    }

    @Test("the Kolmogorov distribution's tail matches scipy.stats.kstwobign on both sides of the series switch")
    func kolmogorovTail() {
        for value in reference.kolmogorovTail {
            let tail = KolmogorovSmirnov.kolmogorovTail(value.lambda)
            #expect(abs(tail - value.tail) <= 1e-9, "λ \(value.lambda): \(tail) vs \(value.tail)")
        }
    }

    @Test("Fisher's exact test matches SciPy's two-sided p from balanced to extreme tables")
    func fisher() {
        for table in reference.fisher {
            let p = QuantileTest.fisherExact(
                a: table.a, rowTotal: table.rowTotal, columnTotal: table.columnTotal, total: table.total)
            #expect(abs(p - table.pValue) <= 1e-9 * table.pValue, "a \(table.a): \(p) vs \(table.pValue)")
        }
    }

    @Test("Mood's quantile test: the same pooled quantile, counts and p-value as SciPy, ties included")
    func mood() {
        for pair in reference.pairs {
            let b = SampleQuantile.sorted(pair.baseline)
            let c = SampleQuantile.sorted(pair.current)
            for expected in pair.mood {
                let result = QuantileTest.test(baseline: b, current: c, quantile: expected.quantile)
                #expect(result.pooledQuantile == expected.pooled, "seed \(pair.seed) q \(expected.quantile)")
                #expect(result.baselineAtOrBelow == expected.baselineAtOrBelow)
                #expect(result.currentAtOrBelow == expected.currentAtOrBelow)
                #expect(abs(result.pValue - expected.pValue) <= 1e-9 * expected.pValue)
            }
        }
    }
}
