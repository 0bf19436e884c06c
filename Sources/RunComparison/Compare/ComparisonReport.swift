import Comparison

// MARK: - What a comparison found

/// Everything `compare` found, in a form every report (terminal, Markdown, JSON, JUnit) is
/// written from. Codable: `--json` writes exactly this.
public struct ComparisonReport: Sendable, Codable {
    /// The settings compared under.
    public var settings: ComparisonSettings
    /// The documents, reference (or baseline) first.
    public var documents: [DocumentInfo]
    /// One entry per pair of sides compared: baseline/current readers matched by model key, or
    /// every side against the reference.
    public var pairs: [PairReport]
    /// Ranked groups per mode, when more than two sides were compared.
    public var rankings: [ModeRanking]
    /// How many series were corrected together (all series of all pairs).
    public var familySize: Int

    /// True when any pair has an issue that makes it incomparable.
    public var hasIncomparableIssue: Bool {
        pairs.contains { $0.issues.contains { $0.severity == .incomparable } }
    }
}

/// One document, as reports name it.
public struct DocumentInfo: Sendable, Hashable, Codable {
    /// Its path.
    public var name: String
    /// Its scenario.
    public var scenario: String
    /// `card.source`.
    public var cardSource: String
    /// Measured, modelled or replayed.
    public var measurement: RunContext.Measurement
    /// The timing profile, for a simulated card.
    public var timingProfile: String?
    /// When the run started.
    public var createdAt: String
    /// Whether it finished.
    public var complete: Bool
    /// Its readers' model keys and names.
    public var readers: [SideInfo]
}

/// One side of a comparison: a reader of a document.
public struct SideInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The document's index in ``ComparisonReport/documents``.
    public var document: Int
    /// The document's path.
    public var documentName: String
    /// The reader's model key.
    public var readerKey: String
    /// The reader's name.
    public var readerName: String

    /// `reader name (file.json)`.
    public var description: String { "\(readerName) (\(documentName))" }
}

/// The comparison of two sides.
public struct PairReport: Sendable, Codable {
    /// The baseline (or reference) side.
    public var baseline: SideInfo
    /// The current side.
    public var current: SideInfo
    /// What differs between the two runs, most serious first.
    public var issues: [ComparabilityIssue]
    /// Whether the two hosts' calibrations agree.
    public var host: HostCheck
    /// Measured and failed iterations per mode, both sides.
    public var iterations: [IterationCounts]
    /// Every series both sides have, in the baseline's order.
    public var series: [SeriesResult]
    /// Series only the baseline has.
    public var onlyInBaseline: [SeriesKey]
    /// Series only the current side has.
    public var onlyInCurrent: [SeriesKey]

    /// The series with a given verdict.
    public func series(with verdict: Verdict) -> [SeriesResult] {
        series.filter { $0.comparison.verdict == verdict }
    }
}

/// Iteration counts of one mode, both sides.
public struct IterationCounts: Sendable, Hashable, Codable {
    /// `warm` or `cold`.
    public var mode: String
    /// The baseline's counts, when it ran the mode.
    public var baseline: ModeIterations?
    /// The current side's counts, when it ran the mode.
    public var current: ModeIterations?
}

/// One series compared.
public struct SeriesResult: Sendable, Codable {
    /// Which series.
    public var key: SeriesKey
    /// Its evidence and verdict.
    public var comparison: SeriesComparison
}

/// Readers in ranked groups with ties, for one mode, by the check total.
public struct ModeRanking: Sendable, Codable {
    /// `warm` or `cold`.
    public var mode: String
    /// The quantile the order inside groups follows (the first requested one, p50 by default).
    public var quantile: Double
    /// Groups of sides, best first.
    public var groups: [[RankedSide]]
    /// The competition rank of each group ("1, 1, 3").
    public var ranks: [Int]
}

/// A side in a ranking.
public struct RankedSide: Sendable, Codable {
    /// The side.
    public var side: SideInfo
    /// Its estimate of the ranking quantile of the check total, ns.
    public var estimate: Double
    /// Sides in other groups it is not decisively separated from.
    public var notSeparatedFrom: [SideInfo]
}
