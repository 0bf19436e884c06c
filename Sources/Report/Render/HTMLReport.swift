import Foundation
import CardIdentity
import Results
import RunModel

// MARK: - The page

/// The report as one self-contained HTML file: styles inline, charts as inline SVG, the data
/// embedded as JSON, no script, no font, no image and no link to fetch. A Content-Security-Policy
/// of `default-src 'none'` makes the browser refuse any fetch the page might still contain, so
/// "opens offline from a USB stick" is enforced, not hoped for.
///
/// Printing: A4 pages with 12 mm margins; sections and charts do not break across pages.
public enum HTMLReport {
    /// The page for `report`.
    public static func render(_ report: ProcurementReport) -> String {
        let s = ReportStrings(report.options.language)
        let title = report.options.title ?? s.title
        var html = """
            <!DOCTYPE html>
            <html lang="\(report.options.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="generator" content="readerbench \(h(report.options.toolVersion))">
            <title>\(h(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>\(h(title))</h1>
            <p class="sub">\(h(report.runs.map(\.name).joined(separator: ", "))) — \(h(s.generated)) \(h(report.options.generatedAt))</p></header>

            """
        if report.hasModelled {
            html +=
                "<div class=\"modelled-banner\" role=\"alert\" id=\"modelled-banner\"><strong>⚠ \(h(s.modelledBannerTitle))</strong>"
            html += "<p>\(h(report.allModelled ? s.modelledBannerAll : s.modelledBannerSome))</p><ul>"
            for side in report.sides where side.modelled {
                html += "<li>\(h(side.readerName)) (\(h(side.runLabel))): \(h(side.record.card.measures))</li>"
            }
            html += "</ul></div>\n"
        }
        html += verdict(report, s)
        html += charts(report, s)
        if !report.trends.isEmpty { html += trends(report, s) }
        html += conditions(report, s)
        html +=
            "<footer><p>readerbench \(h(report.options.toolVersion)) — \(h(s.generated)) \(h(report.options.generatedAt)). "
        html += "\(h(s.dataNote))</p></footer>\n"
        html += "<script type=\"application/json\" id=\"readerbench-data\">\(embeddedData(report))</script>\n"
        html += "</body>\n</html>\n"
        return html
    }

    static func h(_ text: String) -> String { ReportFormat.html(text) }

    // MARK: - Verdict

    static func verdict(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<section id=\"verdict\"><h2>\(h(s.verdict))</h2>\n"
        if let ranking = report.measuredRanking {
            html += rankingTables(ranking, report, s, modelled: false)
        }
        if let ranking = report.modelledRanking {
            html += "<div class=\"modelled-block\"><h3>\(h(s.modelledRanking))</h3>"
            html += rankingTables(ranking, report, s, modelled: true)
            html += "</div>"
        }
        html += failures(report, s)
        html += coldStart(report, s)
        if !report.taps.isEmpty { html += taps(report, s) }
        html += "</section>\n"
        return html
    }

    static func readerCell(_ side: ReportSide, _ s: ReportStrings) -> String {
        let badge =
            side.modelled
            ? "<span class=\"badge modelled\">\(h(s.modelledBadge))</span>"
            : "<span class=\"badge measured\">\(h(s.measuredBadge))</span>"
        return
            "<span class=\"swatch\" style=\"background:\(SVGCharts.colour(side.id))\"></span>\(h(side.readerName)) \(badge)"
    }

