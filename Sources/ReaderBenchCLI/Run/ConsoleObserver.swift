import CardIdentity
import Foundation
import Measurement
import Results
import RunEngine
import RunModel

/// Progress of a run on standard error: on a terminal one line per reader, redrawn in place;
/// otherwise plain lines about ten times per mode (CI logs, files). Standard output stays the
/// summary.
final class ConsoleObserver: RunObserver, @unchecked Sendable {
    private let quiet: Bool
    private let terminal = standardErrorIsTerminal
    private let lock = NSLock()
    private var names: [Int: String] = [:]
    private var lines: [Int: String] = [:]
    private var order: [Int] = []
    private var drawn = 0
    private var lastPlain: [Int: Int] = [:]

    init(quiet: Bool) { self.quiet = quiet }

    func runStarted(_ header: ResultHeader) {
        let modes = header.run.modes.map(\.rawValue).joined(separator: " + ")
        let count =
            header.run.taps.map { "\($0) taps" }
            ?? header.run.durationSeconds.map { "for \(Int($0)) s" }
            ?? "\(header.run.warmup) warm-up + \(header.run.iterations) iterations each"
        say(
            "\(header.run.scenario) scenario on \(header.readers.count) reader\(header.readers.count == 1 ? "" : "s"); "
                + "\(modes), \(count); instrumentation \(Int(header.instrumentation.overheadNanosecondsPerAPDU.rounded())) ns "
                + "per APDU (measured)")
        if let calibration = header.calibration, let floor = calibration.floor {
            say(
                "host calibration (\(calibration.origin.rawValue)): round-trip floor p50 \(milliseconds(floor.p50)) ms, "
                    + "p99 \(milliseconds(floor.p99)) ms on \(calibration.stack)")
        }
    }

    func readerJoined(_ reader: ReaderRecord) {
        lock.lock()
        names[reader.id] = reader.reader.name
        order.append(reader.id)
        lock.unlock()
        say(
            "reader \(reader.id): \(reader.reader.name) — model \(reader.reader.modelKey) — measures \(reader.card.measures)"
        )
        if let atr = reader.reader.atr { say("reader \(reader.id): ATR \(atr.hex) (\(atr.interface))") }
        if let notes = reader.reader.capabilities {
            if !notes.explanations.isEmpty { say("reader \(reader.id): " + notes.explanations.joined(separator: "; ")) }
            for warning in notes.warnings { say("warning: reader \(reader.id): \(warning)") }
        }
        if let simulated = reader.card.simulated {
            say(
                "reader \(reader.id): simulated \(simulated.cardProfile) card, timing profile '\(simulated.timingProfile)' "
                    + "(modelled, not measured)")
        }
    }

    func iterationFinished(_ progress: ReaderProgress) {
        guard !quiet else { return }
        let last = progress.lastNanoseconds.map { "last \(milliseconds($0)) ms" } ?? "last failed"
        let done = progress.total.map { "\(progress.done)/\($0)" } ?? "\(progress.done)"
        lock.lock()
        defer { lock.unlock() }
        let name = names[progress.reader] ?? "reader \(progress.reader)"
        let line = "\(progress.mode.rawValue) \(done)  \(last)  failures \(progress.failures)  \(name)"
        if terminal {
            lines[progress.reader] = line
            redraw()
        } else {
            let step = max(1, (progress.total ?? 100) / 10)
            let bucket = progress.done / step
            if progress.done == progress.total || lastPlain[progress.reader] != bucket {
                lastPlain[progress.reader] = bucket
                printError(line)
            }
        }
    }

    func readerStopped(_ reader: Int, reason: StopReason, note: String) {
        guard reason != .completed else { return }
        say("reader \(reader) (\(names[reader] ?? "?")) stopped: \(reason.rawValue)\(note.isEmpty ? "" : " — \(note)")")
    }

    func warning(_ message: String) { say("warning: \(message)") }

    func periodicSummary(_ summary: RunSummary, elapsedNanoseconds: UInt64) {
        for reader in summary.readers {
            let modes = [reader.warm, reader.cold].compactMap { $0 }
            let iterations = modes.reduce(0) { $0 + $1.iterations }
            let failed = modes.reduce(0) { $0 + $1.iterations - $1.succeeded }
            let p50 = reader.warm?.total?.p50 ?? reader.cold?.total?.p50
            say(
                "after \(elapsedNanoseconds / 1_000_000_000) s: reader \(reader.reader): \(iterations) iterations, "
                    + "\(failed) failed, check p50 \(p50.map { milliseconds($0) + " ms" } ?? "–"), RSS \(residentMegabytes()) MB"
            )
        }
    }

    /// Ends the in-place lines.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if terminal && drawn > 0 { printError("") }
        drawn = 0
    }

    private func say(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if terminal && drawn > 0 {
            printErrorInline("\u{1B}[\(drawn)A\r\u{1B}[J")
            drawn = 0
        }
        printError("readerbench: " + line)
        if terminal { redraw() }
    }

    /// Lock held: the per-reader lines, in place.
    private func redraw() {
        var text = drawn > 0 ? "\u{1B}[\(drawn)A\r" : ""
        var count = 0
        for id in order {
            guard let line = lines[id] else { continue }
            text += "\u{1B}[2K" + line + "\n"
            count += 1
        }
        guard count > 0 else { return }
        printErrorInline(text)
        drawn = count
    }
}

/// This process's resident set, in MiB (from /proc/self/statm), for soak summaries.
func residentMegabytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
}
