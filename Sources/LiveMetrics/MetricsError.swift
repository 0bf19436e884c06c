// MARK: - Errors

/// Why metrics could not be set up or pushed.
///
/// The package's error shape: an extensible ``Code`` to branch on, a ``reason`` for people.
public struct MetricsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `--metrics` could not be understood.
        public static let badTarget = Code("bad target")
        /// A metrics kind this build does not include (OTLP).
        public static let unsupported = Code("unsupported")
        /// The Pushgateway could not be reached or refused the push.
        public static let pushFailed = Code("push failed")
    }

    public let code: Code
    public let reason: String
    public let location: String

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.location = "\(file):\(line)"
    }

    public var description: String { reason }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
