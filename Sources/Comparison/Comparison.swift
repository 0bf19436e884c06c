// Comparison: did the latency change, by how much, and can the data say so?
//
// Pure statistics over two sets of samples (nanoseconds, or any positive unit): no files, no
// clocks, no randomness. Latency on a card reader is skewed, often bimodal (cold vs warm paths,
// retries, 61XX chains) and its tail is the signal, so nothing here assumes normality or looks
// at means.
//
// MARK: - Map of the module
//
//   Statistics/   sample quantiles and their order-statistic intervals (Binomial ranks, kept in a
//                 RankTable), the normal distribution, Mann–Whitney U, two-sample
//                 Kolmogorov–Smirnov and Mood's quantile test with Fisher's exact p (ties handled
//                 by all three), Holm and Benjamini–Hochberg adjustment, BenchmarkDotNet's mValue
//   Verdict/      ComparisonSettings (margin, quantiles, confidence), QuantileRatio (the ratio
//                 current/baseline of one quantile, with a distribution-free interval),
//                 SeriesEvidence (everything two sample sets say), Comparator (a family of
//                 series in, Holm-corrected verdicts out: faster / slower / same / inconclusive)
//   Ranking/      ranked groups with ties, for more than two sides
//   Errors/       ComparisonError
//
// Why these methods (the reasoning is repeated where each is implemented):
// - Quantile intervals come from order statistics (exact Binomial ranks), not a bootstrap: they
//   are exact per side, need no random numbers, cost one sort, and refuse to bound a quantile the
//   data cannot reach (a p99 from 200 samples) instead of printing a bootstrap interval that
//   lives on the top three samples.
// - The ratio's interval combines the two sides on the log scale (Price & Bonett 2002).
// - One p-value per series: Bonferroni over Mann–Whitney U (location), Kolmogorov–Smirnov (any
//   change of shape, mode weights included) and Mood's exact test per requested quantile (the
//   tail). This is Pinpoint's min(KS, MWU) made valid: the plain minimum of two p-values rejects
//   up to twice as often as its α says. The quantile tests are exact (Fisher), not the interval
//   read as a z-test: at the 1e-5 levels a corrected family needs, a studentised quantile has
//   heavier tails than the normal and raised false alarms in the simulations.
// - Holm across every series of a comparison, so "any series flagged" happens in at most
//   1 − confidence of identical runs, however the series depend on each other.
