/// Why a run could not start or go on, for the CLI to map to an exit status. Failures of single
/// iterations are not errors: they are results (``Results/Failure``).
public struct RunEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is; the CLI maps codes to exit statuses.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A file could not be written (result, CSV, trace).
        public static let cannotWrite = Code(name: "cannot-write")
        /// The trace to record could not be created.
        public static let cannotRecord = Code(name: "cannot-record")
        /// No reader could be opened or described.
        public static let noReader = Code(name: "no-reader")
        /// The environment does not allow the run (no pcscd, no free vpcd slot, a card that
        /// did not appear).
        public static let environment = Code(name: "environment")
        /// The user's input cannot be used (a reader that matches nothing, a bad combination).
        public static let badInput = Code(name: "bad-input")

        public var description: String { name }
    }

    /// What kind of problem.
    public var code: Code
    /// What happened, in words a user can act on.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Equal when the codes are: tests compare codes, not wording.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
