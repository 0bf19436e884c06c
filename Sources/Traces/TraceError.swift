/// Why a trace could not be read, written, imported or replayed.
///
/// One error type for the whole module, as swift-asn1 does it: a ``Code`` that tests and callers
/// compare, a human ``reason``, and the 1-based ``line`` of the input it is about, so a user with
/// a 300 MB trace can open the file at the broken line instead of guessing.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, in categories stable enough to test against.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Reading or writing a file failed (the reason carries `errno`'s words).
        case io
        /// A line ends before its JSON object does (no closing brace, or cut inside a value).
        case truncatedLine
        /// A line is not the JSON this format allows (bad syntax, trailing characters).
        case invalidJSON
        /// A field holds a value of the wrong JSON type (a string where a number belongs).
        case wrongType
        /// A required field is absent.
        case missingField
        /// A hex field holds something other than hex digits.
        case invalidHex
        /// The header names another format.
        case unknownFormat
        /// The header names a version this reader does not understand.
        case unsupportedVersion
        /// The first non-blank line is not a header, or a second header appears.
        case misplacedHeader
        /// The input holds no header at all.
        case missingHeader
        /// An event type this reader does not know (strict loading).
        case unknownEventType
        /// A number outside what the field allows (negative times, durations over an hour…).
        case outOfRange
        /// A field or line larger than any real exchange could need.
        case oversized
        /// A value that is well-typed but not one of the allowed words (e.g. an unknown action).
        case invalidValue
        /// A foreign log (pcsc-spy, apdu4j, scriptor) that does not follow its own format.
        case importFormat
        /// The trace has no responses (a scriptor script) and the caller did not accept that.
        case missingResponses
        /// Replay was asked to reproduce durations (recorded, scaled or sampled timing) that the
        /// trace does not hold: its source recorded none (scriptor) or not for every exchange.
        case missingDurations
    }

    /// The category.
    public var code: Code
    /// The 1-based line of the input the error is about, when it is about one.
    public var line: Int?
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(_ code: Code, line: Int? = nil, _ reason: String) {
        self.code = code
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "line \(line): \(reason)" }
        return reason
    }

    /// The same error, placed at `line` (parsers below the line level do not know it).
    func at(line: Int) -> TraceError {
        var copy = self
        copy.line = line
        return copy
    }
}
