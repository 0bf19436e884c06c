// The README's table of false alarms and power: ReaderBench's rule, a criterion.rs-style rule
// and package-benchmark-style rules, on the very same seeded draws. Too much work for a debug
// test run (the ComparisonSimulationTests assert the bounds on a part of it), so it is an
// executable to run in a release build:
//
//   swift run -c release --package-path Benchmarks ComparisonFigures            # or scripts/comparison-figures
//
// Shapes: log-normal (σ 0.10), bimodal (70/30, modes 25% apart), heavy-tailed (5% Pareto
// delays, α 1.2) and every series with ≥ 100 samples of the two committed real result files,
// resampled. Every figure is deterministic: the same seeds give the same table.

import Comparison
import ComparisonSimulation
import Foundation
import RunComparison

let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tests/RunComparisonTests/Fixtures")

func realShapes() throws -> [LatencyShape] {
    try ["a", "b"].flatMap { file in
        let document = try SeriesDocument.load(fixtures.appendingPathComponent("in-process-pin-200-\(file).json").path)
        return document.readers[0].series.filter { $0.samples.count >= 100 }.map {
            LatencyShape.resampled(name: "\(file) \($0.key)", pool: $0.samples)
        }
    }
}

func percent(_ hits: Int, _ of: Int) -> String {
    String(format: "%.1f%%", 100 * Double(hits) / Double(max(1, of)))
}

/// `--quick`: 200 runs and a short sweep. `--tail-only --tail-sizes 16000,32000 --tail-trials 100`:
/// only the p99 sweep, at the sizes given.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
let quick = arguments.contains("--quick")
let tailOnly = arguments.contains("--tail-only")
let runs = quick ? 200 : 1000
let real = try realShapes()
let synthetic: [LatencyShape] = [.logNormalDefault, .bimodalDefault, .heavyTailedDefault]
let mixed = real.flatMap { synthetic + [$0] }
let settings = try ComparisonSettings()
let rules: [any DecisionRule] = [
    ReaderBenchRule(settings: settings),
    CriterionStyleRule(threshold: 0.05),
    CriterionStyleRule(threshold: 0.01),
    PackageBenchmarkStyleRule(threshold: 0.05, quantiles: [0.5, 0.9, 0.99]),
    PackageBenchmarkStyleRule(threshold: 0.05, quantiles: [0.25, 0.5, 0.75]),
]
let ruleNames = [
    "ReaderBench (Holm over the run, ±5%, 99%)", "criterion-style (mean CI, α 0.05, ±5%)",
    "criterion-style (mean CI, α 0.05, ±1%, its default noise)", "package-benchmark-style (p50/p90/p99 ±5%)",
    "package-benchmark-style (p25/p50/p75 ±5%, its default)",
]
let started = Date()

// MARK: - A/A

if !tailOnly {
    print("A/A: \(runs) runs × 50 series × 100 samples per side, shapes: log-normal, bimodal, heavy-tailed, real")
    let aa = Simulation.falseAlarms(
        SimulationPlan(shapes: mixed, seriesPerRun: 50, samplesPerSide: 100, runs: runs, seed: 1), rules: rules)
    for (name, tally) in zip(ruleNames, aa) {
        print(
            "  \(name): runs with any alarm \(tally.hits)/\(tally.runs) = \(percent(tally.hits, tally.runs)); series \(tally.seriesHits)/\(tally.series) = \(percent(tally.seriesHits, tally.series))"
        )
    }

    // MARK: - Power at p50

    let targets = synthetic + real.filter { $0.description.contains("total") }
    print("\npower: p50 +10% (every sample ×1.1) in 1 of 50 series, \(runs) trials, 100 samples per side")
    let power = Simulation.power(
        SimulationPlan(shapes: mixed, seriesPerRun: 50, samplesPerSide: 100, runs: runs, seed: 2), targets: targets,
        change: { _ in .scale(1.1) }, rules: rules)
    for (name, tally) in zip(ruleNames, power) {
        let byShape = tally.trialsByShape.keys.sorted().map {
            "\($0) \(percent(tally.hitsByShape[$0] ?? 0, tally.trialsByShape[$0]!))"
        }
        print(
            "  \(name): \(tally.hits)/\(tally.runs) = \(percent(tally.hits, tally.runs)) (\(byShape.joined(separator: ", ")))"
        )
    }

}

// MARK: - A p99-only change

let sizes =
    option("--tail-sizes").map { $0.split(separator: ",").compactMap { Int($0) } }
    ?? (quick ? [500, 1000, 2000] : [500, 1000, 2000, 3000, 5000, 8000])
let tailTrials = option("--tail-trials").flatMap(Int.init) ?? (quick ? 40 : 200)
let tailTargets =
    tailOnly
    ? [LatencyShape.heavyTailedDefault] + real.filter({ $0.description == "real: a warm total" })
    : synthetic + real.filter({ $0.description == "real: a warm total" })
print("\npower: p99 +10% with p50 and p90 unchanged, in 1 of 50 series, \(tailTrials) trials per size")
for target in tailTargets {
    var line = "  \(target):"
    var found: Int?
    for n in sizes {
        let tally = Simulation.power(
            SimulationPlan(shapes: synthetic, seriesPerRun: 50, samplesPerSide: n, runs: tailTrials, seed: UInt64(n)),
            targets: [target], change: { LatencyChange.tail(of: $0, factor: 1.1) }, rules: rules)
        line += "  n=\(n): " + tally.map { percent($0.hits, $0.runs) }.joined(separator: "/")
        if tally[0].rate >= 0.95 {
            found = n
            break
        }
    }
    print(line + (found.map { "  → ReaderBench ≥ 95% at \($0) per side" } ?? "  → not reached by \(sizes.last!)"))
}
print("  (figures per size: " + ruleNames.joined(separator: " / ") + ")")

// MARK: - Coverage

if !tailOnly {
    print("\ncoverage of the 99% ratio intervals, A/A, 100 samples per side:")
    for quantile in [0.5, 0.9] {
        let (covered, bounded) = Simulation.coverage(
            SimulationPlan(shapes: mixed, seriesPerRun: 50, samplesPerSide: 100, runs: runs / 5, seed: 3),
            quantile: quantile, confidence: 0.99)
        print("  \(percentileName(quantile)): \(covered)/\(bounded) = \(percent(covered, bounded))")
    }
}
print(String(format: "\n(%.0f s)", Date().timeIntervalSince(started)))
