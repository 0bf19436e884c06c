// RunComparison: result files in, verdicts out. `readerbench compare` and `readerbench gate` are
// thin shells over this module.
//
// MARK: - Map of the module
//
//   Series/    SeriesDocument: a result document as "reader key → series name → samples" plus
//              what the run was (RunContext). The only place that knows the result file
//              format: format v1 (one reader per file) is read by ResultFileSeries; a format
//              holding many readers' series (a pool run) needs one more initialiser there.
//   Checks/    Comparability (scenario, options, card source, modelled vs real: what makes two
//              runs incomparable or only worth a warning) and HostNoise (the gate's check
//              that both runs were on hosts with the same floor and noise)
//   Compare/   RunComparer: pairs readers, compares every series as one Holm-corrected family,
//              ranks more than two sides; ComparisonReport is what it returns
//   Gate/      Gate: a comparison turned into pass / regression / improvement / incomparable
//   Reports/   the report as a terminal table, Markdown (CI job summaries), JSON, and JUnit XML
//   Errors/    RunComparisonError
//
// The statistics themselves are in the Comparison module; nothing here computes a p-value.
