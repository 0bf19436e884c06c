// pcsc-transmit-loop: the Swift side of scripts/pcsc-bench-compare, and the card both sides talk to.
//
//   PCSCTransmitLoop transmit READER [COUNT [HEX_APDU [WARMUP]]]
//       The same loop as scripts/pcsc-transmit-bench.c, through PCSCCard.transmit: connect, WARMUP untimed
//       transmits, COUNT transmits each timed with CLOCK_MONOTONIC, then one line
//         swift_transmit count=10000 median_ns=… p90_ns=… p99_ns=… min_ns=… max_ns=… sw=9000
//       (allocations per transmit are counted by the PCSC.transmitSelect benchmark's mallocCountTotal).
//   PCSCTransmitLoop serve SLOT [HEX_APDU]
//       Serves a card on vpcd slot SLOT that answers HEX_APDU with 9000, until SIGTERM or SIGINT.
//
// Defaults: COUNT 10000, WARMUP 200, HEX_APDU SELECT JPKI AP (00A4040C0AD392F000260100000001).
// Exit status: 0 success, 1 a PC/SC or card failure, 2 usage.

import APDU
import CardTransport
import Glibc
import HexCoding
import Measurement
import PCSC
import VPCD

let defaultAPDU = "00A4040C0AD392F000260100000001"

/// Writes to standard error (fd 2; glibc's `stderr` global is not concurrency-safe in Swift 6).
func printError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

func usage() -> Never {
    printError(
        """
        usage: PCSCTransmitLoop transmit READER [COUNT [HEX_APDU [WARMUP]]]
               PCSCTransmitLoop serve SLOT [HEX_APDU]

        """)
    exit(2)
}

func fail(_ message: String) -> Never {
    printError("PCSCTransmitLoop: \(message)\n")
    exit(1)
}

// MARK: - transmit

/// Nearest-rank percentile of sorted values, as the C program computes it.
func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    let rank = min(max(Int((p / 100 * Double(sorted.count)).rounded(.up)), 1), sorted.count)
    return sorted[rank - 1]
}

func transmitLoop(reader: String, count: Int, command bytes: [UInt8], warmup: Int) {
    do throws(PCSCError) {
        let context = try PCSCContext()
        let card = try context.connect(reader: reader)
        var command = APDUBuffer()
        guard (try? command.assign(bytes.span)) != nil else { fail("the APDU does not fit the buffer") }
        var response = APDUBuffer()
        var samples = [UInt64](repeating: 0, count: count)
        for _ in 0..<warmup { try card.transmit(command.span, into: &response) }
        try samples.withUnsafeMutableBufferPointer { (samples) throws(PCSCError) in
            for index in 0..<count {
                let start = MonotonicClock.now()
                try card.transmit(command.span, into: &response)
                let end = MonotonicClock.now()
                samples[index] = end &- start
            }
        }
        samples.sort()
        let sw = response.count >= 2 ? Hex.encode(response.copyBytes().suffix(2)) : "none"
        print(
            "swift_transmit count=\(count) median_ns=\(percentile(samples, 50)) p90_ns=\(percentile(samples, 90))"
                + " p99_ns=\(percentile(samples, 99)) min_ns=\(samples[0]) max_ns=\(samples[count - 1]) sw=\(sw)")
        try card.disconnect()
    } catch {
        fail("\(error)")
    }
}

// MARK: - serve

/// Set by SIGTERM/SIGINT; the main thread polls it and stops the card.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

func serve(slot: Int, command: [UInt8]) {
    var card = ScriptedCard()
    card.script(command, answer: [0x90, 0x00])
    signal(SIGTERM) { _ in stopRequested = 1 }
    signal(SIGINT) { _ in stopRequested = 1 }
    let thread: VPCDCardThread<ScriptedCard>
    do {
        thread = try VPCDCardThread(
            card: card,
            configuration: VPCDServerConfiguration(endpoint: .slot(slot), giveUpConnectingAfter: .seconds(10)))
    } catch {
        fail("\(error)")
    }
    print("serving on slot \(slot); SIGTERM stops")
    fflush(nil)  // all streams: the script waits for this line
    while stopRequested == 0 { usleep(50_000) }
    thread.stop()
    let result = thread.join()
    print("stopped after \(result.card.commandCount) commands: \(result.outcome)")
}

// MARK: - main

func main() {
    let arguments = CommandLine.arguments
    guard arguments.count >= 3 else { usage() }
    switch arguments[1] {
    case "transmit":
        guard arguments.count <= 6 else { usage() }
        let count = arguments.count > 3 ? Int(arguments[3]) ?? 0 : 10_000
        let hex = arguments.count > 4 ? arguments[4] : defaultAPDU
        let warmup = arguments.count > 5 ? Int(arguments[5]) ?? -1 : 200
        guard count >= 1, warmup >= 0, let bytes = try? Hex.decode(hex), bytes.count >= 4 else { usage() }
        transmitLoop(reader: arguments[2], count: count, command: bytes, warmup: warmup)
    case "serve":
        guard arguments.count <= 4, let slot = Int(arguments[2]),
            let bytes = try? Hex.decode(arguments.count > 3 ? arguments[3] : defaultAPDU)
        else { usage() }
        serve(slot: slot, command: bytes)
    default:
        usage()
    }
}

main()
