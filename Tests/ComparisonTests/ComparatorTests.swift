import Comparison
import ComparisonSimulation
import Testing

/// Verdicts: what makes a series faster, slower, same or inconclusive.
@Suite("Verdicts")
struct ComparatorTests {
    static let settings = try! ComparisonSettings()

    static func draw(_ shape: LatencyShape, _ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return shape.draw(count, using: &generator)
    }

    /// One series compared on its own (a family of one).
    static func compare(_ baseline: [Double], _ current: [Double], settings: ComparisonSettings = settings)
        -> SeriesComparison
    {
        let comparator = Comparator(settings: settings)
        return comparator.decide([try! comparator.evidence(baseline: baseline, current: current)])[0]
    }

    @Test("30% slower on a tight log-normal is slower; 30% faster is faster")
    func clearChanges() {
        let base = Self.draw(.logNormal(median: 1, sigma: 0.05), 200, seed: 1)
        let other = Self.draw(.logNormal(median: 1, sigma: 0.05), 200, seed: 2)
        let slower = Self.compare(base, other.map { $0 * 1.3 })
        #expect(slower.verdict == .slower && slower.significant)
        #expect(slower.quantiles[0].verdict == .slower)
        #expect(abs(slower.quantiles[0].ratio.ratio - 1.3) < 0.03)
        #expect(Self.compare(base, other.map { $0 * 0.7 }).verdict == .faster)
    }

    @Test("the same distribution with enough samples is same, and the interval holds 1")
    func sameDistribution() {
        let base = Self.draw(.logNormal(median: 1, sigma: 0.05), 2000, seed: 3)
        let other = Self.draw(.logNormal(median: 1, sigma: 0.05), 2000, seed: 4)
        let result = Self.compare(base, other)
        #expect(result.verdict == .same)
        for outcome in result.quantiles where outcome.ratio.interval != nil {
            #expect(outcome.ratio.interval!.lower <= 1 && outcome.ratio.interval!.upper >= 1)
        }
    }

    @Test("a real 3% change with many samples is significant and still the same within ±5%")
    func significantButSmall() {
        let base = Self.draw(.logNormal(median: 1, sigma: 0.03), 5000, seed: 5)
        let other = Self.draw(.logNormal(median: 1, sigma: 0.03), 5000, seed: 6).map { $0 * 1.03 }
        let result = Self.compare(base, other)
        #expect(result.significant)
        #expect(result.verdict == .same)
    }

