/// The first line of a trace: what was recorded, with what, on which reader and card, and how
/// much of it was changed on the way into the file.
///
/// A trace crosses from someone's office to CI; the header is what tells the person at the other
/// end whether the numbers in it were measured on a reader (`synthetic == false`, `modelled ==
/// false`) or made up by the simulator, and what was scrubbed out of it.
public struct TraceHeader: Sendable, Hashable {
    /// The `format` word every trace carries.
    public static let formatName = "readerbench-trace"
    /// The version this module writes and reads.
    public static let currentVersion = 1

    /// The program that wrote the trace.
    public struct Tool: Sendable, Hashable {
        public var name: String
        public var version: String
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    /// The reader the exchanges went through.
    public struct Reader: Sendable, Hashable {
        /// The PC/SC reader name as seen when recording.
        public var name: String
        /// The model key results are grouped by (see CardIdentity's `ModelKey`).
        public var modelKey: String
        /// What identification found out (vendor, product, firmware…), carried as JSON.
        public var identity: TraceValue?
        public init(name: String, modelKey: String, identity: TraceValue? = nil) {
            self.name = name
            self.modelKey = modelKey
            self.identity = identity
        }
    }

    /// What was done to the data before it reached the file.
    public enum Redaction: String, Sendable, Hashable, CaseIterable {
        /// PIN bytes of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER were replaced by `*`.
        case pin
        /// Personal data (text AP EF 0001/0002 contents) was replaced by fictitious values.
        case personal
    }

    public var tool: Tool
    /// When recording started, ISO 8601 UTC (`2025-01-31T09:15:00Z`).
    public var createdAt: String
    public var reader: Reader
    /// The card's answer to reset; empty when the source did not show it (pcsc-spy logs).
    public var atr: [UInt8]
    /// The transmission protocol, `T=1` or `T=0`.
    public var protocolName: String
    /// The read-path scenario the recording ran, as JSON.
    public var scenario: TraceValue?
    /// Run options (timing profile, strategy, …), as JSON.
    public var options: TraceValue?
    /// What was redacted; words this version does not know are kept as they are.
    public var redacted: [String]
    /// True when no reader was involved (made by a generator or the simulator in-process).
    public var synthetic: Bool
    /// True when durations come from a timing model rather than a clock.
    public var modelled: Bool
    /// Free text for people.
    public var note: String?
    /// True when the source held no responses (a scriptor script); replay refuses such a trace
    /// unless asked to accept it.
    public var responsesMissing: Bool

    public init(
        tool: Tool = Tool(name: "readerbench", version: "dev"), createdAt: String = TraceHeader.now(),
        reader: Reader, atr: [UInt8], protocolName: String = "T=1", scenario: TraceValue? = nil,
        options: TraceValue? = nil, redacted: [String] = [Redaction.pin.rawValue], synthetic: Bool = false,
        modelled: Bool = false, note: String? = nil, responsesMissing: Bool = false
    ) {
        self.tool = tool
        self.createdAt = createdAt
        self.reader = reader
        self.atr = atr
        self.protocolName = protocolName
        self.scenario = scenario
        self.options = options
        self.redacted = redacted
        self.synthetic = synthetic
        self.modelled = modelled
        self.note = note
        self.responsesMissing = responsesMissing
    }

    /// Whether the header says `redaction` was applied.
    public func isRedacted(_ redaction: Redaction) -> Bool { redacted.contains(redaction.rawValue) }

    /// Adds `redaction` to ``redacted`` if it is not there.
    public mutating func markRedacted(_ redaction: Redaction) {
        if !isRedacted(redaction) { redacted.append(redaction.rawValue) }
    }
}
