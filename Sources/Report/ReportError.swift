// MARK: - Errors

/// Why a report could not be made.
public struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; a struct so codes can be added without breaking a `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No run holds a measured iteration: there is nothing to report.
        public static let noData = Code("no data")
        /// An option value is not one the report knows (a metric, a language).
        public static let badOption = Code("bad option")
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