    static func rankingTables(_ ranking: RankingResult, _ report: ProcurementReport, _ s: ReportStrings, modelled: Bool)
        -> String
    {
        let several = ranking.modes.contains { $0.groups.flatMap { $0 }.count > 1 }
        var html = "<p>\(h(s.rankingIntro(report.metricName)))</p>"
        if !ranking.assessed && several { html += "<p class=\"note\">\(h(s.notAssessed))</p>" }
        for mode in ranking.modes {
            html += "<h3>\(h(s.modeName(mode.mode)))</h3>"
            if mode.groups.flatMap({ $0 }).count > 1 {
                html += "<p class=\"headline\">\(h(headline(mode, ranking, report, s)))</p>"
            }
            html +=
                "<table class=\"ranking\" data-mode=\"\(h(mode.mode))\"><thead><tr><th>\(h(s.rank))</th><th>\(h(s.reader))</th>"
            html += "<th>\(h(report.metricName))</th><th>p50</th><th>\(h(s.samples))</th><th>\(h(s.failed))</th>"
            html += "<th>\(h(s.modelKey))</th><th>\(h(s.run))</th></tr></thead><tbody>"
            for (groupIndex, group) in mode.groups.enumerated() {
                for id in group {
                    let side = report.side(id)
                    let samples = side.mode(mode.mode)
                    let totals = samples?.totals ?? []
                    let rankText = (group.count > 1 ? "=" : "") + "\(mode.ranks[groupIndex])"
                    let failureText = samples.map { "\($0.failed)/\($0.measured)" } ?? "–"
                    html +=
                        "<tr class=\"group-\(groupIndex % 2)\"><td class=\"rank\">\(h(rankText))</td><td>\(readerCell(side, s))</td>"
                    html += "<td class=\"num\">\(h(ReportFormat.duration(mode.estimates[id] ?? .nan)))</td>"
                    html +=
                        "<td class=\"num\">\(h(totals.isEmpty ? "–" : ReportFormat.duration(ReportStatistics.quantile(totals, 0.5))))</td>"
                    html += "<td class=\"num\">\(totals.count)</td><td class=\"num\">\(h(failureText))</td>"
                    html += "<td><code>\(h(side.record.reader.modelKey))</code></td><td>\(h(side.runLabel))</td></tr>"
                }
            }
            html += "</tbody></table>"
            html += pairs(mode, ranking, report, s)
        }
        return html
    }

    /// The one sentence a reader of the page takes away for a mode.
    static func headline(_ mode: ModeRanking, _ ranking: RankingResult, _ report: ProcurementReport, _ s: ReportStrings)
        -> String
    {
        guard ranking.assessed, let first = mode.groups.first, mode.groups.flatMap({ $0 }).count > 1 else {
            return s.fastestNone
        }
        let names = first.map { report.side($0).readerName }
        if first.count == 1 { return s.fastestOne(names[0]) }
        if first.count == mode.groups.flatMap({ $0 }).count { return s.fastestNone }
        return s.fastestTie(names.joined(separator: ", "))
    }

    static func pairs(_ mode: ModeRanking, _ ranking: RankingResult, _ report: ProcurementReport, _ s: ReportStrings)
        -> String
    {
        guard ranking.assessed, !mode.pairs.isEmpty else { return "" }
        var html =
            "<details class=\"pairs\" open><summary>\(h(s.real)) — \(h(s.assessedBy)): \(h(ranking.method))</summary>"
        html +=
            "<table><thead><tr><th>\(h(s.versus))</th><th>\(h(s.verdictWord))</th><th>\(h(s.reason))</th></tr></thead><tbody>"
        for pair in mode.pairs {
            let a = report.side(pair.baseline).readerName
            let b = report.side(pair.current).readerName
            html +=
                "<tr><td>\(h(b)) ⟷ \(h(a))</td><td class=\"verdict-\(pair.verdict.rawValue)\">\(h(s.pairVerdict(pair.verdict)))</td>"
            html += "<td>\(h(pair.reason))</td></tr>"
        }
        return html + "</tbody></table></details>"
    }

