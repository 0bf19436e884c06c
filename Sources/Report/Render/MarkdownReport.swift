import CardIdentity
import Results

// MARK: - The report in Markdown

/// The same verdict and tables as the HTML page, without the charts: for an e-mail, a wiki or a
/// CI job summary.
public enum MarkdownReport {
    public static func render(_ report: ProcurementReport) -> String {
        let s = ReportStrings(report.options.language)
        var md = "# \(report.options.title ?? s.title)\n\n"
        md += "\(report.runs.map(\.name).joined(separator: ", ")) — \(s.generated) \(report.options.generatedAt)\n\n"
        if report.hasModelled {
            md +=
                "> **⚠ \(s.modelledBannerTitle)**\n>\n> \(report.allModelled ? s.modelledBannerAll : s.modelledBannerSome)\n"
            for side in report.sides where side.modelled {
                md += ">\n> - \(side.readerName) (\(side.runLabel)): \(side.record.card.measures)\n"
            }
            md += "\n"
        }
        md += "## \(s.verdict)\n\n"
        if let ranking = report.measuredRanking { md += tables(ranking, report, s) }
        if let ranking = report.modelledRanking {
            md += "### \(s.modelledRanking)\n\n" + tables(ranking, report, s)
        }
        md += "### \(s.failures)\n\n\(s.failuresIntro)\n\n"
        md += row([s.reader, s.failures, s.interval, s.failed, s.measured, s.causes])
        md += separator(6, numeric: [1, 2, 3, 4])
        for failure in report.failures {
            md += row([
                name(report.side(failure.side), s), ReportFormat.percent(failure.rate),
                "\(ReportFormat.percent(failure.interval.lower)) – \(ReportFormat.percent(failure.interval.upper))",
                "\(failure.failed)", "\(failure.measured)",
                failure.causes.map { "\($0.cause) \($0.count)" }.joined(separator: ", "),
            ])
        }
        md += "\n"
        if !report.cold.isEmpty {
            md += "### \(s.coldStart)\n\n\(s.coldIntro)\n\n"
            md += row([
                s.reader, s.coldMedian, report.metricName, s.warmMedian, s.coldExtra, s.connectMedian, s.samples,
            ])
            md += separator(7, numeric: [1, 2, 3, 4, 5, 6])
            for cold in report.cold {
                md += row([
                    name(report.side(cold.side), s), ReportFormat.duration(cold.coldP50),
                    ReportFormat.duration(cold.coldQuantile), cold.warmP50.map(ReportFormat.duration) ?? "–",
                    cold.warmP50.map { ReportFormat.duration(cold.coldP50 - $0) } ?? "–",
                    cold.connectP50.map(ReportFormat.duration) ?? "–", "\(cold.count)",
                ])
            }
            md += "\n"
        }
        if !report.taps.isEmpty {
            md += "### \(s.taps)\n\n\(s.tapsIntro)\n\n"
            md += row([s.reader, s.tried, s.succeeded, "\(s.detection) p50", "\(s.detection) p95"])
            md += separator(5, numeric: [1, 2, 3, 4])
            for tap in report.taps {
                md += row([
                    name(report.side(tap.side), s), "\(tap.tried)", "\(tap.succeeded)",
                    tap.detectionP50.map(ReportFormat.duration) ?? "–",
                    tap.detectionP95.map(ReportFormat.duration) ?? "–",
                ])
            }
            md += "\n"
        }
        if !report.trends.isEmpty {
            md += "## \(s.trend)\n\n"
            for series in report.trends {
                md += "- \(s.trendCaption(series.model, series.metric, series.mode)) \(series.points.count) runs"
                for change in series.changes where series.points.indices.contains(change.index) {
                    let point = series.points[change.index]
                    md += "\n  - \(s.changeAt): \(point.run) \(point.createdAt) \(ReportFormat.change(change.ratio))"
                    if !change.coincidesWith.isEmpty { md += " — " + change.coincidesWith.joined(separator: "; ") }
                }
                md += "\n"
            }
            md += "\n"
        }
        md += "## \(s.conditions)\n\n\(s.conditionsIntro)\n\n"
        for run in report.runs {
            let header = run.file.header
            let environment = header.environment
            md += "### \(run.name)\n\n"
            md += row(["", ""]) + separator(2, numeric: [])
            md += row([s.started, header.createdAt])
            md += row([s.scenario, header.run.scenario])
            md += row([s.os, environment.os ?? s.unknown])
            md += row([s.pcscLite, environment.pcscLiteVersion ?? s.unknown])
            md += row([s.tool, header.tool.version])
            md += row([s.complete, run.file.complete ? s.yes : s.no])
            if let calibration = header.calibration {
                if let floor = calibration.floor {
                    md += row([
                        s.floor,
                        "p50 \(ReportFormat.duration(Double(floor.p50))), p99 \(ReportFormat.duration(Double(floor.p99)))",
                    ])
                }
                md += row([s.overhead, ReportFormat.duration(calibration.instrumentationNanosecondsPerAPDU)])
                if let aa = calibration.aa {
                    let worst = aa.worst
                    md += row([
                        s.aaNoise,
                        "p50 ±\(ReportFormat.percent(worst.p50)), p90 ±\(ReportFormat.percent(worst.p90)), p99 ±\(ReportFormat.percent(worst.p99))",
                    ])
                }
            } else {
                md += row([s.calibration, s.noCalibration])
            }
            for record in run.file.readers {
                let reader = record.reader
                let modelled = record.card.isModelled ? " **\(s.modelledBadge)**" : ""
                md += row([s.reader, "\(reader.name)\(modelled)"])
                md += row([s.modelKey, reader.modelKey])
                md += row([s.firmware, reader.identity?.firmware ?? reader.usb?.release ?? s.unknown])
                md += row([s.card, "\(record.card.source.rawValue): \(record.card.measures)"])
                if let atr = reader.atr { md += row([s.atr, "\(atr.hex) (\(atr.interface))"]) }
            }
            md += "\n"
        }
        md += "---\nreaderbench \(report.options.toolVersion) — \(s.generated) \(report.options.generatedAt)\n"
        return md
    }

