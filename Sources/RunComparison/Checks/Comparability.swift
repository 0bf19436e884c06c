import RunModel
import Results

// MARK: - Can these two runs be compared?

/// Something that makes two runs incomparable, or their comparison worth a warning.
public struct ComparabilityIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What differs. A struct of static values, so new checks never break a caller's `switch`.
    public struct Code: Hashable, Sendable, Codable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, as written in JSON reports.
        public var description: String { name }

        /// Reads the code's name.
        public init(from decoder: any Decoder) throws {
            name = try decoder.singleValueContainer().decode(String.self)
        }

        /// Writes the code's name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }

        /// Different scenarios: different sequences of commands. Incomparable.
        public static let scenario = Code("scenario")
        /// Different certificate read strategies: different exchanges. Incomparable.
        public static let readStrategy = Code("read-strategy")
        /// Different pauses between iterations: pcscd powers idle cards down, so warm iterations
        /// are not the same thing. Incomparable.
        public static let interval = Code("interval")
        /// One run measured a real reader and the other a modelled card or a replay.
        /// Incomparable: a model is never compared silently with a reader.
        public static let modelledVersusReal = Code("modelled-versus-real")
        /// Different card sources of the same kind (simulated behind vpcd vs in-process): one
        /// includes the PC/SC stack and the other does not. Incomparable.
        public static let cardSource = Code("card-source")
        /// The runs share no mode (warm vs cold only). Incomparable: nothing to compare.
        public static let noCommonMode = Code("no-common-mode")
        /// Different timing profiles of the simulated card. A warning: comparing two models.
        public static let timingProfile = Code("timing-profile")
        /// Different readers (model keys). A note in a procurement comparison, a warning in CI.
        public static let differentReader = Code("different-reader")
        /// Different machines, kernels or library versions. A warning.
        public static let environment = Code("environment")
        /// Different warmup counts or timeouts. A warning.
        public static let options = Code("options")
        /// A run that did not finish. A warning: its iterations are still valid.
        public static let incomplete = Code("incomplete")
        /// Different tool versions. A note.
        public static let toolVersion = Code("tool-version")
    }

    /// How much it matters.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// The comparison means nothing: `gate` refuses (exit 5), `compare` goes on under a loud
        /// warning.
        case incomparable
        /// The comparison means less than it seems.
        case warning
        /// Worth knowing.
        case note

        private var order: Int {
            switch self {
            case .incomparable: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.order < b.order }
    }

    /// What differs.
    public var code: Code
    /// How much it matters.
    public var severity: Severity
    /// Both values, for people.
    public var message: String

    /// An issue from its parts.
    public init(_ code: Code, _ severity: Severity, _ message: String) {
        self.code = code
        self.severity = severity
        self.message = message
    }

    /// `incomparable: scenario pin vs visual`.
    public var description: String { "\(severity.rawValue): \(message)" }
}

/// The checks run before any statistics.
public enum Comparability {
    /// Everything that differs between the runs of two documents that matters for comparing
    /// them, most serious first.
    public static func issues(baseline: RunContext, current: RunContext) -> [ComparabilityIssue] {
        var issues: [ComparabilityIssue] = []
        func differ<T: Equatable>(
            _ a: T, _ b: T, _ code: ComparabilityIssue.Code, _ severity: ComparabilityIssue.Severity,
            _ what: String, _ text: (T) -> String
        ) {
            if a != b { issues.append(ComparabilityIssue(code, severity, "\(what): \(text(a)) vs \(text(b))")) }
        }
        let (b, c) = (baseline, current)
        differ(b.scenario, c.scenario, .scenario, .incomparable, "scenario") { $0 }
        differ(b.options.readStrategy, c.options.readStrategy, .readStrategy, .incomparable, "certificate read") {
            "header \($0.headerLength.rawValue), chunks \($0.chunking.rawValue)"
        }
        differ(b.options.intervalMilliseconds, c.options.intervalMilliseconds, .interval, .incomparable, "interval") {
            "\($0) ms"
        }
        if b.measurement != c.measurement && (b.measurement == .reader || c.measurement == .reader) {
            issues.append(
                ComparabilityIssue(
                    .modelledVersusReal, .incomparable,
                    "a real reader's run against a \(b.measurement == .reader ? c.measurement : b.measurement) one "
                        + "(\(b.cardSource) vs \(c.cardSource)): a model or a replay is not a reader"))
        } else {
            differ(b.cardSource, c.cardSource, .cardSource, .incomparable, "card source") { $0 }
        }
        if Set(b.options.modes).isDisjoint(with: c.options.modes) {
            issues.append(
                ComparabilityIssue(
                    .noCommonMode, .incomparable,
                    "modes: \(b.options.modes.map(\.rawValue).joined(separator: "+")) vs "
                        + c.options.modes.map(\.rawValue).joined(separator: "+")))
        }
        differ(b.timingProfile, c.timingProfile, .timingProfile, .warning, "timing profile (modelled)") {
            $0 ?? "none"
        }
        let environment = [
            ("OS", b.environment.os, c.environment.os), ("kernel", b.environment.kernel, c.environment.kernel),
            ("CPU", b.environment.cpu, c.environment.cpu),
            ("CPUs", "\(b.environment.cpuCount)", "\(c.environment.cpuCount)"),
            ("pcsc-lite", b.environment.pcscLiteVersion, c.environment.pcscLiteVersion),
            ("OpenSSL", b.environment.openSSLVersion, c.environment.openSSLVersion),
        ]
        for (what, x, y) in environment where x != y {
            issues.append(ComparabilityIssue(.environment, .warning, "\(what): \(x ?? "unknown") vs \(y ?? "unknown")"))
        }
        differ(b.options.warmup, c.options.warmup, .options, .warning, "warmup iterations") { "\($0)" }
        differ(b.options.timeoutMilliseconds, c.options.timeoutMilliseconds, .options, .warning, "timeout") {
            "\($0) ms"
        }
        if !b.complete || !c.complete {
            let which =
                !b.complete && !c.complete ? "neither run" : !b.complete ? "the baseline run" : "the current run"
            issues.append(
                ComparabilityIssue(.incomplete, .warning, "\(which) finished; the iterations it has are compared"))
        }
        differ(b.toolVersion, c.toolVersion, .toolVersion, .note, "readerbench version") { $0 }
        return issues.sorted { $0.severity < $1.severity }
    }
}
