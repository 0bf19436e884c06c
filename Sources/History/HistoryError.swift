// MARK: - Errors

/// Why the history could not be opened, written or queried.
///
/// One struct with an extensible ``Code`` (the package's error shape): tests and the CLI branch
/// on the code, people read ``reason``.
public struct HistoryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; a struct rather than an enum so codes can be added without breaking
    /// a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, for logs.
        public var description: String { name }

        /// The database file could not be opened or created (permissions, a missing folder).
        public static let cannotOpen = Code("cannot open")
        /// The file exists but is not an SQLite database; it is left as it is.
        public static let notADatabase = Code("not a database")
        /// The file is an SQLite database of some other program; it is left as it is.
        public static let foreignDatabase = Code("foreign database")
        /// The database was written by a newer ReaderBench (a migration this build does not know).
        public static let newerSchema = Code("newer schema")
        /// SQLite reports the file damaged.
        public static let corrupt = Code("corrupt")
        /// A statement failed (disk full, locked for too long, a constraint).
        public static let databaseError = Code("database error")
        /// No run has that id.
        public static let noSuchRun = Code("no such run")
        /// A run reference or query could not be understood.
        public static let badReference = Code("bad reference")
        /// A query matched no run.
        public static let noMatch = Code("no match")
        /// A stored iteration could not be decoded.
        public static let badRecord = Code("bad record")
        /// The file given to import is not a result file this build reads.
        public static let cannotImport = Code("cannot import")
        /// The run is already in the history (import of the same run twice).
        public static let duplicate = Code("duplicate")
        /// A database server could not be reached (refused, timed out, gone mid-transaction); what
        /// was being saved is kept locally and sent later.
        public static let unreachable = Code("unreachable")
        /// A database URL could not be understood (`postgresql://user@host:port/db`).
        public static let badLocation = Code("bad location")
        /// This build leaves out what was asked for (a PostgreSQL history needs the `Fleet`
        /// trait: `swift build --traits Fleet`).
        public static let notBuilt = Code("not built")
    }

    /// What kind of failure this is; compare this, not the text.
    public let code: Code
    /// What went wrong, for people.
    public let reason: String
    /// Where the error was raised, for bug reports.
    public let location: String

    /// An error; `file` and `line` default to the caller's location.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.location = "\(file):\(line)"
    }

    public var description: String { reason }

    /// Equal when the codes are: tests compare codes, not wording.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
