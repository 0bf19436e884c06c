// The hot paths whose instructions scripts/instructions counts. Each runs `n` operations between two
// callgrind marks; the script runs every path at N and 2N and takes (count(2N) - count(N)) / N, so
// start-up, first calls and the marks themselves cancel.
//
// Every operation does what the product does per step, with its inputs made before the marks and a
// result folded into `sink` so nothing can be optimised away. Where a C reference exists
// (Benchmarks/Instructions/CReference/reference.c), the loop around the operation has the same shape
// on both sides: one call to an out-of-line function per operation, its result added to a total.

import APDU
import BERTLV
import CallgrindMarks
import CardTransport
import Measurement
import Traces

/// Where results go so the optimiser keeps the work that made them.
nonisolated(unsafe) var sink: UInt64 = 0

/// Runs `body(n)` between the marks; the dump is named `name`.
@inline(never)
func measure(_ name: StaticString, _ n: Int, _ body: (Int) -> Void) {
    let label = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    rbic_begin()
    body(n)
    rbic_end(label)
}

// MARK: - TLV walks

/// The reader API, walked as TLVBenchmarks walks it: `next()` at each level, recursing into
/// `children` of constructed nodes; tag and value length of every node folded into a checksum.
@inline(never)
func walkWithReader(_ bytes: Span<UInt8>) throws(TLVError) -> UInt64 {
    var reader = TLVReader(bytes)
    var sum: UInt64 = 0
    try walkLevel(&reader, &sum)
    return sum
}

func walkLevel(_ reader: inout TLVReader, _ sum: inout UInt64) throws(TLVError) {
    while let node = try reader.next() {
        sum &+= UInt64(node.tag.rawValue) &+ UInt64(node.valueLength)
        if node.isConstructed {
            var children = node.children
            try walkLevel(&children, &sum)
        }
    }
}

/// The same checksum through `TLV.walk` and its closure (which also checks that nothing follows
/// the certificate).
@inline(never)
func walkWithClosure(_ bytes: Span<UInt8>) throws(TLVError) -> UInt64 {
    var sum: UInt64 = 0
    try TLV.walk(bytes) { _, node in sum &+= UInt64(node.tag.rawValue) &+ UInt64(node.valueLength) }
    return sum
}

// MARK: - APDU commands

// The commands of the JPKI read path, as ReadPathEngine encodes them, one out-of-line function each
// (P2 varies per operation so no encoding can be hoisted out of the loop):
//   SELECT the JPKI AP by DF name (case 3, 10 bytes), SELECT an EF by file id (case 3, 2 bytes),
//   READ BINARY of a 256-byte chunk (case 2, Le 256 written as 00), VERIFY without data (the retry
//   counter query, case 1), VERIFY with a 4-digit PIN (case 3), COMPUTE DIGITAL SIGNATURE over a
//   SHA-256 DigestInfo with Le 256 (case 4, 51 bytes).

/// The data the commands carry, made once.
struct CommandData {
    let aid: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
    let fileID: [UInt8] = [0x00, 0x0A]
    let pin: [UInt8] = Array("1234".utf8)
    let digestInfo: [UInt8] =
        [
            0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ]
        + [UInt8](repeating: 0xA5, count: 32)
}

@inline(never)
func encodeSelectAP(_ buffer: inout APDUBuffer, _ p2: UInt8, _ aid: Span<UInt8>) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x04, p2: p2), data: aid)
}

@inline(never)
func encodeSelectEF(_ buffer: inout APDUBuffer, _ p2: UInt8, _ fileID: Span<UInt8>) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x02, p2: p2), data: fileID)
}

@inline(never)
func encodeReadBinary(_ buffer: inout APDUBuffer, _ p2: UInt8) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x00, ins: 0xB0, p1: 0x01, p2: p2), expectedLength: 256)
}

@inline(never)
func encodeVerifyStatus(_ buffer: inout APDUBuffer, _ p2: UInt8) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: p2))
}

@inline(never)
func encodeVerifyPIN(_ buffer: inout APDUBuffer, _ p2: UInt8, _ pin: Span<UInt8>) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: p2), data: pin)
}

