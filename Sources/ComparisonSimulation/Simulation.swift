import Comparison

// MARK: - Simulations

/// A family of series drawn again and again: the unit the figures are counted in. A "run" is
/// one comparison of two result files: `seriesPerRun` series (the pin scenario has about 50),
/// each with `samplesPerSide` samples per side.
public struct SimulationPlan: Sendable {
    /// Shapes given to the series in turn: series i of run r gets shapes[(r × seriesPerRun + i) % count],
    /// so runs go round every shape of a long list (every real series, say).
    public var shapes: [LatencyShape]
    /// Series per run.
    public var seriesPerRun: Int
    /// Samples per side of every series.
    public var samplesPerSide: Int
    /// Runs (or trials).
    public var runs: Int
    /// The seed of everything; run r draws from its own generator seeded by (seed, r), so a
    /// run's samples do not depend on how many runs came before it.
    public var seed: UInt64

    /// A plan.
    public init(
        shapes: [LatencyShape], seriesPerRun: Int = 50, samplesPerSide: Int = 100, runs: Int = 1000, seed: UInt64
    ) {
        self.shapes = shapes
        self.seriesPerRun = seriesPerRun
        self.samplesPerSide = samplesPerSide
        self.runs = runs
        self.seed = seed
    }

    /// The generator of run `run`.
    func generator(run: Int) -> SeededGenerator {
        SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(run) &* 0xD1B5_4A32_D192_ED03)
    }

    /// Run `run`'s family, with `change` applied to series 0's current side, drawn from
    /// `target` instead of its turn in ``shapes`` when one is given.
    func family(run: Int, target: LatencyShape? = nil, change: LatencyChange = .none) -> [SeriesPair] {
        var generator = generator(run: run)
        return (0..<seriesPerRun).map { index in
            let shape = index == 0 && target != nil ? target! : shapes[(run * seriesPerRun + index) % shapes.count]
            let baseline = shape.draw(samplesPerSide, using: &generator)
            var current = shape.draw(samplesPerSide, using: &generator)
            if index == 0 { current = change.apply(current) }
            return SeriesPair(baseline: baseline, current: current)
        }
    }
}

/// What one rule did over a simulation.
public struct RuleTally: Sendable, Hashable {
    /// The rule's name.
    public var rule: String
    /// Runs (or trials) counted.
    public var runs: Int
    /// A/A: runs in which any series was called slower or faster. Power: trials in which the
    /// changed series got the expected verdict.
    public var hits: Int
    /// A/A: series called slower or faster, over all runs.
    public var seriesHits: Int
    /// Series looked at, over all runs.
    public var series: Int
    /// Power: hits per shape family of the changed series.
    public var hitsByShape: [String: Int]
    /// Power: trials per shape family.
    public var trialsByShape: [String: Int]

    /// hits / runs.
    public var rate: Double { Double(hits) / Double(max(1, runs)) }
}

/// The simulations behind the README's table.
public enum Simulation {
    /// A/A: both sides of every series from the same shape. Counts, per rule, the runs in which
    /// any series was called slower or faster (the figure a CI user feels: a red build for
    /// nothing) and the series so called.
    public static func falseAlarms(_ plan: SimulationPlan, rules: [any DecisionRule]) -> [RuleTally] {
        var tallies = rules.map {
            RuleTally(rule: $0.name, runs: 0, hits: 0, seriesHits: 0, series: 0, hitsByShape: [:], trialsByShape: [:])
        }
        for run in 0..<plan.runs {
            let family = plan.family(run: run)
            for (r, rule) in rules.enumerated() {
                let alarms = rule.verdicts(family).filter { $0 == .slower || $0 == .faster }.count
                tallies[r].runs += 1
                tallies[r].series += family.count
                tallies[r].seriesHits += alarms
                if alarms > 0 { tallies[r].hits += 1 }
            }
        }
        return tallies
    }

    /// Power: in each trial, series 0 is drawn from `targets[trial % count]` and its current
    /// side changed by `change(target)`; the rest of the family is A/A. Counts, per rule, the
    /// trials in which series 0 got `expected`.
    public static func power(
        _ plan: SimulationPlan, targets: [LatencyShape], change: (LatencyShape) -> LatencyChange,
        expected: Verdict = .slower, rules: [any DecisionRule]
    ) -> [RuleTally] {
        var tallies = rules.map {
            RuleTally(rule: $0.name, runs: 0, hits: 0, seriesHits: 0, series: 0, hitsByShape: [:], trialsByShape: [:])
        }
        let changes = targets.map(change)
        for trial in 0..<plan.runs {
            let which = trial % targets.count
            let family = plan.family(run: trial, target: targets[which], change: changes[which])
            for (r, rule) in rules.enumerated() {
                let hit = rule.verdicts(family)[0] == expected
                tallies[r].runs += 1
                tallies[r].series += 1
                tallies[r].trialsByShape[targets[which].family, default: 0] += 1
                if hit {
                    tallies[r].hits += 1
                    tallies[r].seriesHits += 1
                    tallies[r].hitsByShape[targets[which].family, default: 0] += 1
                }
            }
        }
        return tallies
    }

    /// How often the ratio interval of `quantile` holds the true ratio 1 in A/A series, over
    /// the series whose interval exists: the interval's real coverage, to set against the
    /// confidence asked for.
    public static func coverage(_ plan: SimulationPlan, quantile: Double, confidence: Double) -> (
        covered: Int, bounded: Int
    ) {
        var covered = 0
        var bounded = 0
        let ranks = RankTable()
        for run in 0..<plan.runs {
            for pair in plan.family(run: run) {
                let ratio = QuantileRatio(
                    quantile: quantile, baseline: SampleQuantile.sorted(pair.baseline),
                    current: SampleQuantile.sorted(pair.current), confidence: confidence, ranks: ranks)
                guard let interval = ratio.interval else { continue }
                bounded += 1
                if interval.lower <= 1 && interval.upper >= 1 { covered += 1 }
            }
        }
        return (covered, bounded)
    }
}
