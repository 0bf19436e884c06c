// MARK: - Multiple comparisons

/// Adjusted p-values for a family of tests, so that flagging "any series changed" across a
/// whole comparison keeps to the level asked for, not to that level once per series.
public enum Multiplicity {
    /// Which adjustment.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Holm's step-down: controls the family-wise error rate (the chance of any false alarm
        /// in the family) under any dependence between the tests. ReaderBench's default: the
        /// series of one run are strongly dependent (the total contains its phases), and a CI
        /// gate wants "no false alarm in this run", not a rate of them.
        case holm
        /// Benjamini–Hochberg's step-up: controls the false discovery rate (the expected share of
        /// false alarms among the series flagged), for independent or positively dependent tests.
        /// More power when many series really changed; when none did it is the same as Holm's.
        case benjaminiHochberg = "benjamini-hochberg"
    }

    /// The adjusted p-values, in the order given; compare each with α.
    public static func adjust(_ pValues: [Double], method: Method) -> [Double] {
        switch method {
        case .holm: holm(pValues)
        case .benjaminiHochberg: benjaminiHochberg(pValues)
        }
    }

    /// Holm: the i-th smallest p (from 1) times (m − i + 1), made non-decreasing, capped at 1.
    public static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (position, index) in order.enumerated() {
            running = max(running, min(1, Double(m - position) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Benjamini–Hochberg: the i-th smallest p times m / i, made non-decreasing from the
    /// largest down, capped at 1.
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 1.0
        for position in stride(from: m - 1, through: 0, by: -1) {
            let index = order[position]
            running = min(running, min(1, Double(m) / Double(position + 1) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
