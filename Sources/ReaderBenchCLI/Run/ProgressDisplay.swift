/// Shows how far a run is: a bar redrawn in place on a terminal, plain lines otherwise (CI logs,
/// files), on standard error so standard output stays the summary.
struct ProgressDisplay {
    let label: String
    let total: Int
    let terminal: Bool
    private var lastLine = -1

    init(label: String, total: Int, terminal: Bool = standardErrorIsTerminal) {
        self.label = label
        self.total = max(total, 1)
        self.terminal = terminal
    }

    /// After each iteration.
    mutating func update(done: Int, failures: Int, lastNanoseconds: UInt64?) {
        let last = lastNanoseconds.map { "last \(milliseconds($0)) ms" } ?? "last failed"
        if terminal {
            let width = 30
            let filled = min(width, done * width / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            printErrorInline("\r\(label) [\(bar)] \(done)/\(total)  \(last)  failures \(failures)   ")
        } else {
            // About ten lines per run, plus the last.
            let step = max(1, total / 10)
            if done == total || done / step != lastLine {
                lastLine = done / step
                printError("\(label): \(done)/\(total) iterations, \(last), failures \(failures)")
            }
        }
    }

    /// Ends the bar's line.
    func finish() {
        if terminal { printError("") }
    }
}
