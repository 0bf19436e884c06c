import Comparison

// MARK: - Numbers for people

/// How reports write numbers: durations in a unit that fits them, changes in signed percent.
enum Format {
    /// A duration for people, from nanoseconds, in the unit that keeps three or four
    /// significant digits: `12.3 ms`, `254.1 µs`, `312 ns`.
    static func duration(_ nanoseconds: Double) -> String {
        if nanoseconds >= 1_000_000 {
            return fixed(nanoseconds / 1_000_000, nanoseconds >= 100_000_000 ? 1 : 3) + " ms"
        }
        if nanoseconds >= 1_000 { return fixed(nanoseconds / 1_000, 1) + " µs" }
        return fixed(nanoseconds, 0) + " ns"
    }

    /// `+12.3%`.
    static func change(_ ratio: Double) -> String {
        Comparator.signedPercent(ratio - 1)
    }

    /// `+12.3` (no percent sign), for the ends of an interval.
    static func changeNumber(_ ratio: Double) -> String {
        String(change(ratio).dropLast())
    }

    /// `-0.4% [-3.1, +2.4]`, or `+1.5% (n≥528)` when the quantile cannot be bounded.
    static func cell(_ outcome: QuantileOutcome) -> String {
        let ratio = outcome.ratio
        guard let interval = ratio.interval else {
            return "\(change(ratio.ratio)) (n≥\(ratio.samplesToBound ?? 0))"
        }
        return "\(change(ratio.ratio)) [\(changeNumber(interval.lower)), \(changeNumber(interval.upper))]"
    }

    /// `99%`, `99.9%`.
    static func percent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// A number with `digits` decimals, without Foundation.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        var text = "\(value < 0 && scaled > 0 ? "-" : "")\(whole)"
        if digits > 0 {
            let digitsText = String(fraction)
            text += "." + String(repeating: "0", count: digits - digitsText.count) + digitsText
        }
        return text
    }

    /// `text` padded to `width` characters, and always followed by at least one space.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }

    /// `200 measured, 3 failed (timeout 3)`.
    static func iterations(_ counts: ModeIterations?) -> String {
        guard let counts else { return "not run" }
        var text = "\(counts.measured) measured, \(counts.failed) failed"
        if !counts.failuresByCause.isEmpty {
            text +=
                " ("
                + counts.failuresByCause.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ") + ")"
        }
        return text
    }

    /// `in-process simulated card (no reader); pin; simulated-in-process, modelled (profile instant)`.
    static func document(_ info: DocumentInfo) -> String {
        let readers = info.readers.map { "\($0.readerName) [\($0.readerKey)]" }.joined(separator: ", ")
        var text = "\(readers); \(info.scenario); \(info.cardSource), \(info.measurement.rawValue)"
        if let profile = info.timingProfile { text += " (profile \(profile))" }
        if !info.complete { text += "; INCOMPLETE" }
        return text
    }

    /// `2 slower, 0 faster, 20 same, 8 inconclusive`.
    static func tally(_ series: [SeriesResult]) -> String {
        Verdict.allCases.map { verdict in
            "\(series.filter { $0.comparison.verdict == verdict }.count) \(verdict.rawValue)"
        }.joined(separator: ", ")
    }

    /// `p10 +0.1%  p20 -0.3% …`.
    static func deciles(_ comparison: SeriesComparison) -> String {
        comparison.deciles.map { "\(percentileName($0.ratio.quantile)) \(change($0.ratio.ratio))" }
            .joined(separator: "  ")
    }

    /// `mValue 3.6 / 3.4`.
    static func modality(_ evidence: SeriesEvidence) -> String {
        "mValue \(fixed(evidence.baselineModality.mValue, 1)) / \(fixed(evidence.currentModality.mValue, 1))"
    }
}
