// ComparisonSimulation: the statistical properties of `compare` and `gate`, proven on synthetic
// samples drawn with fixed seeds rather than on timed tests that could flake.
//
// MARK: - Map of the module
//
//   SeededGenerator   xoshiro256**, seeded through SplitMix64: the same numbers on every machine
//   LatencyShape      the shapes latency takes (log-normal, bimodal, heavy-tailed, resampled from a
//                     real result file) and the changes applied to them (a shift of the whole
//                     distribution, a tail that grows while p50 and p90 stay)
//   Rules             the decision rules compared on the same draws: ReaderBench's Comparator, a
//                     criterion.rs-style mean rule and a package-benchmark-style fixed threshold
//   Simulation        A/A false alarms per run, power per trial, the sample size a change needs
//
// Used by the ComparisonTests (small, deterministic, asserting the bounds) and by the
// ComparisonFigures executable in the Benchmarks package (the full 1,000 × 50 figures of the
// README, in a release build).
