// FuzzTargets: one harness per parser that reads bytes ReaderBench does not control. Each harness
// feeds its input to the parser and then checks properties of what came out (re-encodes to the
// same bytes, loads back the same, agrees with its every-prefix twin), so the fuzzer hunts wrong
// answers as well as crashes.
//
// The harnesses are a library so that two things run them: the `readerbench-fuzz` executable
// (libFuzzer, built with `scripts/fuzz`) and FuzzTargetsTests, which replays the committed seed
// corpora and every crash input ever found (Fuzz/Corpus, Fuzz/Regressions) on every `swift test`.

/// A property a harness checks did not hold: the parser gave a wrong answer, not just a crash.
public struct PropertyViolation: Error, CustomStringConvertible, Sendable {
    /// The target whose property failed.
    public var target: String
    /// What should have held, and what was seen instead.
    public var reason: String

    public var description: String { "\(target): \(reason)" }
}

/// One fuzz target: a name for the command line and the corpus folders, what it checks, and the
/// harness.
public struct FuzzTarget: Sendable {
    /// The command-line name, also the folder name under Fuzz/Corpus and Fuzz/Regressions.
    public let name: String
    /// What the harness feeds and which properties it checks, for `scripts/fuzz --help`.
    public let summary: String
    /// Runs one input; throws when a property does not hold. A crash inside is a finding too.
    public let run: @Sendable (Span<UInt8>) throws(PropertyViolation) -> Void

    public init(
        name: String, summary: String, run: @escaping @Sendable (Span<UInt8>) throws(PropertyViolation) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.run = run
    }
}

extension FuzzTarget {
    /// Every target, in the order `scripts/fuzz all` runs them.
    public static let all: [FuzzTarget] = [
        TLVTargets.der, TLVTargets.ber,
        APDUTargets.command, APDUTargets.response, TransportTarget.target,
        ATRTarget.target, ReaderPayloadsTarget.target,
        TraceTargets.load, TraceTargets.cursor,
        ImportTargets.pcscSpy, ImportTargets.apdu4j, ImportTargets.scriptor,
        VPCDTarget.target,
        ResultFileTarget.target,
        // MARK: CCID descriptor (branch ccid)
        // When the CCID descriptor parser lands, add its target here (`CCIDTarget.target`, name
        // "ccid-descriptor"), with seeds in Fuzz/Corpus/ccid-descriptor/ (the descriptors of the
        // readers in shared/reference/ccid-readers) and a dictionary if its fields warrant one.
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

// MARK: - Checking

/// Collects a harness's checks under its target's name.
struct Checker {
    let target: String

    /// Throws a ``PropertyViolation`` with `reason` unless `condition` holds. The reason is an
    /// autoclosure: the fuzzer runs millions of inputs that pass.
    func expect(_ condition: Bool, _ reason: @autoclosure () -> String) throws(PropertyViolation) {
        if !condition { throw PropertyViolation(target: target, reason: reason()) }
    }

    /// A violation to throw directly.
    func violation(_ reason: String) -> PropertyViolation { PropertyViolation(target: target, reason: reason) }
}

// MARK: - Reading structured input

/// Takes typed values from the front of the fuzzer's bytes, for harnesses that build their input
/// (an APDU's fields, a card's script) rather than parse it. Past the end every value reads as 0,
/// so any input is usable.
struct FuzzInput: ~Escapable {
    let bytes: Span<UInt8>
    private(set) var position = 0

    @_lifetime(copy bytes)
    init(_ bytes: Span<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint16() -> Int { Int(byte()) << 8 | Int(byte()) }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    /// Up to `count` bytes (fewer at the end of the input).
    mutating func take(_ count: Int) -> [UInt8] {
        let available = min(max(count, 0), bytes.count - min(position, bytes.count))
        var out: [UInt8] = []
        out.reserveCapacity(available)
        for index in position..<(position + available) { out.append(bytes[index]) }
        position += available
        return out
    }

    /// Everything left.
    mutating func rest() -> [UInt8] { take(bytes.count - min(position, bytes.count)) }
}

/// The bytes of a span as an array (harnesses compare and keep them).
func array(_ span: Span<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(span.count)
    for index in span.indices { out.append(span[index]) }
    return out
}

/// A small hash of the input, to pick among variations (a cut point, a mode) deterministically.
func fingerprint(_ span: Span<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for index in span.indices {
        hash = (hash ^ UInt64(span[index])) &* 0x0000_0100_0000_01B3
    }
    return hash
}