    static func tables(_ ranking: RankingResult, _ report: ProcurementReport, _ s: ReportStrings) -> String {
        let several = ranking.modes.contains { $0.groups.flatMap { $0 }.count > 1 }
        var md = "\(s.rankingIntro(report.metricName))\n\n"
        if !ranking.assessed && several { md += "_\(s.notAssessed)_\n\n" }
        for mode in ranking.modes {
            md += "### \(s.modeName(mode.mode))\n\n"
            if mode.groups.flatMap({ $0 }).count > 1 {
                md += "**\(HTMLReport.headline(mode, ranking, report, s))**\n\n"
            }
            md += row([s.rank, s.reader, report.metricName, "p50", s.samples, s.failed, s.modelKey, s.run])
            md += separator(8, numeric: [2, 3, 4, 5])
            for (groupIndex, group) in mode.groups.enumerated() {
                for id in group {
                    let side = report.side(id)
                    let samples = side.mode(mode.mode)
                    let totals = samples?.totals ?? []
                    md += row([
                        (group.count > 1 ? "=" : "") + "\(mode.ranks[groupIndex])", name(side, s),
                        ReportFormat.duration(mode.estimates[id] ?? .nan),
                        totals.isEmpty ? "–" : ReportFormat.duration(ReportStatistics.quantile(totals, 0.5)),
                        "\(totals.count)", samples.map { "\($0.failed)/\($0.measured)" } ?? "–",
                        side.record.reader.modelKey, side.runLabel,
                    ])
                }
            }
            md += "\n"
            if ranking.assessed && !mode.pairs.isEmpty {
                md += "\(s.real) — \(s.assessedBy): \(ranking.method)\n\n"
                md += row([s.versus, s.verdictWord, s.reason]) + separator(3, numeric: [])
                for pair in mode.pairs {
                    md += row([
                        "\(report.side(pair.current).readerName) ⟷ \(report.side(pair.baseline).readerName)",
                        s.pairVerdict(pair.verdict), pair.reason,
                    ])
                }
                md += "\n"
            }
        }
        return md
    }

    static func name(_ side: ReportSide, _ s: ReportStrings) -> String {
        side.readerName + (side.modelled ? " (\(s.modelledBadge))" : "")
    }

    static func row(_ cells: [String]) -> String {
        "| " + cells.map(ReportFormat.markdownCell).joined(separator: " | ") + " |\n"
    }

    static func separator(_ count: Int, numeric: Set<Int>) -> String {
        "|" + (0..<count).map { numeric.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
    }
}
