import ArgumentParser
import Calibration
import CardCrypto
import Foundation
import PCSC
import Results
import RunEngine
import Traces

/// `readerbench calibrate`: this host's own error bars on the stack a run uses.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure what this host and its PC/SC stack add to every figure, and how noisy it is.",
        discussion: """
            Measures, on this host and this stack: clock resolution and the instrumentation cost per APDU; \
            the round-trip floor of a card that answers at once (p50/p90/p99); what the stack adds while the \
            card is busy for 0.1 to 50 ms (measured minus injected), with experiments that show where \
            that comes from; how closely a shipped trace replays through vpcd, with and without compensation; \
            and the A/A noise of two identical back-to-back runs. Writes versioned JSON \
            (format readerbench-calibration) with --out, and keeps the latest in the user's data directory, \
            where runs on the same stack find it.

            --simulate (the default) measures the private pcscd + vpcd rig, starting it if needed; \
            --in-process measures the harness alone.
            """)

    @Option(help: "Measure this real reader and its card (floor and A/A; SELECT and the visual read only, no PIN).")
    var reader: String?
    @Flag(help: "Measure the private pcscd + vpcd rig with the simulated card (the default).") var simulate = false
    @Flag(help: "Measure the simulated card inside this process (the harness alone).") var inProcess = false
    @Option(help: "Trace to replay through vpcd for the fidelity figures (default: the shipped contactless-212k one).")
    var trace: String?
    @Flag(help: "The short calibration a run takes at its start, instead of the full one.") var quick = false
    @Flag(help: "Print JSON instead of the table.") var json = false
    @Option(help: "Write the calibration as JSON here.") var out: String?

    func run() throws {
        if [simulate, inProcess, reader != nil].filter({ $0 }).count > 1 {
            throw fail("--reader, --simulate and --in-process exclude each other", status: ExitStatus.badInput)
        }
        var options = quick ? CalibrationOptions.quick : CalibrationOptions.full
        let environment = Environment.current(pcscLiteVersion: PCSCContext.libraryVersion, openSSLVersion: OpenSSL.version)
        var lease: RigLease?
        defer { lease?.stop() }
        let target: CalibrationTarget
        if inProcess {
            target = .inProcess
        } else if let reader {
            let names: [String]
            do { names = try CardSourceSelection.resolve(readers: [reader], models: [], all: false) } catch {
                throw fail(error.message, status: error.code == .badInput ? ExitStatus.badInput : ExitStatus.environment)
            }
            target = .reader(names[0])
        } else {
            switch CardSourceSelection.joinRig(note: { printError("readerbench: \($0)") }) {
            case .joined(let joined): lease = joined
            case .unavailable(let why):
                throw fail("\(why); use --in-process to calibrate the harness alone", status: ExitStatus.environment)
            }
            guard let slot = CardSourceSelection.freeVirtualSlot() else {
                throw fail(
                    "every virtual reader slot holds a card: stop the `readerbench simulate` using one, or start the rig "
                        + "with more readers (scripts/virtual-reader start --readers 4)", status: ExitStatus.environment)
            }
            target = .vpcd(slot: slot)
            if !quick, let path = trace ?? ShippedTraces.find("simulated-contactless-212k.pin.trace.jsonl") {
                do { options.replay = (path, try Trace.load(path: path)) } catch {
                    throw fail("\(path): \(error)", status: ExitStatus.badInput)
                }
            }
        }
        let calibration: HostCalibration
        do {
            calibration = try Calibrator.measure(
                target, options: options, origin: .calibrate, environment: environment,
                progress: { printError("readerbench: calibrating: \($0)") })
        } catch {
            throw fail(error.description, status: ExitStatus.environment)
        }
        let encoded = try CalibrationFiles.encode(calibration)
        if let out {
            do { try encoded.write(to: URL(fileURLWithPath: out)) } catch {
                throw fail("cannot write \(out): \(error.localizedDescription)", status: ExitStatus.environment)
            }
        }
        if let saved = CalibrationFiles.save(encoded, stack: calibration.stack) {
            printError("readerbench: saved as the latest calibration of this stack: \(saved)")
        }
        if json {
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            CalibrationTable.print(calibration)
        }
    }
}

/// Where the shipped traces are: `Traces/` of the repository the executable was built in.
enum ShippedTraces {
    static func find(_ name: String) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/Traces/" + name]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("Traces/" + name).path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Calibration files: the JSON encoding, and the latest per stack in the user's data directory
/// (`$XDG_DATA_HOME/readerbench/calibrations/`, else `~/.local/share/...`).
enum CalibrationFiles {
    static func encode(_ calibration: HostCalibration) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(calibration)
    }

