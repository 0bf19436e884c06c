import APDU
import ArgumentParser
import CardTransport
import Foundation
import HexCoding
import Measurement
import PCSC

/// `readerbench ping`: the round-trip floor of one reader, card and driver stack.
struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Send one APDU many times and print its round-trip time.",
        discussion: """
            Measures the floor of a reader, card and driver stack before any scenario runs: the \
            same command (default: SELECT of the JPKI application) sent --count times on one \
            connection, timed from just before SCardTransmit to just after it returns.
            """)

    /// SELECT the JPKI AP by AID, without FCI: harmless on any card.
    static let selectJPKI = "00A4040C0AD392F000260100000001"

    @Option(help: "Reader name, or a unique part of it (default: the first reader with a card).")
    var reader: String?
    @Option(help: "How many times to send the APDU.") var count: Int = 1000
    @Option(help: "Sends before measuring, not counted.") var warmup: Int = 10
    @Option(help: "The APDU in hex (default: SELECT JPKI AP).") var apdu: String = PingCommand.selectJPKI
    @Flag(help: "Print JSON.") var json = false

    struct Report: Codable {
        var reader: String
        var atr: String
        var command: String
        var statusWord: String
        var count: Int
        var microseconds: Percentiles
        struct Percentiles: Codable {
            var min: Double
            var p50: Double
            var p90: Double
            var p99: Double
            var max: Double
        }
    }

    func run() throws {
        guard count > 0, warmup >= 0 else {
            throw fail("--count must be positive and --warmup not negative", status: ExitStatus.badInput)
        }
        let commandBytes: [UInt8]
        do {
            commandBytes = try Hex.decode(apdu)
            _ = try CommandView(commandBytes.span)
        } catch {
            throw fail("--apdu: \(error)", status: ExitStatus.badInput)
        }
        let context: PCSCContext
        do { context = try PCSCContext() } catch { throw fail(error.message, status: ExitStatus.environment) }
        let name = try selectReader(reader, context: context)
        var card: PCSCCard
        do { card = try context.connect(reader: name, share: .shared) } catch {
            throw fail("\(name): \(error.message)", status: ExitStatus.environment)
        }
        var command = APDUBuffer(capacity: commandBytes.count)
        try command.assign(commandBytes.span)
        var response = APDUBuffer()
        var histogram = LatencyHistogram()
        var samples = [UInt64](repeating: 0, count: count)
        var lastStatus = StatusWord.success
        do {
            for index in 0..<(warmup + count) {
                let start = MonotonicClock.now()
                try card.transmit(command.span, into: &response)
                let end = MonotonicClock.now()
                if index >= warmup { samples[index - warmup] = end - start }
            }
            lastStatus = try response.response().statusWord
        } catch let error as PCSCError {
            throw fail("\(name): \(error.message)", status: ExitStatus.environment)
        }
        for sample in samples { histogram.record(sample) }
        guard let summary = histogram.summary else { return }
        let us = { (ns: UInt64) in Double(ns) / 1000 }
        let report = Report(
            reader: name, atr: Hex.encode(card.atr, style: .spaced), command: Hex.encode(commandBytes, style: .spaced),
            statusWord: lastStatus.description, count: summary.count,
            microseconds: .init(
                min: us(summary.min), p50: us(summary.p50), p90: us(summary.p90), p99: us(summary.p99),
                max: us(summary.max)))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("reader   \(report.reader)")
            print("ATR      \(report.atr)")
            print("command  \(report.command) → \(report.statusWord)")
            print("round trip over \(report.count) sends (µs, measured):")
            let m = report.microseconds
            print(
                String(format: "  min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", m.min, m.p50, m.p90, m.p99, m.max))
        }
        try? card.disconnect(.leave)
    }
}
