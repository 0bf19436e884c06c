// instruction-counts: the Swift side of scripts/instructions, ReaderBench's deterministic speed gate.
//
//   InstructionCounts run CERTIFICATE.der N     every in-process hot path, N operations each
//   InstructionCounts pcsc READER N             N transmits of SELECT JPKI AP through PCSCReaderChannel
//   InstructionCounts serve SLOT                a card on vpcd slot SLOT answering SELECT JPKI AP with 9000,
//                                               until SIGTERM or SIGINT (the card the pcsc path talks to)
//   InstructionCounts list                      the names of the hot paths
//
// Run under `valgrind --tool=callgrind`, each path writes one dump named after it (CallgrindMarks); the
// script runs N and 2N and divides the difference by N. Outside valgrind the paths just run. Exit status:
// 0 success, 1 a failure (a walk that does not agree with its checksum, a PC/SC error), 2 usage.

import APDU
import BERTLV
import CallgrindMarks
import CardTransport
import Glibc
import Measurement
import PCSC
import Traces
import VPCD

/// Writes to standard error (fd 2; glibc's `stderr` global is not concurrency-safe in Swift 6).
func printError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

func usage() -> Never {
    printError(
        """
        usage: InstructionCounts run CERTIFICATE.der N
               InstructionCounts pcsc READER N
               InstructionCounts serve SLOT
               InstructionCounts list

        """)
    exit(2)
}

func fail(_ message: String) -> Never {
    printError("InstructionCounts: \(message)\n")
    exit(1)
}

/// The in-process paths, in the order `run` measures them; `pcsc.transmit` is measured by `pcsc`.
let inProcessPaths = [
    "tlv.reader", "tlv.walk",
    "apdu.selectAP", "apdu.selectEF", "apdu.readBinary", "apdu.verifyStatus", "apdu.verifyPIN",
    "apdu.computeSignature", "apdu.response",
    "trace.replay", "trace.record", "instrumentation",
]

// MARK: - run

/// Reads a whole file (the certificate fixture) without Foundation, which the harness does not link.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if read == 0 { break }
        bytes += chunk[0..<read]
    }
    return bytes
}

func runInProcess(certificatePath: String, n: Int) {
    guard let certificate = readFile(certificatePath), !certificate.isEmpty else {
        fail("cannot read \(certificatePath)")
    }
    // Both walks must agree before either is counted.
    let expected: UInt64
    do throws(TLVError) {
        expected = try walkWithReader(certificate.span)
        guard try walkWithClosure(certificate.span) == expected else { fail("the two TLV walks disagree") }
    } catch {
        fail("the certificate does not walk: \(error)")
    }
    print("checksum tlv=\(expected)")

    measure("tlv.reader", n) { n in
        let bytes = certificate.span
        var total: UInt64 = 0
        for _ in 0..<n { total &+= (try? walkWithReader(bytes)) ?? 0 }
        sink = total
    }
    measure("tlv.walk", n) { n in
        let bytes = certificate.span
        var total: UInt64 = 0
        for _ in 0..<n { total &+= (try? walkWithClosure(bytes)) ?? 0 }
        sink = total
    }

    let data = CommandData()
    measure("apdu.selectAP", n) { n in
        let aid = data.aid.span
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeSelectAP(&buffer, p2, aid) }
    }
    measure("apdu.selectEF", n) { n in
        let fileID = data.fileID.span
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeSelectEF(&buffer, p2, fileID) }
    }
    measure("apdu.readBinary", n) { n in
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeReadBinary(&buffer, p2) }
    }
    measure("apdu.verifyStatus", n) { n in
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeVerifyStatus(&buffer, p2) }
    }
    measure("apdu.verifyPIN", n) { n in
        let pin = data.pin.span
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeVerifyPIN(&buffer, p2, pin) }
    }
    measure("apdu.computeSignature", n) { n in
        let digestInfo = data.digestInfo.span
        encodeLoop(n) { (buffer, p2) throws(APDUError) in try encodeComputeSignature(&buffer, p2, digestInfo) }
    }

    let chunk = [UInt8](repeating: 0x30, count: 256) + [0x90, 0x00]
    measure("apdu.response", n) { n in
        let bytes = chunk.span
        var total: UInt64 = 0
        for _ in 0..<n {
            if let response = readResponse(bytes) {
                total &+= UInt64(response.statusWord) &+ UInt64(response.dataCount)
            }
        }
        sink = total
    }

    // Trace replay, `none` timing: one operation is one read-path iteration of 11 APDUs.
    let exchanges = ReadPathExchanges(iterations: 8)
    do {
        var channel = try TraceReplayChannel(trace: exchanges.trace)
        var response = APDUBuffer()
        measure("trace.replay", n) { n in
            let commands = exchanges.commands.span
            var total: UInt64 = 0
            for _ in 0..<n {
                channel.beginIteration()
                for range in exchanges.ranges {
                    do {
                        try channel.transmitRaw(commands.extracting(range), into: &response)
                        total &+= UInt64(response.count)
                    } catch {
                        total &+= 1
                    }
                }
            }
            sink = total
        }

        // The recorder around the same replay, with room for every iteration so none is dropped:
        // recording minus replay is what recording adds.
        let replay = try TraceReplayChannel(trace: exchanges.trace)
        var recorder = TraceRecordingChannel(
            replay, arenaBytes: n * ReadPathExchanges.bytesPerIteration + 65_536,
            eventCapacity: n * exchanges.ranges.count + 64)
        measure("trace.record", n) { n in
            let commands = exchanges.commands.span
            var total: UInt64 = 0
            for _ in 0..<n {
                recorder.base.beginIteration()
                for range in exchanges.ranges {
                    do {
                        try recorder.transmitRaw(commands.extracting(range), into: &response)
                        total &+= UInt64(response.count)
                    } catch {
                        total &+= 1
                    }
                }
            }
            sink = total
        }
        if recorder.droppedEvents > 0 { fail("the recorder dropped \(recorder.droppedEvents) events") }
    } catch {
        fail("trace replay: \(error)")
    }

    // Instrumentation per APDU: two clock reads and one sample, as InstrumentationCost measures it.
    var recorder = IterationRecorder(apduCapacity: 4096, phaseCapacity: 1)
    measure("instrumentation", n) { n in
        for index in 0..<n {
            if index & 2047 == 0 { recorder.reset() }
            InstrumentationCost.recordOne(&recorder, index)
        }
    }
    sink &+= UInt64(recorder.apdus.count)
}

