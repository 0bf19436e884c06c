import Results

// MARK: - What a report is made from

/// One run given to the report: a result file and the name to call it by (its path or `run:42`).
public struct ReportRun: Sendable {
    public var name: String
    public var file: ResultFile

    public init(name: String, file: ResultFile) {
        self.name = name
        self.file = file
    }
}

/// The page's language. The users are Japanese care businesses, so Japanese comes first.
public enum ReportLanguage: String, Sendable, Hashable, CaseIterable {
    case ja, en
}

/// How the report ranks and what it says.
public struct ReportOptions: Sendable, Hashable {
    /// The quantile of the check readers are ranked on (0.95: p95).
    public var quantile: Double
    public var language: ReportLanguage
    /// The page title; a default in the language when nil.
    public var title: String?
    /// When the report was made (ISO 8601), printed in the footer. A parameter, not a clock
    /// read, so the same input gives the same bytes.
    public var generatedAt: String
    /// The tool's version, printed in the footer.
    public var toolVersion: String

    public init(
        quantile: Double = 0.95, language: ReportLanguage = .ja, title: String? = nil, generatedAt: String,
        toolVersion: String
    ) {
        self.quantile = quantile
        self.language = language
        self.title = title
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
    }

    /// `p95` → 0.95; `p99.9` → 0.999; `median` → 0.5.
    public static func parseMetric(_ text: String) throws(ReportError) -> Double {
        var body = text.lowercased()
        if body == "median" { return 0.5 }
        if body.hasPrefix("p") { body.removeFirst() }
        guard let percent = Double(body), percent > 0, percent < 100 else {
            throw ReportError(.badOption, "'\(text)' is not a percentile; use p50, p90, p95, p99 or p99.9")
        }
        return (percent * 1e10).rounded() / 1e12
    }
}

/// One model's percentile across runs from the history (`--history`), with its change points,
/// as the report draws it. The History module fills it; the report only draws.
public struct TrendSeries: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        /// `run:42`.
        public var run: String
        public var createdAt: String
        public var readerName: String
        public var firmware: String?
        public var valueNanoseconds: UInt64
        public var modelled: Bool

        public init(
            run: String, createdAt: String, readerName: String, firmware: String?, valueNanoseconds: UInt64,
            modelled: Bool
        ) {
            self.run = run
            self.createdAt = createdAt
            self.readerName = readerName
            self.firmware = firmware
            self.valueNanoseconds = valueNanoseconds
            self.modelled = modelled
        }
    }

    public struct Change: Sendable, Hashable {
        /// The first point after the shift.
        public var index: Int
        /// after / before.
        public var ratio: Double
        /// What else changed there ("firmware 1.00 → 1.10").
        public var coincidesWith: [String]

        public init(index: Int, ratio: Double, coincidesWith: [String]) {
            self.index = index
            self.ratio = ratio
            self.coincidesWith = coincidesWith
        }
    }

    public var model: String
    /// `p95`.
    public var metric: String
    /// `warm` or `cold`.
    public var mode: String
    public var points: [Point]
    public var changes: [Change]

    public init(model: String, metric: String, mode: String, points: [Point], changes: [Change]) {
        self.model = model
        self.metric = metric
        self.mode = mode
        self.points = points
        self.changes = changes
    }
}
