// Report: the procurement report. Result files in, one self-contained HTML page (or Markdown)
// out, as pure functions: no files, no clocks, no network. The CLI reads and writes.
//
// A procurement officer choosing among reader models reads the verdict first: which reader is
// fastest on the qualification check (ranked groups with ties: never a winner inside the
// noise), how often each failed (with a confidence interval), how slow the first read after a
// tap or insertion is (cold), and whether the differences are real. Conditions sit beside the
// verdict, and a modelled number (a simulated card, a replayed trace) is flagged so that it
// cannot be taken for a reader's own speed.
//
// MARK: - Map of the module
//
//   Model/    ReportInput (runs, options, language, history trends), ReportSide (one reader of
//             one run, its samples), ReaderRanker (the seam to the statistics of `compare`: ranked
//             groups and pairwise verdicts; ``UnassessedRanker`` until it is linked),
//             ProcurementReport (everything the page says, computed once)
//   Render/   ReportStrings (Japanese and English), ReportFormat (durations, escaping),
//             SVGCharts (ECDF, percentile spectrum, phases, APDU kinds, run order, histogram,
//             trend: inline SVG, no script), HTMLReport, MarkdownReport
