/// Why a simulator configuration was refused.
///
/// One error shape as elsewhere in the package: a ``Code`` to compare and a reason for people.
public struct SimulatorConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, in categories stable enough to test against.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        /// The card variant's interface (contact or contactless) is not the link the timing
        /// profile models: a result would describe one card timed as another.
        public static let interfaceMismatch = Code("interfaceMismatch")
    }

    public var code: Code
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    /// Equality on the code alone, as swift-asn1 does: tests compare codes, not wording.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