    @Test("too few samples is inconclusive and asks for the minimum")
    func tooFew() {
        let result = Self.compare([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
        #expect(result.verdict == .inconclusive && result.samplesNeeded == 10 && result.adjustedPValue == 1)
    }

    @Test("a wide spread at 40 samples is inconclusive and names more samples than it has")
    func inconclusiveNamesSamples() {
        let wide = LatencyShape.logNormal(median: 1, sigma: 0.3)
        let result = Self.compare(Self.draw(wide, 40, seed: 7), Self.draw(wide, 40, seed: 8).map { $0 * 1.04 })
        #expect(result.verdict == .inconclusive)
        let needed = try! #require(result.samplesNeeded)
        #expect(needed > 40)
    }

    @Test("with the samples an inconclusive verdict asked for, the same change is decided")
    func samplesNeededDecide() throws {
        let wide = LatencyShape.logNormal(median: 1, sigma: 0.2)
        let first = Self.compare(Self.draw(wide, 60, seed: 9), Self.draw(wide, 60, seed: 10).map { $0 * 1.15 })
        #expect(first.verdict == .inconclusive)
        let needed = try #require(first.samplesNeeded)
        try #require(needed < 20_000, "asked for \(needed) samples per side: \(first.reason)")
        let second = Self.compare(
            Self.draw(wide, 2 * needed, seed: 11), Self.draw(wide, 2 * needed, seed: 12).map { $0 * 1.15 })
        #expect(second.verdict == .slower, "with \(2 * needed) per side: \(second.reason)")
    }

    @Test("a p99 from 200 samples is not bounded; the verdict rests on p50 and p90 and says p99 needs 528")
    func unboundedTail() {
        let base = Self.draw(.logNormal(median: 1, sigma: 0.02), 200, seed: 13)
        let other = Self.draw(.logNormal(median: 1, sigma: 0.02), 200, seed: 14)
        let result = Self.compare(base, other)
        let p99 = result.quantiles.first { $0.ratio.quantile == 0.99 }!
        #expect(p99.ratio.interval == nil && p99.ratio.samplesToBound == 528 && p99.ratio.pValue != nil)
        #expect(result.verdict == .same)
        #expect(result.reason.contains("p99 needs ≥ 528"))
    }

    @Test("swapping baseline and current swaps slower and faster and inverts every ratio")
    func symmetry() {
        let a = Self.draw(.bimodalDefault, 300, seed: 15)
        let b = Self.draw(.bimodalDefault, 300, seed: 16).map { $0 * 1.12 }
        let forward = Self.compare(a, b)
        let backward = Self.compare(b, a)
        #expect(forward.verdict == .slower && backward.verdict == .faster)
        for (f, g) in zip(forward.quantiles, backward.quantiles) {
            #expect(abs(f.ratio.ratio * g.ratio.ratio - 1) < 1e-12)
        }
    }

    @Test("multiplying both sides by a constant changes nothing")
    func scaleFree() {
        let a = Self.draw(.heavyTailedDefault, 150, seed: 17)
        let b = Self.draw(.heavyTailedDefault, 150, seed: 18).map { $0 * 1.1 }
        let plain = Self.compare(a, b)
        let scaled = Self.compare(a.map { $0 * 1e6 }, b.map { $0 * 1e6 })
        #expect(plain.verdict == scaled.verdict)
        #expect(abs(plain.evidence.pValue - scaled.evidence.pValue) <= 1e-9 * plain.evidence.pValue)
        #expect(abs(plain.quantiles[1].ratio.ratio - scaled.quantiles[1].ratio.ratio) < 1e-12)
    }

    @Test("a shift in the modes' weights (70/30 to 45/55) with p50 and p99 nearly still is caught as slower")
    func modeWeights() {
        let before = LatencyShape.bimodal(median: 1, sigma: 0.03, separation: 1.3, weight: 0.7)
        let after = LatencyShape.bimodal(median: 1, sigma: 0.03, separation: 1.3, weight: 0.45)
        let result = Self.compare(Self.draw(before, 400, seed: 19), Self.draw(after, 400, seed: 20))
        #expect(result.verdict == .slower, "\(result.reason)")
        #expect(result.evidence.kolmogorovSmirnov.pValue < 1e-6)
    }

    @Test("a family of 50 with one real change: Holm keeps the change and the 49 others quiet")
    func familyCorrection() {
        let comparator = Comparator(settings: Self.settings)
        var family: [SeriesEvidence] = []
        for index in 0..<50 {
            let base = Self.draw(.logNormalDefault, 100, seed: UInt64(100 + 2 * index))
            var current = Self.draw(.logNormalDefault, 100, seed: UInt64(101 + 2 * index))
            if index == 7 { current = current.map { $0 * 1.2 } }
            family.append(try! comparator.evidence(baseline: base, current: current))
        }
        let verdicts = comparator.decide(family).map(\.verdict)
        #expect(verdicts[7] == .slower)
        #expect(verdicts.enumerated().allSatisfy { $0.offset == 7 || ($0.element != .slower && $0.element != .faster) })
    }

    @Test("samples that are not finite and positive are refused with a code")
    func invalidSamples() {
        let comparator = Comparator(settings: Self.settings)
        #expect(throws: ComparisonError.self) { try comparator.evidence(baseline: [1, 2, 0], current: [1, 2, 3]) }
        do {
            _ = try comparator.evidence(baseline: [], current: [1])
            Issue.record("an empty side was accepted")
        } catch {
            #expect(error.code == .invalidSample)
        }
        do {
            _ = try comparator.evidence(baseline: [1, .nan], current: [1])
            Issue.record("NaN was accepted")
        } catch {
            #expect(error.code == .invalidSample)
        }
    }
}

/// What people type: margins, quantiles, confidence.
@Suite("Settings")
struct SettingsTests {
    @Test("margins are percentages; a bare fraction is refused as ambiguous")
    func thresholds() throws {
        #expect(try ComparisonSettings.parseThreshold("5%") == 0.05)
        #expect(try ComparisonSettings.parseThreshold("5") == 0.05)
        #expect(try ComparisonSettings.parseThreshold(" 2.5% ") == 0.025)
        #expect(try ComparisonSettings.parseThreshold("0.5%") == 0.005)
        for bad in ["0.05", "0", "100%", "-5%", "five", "", "%"] {
            do {
                _ = try ComparisonSettings.parseThreshold(bad)
                Issue.record("'\(bad)' was accepted")
            } catch {
                #expect(error.code == .invalidThreshold)
            }
        }
    }

    @Test("quantiles are percentiles separated by commas, p prefix optional; settings sort and dedupe them")
    func quantiles() throws {
        #expect(try ComparisonSettings.parseQuantiles("50,90,99") == [0.5, 0.9, 0.99])
        #expect(try ComparisonSettings.parseQuantiles("p50, p99.9") == [0.5, 0.999])
        for bad in ["", "50,,99", "0", "100", "fifty"] {
            #expect(throws: ComparisonError.self, "'\(bad)'") { try ComparisonSettings.parseQuantiles(bad) }
        }
        let settings = try ComparisonSettings(quantiles: [0.99, 0.5, 0.5])
        #expect(settings.quantiles == [0.5, 0.99])
        #expect(percentileName(0.999) == "p99.9" && percentileName(0.5) == "p50")
    }

    @Test("confidence is a fraction or a percentage from 0.5 up to, not including, 1")
    func confidence() throws {
        #expect(try ComparisonSettings.parseConfidence("0.99") == 0.99)
        #expect(try ComparisonSettings.parseConfidence("95%") == 0.95)
        for bad in ["1", "100%", "0.4", "x"] {
            do {
                _ = try ComparisonSettings.parseConfidence(bad)
                Issue.record("'\(bad)' was accepted")
            } catch {
                #expect(error.code == .invalidConfidence)
            }
        }
        #expect(throws: ComparisonError.self) { try ComparisonSettings(threshold: 0) }
        #expect(throws: ComparisonError.self) { try ComparisonSettings(quantiles: []) }
    }
}
