import Results

// MARK: - Errors

/// Why documents could not be compared.
///
/// One shape for the package's errors: a code to branch on (tests compare codes, never text),
/// the file concerned, and a sentence for people. Library errors describe the problem; the CLI
/// decides the exit status.
public struct RunComparisonError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct of static values rather than an enum, so adding a code never
    /// breaks a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, for logs.
        public var description: String { name }

        /// The file could not be read as a result document (missing, unreadable, not a result,
        /// a version this build does not read); ``RunComparisonError/underlying`` says which.
        public static let unreadable = Code("unreadable")
        /// The document holds no measured sample at all (every iteration a warmup or a failure).
        public static let noSamples = Code("no samples")
        /// Fewer than two documents were given, or a reference that is not among them.
        public static let badArguments = Code("bad arguments")
    }

    /// What kind of failure this is; compare this, not the text.
    public let code: Code
    /// The file concerned ("" when none).
    public let path: String
    /// What went wrong, for people.
    public let reason: String
    /// The result module's error, when reading the file failed.
    public let underlying: ResultsError?

    /// An error about `path`.
    public init(_ code: Code, path: String, reason: String, underlying: ResultsError? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.underlying = underlying
    }

    /// `path: reason`.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}
