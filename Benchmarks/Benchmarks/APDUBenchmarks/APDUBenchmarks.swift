// Encoding the read path's commands into a reusable buffer, and reading responses in place.
// Goals (issue 2): 0 allocations (gated in CI through Thresholds/6.3/) and under 20 ns per command.

import APDU
import Benchmark

// MARK: - The commands of the read path

let selectJPKI = APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C)
let jpkiAID: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
let readBinary = APDUHeader(cla: 0x00, ins: 0xB0, p1: 0x01, p2: 0x04)
let verify = APDUHeader(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80)
let pin: [UInt8] = Array("1234".utf8)
let computeSignature = APDUHeader(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80)
let digestInfo: [UInt8] =
    [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
    + [UInt8](repeating: 0xA5, count: 32)
let certificateChunk: [UInt8] = [UInt8](repeating: 0x30, count: 256) + [0x90, 0x00]

/// The header with P2 taken from the loop counter, so no encoding can be hoisted out of the loop.
@inline(__always)
func varied(_ header: APDUHeader, _ i: Int) -> APDUHeader {
    APDUHeader(cla: header.cla, ins: header.ins, p1: header.p1, p2: UInt8(truncatingIfNeeded: i))
}

let benchmarks: @Sendable () -> Void = {
    // 1000 encodings per measured iteration, so the timer's own cost stays out of a few nanoseconds.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000)

    Benchmark("APDU.encodeSelect", configuration: configuration) { benchmark in
        var buffer = APDUBuffer()
        let aid = jpkiAID.span
        for i in benchmark.scaledIterations {
            try buffer.encode(varied(selectJPKI, i), data: aid)
            blackHole(buffer.span[3])
        }
    }

    Benchmark("APDU.encodeReadBinary", configuration: configuration) { benchmark in
        var buffer = APDUBuffer()
        for i in benchmark.scaledIterations {
            try buffer.encode(varied(readBinary, i), expectedLength: 256)
            blackHole(buffer.span[3])
        }
    }

    Benchmark("APDU.encodeVerify", configuration: configuration) { benchmark in
        var buffer = APDUBuffer()
        let data = pin.span
        for i in benchmark.scaledIterations {
            try buffer.encode(varied(verify, i), data: data)
            blackHole(buffer.span[3])
        }
    }

    Benchmark("APDU.encodeComputeSignature", configuration: configuration) { benchmark in
        var buffer = APDUBuffer()
        let data = digestInfo.span
        for i in benchmark.scaledIterations {
            try buffer.encode(varied(computeSignature, i), data: data, expectedLength: 256)
            blackHole(buffer.span[3])
        }
    }

    Benchmark("APDU.encodeIntoInlineArray", configuration: configuration) { benchmark in
        // The same SELECT into stack storage through an OutputRawSpan, for callers without a buffer.
        let aid = jpkiAID.span
        for i in benchmark.scaledIterations {
            var storage = InlineArray<32, UInt8>(repeating: 0)
            var mutable = storage.mutableSpan
            var written = 0
            mutable.withUnsafeMutableBytes { raw in
                var out = OutputRawSpan(buffer: raw, initializedCount: 0)
                try? CommandEncoder.encode(varied(selectJPKI, i), data: aid, into: &out)
                written = out.finalize(for: raw)
            }
            blackHole(written &+ Int(storage[3]))
        }
    }

    Benchmark("APDU.readResponse", configuration: configuration) { benchmark in
        let bytes = certificateChunk.span
        for _ in benchmark.scaledIterations {
            let view = try ResponseView(bytes)
            blackHole(view.statusWord.rawValue &+ UInt16(truncatingIfNeeded: view.data.count))
        }
    }
}
