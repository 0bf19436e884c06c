// MARK: - Errors

/// Why settings or samples could not be used for a comparison.
///
/// One shape for the package's errors: a code to branch on (tests compare codes, never text),
/// the value that was refused, and a sentence for people.
public struct ComparisonError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem. A struct of static values rather than an enum, so a new code never
    /// breaks a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, for logs.
        public var description: String { name }

        /// A margin (threshold) that is not a percentage in (0, 100).
        public static let invalidThreshold = Code("invalid threshold")
        /// A quantile that is not a percentile in (0, 100), or an empty or malformed list.
        public static let invalidQuantile = Code("invalid quantile")
        /// A confidence level outside [0.5, 1).
        public static let invalidConfidence = Code("invalid confidence")
        /// A sample that is not a finite, positive number (ratios and logarithms need them).
        public static let invalidSample = Code("invalid sample")
    }

    /// What kind of problem this is; compare this, not the text.
    public let code: Code
    /// The value that was refused, as given.
    public let value: String
    /// What is wrong with it, for people.
    public let reason: String

    /// An error about `value`.
    public init(_ code: Code, value: String, reason: String) {
        self.code = code
        self.value = value
        self.reason = reason
    }

    /// `'value': reason`.
    public var description: String { "'\(value)': \(reason)" }
}
