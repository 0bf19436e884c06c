import Results

// MARK: - The seam to the statistics of `compare`

/// Ranks readers on one quantile of the check, per mode, and says which differences are real.
///
/// The report never decides this itself: the answer comes from the statistics `compare` uses
/// (the Comparison and RunComparison modules: quantile-ratio intervals, rank tests, Holm, ranked
/// groups with ties), plugged in through this protocol, so the report and `compare` can never
/// disagree. Until that module is linked, ``UnassessedRanker`` puts every reader in one group
/// and says that the differences were not assessed: the report then never names a winner.
public protocol ReaderRanker: Sendable {
    /// Ranked groups and pairwise verdicts for `request`.
    func rank(_ request: RankingRequest) -> RankingResult
}

/// What is ranked: sides with their samples of the check, per mode.
public struct RankingRequest: Sendable {
    public struct Side: Sendable {
        /// The side's id (``ReportSide/id``).
        public var id: Int
        /// `reader name (run)`, for messages.
        public var label: String
        public var modelKey: String
        /// Mode → totals of successful measured iterations, ns, in run order.
        public var totals: [String: [Double]]
    }

    public var sides: [Side]
    /// The quantile to rank on (0.95).
    public var quantile: Double
    /// The modes to rank, in order.
    public var modes: [String]
}

/// How two sides compare on the ranked quantile.
public enum PairVerdict: String, Sendable, Hashable, Codable {
    /// The second side is faster, beyond the margin, and the data say so.
    case faster
    /// The second side is slower, beyond the margin.
    case slower
    /// Within the margin.
    case same
    /// The data cannot tell.
    case inconclusive
}

/// The ranking of one mode.
public struct ModeRanking: Sendable, Hashable {
    public struct Pair: Sendable, Hashable {
        /// Baseline and current side ids.
        public var baseline: Int
        public var current: Int
        /// How `current` compares with `baseline`.
        public var verdict: PairVerdict
        /// One sentence: the ratio, its interval, the p-value or what is missing.
        public var reason: String

        public init(baseline: Int, current: Int, verdict: PairVerdict, reason: String) {
            self.baseline = baseline
            self.current = current
            self.verdict = verdict
            self.reason = reason
        }
    }

    public var mode: String
    /// Groups of side ids, fastest first; a group of more than one is a tie.
    public var groups: [[Int]]
    /// Competition rank of each group ("1, 1, 3").
    public var ranks: [Int]
    /// Side id → its estimate of the quantile, ns.
    public var estimates: [Int: Double]
    /// The pairwise verdicts behind the groups.
    public var pairs: [Pair]

    public init(mode: String, groups: [[Int]], ranks: [Int], estimates: [Int: Double], pairs: [Pair]) {
        self.mode = mode
        self.groups = groups
        self.ranks = ranks
        self.estimates = estimates
        self.pairs = pairs
    }
}

/// A ranker's answer.
public struct RankingResult: Sendable, Hashable {
    /// One per ranked mode.
    public var modes: [ModeRanking]
    /// Whether the differences were assessed statistically; false from ``UnassessedRanker``.
    public var assessed: Bool
    /// How, in one sentence ("quantile-ratio intervals at 99%, Holm over 6 pairs, margin ±5%").
    public var method: String

    public init(modes: [ModeRanking], assessed: Bool, method: String) {
        self.modes = modes
        self.assessed = assessed
        self.method = method
    }
}

/// The ranker used when `compare`'s statistics are not linked: one group per mode, so the report
/// shows each reader's estimate but names no winner, and says the differences were not assessed.
public struct UnassessedRanker: ReaderRanker {
    public init() {}

    public func rank(_ request: RankingRequest) -> RankingResult {
        let modes = request.modes.compactMap { mode -> ModeRanking? in
            let sides = request.sides.filter { !($0.totals[mode] ?? []).isEmpty }
            guard !sides.isEmpty else { return nil }
            var estimates: [Int: Double] = [:]
            for side in sides { estimates[side.id] = ReportStatistics.quantile(side.totals[mode]!, request.quantile) }
            let ordered = sides.map(\.id).sorted { (estimates[$0]!, $0) < (estimates[$1]!, $1) }
            return ModeRanking(mode: mode, groups: [ordered], ranks: [1], estimates: estimates, pairs: [])
        }
        return RankingResult(modes: modes, assessed: false, method: "not assessed")
    }
}
