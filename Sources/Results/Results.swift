// Results: what `readerbench run` writes, and how it is summarised.
//
// A result file is what people compare readers by when they buy them, so it has to say exactly
// what was measured, on what, and survive the run being killed. Everything here runs between
// iterations, never inside a measured exchange, so Foundation's JSON coding is fine.
//
// MARK: - Map of the module
//
//   Model/         the Codable values of format "readerbench-result", version 1: the header (run
//                  options, environment, reader, card, instrumentation, labels), one
//                  IterationResult per iteration (APDU rows as compact integer arrays), RunSummary
//   Aggregation/   RunAggregator: iterations in, per-mode HdrHistogram summaries out
//   Files/         ResultFileWriter (a file that is valid JSON after every append),
//                  ResultFile (load and recover), CSVSampleWriter (one row per APDU), ResultsError
//
// The format is described field by field in docs/result-format.md.
