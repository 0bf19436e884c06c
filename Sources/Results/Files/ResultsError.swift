#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Errors

/// Why a result or sample file could not be written or read.
///
/// Every error names the file and says what to do in ``reason``; tests and callers branch on
/// ``code``, never on the text.
public struct ResultsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum, so codes can be added without breaking
    /// callers that switch over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, for logs.
        public var description: String { name }

        /// The file exists and replacing it was not asked for.
        public static let alreadyExists = Code("already exists")
        /// The file (or its temporary twin) could not be created or put in place.
        public static let cannotCreate = Code("cannot create")
        /// A write failed.
        public static let cannotWrite = Code("cannot write")
        /// fsync failed: the data may not be on disk.
        public static let cannotSync = Code("cannot sync")
        /// The file could not be opened or read.
        public static let cannotRead = Code("cannot read")
        /// A value could not be encoded as JSON (a NaN or infinite number).
        public static let cannotEncode = Code("cannot encode")
        /// The writer was used after it finished or after a failed write.
        public static let writerClosed = Code("writer closed")
        /// The file is not a complete JSON document (for example, cut short).
        public static let notJSON = Code("not JSON")
        /// The file is JSON but not a ReaderBench result.
        public static let notAResultFile = Code("not a result file")
        /// The file is a ReaderBench result of a version this build does not read.
        public static let unsupportedVersion = Code("unsupported version")
        /// The file is a ReaderBench result with a missing or ill-typed field.
        public static let invalidContent = Code("invalid content")
        /// An APDU row refers to a step, kind or phase the labels do not have.
        public static let labelOutOfRange = Code("label out of range")
    }

    /// What kind of failure this is; compare this, not the text.
    public let code: Code
    /// The file concerned.
    public let path: String
    /// What went wrong, for people.
    public let reason: String
    /// Where the error was raised (`Results/ResultFileWriter.swift:42`), for bug reports.
    public let location: String

    /// An error about `path`; `file` and `line` default to the caller's location.
    public init(_ code: Code, path: String, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.path = path
        self.reason = reason
        self.location = "\(file):\(line)"
    }

    /// `path: reason`, ready for a message to the user.
    public var description: String { "\(path): \(reason)" }

    /// An error from a failed system call, with the C library's text for `errno`.
    static func system(
        _ code: Code, path: String, operation: String, errno number: Int32, file: String = #fileID,
        line: Int = #line
    ) -> ResultsError {
        ResultsError(
            code, path: path, reason: "\(operation) failed: \(errnoText(number)) (errno \(number))", file: file,
            line: line)
    }
}

/// The C library's message for an errno value.
func errnoText(_ number: Int32) -> String {
    guard let text = strerror(number) else { return "unknown error" }
    return String(cString: text)
}
