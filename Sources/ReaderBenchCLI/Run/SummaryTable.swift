import Measurement
import Results
import RunModel

/// The human summary on standard output: per reader and mode, a table of phases, the total and
/// APDU kinds in milliseconds (with the host's share where a calibration says how much of each
/// figure is this machine rather than the reader); for a pool, one side-by-side table.
enum SummaryTable {
    static let firstColumn = 26

    static func print(_ summary: RunSummary, header: ResultHeader, readers: [ReaderRecord]) {
        let calibration = header.calibration
        for entry in summary.readers {
            let record = readers.first { $0.id == entry.reader }
            if summary.readers.count > 1 || readers.count > 1 {
                Swift.print("")
                Swift.print(
                    "== reader \(entry.reader): \(record?.reader.name ?? "?") (\(record?.reader.modelKey ?? "?"))")
            }
            if record?.card.isModelled == true {
                Swift.print("   MODELLED: \(record?.card.measures ?? "")")
            }
            for (name, mode) in [("warm", entry.warm), ("cold", entry.cold)] {
                guard let mode else { continue }
                Swift.print("")
                Swift.print(title(name, mode))
                let columns = ["ms", "count", "min", "p50", "p90", "p95", "p99", "p99.9", "max", "mean", "stddev"]
                Swift.print(row(columns + (calibration?.floor != nil ? ["host"] : [])))
                for phase in mode.phases { Swift.print(line(phase.name, phase.summary)) }
                if let total = mode.total { Swift.print(line("TOTAL (check)", total)) }
                Swift.print(row(["APDU kind"]))
                for kind in mode.apduKinds {
                    guard let latency = kind.summary else { continue }
                    var text = line(kind.name, latency)
                    if let share = calibration?.hostShare(ofExchange: latency.p50) { text += cell(percent(share)) }
                    if kind.failures > 0 { text += "  failures \(kind.failures)" }
                    Swift.print(text)
                }
            }
            if let taps = entry.taps {
                Swift.print("")
                var text = "taps: \(taps.taps), \(taps.succeeded) succeeded"
                if let detection = taps.detection {
                    text +=
                        "; detection (card-present event → connected) p50 \(milliseconds(detection.p50)) ms, "
                        + "p95 \(milliseconds(detection.p95)) ms"
                }
                Swift.print(text)
            }
            if entry.stopReason != .completed || summary.readers.count > 1 {
                Swift.print("stop: \(entry.stopReason.rawValue)\(entry.note.isEmpty ? "" : " — \(entry.note)")")
            }
        }
        if summary.readers.count > 1 { printSideBySide(summary, readers: readers) }
        if let calibration, calibration.floor != nil {
            Swift.print("")
            Swift.print(
                "host: the 'host' column is this machine's share of each APDU's p50 (round-trip floor and the overhead "
                    + "of a busy card, from the \(calibration.origin.rawValue) calibration on \(calibration.stack)).")
        }
        Swift.print("")
        Swift.print("stop: \(summary.stopReason.rawValue)\(summary.note.isEmpty ? "" : " — \(summary.note)")")
    }

    /// One line per reader and mode: the check's p50/p95/p99 and the failure rate.
    private static func printSideBySide(_ summary: RunSummary, readers: [ReaderRecord]) {
        Swift.print("")
        Swift.print("side by side (check total, ms; failure rate of measured iterations):")
        Swift.print(row(["reader", "mode", "n", "p50", "p95", "p99", "failed"], first: 40))
        for entry in summary.readers {
            let name = readers.first { $0.id == entry.reader }?.reader.name ?? "reader \(entry.reader)"
            for (label, mode) in [("warm", entry.warm), ("cold", entry.cold)] {
                guard let mode else { continue }
                let failed = mode.iterations - mode.succeeded
                let rate = mode.iterations > 0 ? Double(failed) / Double(mode.iterations) : 0
                Swift.print(
                    row(
                        [
                            "\(entry.reader) \(name)", label, String(mode.iterations),
                            mode.total.map { milliseconds($0.p50) } ?? "–",
                            mode.total.map { milliseconds($0.p95) } ?? "–",
                            mode.total.map { milliseconds($0.p99) } ?? "–", percent(rate),
                        ], first: 40))
            }
        }
    }

    private static func title(_ name: String, _ mode: ModeSummary) -> String {
        let failed = mode.iterations - mode.succeeded
        var title = "\(name): \(mode.iterations) iterations, \(mode.succeeded) succeeded"
        if failed > 0 {
            let causes = mode.failuresByCause.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            title += ", \(failed) failed (\(causes.joined(separator: ", ")))"
        }
        return title
    }

    private static func line(_ name: String, _ s: LatencySummary) -> String {
        row([
            name, String(s.count), milliseconds(s.min), milliseconds(s.p50), milliseconds(s.p90), milliseconds(s.p95),
            milliseconds(s.p99), milliseconds(s.p999), milliseconds(s.max), milliseconds(s.mean),
            milliseconds(s.standardDeviation),
        ])
    }

    /// A row: the first cell left-aligned in `first` columns, the rest right-aligned in 10.
    static func row(_ cells: [String], first: Int = firstColumn) -> String {
        guard let head = cells.first else { return "" }
        var text =
            head.count >= first
            ? String(head.prefix(first - 1)) + " " : head + String(repeating: " ", count: first - head.count)
        for value in cells.dropFirst() { text += cell(value) }
        return text
    }

    static func cell(_ value: String) -> String { String(repeating: " ", count: max(1, 10 - value.count)) + value }
}
