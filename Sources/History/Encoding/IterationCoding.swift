import Foundation
import Results
import RunModel

// MARK: - One iteration as a compact record

/// An iteration as the history stores it: the columns a query needs (reader, mode, warm-up,
/// success, total) beside a small binary record with the rest, decoded back to exactly the
/// ``IterationResult`` that was saved.
///
/// Why not the result file's JSON line: a `pin` iteration is about 700 bytes of JSON and about
/// 60 bytes here. Every integer is a LEB128 varint; an APDU's (and a phase's) start is written as the
/// gap since the previous one ended (zig-zag, usually a few hundred ns: two bytes), phases by their
/// index in the run's labels. A failure, which is rare and wordy, is kept as its JSON.
///
/// Record layout, version 1:
///
///     u8 version (1)
///     varint index, varint startOffsetNs, u8 flags (1: failure, 2: tap)
///     varint phases; each: varint label+1 (0: a varint-length UTF-8 name follows), zigzag gap, varint duration
///     varint apdus;  each: varint step, kind, phase, zigzag gap, varint duration, varint status, varint roundTrips
///                    (status: 0 for 9000, the status word of nearly every exchange, in one byte instead of
///                    three; 1 for no response; else SW1SW2 + 2)
///     if tap:     varint wait, detection, removal
///     if failure: varint length, the failure as JSON
public enum IterationCoding {
    /// The record version this build writes and reads.
    static let version: UInt8 = 1

    /// The stored form of one iteration.
    public struct Row: Sendable, Hashable {
        public var reader: Int
        /// 0 warm, 1 cold.
        public var mode: Int
        public var warmup: Bool
        public var ok: Bool
        public var totalNanoseconds: UInt64
        public var record: [UInt8]

        public init(reader: Int, mode: Int, warmup: Bool, ok: Bool, totalNanoseconds: UInt64, record: [UInt8]) {
            self.reader = reader
            self.mode = mode
            self.warmup = warmup
            self.ok = ok
            self.totalNanoseconds = totalNanoseconds
            self.record = record
        }
    }

    /// The mode's column value.
    public static func modeNumber(_ mode: IterationMode) -> Int { mode == .warm ? 0 : 1 }

    /// Encodes `iteration`; phase names are written as indices into `labels.phases` when they are there.
    public static func encode(_ iteration: IterationResult, labels: SampleLabels) -> Row {
        var out = ByteWriter()
        out.byte(version)
        out.varint(UInt64(iteration.index))
        out.varint(iteration.startOffsetNanoseconds)
        out.byte((iteration.failure != nil ? 1 : 0) | (iteration.tap != nil ? 2 : 0))
        out.varint(UInt64(iteration.phases.count))
        var phaseEnd: UInt64 = 0
        for phase in iteration.phases {
            if let index = labels.phases.firstIndex(of: phase.phase) {
                out.varint(UInt64(index + 1))
            } else {
                out.varint(0)
                out.bytes(Array(phase.phase.utf8))
            }
            out.zigzag(Int64(bitPattern: phase.startOffsetNanoseconds &- phaseEnd))
            out.varint(phase.durationNanoseconds)
            phaseEnd = phase.startOffsetNanoseconds &+ phase.durationNanoseconds
        }
        out.varint(UInt64(iteration.apdus.count))
        var previousEnd: UInt64 = 0
        for row in iteration.apdus {
            out.varint(UInt64(row.step))
            out.varint(UInt64(row.kind))
            out.varint(UInt64(row.phase))
            out.zigzag(Int64(bitPattern: row.startOffsetNanoseconds &- previousEnd))
            out.varint(row.durationNanoseconds)
            out.varint(Self.statusCode(row.statusWord))
            out.varint(UInt64(row.roundTrips))
            previousEnd = row.startOffsetNanoseconds &+ row.durationNanoseconds
        }
        if let tap = iteration.tap {
            out.varint(tap.waitNanoseconds)
            out.varint(tap.detectionNanoseconds)
            out.varint(tap.removalNanoseconds)
        }
        if let failure = iteration.failure {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // A Failure holds strings and integers only: encoding cannot fail.
            out.bytes(Array((try? encoder.encode(failure)) ?? Data()))
        }
        return Row(
            reader: iteration.reader, mode: modeNumber(iteration.mode), warmup: iteration.warmup,
            ok: iteration.ok, totalNanoseconds: iteration.totalNanoseconds, record: out.buffer)
    }

