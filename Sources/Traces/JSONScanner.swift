/// Reads JSON out of one line of a trace, in place.
///
/// The format is JSON Lines with a known, flat event schema, so the loader does not need a
/// general JSON decoder that builds dictionaries and strings for every line: it walks the bytes,
/// notes where each value lies and converts only what the event needs. Errors say what was
/// expected and where (1-based column); the caller adds the line number.
struct JSONScanner: ~Escapable {
    let bytes: Span<UInt8>
    var position: Int = 0

    /// The deepest nesting accepted in values the scanner skips or builds (scenario, options).
    static let maximumDepth = 32

    @_lifetime(copy bytes)
    init(_ bytes: Span<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    var column: Int { position + 1 }

    mutating func skipWhitespace() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
            position += 1
        }
    }

    func truncated(_ what: String) -> TraceError {
        TraceError(.truncatedLine, "the line ends early: \(what) (a truncated or partly written line)")
    }

    func invalid(_ what: String) -> TraceError {
        TraceError(.invalidJSON, "\(what) at column \(column)")
    }

    /// Consumes `c` after optional whitespace.
    mutating func expect(_ c: UInt8, _ what: String) throws(TraceError) {
        skipWhitespace()
        guard position < bytes.count else { throw truncated("expected \(what)") }
        guard bytes[position] == c else { throw invalid("expected \(what)") }
        position += 1
    }

    /// What a value starting with `c` is, for error messages.
    static func typeName(startingWith c: UInt8) -> String {
        switch c {
        case 0x22: "a string"
        case 0x7B: "an object"
        case 0x5B: "an array"
        case 0x74, 0x66: "a boolean"
        case 0x6E: "null"
        case 0x2D, 0x30...0x39: "a number"
        default: "an invalid value"
        }
    }

    // MARK: - Strings

    /// Scans the string starting at the current quote; returns its raw content (between the
    /// quotes) and whether it holds escapes.
    mutating func rawString() throws(TraceError) -> (range: Range<Int>, escaped: Bool) {
        guard position < bytes.count else { throw truncated("expected a string") }
        guard bytes[position] == 0x22 else { throw invalid("expected a string") }
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x22 {
                let range = start..<position
                position += 1
                return (range, escaped)
            }
            if c == 0x5C {
                escaped = true
                position += 2
                continue
            }
            if c < 0x20 { throw invalid("control character inside a string") }
            position += 1
        }
        throw truncated("a string is not closed")
    }

    /// The string value at `range` with escapes resolved; rejects invalid UTF-8.
    func decodeString(_ range: Range<Int>, escaped: Bool) throws(TraceError) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let c = bytes[i]
            if c != 0x5C {
                utf8.append(c)
                i += 1
                continue
            }
            guard i + 1 < range.upperBound else { throw TraceError(.invalidJSON, "a backslash ends the string") }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x22: utf8.append(0x22)
            case 0x5C: utf8.append(0x5C)
            case 0x2F: utf8.append(0x2F)
            case 0x62: utf8.append(0x08)
            case 0x66: utf8.append(0x0C)
            case 0x6E: utf8.append(0x0A)
            case 0x72: utf8.append(0x0D)
            case 0x74: utf8.append(0x09)
            case 0x75:
                var scalar = try hex4(at: i, end: range.upperBound)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 6 <= range.upperBound, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
                        throw TraceError(.invalidJSON, "a lone high surrogate in a \\u escape")
                    }
                    let low = try hex4(at: i + 2, end: range.upperBound)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw TraceError(.invalidJSON, "a high surrogate without its low half")
                    }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw TraceError(.invalidJSON, "a lone low surrogate in a \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw TraceError(.invalidJSON, "\\u escape is not a Unicode scalar")
                }
                utf8.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw TraceError(.invalidJSON, "unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw TraceError(.invalidJSON, "a string is not valid UTF-8")
        }
        return string
    }

    private func hex4(at index: Int, end: Int) throws(TraceError) -> UInt32 {
        guard index + 4 <= end else { throw TraceError(.invalidJSON, "a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for k in index..<(index + 4) {
            let c = bytes[k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x37)
            case 0x61...0x66: digit = UInt32(c - 0x57)
            default: throw TraceError(.invalidJSON, "a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Whether the raw bytes at `range` equal `literal`.
    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard range.count == count else { return false }
        let start = literal.utf8Start
        for k in 0..<count where bytes[range.lowerBound + k] != start[k] { return false }
        return true
    }

    // MARK: - Numbers

    /// Reads an integer; a fraction or exponent is a type error (times and codes are whole).
    mutating func integer(_ field: String) throws(TraceError) -> Int64 {
        guard position < bytes.count else { throw truncated("\"\(field)\" has no value") }
        let first = bytes[position]
        guard first == 0x2D || (0x30...0x39).contains(first) else {
            throw TraceError(
                .wrongType, "\"\(field)\" must be an integer, found \(Self.typeName(startingWith: first))")
        }
        var negative = false
        if first == 0x2D {
            negative = true
            position += 1
        }
        var value: Int64 = 0
        var digits = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(bytes[position] - 0x30))
            if o1 || o2 { throw TraceError(.outOfRange, "\"\(field)\" is too large") }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            if position >= bytes.count { throw truncated("\"\(field)\" has no digits") }
            throw invalid("\"\(field)\" has no digits")
        }
        if position < bytes.count, bytes[position] == 0x2E || bytes[position] == 0x65 || bytes[position] == 0x45 {
            throw TraceError(.wrongType, "\"\(field)\" must be an integer, found a fraction or exponent")
        }
        return negative ? -value : value
    }

    /// Reads `true` or `false`.
    mutating func boolean(_ field: String) throws(TraceError) -> Bool {
        guard let c = peek() else { throw truncated("\"\(field)\" has no value") }
        if c == 0x74 {
            try literal("true")
            return true
        }
        if c == 0x66 {
            try literal("false")
            return false
        }
        throw TraceError(.wrongType, "\"\(field)\" must be a boolean, found \(Self.typeName(startingWith: c))")
    }

    private mutating func literal(_ word: StaticString) throws(TraceError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for k in 0..<count {
            guard position < bytes.count else { throw truncated("\(word) is cut short") }
            guard bytes[position] == start[k] else { throw invalid("expected \(word)") }
            position += 1
        }
    }

    // MARK: - Whole values

    /// Skips any JSON value (unknown fields are ignored, but must still be valid JSON).
    mutating func skipValue(depth: Int = 0) throws(TraceError) {
        _ = try value(depth: depth, build: false)
    }

    /// Reads any JSON value; with `build == false` only checks and skips it.
    mutating func value(depth: Int = 0, build: Bool = true) throws(TraceError) -> TraceValue {
        guard depth <= Self.maximumDepth else { throw invalid("values nest deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let c = peek() else { throw truncated("expected a value") }
        switch c {
        case 0x22:
            let (range, escaped) = try rawString()
            if !build { return .null }
            return .string(try decodeString(range, escaped: escaped))
        case 0x7B:
            position += 1
            var members: [(key: String, value: TraceValue)] = []
            skipWhitespace()
            if peek() == 0x7D {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let (keyRange, escaped) = try rawString()
                try expect(0x3A, "':'")
                let member = try value(depth: depth + 1, build: build)
                if build { members.append((try decodeString(keyRange, escaped: escaped), member)) }
                skipWhitespace()
                guard let next = peek() else { throw truncated("an object is not closed") }
                position += 1
                if next == 0x2C { continue }
                if next == 0x7D { break }
                position -= 1
                throw invalid("expected ',' or '}'")
            }
            return .object(members)
        case 0x5B:
            position += 1
            var elements: [TraceValue] = []
            skipWhitespace()
            if peek() == 0x5D {
                position += 1
                return .array(elements)
            }
            while true {
                let element = try value(depth: depth + 1, build: build)
                if build { elements.append(element) }
                skipWhitespace()
                guard let next = peek() else { throw truncated("an array is not closed") }
                position += 1
                if next == 0x2C { continue }
                if next == 0x5D { break }
                position -= 1
                throw invalid("expected ',' or ']'")
            }
            return .array(elements)
        case 0x74, 0x66:
            return .bool(try boolean("value"))
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39:
            return try number()
        default:
            throw invalid("unexpected character")
        }
    }

    /// Any JSON number: integers that fit stay exact, the rest become doubles.
    private mutating func number() throws(TraceError) -> TraceValue {
        let start = position
        if peek() == 0x2D { position += 1 }
        var sawDigit = false
        var isInteger = true
        while let c = peek() {
            if (0x30...0x39).contains(c) {
                sawDigit = true
            } else if c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D {
                isInteger = false
            } else {
                break
            }
            position += 1
        }
        guard sawDigit else {
            if atEnd { throw truncated("a number is cut short") }
            throw invalid("a number without digits")
        }
        var text = ""
        for k in start..<position { text.unicodeScalars.append(Unicode.Scalar(bytes[k])) }
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else {
            if atEnd { throw truncated("a number is cut short") }
            throw invalid("'\(text)' is not a number")
        }
        return .number(double)
    }
}