@inline(never)
func encodeComputeSignature(_ buffer: inout APDUBuffer, _ p2: UInt8, _ digestInfo: Span<UInt8>) throws(APDUError) {
    try buffer.encode(APDUHeader(cla: 0x80, ins: 0x2A, p1: 0x00, p2: p2), data: digestInfo, expectedLength: 256)
}

/// Encodes n commands into one reused buffer with `encode(&buffer, p2)`, as the C reference's loop
/// does: one call per operation, the written count (and failures) added to a total.
@inline(__always)
func encodeLoop(_ n: Int, _ encode: (inout APDUBuffer, UInt8) throws(APDUError) -> Void) {
    var buffer = APDUBuffer()
    var total: UInt64 = 0
    for i in 0..<n {
        do {
            try encode(&buffer, UInt8(truncatingIfNeeded: i))
            total &+= UInt64(truncatingIfNeeded: buffer.count)
        } catch {
            total &+= 1
        }
    }
    sink = total
}

// MARK: - Responses

/// A response read in place: its status word and data length (nil when shorter than SW1 SW2).
@inline(never)
func readResponse(_ bytes: Span<UInt8>) -> (statusWord: UInt16, dataCount: Int)? {
    guard let view = try? ResponseView(bytes) else { return nil }
    return (view.statusWord.rawValue, view.data.count)
}

// MARK: - Trace replay and recording

/// One iteration of the JPKI read path as a trace records it: SELECTs, the token read,
/// certificate reads of 256 bytes, a PIN check and a signature (the shape of TraceBenchmarks').
struct ReadPathExchanges {
    /// Every command, back to back; `ranges[k]` is the k-th.
    let commands: [UInt8]
    let ranges: [Range<Int>]
    let trace: Trace

    init(iterations: Int) {
        let block = [UInt8](repeating: 0x5A, count: 256) + [0x90, 0x00]
        let exchanges: [(command: [UInt8], response: [UInt8], duration: UInt64)] = [
            (
                [0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01],
                [0x90, 0x00], 900_000
            ),
            ([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x06], [0x90, 0x00], 700_000),
            ([0x00, 0xB0, 0x00, 0x00, 0x14], Array("JPKIAPICCTOKEN2     ".utf8) + [0x90, 0x00], 1_100_000),
            ([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A], [0x90, 0x00], 700_000),
            ([0x00, 0xB0, 0x00, 0x00, 0x00], block, 4_000_000),
            ([0x00, 0xB0, 0x01, 0x00, 0x00], block, 4_000_000),
            ([0x00, 0xB0, 0x02, 0x00, 0x64], [UInt8](repeating: 0x33, count: 100) + [0x90, 0x00], 2_000_000),
            ([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18], [0x90, 0x00], 700_000),
            ([0x00, 0x20, 0x00, 0x80, 0x04, 0x2A, 0x2A, 0x2A, 0x2A], [0x90, 0x00], 3_000_000),
            ([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x17], [0x90, 0x00], 700_000),
            ([0x00, 0x2A, 0x9E, 0x9A, 0x33] + [UInt8](repeating: 0xAB, count: 51) + [0x00], block, 80_000_000),
        ]
        var commands: [UInt8] = []
        var ranges: [Range<Int>] = []
        for exchange in exchanges {
            ranges.append(commands.count..<(commands.count + exchange.command.count))
            commands += exchange.command
        }
        var trace = Trace(
            header: TraceHeader(
                reader: .init(name: "Instruction Count Reader", modelKey: "instructions"),
                atr: [0x3B, 0x80, 0x80, 0x01, 0x01], synthetic: true))
        let challenge = [UInt8](repeating: 0x42, count: 32)
        var time: UInt64 = 0
        for number in 0..<iterations {
            trace.appendIteration(time: time, number: number, mode: .warm, challenge: challenge.span)
            trace.appendConnect(time: time)
            for exchange in exchanges {
                trace.appendTransmit(
                    time: time, duration: exchange.duration, command: exchange.command.span,
                    response: exchange.response.span)
                time += exchange.duration
            }
            trace.appendDisconnect(time: time, action: .leave)
        }
        self.commands = commands
        self.ranges = ranges
        self.trace = trace
    }

    /// Bytes of commands and responses one iteration records (1,040), with room to spare.
    static let bytesPerIteration = 1_100
}
