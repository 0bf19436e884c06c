import Report

/// Where the report's ranking comes from.
///
/// The ranked groups and "are the differences real" must come from the statistics of
/// `readerbench compare` (the Comparison and RunComparison modules of issue 11), never from a
/// second implementation. Until those modules are in this build, the report uses
/// ``UnassessedRanker``: every reader in one group, no winner, and the page says the differences
/// were not assessed. Hooking compare up is replacing this body with
/// `CompareRanker(settings: …)` (see docs/report.md, "Hooking up compare").
enum ReportRanking {
    static func ranker() -> any ReaderRanker { UnassessedRanker() }
}
