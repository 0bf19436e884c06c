import Comparison

// MARK: - The terminal table

/// The report for a terminal: documents, warnings (incomparable runs loudly), iteration counts,
/// one line per series with each quantile's change and interval, the reasons for every verdict
/// that is not "same", multimodal series decile by decile, and rankings.
public enum TextReport {
    /// The whole report, lines ending in "\n".
    public static func render(_ report: ComparisonReport) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let settings = report.settings
        line(
            "compare  \(report.documents.count) documents, ±\(Format.percent(settings.threshold)) margin, "
                + "\(Format.percent(settings.confidence)) intervals, \(settings.correction.rawValue)-corrected over "
                + "\(report.familySize) series")
        for (index, document) in report.documents.enumerated() {
            let role = index == 0 ? (report.documents.count > 2 ? "reference" : "baseline") : "current"
            line("\(Format.pad(role, 10))\(document.name): \(Format.document(document))")
        }
        for pair in report.pairs {
            line()
            if report.pairs.count > 1 || report.documents.count > 2 {
                line("== \(pair.current) against \(pair.baseline)")
            }
            for issue in pair.issues {
                switch issue.severity {
                case .incomparable: line("!!! INCOMPARABLE: \(issue.message)")
                case .warning: line("warning: \(issue.message)")
                case .note: line("note: \(issue.message)")
                }
            }
            line("host: " + pair.host.reasons.joined(separator: "; "))
            for counts in pair.iterations {
                line(
                    "\(Format.pad(counts.mode, 5)) iterations: \(Format.iterations(counts.baseline)) → "
                        + Format.iterations(counts.current))
            }
            line()
            var rows: [[String]] = [["series", "n", "base p50"] + settings.quantiles.map(percentileName) + ["verdict"]]
            for result in pair.series {
                let comparison = result.comparison
                let evidence = comparison.evidence
                rows.append(
                    [
                        result.key.description, "\(evidence.baselineCount)/\(evidence.currentCount)",
                        SampleQuantileLookup.median(comparison).map(Format.duration) ?? "",
                    ] + comparison.quantiles.map(Format.cell)
                        + [comparison.verdict.rawValue + (evidence.isMultimodal ? " (multimodal)" : "")])
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                var text = ""
                for (column, cell) in row.enumerated() {
                    text += column == row.count - 1 ? cell : Format.pad(cell, widths[column] + 1)
                }
                line(text)
            }
            line()
            line("summary: \(Format.tally(pair.series))")
            for verdict in [Verdict.slower, .faster, .inconclusive] {
                for result in pair.series(with: verdict) {
                    line("  \(Format.pad(verdict.rawValue, 13)) \(result.key): \(result.comparison.reason)")
                }
            }
            let multimodal = pair.series.filter { $0.comparison.evidence.isMultimodal }
            if !multimodal.isEmpty {
                line("multimodal series, change per decile (current vs baseline):")
                for result in multimodal {
                    line(
                        "  \(result.key) (\(Format.modality(result.comparison.evidence))): \(Format.deciles(result.comparison))"
                    )
                }
            }
            if !pair.onlyInBaseline.isEmpty {
                line("only in the baseline: " + pair.onlyInBaseline.map(\.description).joined(separator: ", "))
            }
            if !pair.onlyInCurrent.isEmpty {
                line("only in the current run: " + pair.onlyInCurrent.map(\.description).joined(separator: ", "))
            }
        }
        for ranking in report.rankings {
            line()
            line(
                "ranking, \(ranking.mode) check total (groups tie inside the margin or when the data cannot separate them):"
            )
            for (rank, group) in zip(ranking.ranks, ranking.groups) {
                let names = group.map {
                    "\($0.side) \(percentileName(ranking.quantile)) \(Format.duration($0.estimate))"
                }
                line("  \(rank). " + names.joined(separator: " | "))
            }
            if let top = ranking.groups.first, top.count > 1 {
                line("  no single winner: the first group's readers are not separated beyond the margin")
            }
        }
        if report.hasIncomparableIssue {
            line()
            line("!!! Some runs above are INCOMPARABLE; their verdicts do not mean what they seem.")
        }
        return out
    }
}

/// The baseline median of a series, from its p50 ratio if p50 was requested or its decile.
enum SampleQuantileLookup {
    static func median(_ comparison: SeriesComparison) -> Double? {
        (comparison.quantiles + comparison.deciles).first { $0.ratio.quantile == 0.5 }?.ratio.baseline
    }
}
