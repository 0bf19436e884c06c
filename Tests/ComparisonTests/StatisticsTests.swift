import Comparison
import ComparisonSimulation
import Testing

/// Properties every test and estimate here must have, whatever the data.
@Suite("Tests and estimates: properties")
struct StatisticsTests {
    static func draw(_ shape: LatencyShape, _ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return shape.draw(count, using: &generator)
    }

    @Test("a p99 needs 528 samples per side to be bounded at 99%, a median 8")
    func samplesToBound() {
        #expect(SampleQuantile.samplesToBound(0.99, level: 0.99) == 528)
        #expect(SampleQuantile.samplesToBound(0.5, level: 0.99) == 8)
        let sorted = (1...527).map(Double.init)
        #expect(SampleQuantile.interval(sorted, 0.99, level: 0.99) == nil)
        #expect(SampleQuantile.interval(sorted + [528], 0.99, level: 0.99) != nil)
    }

    @Test(
        "every order-statistic interval reaches its level, for every n from 5 to 400", arguments: [0.1, 0.5, 0.9, 0.99])
    func intervalsReachTheirLevel(p: Double) {
        for n in 5...400 {
            guard let interval = SampleQuantile.interval((1...n).map(Double.init), p, level: 0.95) else {
                #expect(n < SampleQuantile.samplesToBound(p, level: 0.95), "n \(n) p \(p) should be bounded")
                continue
            }
            #expect(interval.coverage >= 0.95 && interval.lowerRank <= interval.upperRank)
        }
    }

    @Test("Mann–Whitney and Kolmogorov–Smirnov do not care about units: any increasing transform gives the same p")
    func rankTestsAreInvariant() {
        let a = Self.draw(.heavyTailedDefault, 80, seed: 1).sorted()
        let b = Self.draw(.logNormalDefault, 90, seed: 2).sorted()
        let transform = { (x: Double) in x * x * 1000 + 3 }
        let mw = MannWhitneyU.test(baseline: a, current: b)
        let mwT = MannWhitneyU.test(baseline: a.map(transform), current: b.map(transform))
        #expect(mw == mwT)
        let ks = KolmogorovSmirnov.test(baseline: a, current: b)
        #expect(ks == KolmogorovSmirnov.test(baseline: a.map(transform), current: b.map(transform)))
    }

    @Test("swapping the sides mirrors the tests: same p, U of the other side, z negated")
    func rankTestsAreSymmetric() {
        let a = Self.draw(.bimodalDefault, 70, seed: 3).sorted()
        let b = Self.draw(.bimodalDefault, 50, seed: 4).map { $0 * 1.03 }.sorted()
        let forward = MannWhitneyU.test(baseline: a, current: b)
        let backward = MannWhitneyU.test(baseline: b, current: a)
        #expect(abs(forward.pValue - backward.pValue) < 1e-15)
        #expect(forward.u + backward.u == Double(a.count * b.count))
        #expect(forward.z == -backward.z)
        #expect(
            KolmogorovSmirnov.test(baseline: a, current: b).d == KolmogorovSmirnov.test(baseline: b, current: a).d)
    }

    @Test("the Double merge sort agrees with the standard library's, duplicates and all")
    func sorting() {
        var generator = SeededGenerator(seed: 8)
        for count in [0, 1, 2, 15, 16, 17, 100, 1000, 4097] {
            let values = (0..<count).map { _ in Double(generator.next() % 50) / 7 }
            #expect(SampleQuantile.sorted(values) == values.sorted(), "\(count) values")
        }
    }

    @Test("identical constant samples: no evidence of anything (p = 1, D = 0)")
    func constantSamples() {
        let same = [Double](repeating: 5, count: 30)
        #expect(MannWhitneyU.test(baseline: same, current: same).pValue == 1)
        #expect(KolmogorovSmirnov.test(baseline: same, current: same).pValue == 1)
        #expect(KolmogorovSmirnov.test(baseline: same, current: same).d == 0)
    }

    @Test("Holm's and Benjamini–Hochberg's adjustments of a textbook family")
    func multiplicity() {
        let p = [0.01, 0.04, 0.03, 0.005]
        #expect(Multiplicity.holm(p).map { ($0 * 1e12).rounded() / 1e12 } == [0.03, 0.06, 0.06, 0.02])
        #expect(Multiplicity.benjaminiHochberg(p).map { ($0 * 1e12).rounded() / 1e12 } == [0.02, 0.04, 0.04, 0.02])
        #expect(Multiplicity.holm([0.5, 0.9]) == [1, 1])
        #expect(Multiplicity.holm([]) == [])
    }

    @Test("Holm never adjusts below Benjamini–Hochberg, and both never below the raw p-values")
    func multiplicityOrder() {
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            let p = (0..<20).map { _ in generator.nextUnit() * generator.nextUnit() }
            let holm = Multiplicity.holm(p)
            let bh = Multiplicity.benjaminiHochberg(p)
            for i in p.indices {
                #expect(holm[i] >= bh[i] - 1e-15 && bh[i] >= p[i] - 1e-15 && holm[i] <= 1)
            }
        }
    }
}

/// BenchmarkDotNet's mValue, on its own documented examples and on the simulation shapes.
@Suite("Multimodality (mValue)")
struct ModalityTests {
    @Test("one, two and three clean modes give 2, 4 and 6, as in BenchmarkDotNet's examples")
    func cleanModes() {
        #expect(Modality(sorted: [1, 1, 1, 1, 1, 1]).mValue == 2)
        #expect(Modality(sorted: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]).mValue == 4)
        #expect(Modality(sorted: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]).mValue == 6)
        #expect(Modality(sorted: [7]).mValue == 2)
    }

    @Test("a large log-normal sample reads as unimodal, two separated equal modes as bimodal or more")
    func shapes() {
        var generator = SeededGenerator(seed: 11)
        let unimodal = LatencyShape.logNormalDefault.draw(2000, using: &generator).sorted()
        #expect(Modality(sorted: unimodal).reading == .unimodal)
        let twoModes = LatencyShape.bimodal(median: 1, sigma: 0.03, separation: 1.5, weight: 0.5)
            .draw(2000, using: &generator).sorted()
        #expect(Modality(sorted: twoModes).hasSeveralModes)
    }

    @Test("outliers beyond Tukey's fences do not count as a mode")
    func outliersIgnored() {
        var generator = SeededGenerator(seed: 12)
        var samples = LatencyShape.logNormal(median: 1, sigma: 0.02).draw(500, using: &generator)
        samples += [5, 5.1, 5.2, 5.3, 5.4]
        #expect(Modality(sorted: samples.sorted()).reading == .unimodal)
    }
}
