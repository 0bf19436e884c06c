import Measurement
import Results

/// The human summary on standard output: per mode, a table of phases, the total, and APDU kinds,
/// in milliseconds.
enum SummaryTable {
    static func print(_ summary: RunSummary, header: ResultHeader) {
        for (name, mode) in [("warm", summary.warm), ("cold", summary.cold)] {
            guard let mode else { continue }
            Swift.print("")
            let failed = mode.iterations - mode.succeeded
            var title = "\(name): \(mode.iterations) iterations, \(mode.succeeded) succeeded"
            if failed > 0 {
                let causes = mode.failuresByCause.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                title += ", \(failed) failed (\(causes.joined(separator: ", ")))"
            }
            Swift.print(title)
            Swift.print(row(["ms", "count", "min", "p50", "p90", "p95", "p99", "p99.9", "max", "mean", "stddev"], first: 26))
            for phase in mode.phases { Swift.print(line(phase.name, phase.summary)) }
            if let total = mode.total { Swift.print(line("TOTAL (check)", total)) }
            Swift.print(row(["APDU kind"], first: 26))
            for kind in mode.apduKinds {
                guard let summary = kind.summary else { continue }
                Swift.print(line(kind.name, summary) + (kind.failures > 0 ? "  failures \(kind.failures)" : ""))
            }
        }
        Swift.print("")
        Swift.print("stop: \(summary.stopReason.rawValue)\(summary.note.isEmpty ? "" : " — \(summary.note)")")
    }

    private static func line(_ name: String, _ s: LatencySummary) -> String {
        row(
            [name, String(s.count), milliseconds(s.min), milliseconds(s.p50), milliseconds(s.p90), milliseconds(s.p95),
             milliseconds(s.p99), milliseconds(s.p999), milliseconds(s.max), milliseconds(s.mean),
             milliseconds(s.standardDeviation)], first: 26)
    }

    private static func row(_ cells: [String], first: Int) -> String {
        guard let head = cells.first else { return "" }
        var text = head.count >= first ? String(head.prefix(first - 1)) + " " : head + String(repeating: " ", count: first - head.count)
        for cell in cells.dropFirst() {
            text += String(repeating: " ", count: max(1, 10 - cell.count)) + cell
        }
        return text
    }
}
