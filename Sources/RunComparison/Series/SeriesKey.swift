// MARK: - Naming a series

/// Which latency a series holds: the whole check, one phase, or one APDU kind, in one mode.
///
/// Every series is per mode, because cold iterations include power-up and protocol negotiation
/// and would otherwise be a mode of their own inside every distribution.
public struct SeriesKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What is timed.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The whole check: the iteration's total time.
        case total
        /// One phase (select, read certificate, verify PIN, sign, …).
        case phase
        /// One APDU kind; one sample per exchange, so a kind sent four times per iteration has
        /// four samples per iteration.
        case apdu
    }

    /// `warm` or `cold`.
    public var mode: String
    /// What is timed.
    public var kind: Kind
    /// The phase or APDU kind name; `check` for the total.
    public var name: String

    /// A key from its parts.
    public init(mode: String, kind: Kind, name: String) {
        self.mode = mode
        self.kind = kind
        self.name = name
    }

    /// The total of one mode.
    public static func total(_ mode: String) -> SeriesKey {
        SeriesKey(mode: mode, kind: .total, name: "check")
    }

    /// `warm total`, `cold phase sign`, `warm APDU READ BINARY chunk`: the series name in reports.
    public var description: String {
        switch kind {
        case .total: "\(mode) total"
        case .phase: "\(mode) phase \(name)"
        case .apdu: "\(mode) APDU \(name)"
        }
    }
}
