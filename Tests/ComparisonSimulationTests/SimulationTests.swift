import Comparison
import ComparisonSimulation
import Testing

/// The statistical promises, on samples drawn with fixed seeds: deterministic, they cannot flake.
///
/// The A/A test is the README's figure itself (1,000 runs of 50 series); the power test uses 500
/// trials rather than 1,000 so the target stays around half a minute in a debug build. The full
/// figures, with the criterion-style and package-benchmark-style rules on the same draws and the
/// p99 sweep, come from `scripts/comparison-figures` (a release build of
/// Benchmarks/Figures/ComparisonFigures).
@Suite("Simulations: false alarms, power, coverage")
struct SimulationTests {
    static let settings = try! ComparisonSettings()
    static let ours = ReaderBenchRule(settings: settings)

    @Test("A/A: at most 1% of runs (50 series, 100 samples per side, all four shapes) flag any series")
    func falseAlarms() {
        let plan = SimulationPlan(
            shapes: SimulationShapes.mixed, seriesPerRun: 50, samplesPerSide: 100, runs: 1000, seed: 1)
        let tallies = Simulation.falseAlarms(
            plan, rules: [Self.ours, PackageBenchmarkStyleRule(threshold: 0.05, quantiles: [0.5, 0.9, 0.99])])
        #expect(tallies[0].runs == 1000 && tallies[0].series == 50_000)
        #expect(tallies[0].rate <= 0.01, "ReaderBench flagged \(tallies[0].hits) of 1,000 identical runs")
        // The fixed-threshold rule on the same draws: almost every run has a false alarm.
        #expect(tallies[1].rate >= 0.5)
    }

    @Test("power: a 10% shift is reported slower in at least 95% of trials at 100 samples per side")
    func power() {
        let plan = SimulationPlan(
            shapes: SimulationShapes.mixed, seriesPerRun: 50, samplesPerSide: 100, runs: 500, seed: 2)
        let targets = SimulationShapes.synthetic + RealResults.shapes.filter { $0.description.contains("total") }
        let tally = Simulation.power(plan, targets: targets, change: { _ in .scale(1.1) }, rules: [Self.ours])[0]
        #expect(tally.rate >= 0.95, "caught \(tally.hits) of \(tally.runs): \(tally.hitsByShape)")
    }

    @Test("the ratio intervals hold the true ratio in at least 98.5% of A/A series at 99% confidence")
    func coverage() {
        let plan = SimulationPlan(
            shapes: SimulationShapes.mixed, seriesPerRun: 50, samplesPerSide: 100, runs: 40, seed: 3)
        for quantile in [0.5, 0.9] {
            let (covered, bounded) = Simulation.coverage(plan, quantile: quantile, confidence: 0.99)
            #expect(bounded == 2000)
            #expect(Double(covered) / Double(bounded) >= 0.985, "\(percentileName(quantile)): \(covered)/\(bounded)")
        }
    }

    @Test("a p99-only change cannot be seen at 100 samples per side: nothing is flagged, nothing is called same")
    func tailAtSmallSamples() {
        let plan = SimulationPlan(
            shapes: SimulationShapes.synthetic, seriesPerRun: 10, samplesPerSide: 100, runs: 30, seed: 4)
        let tally = Simulation.power(
            plan, targets: [.logNormalDefault], change: { LatencyChange.tail(of: $0, factor: 1.1) }, rules: [Self.ours])[
                0]
        #expect(tally.hits <= 3)
    }

    @Test("the tail change leaves p50 and p90 of the shape where they were and moves p99 by the factor")
    func tailChange() {
        var generator = SeededGenerator(seed: 5)
        let shape = LatencyShape.logNormalDefault
        let samples = shape.draw(200_000, using: &generator).sorted()
        let changed = LatencyChange.tail(of: shape, factor: 1.1).apply(samples).sorted()
        #expect(SampleQuantile.estimate(changed, 0.5) == SampleQuantile.estimate(samples, 0.5))
        #expect(SampleQuantile.estimate(changed, 0.9) == SampleQuantile.estimate(samples, 0.9))
        let ratio = SampleQuantile.estimate(changed, 0.99) / SampleQuantile.estimate(samples, 0.99)
        #expect(abs(ratio - 1.1) < 0.01)
    }

    @Test("the seeded generator gives the same numbers every time and spreads them evenly")
    func generator() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let first = (0..<1000).map { _ in a.next() }
        #expect(first == (0..<1000).map { _ in b.next() })
        var c = SeededGenerator(seed: 43)
        #expect(first != (0..<1000).map { _ in c.next() })
        var d = SeededGenerator(seed: 44)
        let units = (0..<100_000).map { _ in d.nextUnit() }
        let mean = units.reduce(0, +) / 100_000
        #expect(abs(mean - 0.5) < 0.005 && units.allSatisfy { $0 > 0 && $0 < 1 })
    }
}
