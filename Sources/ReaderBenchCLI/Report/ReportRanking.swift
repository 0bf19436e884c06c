import Report

/// Where the report's ranking comes from.
///
/// The ranked groups and "are the differences real" come from the statistics of
/// `readerbench compare` (the Comparison and RunComparison modules), never from a second
/// implementation: ``CompareRanker`` only translates the report's sides into compare's documents.
enum ReportRanking {
    static func ranker() -> any ReaderRanker { CompareRanker() }
}
