#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Change points

/// A shift in a series of per-run percentiles: the level before and after, and what else changed
/// between the two runs (firmware, pcsc-lite, OS, tool), which is usually the explanation.
public struct ChangePoint: Sendable, Hashable, Codable {
    /// The position of the first value after the shift.
    public var index: Int
    /// Median of the segment before and after, in the series' unit.
    public var before: Double
    public var after: Double
    /// after / before.
    public var ratio: Double
    /// The shift in noise units (see ``ChangePointDetector``).
    public var statistic: Double
    /// Conditions that differ between the last run before and the first after
    /// ("firmware 1.00 → 1.10").
    public var coincidesWith: [String]

    /// The conditions that differ between two trend points, in words.
    static func conditionsChanged(from a: TrendPoint, to b: TrendPoint) -> [String] {
        var changes: [String] = []
        func compare(_ name: String, _ x: String?, _ y: String?) {
            if x != y { changes.append("\(name) \(x ?? "unknown") → \(y ?? "unknown")") }
        }
        compare("firmware", a.firmware, b.firmware)
        compare("pcsc-lite", a.pcscLiteVersion, b.pcscLiteVersion)
        compare("OS", a.os, b.os)
        compare("readerbench", a.toolVersion, b.toolVersion)
        if a.modelled != b.modelled { changes.append(b.modelled ? "measured → modelled" : "modelled → measured") }
        return changes
    }
}

/// Finds level shifts in a series of run percentiles by binary segmentation on the log scale.
///
/// Why this and not a test per pair of runs: one run's p95 is noisy, and a lab wants to see
/// where the level moved, not every wobble. The series is split where the difference of the
/// mean log value on either side, in units of the series' noise, is largest; a split counts when
/// that exceeds ``threshold`` and the change is at least ``minimumChange`` (MongoDB's Hunter uses
/// 5% the same way); each side is then searched again. The noise is the median absolute
/// difference of neighbours (robust to the shifts themselves). Deterministic: no permutations.
///
/// The threshold is high (6) because the largest of n correlated statistics under no change
/// grows like √(2 ln n): about 4.3 for ten thousand runs.
public struct ChangePointDetector: Sendable, Hashable {
    /// Noise units a shift must exceed.
    public var threshold: Double
    /// The least relative change reported (0.05: 5%).
    public var minimumChange: Double
    /// The fewest runs on each side of a shift.
    public var minimumSegment: Int

    public init(threshold: Double = 6, minimumChange: Double = 0.05, minimumSegment: Int = 3) {
        self.threshold = threshold
        self.minimumChange = minimumChange
        self.minimumSegment = max(2, minimumSegment)
    }

    /// The change points of `values` (positive numbers), in order of position.
    public func detect(_ values: [Double]) -> [ChangePoint] {
        guard values.count >= 2 * minimumSegment else { return [] }
        let logs = values.map { log(max($0, 1e-9)) }
        let differences = zip(logs.dropFirst(), logs).map { abs($0 - $1) }.sorted()
        // Median |Δ| of neighbours / (√2 · 0.6745) estimates σ of one value; a floor keeps a
        // perfectly flat series from dividing by zero.
        let sigma = max(differences[differences.count / 2] / (2.0.squareRoot() * 0.6745), 1e-4)
        var prefix = [0.0]
        for value in logs { prefix.append(prefix.last! + value) }
        var found: [ChangePoint] = []
        var segments = [(0, logs.count)]
        while let (start, end) = segments.popLast() {
            guard end - start >= 2 * minimumSegment else { continue }
            var best: (index: Int, statistic: Double)?
            for split in (start + minimumSegment)...(end - minimumSegment) {
                let left = Double(split - start)
                let right = Double(end - split)
                let meanLeft = (prefix[split] - prefix[start]) / left
                let meanRight = (prefix[end] - prefix[split]) / right
                let statistic = abs(meanRight - meanLeft) / (sigma * (1 / left + 1 / right).squareRoot())
                if statistic > (best?.statistic ?? 0) { best = (split, statistic) }
            }
            guard let best, best.statistic >= threshold else { continue }
            let before = median(values[start..<best.index])
            let after = median(values[best.index..<end])
            let ratio = after / max(before, 1e-9)
            guard abs(ratio - 1) >= minimumChange else { continue }
            found.append(
                ChangePoint(
                    index: best.index, before: before, after: after, ratio: ratio, statistic: best.statistic,
                    coincidesWith: []))
            segments.append((start, best.index))
            segments.append((best.index, end))
        }
        return found.sorted { $0.index < $1.index }
    }

    private func median(_ values: ArraySlice<Double>) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
