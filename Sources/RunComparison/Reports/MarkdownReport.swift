import Comparison

// MARK: - Markdown, for CI job summaries

/// The report as GitHub-flavoured Markdown: a headline count, warnings as block quotes, one
/// table per pair (absolute quantiles and changes with intervals), and the reasons in a
/// collapsed section. Fit for `$GITHUB_STEP_SUMMARY`.
public enum MarkdownReport {
    /// The report; `gate` adds its decision as the first lines.
    public static func render(_ report: ComparisonReport, gate: GateDecision? = nil) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let settings = report.settings
        if let gate {
            line("## readerbench gate: \(gate.outcome.rawValue.uppercased())")
            line()
            for reason in gate.reasons { line("- \(escape(reason))") }
            if !gate.reasons.isEmpty { line() }
        }
        line("### readerbench compare")
        line()
        line(
            "±\(Format.percent(settings.threshold)) margin, \(Format.percent(settings.confidence)) intervals, "
                + "\(settings.correction.rawValue)-corrected over \(report.familySize) series.")
        line()
        for (index, document) in report.documents.enumerated() {
            let role = index == 0 ? (report.documents.count > 2 ? "reference" : "baseline") : "current"
            line("- **\(role)** `\(document.name)`: \(escape(Format.document(document)))")
        }
        for pair in report.pairs {
            line()
            line(
                "#### \(escape(pair.current.readerName)) against \(escape(pair.baseline.readerName)): \(Format.tally(pair.series))"
            )
            line()
            for issue in pair.issues where issue.severity != .note {
                let label = issue.severity == .incomparable ? "**INCOMPARABLE**" : "warning"
                line("> \(label): \(escape(issue.message))")
            }
            line("> host: \(escape(pair.host.reasons.joined(separator: "; ")))")
            line()
            var header = "| series | n |"
            var rule = "|---|---:|"
            for quantile in settings.quantiles {
                header += " \(percentileName(quantile)) |"
                rule += "---|"
            }
            line(header + " verdict |")
            line(rule + "---|")
            for result in pair.series {
                let comparison = result.comparison
                var row =
                    "| \(escape(result.key.description)) | \(comparison.evidence.baselineCount)/\(comparison.evidence.currentCount) |"
                for outcome in comparison.quantiles {
                    let ratio = outcome.ratio
                    row +=
                        " \(Format.duration(ratio.baseline)) → \(Format.duration(ratio.current))<br>\(Format.cell(outcome)) |"
                }
                let verdict = comparison.verdict
                let word = verdict == .slower || verdict == .faster ? "**\(verdict.rawValue)**" : verdict.rawValue
                row += " \(word)\(comparison.evidence.isMultimodal ? " (multimodal)" : "") |"
                line(row)
            }
            line()
            let explained = pair.series.filter { $0.comparison.verdict != .same }
            if !explained.isEmpty {
                line("<details><summary>Why (\(explained.count) series not \"same\")</summary>")
                line()
                for result in explained {
                    line(
                        "- **\(result.comparison.verdict.rawValue)** \(escape(result.key.description)): \(escape(result.comparison.reason))"
                    )
                }
                line()
                line("</details>")
                line()
            }
            let multimodal = pair.series.filter { $0.comparison.evidence.isMultimodal }
            if !multimodal.isEmpty {
                line("<details><summary>Multimodal series, change per decile</summary>")
                line()
                for result in multimodal {
                    line(
                        "- \(escape(result.key.description)) (\(Format.modality(result.comparison.evidence))): "
                            + Format.deciles(result.comparison))
                }
                line()
                line("</details>")
                line()
            }
        }
        for ranking in report.rankings {
            line("#### Ranking, \(ranking.mode) check total")
            line()
            line("| rank | readers (\(percentileName(ranking.quantile))) |")
            line("|---:|---|")
            for (rank, group) in zip(ranking.ranks, ranking.groups) {
                let names = group.map { "\(escape($0.side.description)) \(Format.duration($0.estimate))" }
                line("| \(rank) | \(names.joined(separator: "; ")) |")
            }
            line()
        }
        return out
    }

    /// Escapes the characters that would break a table cell or start markup.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