    static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"] ?? ((environment["HOME"] ?? "/tmp") + "/.local/share")
        return base + "/readerbench/calibrations"
    }

    /// A file name for a stack: its words, lower case, non-alphanumerics as dashes.
    static func fileName(stack: String) -> String {
        let slug = stack.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(slug).split(separator: "-").joined(separator: "-") + ".json"
    }

    /// Saves `data` as the latest calibration of `stack`; the path, or nil when it cannot.
    static func save(_ data: Data, stack: String) -> String? {
        let path = directory + "/" + fileName(stack: stack)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        } catch {
            return nil
        }
    }

    /// The latest calibration of `stack`, marked as taken from its file with its age.
    static func latest(stack: String) -> HostCalibration? {
        let path = directory + "/" + fileName(stack: stack)
        guard let data = FileManager.default.contents(atPath: path),
            var calibration = try? JSONDecoder().decode(HostCalibration.self, from: data),
            calibration.format == HostCalibration.formatName
        else { return nil }
        if let measured = ISO8601DateFormatter().date(from: calibration.measuredAt) {
            calibration.ageSeconds = Date().timeIntervalSince(measured)
        }
        calibration.origin = .calibrateFile
        calibration.file = path
        return calibration
    }
}

/// The calibration as a table for people.
enum CalibrationTable {
    static func print(_ c: HostCalibration) {
        func ms(_ ns: UInt64) -> String { milliseconds(ns) }
        func signed(_ ns: Int64) -> String { (ns < 0 ? "-" : "") + milliseconds(UInt64(abs(ns))) }
        func pct(_ x: Double) -> String { String(format: "%+.1f%%", x * 100) }
        Swift.print("host calibration — \(c.stack), \(c.measuredAt) (all figures measured here; ms unless noted)")
        Swift.print("")
        Swift.print("clock: CLOCK_MONOTONIC, resolution \(c.clock.resolutionNanoseconds) ns, smallest step "
            + "\(c.clock.smallestStepNanoseconds) ns, one reading \(String(format: "%.0f", c.clock.readNanoseconds)) ns")
        Swift.print("instrumentation: \(String(format: "%.0f", c.instrumentationNanosecondsPerAPDU)) ns per APDU")
        if let wake = c.wakeUpLateness {
            Swift.print("wake-up lateness of a 1 ms sleep: p50 \(ms(wake.p50)), p99 \(ms(wake.p99)), max \(ms(wake.max))")
        }
        if let floor = c.floor {
            Swift.print("")
            Swift.print(SummaryTable.row(["round-trip floor", "n", "min", "p50", "p90", "p99", "max"]))
            Swift.print(SummaryTable.row([
                "instant card", String(floor.count), ms(floor.min), ms(floor.p50), ms(floor.p90), ms(floor.p99), ms(floor.max),
            ]))
        }
        if !c.delays.isEmpty {
            Swift.print("")
            Swift.print(SummaryTable.row(["card busy (injected)", "n", "measured", "added p50", "added p99", "beyond floor"]))
            for d in c.delays {
                let beyond = d.overheadP50 - Int64(c.floor?.p50 ?? 0)
                Swift.print(SummaryTable.row([
                    ms(d.injectedNanoseconds) + " ms", String(d.count), ms(d.measuredP50), signed(d.overheadP50),
                    signed(d.overheadP99), signed(beyond),
                ]))
            }
        }
        if let causes = c.causes, !causes.isEmpty {
            Swift.print("")
            Swift.print("where the added time comes from (card busy \(ms(causes[0].injectedNanoseconds)) ms):")
            if let base = c.delays.first(where: { $0.injectedNanoseconds == causes[0].injectedNanoseconds }) {
                Swift.print(SummaryTable.row(["  as measured above", signed(base.overheadP50), signed(base.overheadP99)], first: 72))
            }
            for cause in causes {
                Swift.print(SummaryTable.row(["  " + cause.name, signed(cause.overheadP50), signed(cause.overheadP99)], first: 72))
            }
        }
        if let replay = c.replay {
            Swift.print("")
            Swift.print("replay fidelity through vpcd of \(replay.trace) (compensation \(ms(replay.compensationNanoseconds)) ms):")
            Swift.print(SummaryTable.row(["APDU kind", "recorded", "replayed", "error", "compens.", "error"]))
            for kind in replay.kinds {
                let error = kind.error
                Swift.print(SummaryTable.row([
                    kind.kind, ms(kind.recordedP50), ms(kind.replayedP50), pct(error.plain), ms(kind.compensatedP50),
                    pct(error.compensated),
                ]))
            }
        }
        if let aa = c.aa {
            Swift.print("")
            Swift.print("A/A noise: two runs of \(aa.iterationsPerSide) iterations (\(aa.workload)), second / first − 1:")
            Swift.print(SummaryTable.row(["series", "p50", "p90", "p99"]))
            for series in aa.series {
                Swift.print(SummaryTable.row([series.name, pct(series.p50), pct(series.p90), pct(series.p99)]))
            }
            let worst = aa.worst
            Swift.print(SummaryTable.row(["worst |difference|", pct(worst.p50), pct(worst.p90), pct(worst.p99)]))
        }
        for note in c.notes { Swift.print("note: \(note)") }
    }
}