    static func failures(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<h3>\(h(s.failures))</h3><p>\(h(s.failuresIntro))</p><table class=\"failures\"><thead><tr>"
        html += "<th>\(h(s.reader))</th><th>\(h(s.failures))</th><th>\(h(s.interval))</th><th>\(h(s.failed))</th>"
        html += "<th>\(h(s.measured))</th><th>\(h(s.causes))</th></tr></thead><tbody>"
        for row in report.failures {
            let side = report.side(row.side)
            html += "<tr><td>\(readerCell(side, s))</td><td class=\"num\">\(h(ReportFormat.percent(row.rate)))</td>"
            html +=
                "<td class=\"num\">\(h(ReportFormat.percent(row.interval.lower))) – \(h(ReportFormat.percent(row.interval.upper)))</td>"
            html += "<td class=\"num\">\(row.failed)</td><td class=\"num\">\(row.measured)</td>"
            html += "<td>\(h(row.causes.map { "\($0.cause) \($0.count)" }.joined(separator: ", ")))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func coldStart(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        guard !report.cold.isEmpty else { return "" }
        var html = "<h3>\(h(s.coldStart))</h3><p>\(h(s.coldIntro))</p><table class=\"cold\"><thead><tr>"
        html +=
            "<th>\(h(s.reader))</th><th>\(h(s.coldMedian))</th><th>\(h(report.metricName))</th><th>\(h(s.warmMedian))</th>"
        html += "<th>\(h(s.coldExtra))</th><th>\(h(s.connectMedian))</th><th>\(h(s.samples))</th></tr></thead><tbody>"
        for row in report.cold {
            let side = report.side(row.side)
            let extra = row.warmP50.map { ReportFormat.duration(row.coldP50 - $0) } ?? "–"
            html += "<tr><td>\(readerCell(side, s))</td><td class=\"num\">\(h(ReportFormat.duration(row.coldP50)))</td>"
            html += "<td class=\"num\">\(h(ReportFormat.duration(row.coldQuantile)))</td>"
            html +=
                "<td class=\"num\">\(h(row.warmP50.map(ReportFormat.duration) ?? "–"))</td><td class=\"num\">\(h(extra))</td>"
            html +=
                "<td class=\"num\">\(h(row.connectP50.map(ReportFormat.duration) ?? "–"))</td><td class=\"num\">\(row.count)</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func taps(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<h3>\(h(s.taps))</h3><p>\(h(s.tapsIntro))</p><table class=\"taps\"><thead><tr>"
        html += "<th>\(h(s.reader))</th><th>\(h(s.tried))</th><th>\(h(s.succeeded))</th><th>\(h(s.detection)) p50</th>"
        html += "<th>\(h(s.detection)) p95</th></tr></thead><tbody>"
        for row in report.taps {
            html += "<tr><td>\(readerCell(report.side(row.side), s))</td><td class=\"num\">\(row.tried)</td>"
            html += "<td class=\"num\">\(row.succeeded)</td>"
            html += "<td class=\"num\">\(h(row.detectionP50.map(ReportFormat.duration) ?? "–"))</td>"
            html += "<td class=\"num\">\(h(row.detectionP95.map(ReportFormat.duration) ?? "–"))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    // MARK: - Charts

    static func charts(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<section id=\"charts\"><h2>\(h(s.pictures))</h2>"
        html += legend(report, s)
        let figures: [(String, String, String)] = [
            ("ecdf", s.ecdf, SVGCharts.ecdf(report, s)),
            ("spectrum", s.spectrum, SVGCharts.spectrum(report, s)),
            ("phases", s.phases, SVGCharts.phases(report, s)),
            ("kinds", s.kinds, SVGCharts.kinds(report, s)),
            ("order", s.order + " — " + s.failedMark, SVGCharts.order(report, s)),
            ("histogram", s.histogram, SVGCharts.histogram(report, s)),
        ]
        for (id, caption, svg) in figures {
            html +=
                "<figure class=\"chart\" data-chart=\"\(id)\">\(svg)<figcaption>\(h(caption))</figcaption></figure>\n"
        }
        return html + "</section>\n"
    }

    static func legend(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<ul class=\"legend\">"
        for side in report.sides {
            html +=
                "<li><span class=\"swatch\" style=\"background:\(SVGCharts.colour(side.id))\"></span>\(h(side.readerName))"
            html +=
                " <small>(\(h(side.runLabel)))</small>\(side.modelled ? " <span class=\"badge modelled\">\(h(s.modelledBadge))</span>" : "")</li>"
        }
        html += "<li>— \(h(s.modeShort("warm")))</li><li>- - \(h(s.modeShort("cold")))</li></ul>"
        return html
    }

    static func trends(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<section id=\"history\"><h2>\(h(s.trend))</h2>"
        for (index, series) in report.trends.enumerated() {
            html += "<figure class=\"chart\" data-chart=\"trend\">\(SVGCharts.trend(series, index: index, s))"
            html += "<figcaption>\(h(s.trendCaption(series.model, series.metric, series.mode)))</figcaption></figure>"
            if !series.changes.isEmpty {
                html += "<ul class=\"changes\">"
                for change in series.changes where series.points.indices.contains(change.index) {
                    let point = series.points[change.index]
                    html +=
                        "<li>\(h(s.changeAt)): \(h(point.run)) \(h(point.createdAt)) \(h(ReportFormat.change(change.ratio)))"
                    if !change.coincidesWith.isEmpty { html += " — \(h(change.coincidesWith.joined(separator: "; ")))" }
                    html += "</li>"
                }
                html += "</ul>"
            }
        }
        return html + "</section>\n"
    }

    // MARK: - Conditions

    static func conditions(_ report: ProcurementReport, _ s: ReportStrings) -> String {
        var html = "<section id=\"conditions\"><h2>\(h(s.conditions))</h2><p>\(h(s.conditionsIntro))</p>"
        for run in report.runs {
            let header = run.file.header
            let environment = header.environment
            html += "<div class=\"run-conditions\"><h3>\(h(run.name))</h3><table class=\"kv\"><tbody>"
            func row(_ key: String, _ value: String?) {
                html += "<tr><th>\(h(key))</th><td>\(h(value ?? s.unknown))</td></tr>"
            }
            row(s.started, header.createdAt)
            row(s.scenario, header.run.scenario)
            row(
                s.iterations,
                "\(header.run.iterations) × \(header.run.modes.map(\.rawValue).joined(separator: "/")) (+\(header.run.warmup) warm-up), interval \(header.run.intervalMilliseconds) ms, \(header.run.readStrategy)"
            )
            if let schedule = header.run.schedule { row(s.schedule, schedule.rawValue) }
            row(s.os, environment.os)
            row(s.kernel, environment.kernel)
            row(s.cpu, environment.cpu.map { "\($0) × \(environment.cpuCount)" })
            row(s.pcscLite, environment.pcscLiteVersion)
            row(s.openSSL, environment.openSSLVersion)
            row(s.tool, header.tool.version)
            row(s.complete, run.file.complete ? s.yes : s.no)
            html += "</tbody></table>"
            html += calibration(header.calibration, s)
            for record in run.file.readers {
                html += readerConditions(record, s)
            }
            html += "</div>"
        }
        return html + "</section>\n"
    }

    static func calibration(_ calibration: HostCalibration?, _ s: ReportStrings) -> String {
        guard let calibration else { return "<p class=\"note\">\(h(s.noCalibration))</p>" }
        var html = "<h4>\(h(s.calibration))</h4><table class=\"kv calibration\"><tbody>"
        func row(_ key: String, _ value: String) { html += "<tr><th>\(h(key))</th><td>\(h(value))</td></tr>" }
        var origin = "\(calibration.origin.rawValue), \(calibration.measuredAt), \(calibration.stack)"
        if let age = calibration.ageSeconds { origin += ", \(Int(age / 3600)) h old" }
        row(s.calibrationOrigin, origin)
        if let floor = calibration.floor {
            row(
                s.floor,
                "p50 \(ReportFormat.duration(Double(floor.p50))), p99 \(ReportFormat.duration(Double(floor.p99))) (n=\(floor.count))"
            )
        }
        row(s.overhead, ReportFormat.duration(calibration.instrumentationNanosecondsPerAPDU))
        if !calibration.delays.isEmpty {
            row(
                s.busyOverhead,
                calibration.delays.map {
                    "\(ReportFormat.duration(Double($0.injectedNanoseconds))): +\(ReportFormat.duration(Double(max(0, $0.overheadP50))))"
                }.joined(separator: ", "))
        }
        if let aa = calibration.aa {
            let worst = aa.worst
            row(
                s.aaNoise,
                "p50 ±\(ReportFormat.percent(worst.p50)), p90 ±\(ReportFormat.percent(worst.p90)), p99 ±\(ReportFormat.percent(worst.p99)) (\(aa.workload), n=\(aa.iterationsPerSide))"
            )
        }
        if !calibration.notes.isEmpty { row(s.notes, calibration.notes.joined(separator: " ")) }
        return html + "</tbody></table>"
    }

    static func readerConditions(_ record: ReaderRecord, _ s: ReportStrings) -> String {
        let reader = record.reader
        var html =
            "<h4>\(h(reader.name))\(record.card.isModelled ? " <span class=\"badge modelled\">\(h(s.modelledBadge))</span>" : "")</h4>"
        html += "<table class=\"kv reader\"><tbody>"
        func row(_ key: String, _ value: String?) {
            html += "<tr><th>\(h(key))</th><td>\(h(value ?? s.unknown))</td></tr>"
        }
        row(s.reader, reader.name)
        row(
            s.modelKey,
            [reader.modelKey, reader.usbModelKey, reader.nameModelKey].compactMap { $0 }.reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }.joined(separator: ", "))
        if let usb = reader.usb {
            row(
                s.usb,
                String(format: "%04x:%04x", usb.vendorID, usb.productID) + " release \(usb.release)"
                    + [usb.manufacturer, usb.product].compactMap { $0 }.map { " — \($0)" }.joined()
                    + (usb.speed.map { ", \($0)" } ?? ""))
        }
        row(s.firmware, reader.identity?.firmware ?? reader.usb?.release)
        row(
            s.driver,
            [reader.identity?.vendorName, reader.capabilities.flatMap { $0.source == "unknown" ? nil : $0.source }]
                .compactMap { $0 }.first)
        if let capabilities = reader.capabilities {
            var parts = [capabilities.exchangeLevel, capabilities.protocols].compactMap { $0 }
            if let rate = capabilities.maxDataRateBitsPerSecond { parts.append("max \(rate / 1000) kbit/s") }
            if let length = capabilities.maxCCIDMessageLength { parts.append("max CCID message \(length) B") }
            row(s.capabilities, (parts + capabilities.explanations).joined(separator: "; "))
        }
        row(s.card, record.card.source.rawValue + (record.card.isModelled ? " (\(s.modelledBadge))" : ""))
        row(s.measures, record.card.measures)
        if let simulated = record.card.simulated {
            row(s.profile, "\(simulated.timingProfile) (imitates \(simulated.imitates)); card \(simulated.cardProfile)")
        }
        if let atr = reader.atr {
            row(s.atr, atr.hex)
            row(s.interface, ([atr.interface] + atr.protocols + [atr.rate].compactMap { $0 }).joined(separator: ", "))
        }
        return html + "</tbody></table>"
    }

    // MARK: - Embedded data

    struct Embedded: Encodable {
        struct Side: Encodable {
            var id: Int
            var reader: String
            var modelKey: String
            var run: String
            var modelled: Bool
            var modes: [Mode]
        }
        struct Mode: Encodable {
            var mode: String
            var measured: Int
            var failed: Int
            var failuresByCause: [String: Int]
            /// Totals of successful iterations, ns, run order.
            var totalsNanoseconds: [UInt64]
        }
        var format = "readerbench-report-data"
        var version = 1
        var generatedAt: String
        var metric: String
        var sides: [Side]
    }

    /// The report's data as JSON inside the page (a script of type application/json is never
    /// run), with `<` escaped so no value can close the element.
    static func embeddedData(_ report: ProcurementReport) -> String {
        let data = Embedded(
            generatedAt: report.options.generatedAt, metric: report.metricName,
            sides: report.sides.map { side in
                Embedded.Side(
                    id: side.id, reader: side.record.reader.name, modelKey: side.record.reader.modelKey,
                    run: side.runName,
                    modelled: side.modelled,
                    modes: side.modes.map {
                        Embedded.Mode(
                            mode: $0.mode, measured: $0.measured, failed: $0.failed,
                            failuresByCause: $0.failuresByCause,
                            totalsNanoseconds: $0.totals.map { UInt64($0) })
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return text.replacingOccurrences(of: "<", with: "\\u003c")
    }

    // MARK: - Style

    static let style = """
        :root { --ink: #1a1a1a; --muted: #555; --line: #ccc; --warn: #b00020; }
        * { box-sizing: border-box; }
        body { font-family: "Meiryo", "Yu Gothic", "YuGothic", "Hiragino Sans", "IPAPGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif;
          color: var(--ink); margin: 0 auto; padding: 16px 24px; max-width: 1000px; line-height: 1.5; font-size: 14px; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 2px solid #333; margin-top: 28px; }
        h3 { font-size: 15px; margin: 18px 0 6px; } h4 { font-size: 14px; margin: 12px 0 4px; }
        .sub { color: var(--muted); margin: 0; font-size: 12px; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
        th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
        thead th { background: #f0f0f0; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.rank { text-align: center; font-weight: bold; }
        tr.group-0 td { background: #ffffff; } tr.group-1 td { background: #f3f7fb; }
        table.kv th { width: 30%; background: #fafafa; font-weight: normal; color: var(--muted); }
        code { font-size: 12px; }
        .headline { font-weight: bold; font-size: 15px; }
        .note { color: var(--muted); border-left: 4px solid #999; padding-left: 8px; }
        .modelled-banner { border: 4px solid var(--warn); background: #fff0f0; color: var(--warn); padding: 10px 14px; margin: 14px 0; }
        .modelled-banner strong { font-size: 18px; }
        .modelled-banner p, .modelled-banner li { color: var(--ink); }
        .modelled-block { border: 2px dashed var(--warn); padding: 4px 10px; margin: 10px 0; }
        .badge { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 3px; vertical-align: middle; }
        .badge.modelled { background: var(--warn); color: #fff; font-weight: bold; }
        .badge.measured { background: #e6f2e6; color: #205020; }
        .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: middle; border-radius: 2px; }
        .verdict-faster { color: #006400; font-weight: bold; } .verdict-slower { color: var(--warn); font-weight: bold; }
        .legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
        figure.chart { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
        figure.chart svg { width: 100%; height: auto; display: block; font-size: 11px; font-family: inherit; }
        figure.chart figcaption { font-size: 13px; color: var(--muted); text-align: center; }
        .axis-title { font-size: 12px; fill: #333; }
        details.pairs summary { cursor: pointer; color: var(--muted); }
        footer { margin-top: 30px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
        section, .run-conditions { break-inside: auto; }
        tr, .modelled-banner, table.kv { break-inside: avoid; page-break-inside: avoid; }
        h3, h4 { break-after: avoid; page-break-after: avoid; }
        @page { size: A4; margin: 12mm; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10.5pt; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          h2 { break-after: avoid; } details.pairs > summary { list-style: none; }
          #charts { break-before: page; }
        }
        """
}