    /// Decodes a stored row back into the iteration; a record cut short, of an unknown version or
    /// with trailing bytes is refused.
    public static func decode(_ row: Row, labels: SampleLabels) throws(HistoryError) -> IterationResult {
        var input = ByteReader(row.record)
        guard let mode = row.mode == 0 ? IterationMode.warm : row.mode == 1 ? .cold : nil else {
            throw HistoryError(.badRecord, "iteration mode \(row.mode) is neither 0 (warm) nor 1 (cold)")
        }
        let recordVersion = try input.byte()
        guard recordVersion == version else {
            throw HistoryError(.badRecord, "iteration record version \(recordVersion); this build reads \(version)")
        }
        let index = try input.int()
        let start = try input.varint()
        let flags = try input.byte()
        guard flags & ~3 == 0 else { throw HistoryError(.badRecord, "unknown iteration flags \(flags)") }
        var phases: [PhaseTiming] = []
        let phaseCount = try input.count()
        var phaseEnd: UInt64 = 0
        for _ in 0..<phaseCount {
            let label = try input.int()
            let name: String
            if label == 0 {
                name = String(decoding: try input.bytes(), as: UTF8.self)
            } else {
                guard labels.phases.indices.contains(label - 1) else {
                    throw HistoryError(.badRecord, "phase \(label - 1) is not in the run's labels")
                }
                name = labels.phases[label - 1]
            }
            let phaseStart = phaseEnd &+ UInt64(bitPattern: try input.zigzag())
            let duration = try input.varint()
            phases.append(PhaseTiming(phase: name, startOffsetNanoseconds: phaseStart, durationNanoseconds: duration))
            phaseEnd = phaseStart &+ duration
        }
        var apdus: [APDUTiming] = []
        let apduCount = try input.count()
        var previousEnd: UInt64 = 0
        for _ in 0..<apduCount {
            let step = try input.int()
            let kind = try input.int()
            let phase = try input.int()
            let startOffset = previousEnd &+ UInt64(bitPattern: try input.zigzag())
            let duration = try input.varint()
            let statusWord = try Self.statusWord(input.varint())
            let roundTrips = try input.int()
            apdus.append(
                APDUTiming(
                    step: step, kind: kind, phase: phase, startOffsetNanoseconds: startOffset,
                    durationNanoseconds: duration, statusWord: statusWord, roundTrips: roundTrips))
            previousEnd = startOffset &+ duration
        }
        var tap: TapTiming?
        if flags & 2 != 0 {
            tap = TapTiming(
                waitNanoseconds: try input.varint(), detectionNanoseconds: try input.varint(),
                removalNanoseconds: try input.varint())
        }
        var failure: Failure?
        if flags & 1 != 0 {
            do {
                failure = try JSONDecoder().decode(Failure.self, from: Data(try input.bytes()))
            } catch let error as HistoryError {
                throw error
            } catch {
                throw HistoryError(.badRecord, "the stored failure cannot be read: \(error)")
            }
        }
        guard input.isAtEnd else {
            throw HistoryError(.badRecord, "\(input.remaining) bytes follow the iteration record")
        }
        guard row.ok == (failure == nil) else {
            throw HistoryError(.badRecord, "the row's ok column disagrees with its record's failure")
        }
        return IterationResult(
            reader: row.reader, index: index, mode: mode, warmup: row.warmup, startOffsetNanoseconds: start,
            totalNanoseconds: row.totalNanoseconds, failure: failure, tap: tap, phases: phases, apdus: apdus)
    }
}

extension IterationCoding {
    /// 9000 → 0, no response (-1) → 1, any other status word → SW1SW2 + 2.
    static func statusCode(_ statusWord: Int) -> UInt64 {
        statusWord == 0x9000 ? 0 : UInt64(statusWord + 2)
    }

    static func statusWord(_ code: UInt64) throws(HistoryError) -> Int {
        switch code {
        case 0: return 0x9000
        case 1...0x10001: return Int(code) - 2
        default: throw HistoryError(.badRecord, "status code \(code) is not a status word")
        }
    }
}

// MARK: - Bytes

/// LEB128 varints into a growing buffer.
struct ByteWriter {
    var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(96) }

    mutating func byte(_ value: UInt8) { buffer.append(value) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    /// Signed values by zig-zag (0, -1, 1, -2 … as 0, 1, 2, 3 …), so small gaps either way stay short.
    mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A varint length, then the bytes.
    mutating func bytes(_ bytes: [UInt8]) {
        varint(UInt64(bytes.count))
        buffer += bytes
    }
}

/// Reads what ``ByteWriter`` wrote; every read checks the end, so a truncated record is an
/// error, never a crash or a guess.
struct ByteReader {
    private let storage: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.storage = bytes }

    var isAtEnd: Bool { position == storage.count }
    var remaining: Int { storage.count - position }

    mutating func byte() throws(HistoryError) -> UInt8 {
        guard position < storage.count else { throw HistoryError(.badRecord, "the iteration record ends early") }
        defer { position += 1 }
        return storage[position]
    }

    mutating func varint() throws(HistoryError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64, shift < 63 || next <= 1 else {
                throw HistoryError(.badRecord, "a number in the iteration record is longer than 64 bits")
            }
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws(HistoryError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func int() throws(HistoryError) -> Int {
        let value = try varint()
        guard value <= UInt64(Int.max) else {
            throw HistoryError(.badRecord, "a number in the iteration record is too large")
        }
        return Int(value)
    }

    /// A count of following items, bounded by the bytes left (each item takes at least one).
    mutating func count() throws(HistoryError) -> Int {
        let value = try int()
        guard value <= remaining else { throw HistoryError(.badRecord, "a count of \(value) exceeds the record") }
        return value
    }

    mutating func bytes() throws(HistoryError) -> [UInt8] {
        let length = try int()
        guard length <= remaining else { throw HistoryError(.badRecord, "the iteration record ends early") }
        defer { position += length }
        return Array(storage[position..<position + length])
    }
}
