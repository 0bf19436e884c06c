import Results

// MARK: - What the history holds and answers

/// Where a saved run came from.
public struct RunOrigin: Sendable, Hashable {
    /// How the run got into the history.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Saved by `readerbench run` as it went.
        case run
        /// `history import` of a result file or bundle.
        case `import`
    }

    public var kind: Kind
    /// The host that measured it: a hash of the machine id (``HostIdentity``), never its name.
    public var hostID: String?
    /// A site name for fleets (a care business's branch); nil on a single machine.
    public var site: String?
    /// The file an import came from.
    public var name: String?

    public init(kind: Kind, hostID: String?, site: String? = nil, name: String? = nil) {
        self.kind = kind
        self.hostID = hostID
        self.site = site
        self.name = name
    }
}

/// One reader of a listed run.
public struct ReaderListing: Sendable, Hashable, Codable {
    /// Its id in the run (what iterations refer to).
    public var reader: Int
    /// The name PC/SC gave it.
    public var name: String
    /// The key results are grouped by.
    public var modelKey: String
    /// `usb:VVVV:PPPP@bcdDevice`, when known.
    public var usbModelKey: String?
    /// `name:Vendor Product`, the key from the reader's name.
    public var nameModelKey: String?
    /// The firmware release, when known (the USB bcdDevice or the driver's IFD version).
    public var firmware: String?
    /// `card.source` of its card.
    public var cardSource: String
    /// Whether its times are a model's (simulated card, replayed trace, vpcd).
    public var modelled: Bool
}

/// A run as `history list` shows it.
public struct RunListing: Sendable, Hashable, Codable {
    /// The id `run:ID` refers to.
    public var id: Int64
    /// When the run started (ISO 8601, UTC).
    public var createdAt: String
    /// When it was saved (its first row), ISO 8601.
    public var savedAt: String
    /// `run` or `import`.
    public var origin: RunOrigin.Kind
    /// The imported file's name.
    public var originName: String?
    public var hostID: String?
    public var site: String?
    public var toolVersion: String
    public var scenario: String
    public var os: String?
    public var pcscLiteVersion: String?
    /// True when every reader's card was a model (see ``ResultHeader/isModelled``).
    public var modelled: Bool
    /// Whether the run finished (it has a summary); false for a run killed mid-way or still going.
    public var complete: Bool
    /// Why it ended, when it finished.
    public var stopReason: String?
    /// Iterations saved, warm-ups included.
    public var iterations: Int
    /// Its readers, by id.
    public var readers: [ReaderListing]

    /// `run:ID`.
    public var reference: String { "run:\(id)" }
}

/// Which runs to list: every filter given must hold.
public struct RunQuery: Sendable, Hashable {
    /// A model key, exactly (`model_key`, `usb_model_key` or `name_model_key`), or a USB key
    /// without its release (`usb:054c:0dc9` matches every firmware).
    public var model: String?
    /// A part of the reader name, any case.
    public var reader: String?
    /// Runs that started at or after this ISO 8601 date or time (`2025-11-01`).
    public var since: String?
    /// Runs that started before this date or time.
    public var until: String?
    public var scenario: String?
    public var hostID: String?
    public var site: String?
    /// Measured (false) or modelled (true) runs only.
    public var modelled: Bool?
    /// At most this many, newest first.
    public var limit: Int?

    public init(
        model: String? = nil, reader: String? = nil, since: String? = nil, until: String? = nil,
        scenario: String? = nil, hostID: String? = nil, site: String? = nil, modelled: Bool? = nil, limit: Int? = nil
    ) {
        self.model = model
        self.reader = reader
        self.since = since
        self.until = until
        self.scenario = scenario
        self.hostID = hostID
        self.site = site
        self.modelled = modelled
        self.limit = limit
    }
}

/// A run read back whole.
public struct StoredRun: Sendable {
    public var listing: RunListing
    /// The run as a result file: header, every reader (joined ones where they joined), every
    /// saved iteration, and the summary when it finished.
    public var file: ResultFile
    /// Where each reader that joined during the run did so: reader id → the number of iterations
    /// saved before it.
    public var joinedAt: [Int: Int]
}

/// A percentile of the check the trend follows.
public enum TrendMetric: String, Sendable, Hashable, CaseIterable, Codable {
    case p50, p90, p95, p99, p999 = "p99.9"

    var column: String {
        switch self {
        case .p50: "p50_ns"
        case .p90: "p90_ns"
        case .p95: "p95_ns"
        case .p99: "p99_ns"
        case .p999: "p999_ns"
        }
    }
}

/// One model's percentile across runs.
public struct TrendQuery: Sendable, Hashable {
    /// A model key as ``RunQuery/model`` takes it.
    public var model: String
    public var metric: TrendMetric
    public var mode: IterationModeName
    /// Leave out modelled runs (simulated cards, replays): on by default for a real model.
    public var measuredOnly: Bool
    public var since: String?
    /// Runs of this site only (fleets).
    public var site: String?
    /// Runs of this host only (its ``HostIdentity``).
    public var hostID: String?

    public init(
        model: String, metric: TrendMetric = .p95, mode: IterationModeName = .warm, measuredOnly: Bool = false,
        since: String? = nil, site: String? = nil, hostID: String? = nil
    ) {
        self.model = model
        self.metric = metric
        self.mode = mode
        self.measuredOnly = measuredOnly
        self.since = since
        self.site = site
        self.hostID = hostID
    }
}

/// `warm` or `cold`, as the history stores modes in statistics.
public enum IterationModeName: String, Sendable, Hashable, CaseIterable, Codable {
    case warm, cold
}

/// One run's value in a trend.
public struct TrendPoint: Sendable, Hashable, Codable {
    public var run: Int64
    public var createdAt: String
    /// The host and site that measured it (fleets); nil on one machine.
    public var hostID: String?
    public var site: String?
    public var reader: Int
    public var readerName: String
    public var modelKey: String
    public var firmware: String?
    public var pcscLiteVersion: String?
    public var os: String?
    public var toolVersion: String
    public var modelled: Bool
    /// Measured iterations of the mode, and how many failed.
    public var count: Int
    public var failed: Int
    /// The metric, ns; nil when no iteration of the mode succeeded.
    public var valueNanoseconds: UInt64?
    /// Whether the value comes from a run that did not finish (computed from its saved iterations).
    public var partial: Bool
}

/// A trend with its change points.
public struct Trend: Sendable, Hashable, Codable {
    public var model: String
    public var metric: TrendMetric
    public var mode: IterationModeName
    public var points: [TrendPoint]
    /// Where the level shifted: indices into ``points`` of the first point after each shift.
    public var changes: [ChangePoint]
}