// MARK: - pcsc

/// SELECT JPKI AP by DF name, no response data: what the served card answers with 9000.
let selectJPKI: [UInt8] = [0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]

/// N transmits through PCSCReaderChannel.transmitRaw, the read path's way to a real reader, after one
/// unmeasured exchange that checks the card answers 9000.
func transmitThroughPCSC(reader: String, n: Int) {
    do throws(TransportError) {
        var channel: PCSCReaderChannel
        do { channel = try PCSCReaderChannel(readerName: reader) } catch { throw error.transportError }
        try channel.connect()
        var command = APDUBuffer()
        do { try command.assign(selectJPKI.span) } catch { fail("the APDU does not fit the buffer") }
        var response = APDUBuffer()
        try channel.transmitRaw(command.span, into: &response)
        guard response.copyBytes() == [0x90, 0x00] else {
            fail("the card in \(reader) answered \(response.copyBytes()) to SELECT JPKI AP, not 9000")
        }
        rbic_begin()
        for _ in 0..<n {
            try channel.transmitRaw(command.span, into: &response)
        }
        rbic_end("pcsc.transmit")
        try channel.disconnect(.leave)
    } catch {
        fail("\(error)")
    }
}

// MARK: - serve

/// Set by SIGTERM/SIGINT; the main thread polls it and stops the card.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

func serve(slot: Int) {
    var card = ScriptedCard()
    card.script(selectJPKI, answer: [0x90, 0x00])
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
    fflush(nil)  // the script waits for this line
    while stopRequested == 0 { usleep(50_000) }
    thread.stop()
    let result = thread.join()
    print("stopped after \(result.card.commandCount) commands: \(result.outcome)")
}

// MARK: - main

func main() {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else { usage() }
    switch arguments[1] {
    case "list" where arguments.count == 2:
        for path in inProcessPaths { print(path) }
        print("pcsc.transmit")
    case "run" where arguments.count == 4:
        guard let n = Int(arguments[3]), n >= 1 else { usage() }
        runInProcess(certificatePath: arguments[2], n: n)
    case "pcsc" where arguments.count == 4:
        guard let n = Int(arguments[3]), n >= 1 else { usage() }
        transmitThroughPCSC(reader: arguments[2], n: n)
    case "serve" where arguments.count == 3:
        guard let slot = Int(arguments[2]) else { usage() }
        serve(slot: slot)
    default:
        usage()
    }
}

main()
