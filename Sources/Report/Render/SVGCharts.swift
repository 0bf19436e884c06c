import Results

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Charts as inline SVG

/// The report's pictures, drawn as SVG text: no script, no library, no font to fetch, so the page
/// opens offline on any browser and prints as it shows. Every mark that carries data has class
/// `data` (the browser test counts them), and every chart has a title for screen readers.
///
/// Colours are Okabe–Ito (distinguishable with the common colour-vision deficiencies); warm is a
/// solid line or a filled dot, cold dashed or hollow, so the page also reads in black and white.
enum SVGCharts {
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999933"]
    static let width = 720.0
    static let height = 340.0
    static let margin = (left: 70.0, right: 16.0, top: 14.0, bottom: 44.0)

    static func colour(_ index: Int) -> String { palette[index % palette.count] }

    // MARK: - Scales

    struct LogScale {
        let low: Double
        let high: Double
        let start: Double
        let end: Double

        init(low: Double, high: Double, start: Double, end: Double) {
            let low = max(low, 1e-9)
            self.low = log10(low)
            self.high = log10(max(high, low * 1.0001))
            self.start = start
            self.end = end
        }

        func callAsFunction(_ value: Double) -> Double {
            start + (log10(max(value, 1e-9)) - low) / (high - low) * (end - start)
        }

        /// 1, 2, 5 × 10^k inside the range (only 1 × 10^k when there are many decades).
        var ticks: [Double] {
            let decades = Int(floor(low))...Int(ceil(high))
            let steps: [Double] = high - low > 3 ? [1] : [1, 2, 5]
            return decades.flatMap { d in steps.map { $0 * pow(10, Double(d)) } }.filter {
                log10($0) >= low - 1e-9 && log10($0) <= high + 1e-9
            }
        }
    }

    struct LinearScale {
        let low: Double
        let high: Double
        let start: Double
        let end: Double

        func callAsFunction(_ value: Double) -> Double {
            start + (value - low) / max(high - low, 1e-12) * (end - start)
        }

        /// About five round ticks.
        var ticks: [Double] {
            let span = max(high - low, 1e-12)
            let raw = span / 5
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            var tick = ceil(low / step) * step
            var ticks: [Double] = []
            while tick <= high + step * 1e-9 {
                ticks.append(tick)
                tick += step
            }
            return ticks
        }
    }

    // MARK: - Frame

    static func open(_ id: String, label: String, height: Double = height) -> String {
        "<svg class=\"chart-svg\" id=\"chart-\(id)\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"\(ReportFormat.html(label))\">"
            + "<title>\(ReportFormat.html(label))</title>"
    }

    static func n(_ value: Double) -> String { ReportFormat.fixed(value, decimals: 1) }

    static func xAxis(
        ticks: [(Double, String)], y: Double, title: String, left: Double = margin.left,
        right: Double = width - margin.right
    ) -> String {
        var svg =
            "<g class=\"axis\"><line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(right))\" y2=\"\(n(y))\" stroke=\"#444\"/>"
        for (x, label) in ticks {
            svg += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x))\" y2=\"\(n(y + 4))\" stroke=\"#444\"/>"
            svg += "<line x1=\"\(n(x))\" y1=\"\(n(margin.top))\" x2=\"\(n(x))\" y2=\"\(n(y))\" stroke=\"#e4e4e4\"/>"
            svg += "<text x=\"\(n(x))\" y=\"\(n(y + 16))\" text-anchor=\"middle\">\(ReportFormat.html(label))</text>"
        }
        svg += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(y + 34))\" text-anchor=\"middle\" class=\"axis-title\">"
        svg += "\(ReportFormat.html(title))</text></g>"
        return svg
    }

    static func yAxis(
        ticks: [(Double, String)], x: Double = margin.left, top: Double = margin.top, bottom: Double, title: String
    ) -> String {
        var svg =
            "<g class=\"axis\"><line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"#444\"/>"
        for (y, label) in ticks {
            svg += "<line x1=\"\(n(x - 4))\" y1=\"\(n(y))\" x2=\"\(n(x))\" y2=\"\(n(y))\" stroke=\"#444\"/>"
            svg +=
                "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(width - margin.right))\" y2=\"\(n(y))\" stroke=\"#eeeeee\"/>"
            svg += "<text x=\"\(n(x - 7))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(ReportFormat.html(label))</text>"
        }
        svg +=
            "<text transform=\"translate(14 \(n((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis-title\">"
        svg += "\(ReportFormat.html(title))</text></g>"
        return svg
    }

    /// A path through points, thinned to at most `limit` points (the first and last kept).
    static func path(_ points: [(Double, Double)], colour: String, dashed: Bool, title: String, limit: Int = 1500)
        -> String
    {
        guard let first = points.first else { return "" }
        let stride = max(1, points.count / limit)
        var d = "M\(n(first.0)) \(n(first.1))"
        for index in Swift.stride(from: stride, to: points.count, by: stride) {
            d += "L\(n(points[index].0)) \(n(points[index].1))"
        }
        if points.count > 1, let last = points.last { d += "L\(n(last.0)) \(n(last.1))" }
        return "<path class=\"data\" d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "><title>\(ReportFormat.html(title))</title></path>"
    }

    static func durationTicks(_ scale: LogScale) -> [(Double, String)] {
        scale.ticks.map { (scale($0), ReportFormat.duration($0)) }
    }

    /// The lines of every side and mode: (side, mode, samples).
    static func lines(_ report: ProcurementReport) -> [(side: ReportSide, mode: ModeSamples)] {
        report.sides.flatMap { side in side.modes.filter { !$0.totals.isEmpty }.map { (side, $0) } }
    }

    static func label(_ side: ReportSide, _ mode: String, _ strings: ReportStrings) -> String {
        "\(side.readerName) — \(strings.modeShort(mode))"
    }

    // MARK: - ECDF

    static func ecdf(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        let series = lines(report)
        let all = series.flatMap(\.mode.totals)
        let bottom = height - margin.bottom
        let x = LogScale(
            low: (all.min() ?? 1) * 0.95, high: (all.max() ?? 2) * 1.05, start: margin.left, end: width - margin.right)
        let y = LinearScale(low: 0, high: 1, start: bottom, end: margin.top)
        var svg = open("ecdf", label: strings.ecdf)
        svg += xAxis(ticks: durationTicks(x), y: bottom, title: strings.time)
        svg += yAxis(ticks: y.ticks.map { (y($0), ReportFormat.percent($0)) }, bottom: bottom, title: strings.share)
        for (side, mode) in series {
            let sorted = mode.totals.sorted()
            var points: [(Double, Double)] = [(x(sorted[0]), y(0))]
            for (index, value) in sorted.enumerated() {
                points.append((x(value), y(Double(index) / Double(sorted.count))))
                points.append((x(value), y(Double(index + 1) / Double(sorted.count))))
            }
            svg += path(
                points, colour: colour(side.id), dashed: mode.mode == "cold", title: label(side, mode.mode, strings))
        }
        return svg + "</svg>"
    }

    // MARK: - Percentile spectrum

    static func spectrum(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        let series = lines(report)
        let all = series.flatMap(\.mode.totals)
        let bottom = height - margin.bottom
        let largest = Double(series.map(\.mode.totals.count).max() ?? 2)
        let x = LogScale(low: 1, high: max(largest, 10), start: margin.left, end: width - margin.right)
        let y = LogScale(low: (all.min() ?? 1) * 0.9, high: (all.max() ?? 2) * 1.1, start: bottom, end: margin.top)
        var svg = open("spectrum", label: strings.spectrum)
        let named: [(Double, String)] = [(2, "p50"), (10, "p90"), (100, "p99"), (1000, "p99.9"), (10000, "p99.99")]
        svg += xAxis(
            ticks: [(x(1), "p0")] + named.filter { $0.0 <= max(largest, 10) }.map { (x($0.0), $0.1) }, y: bottom,
            title: "1/(1−p)")
        svg += yAxis(ticks: durationTicks(y), bottom: bottom, title: strings.time)
        for (side, mode) in series {
            let sorted = mode.totals.sorted()
            let count = Double(sorted.count)
            var points: [(Double, Double)] = []
            // 1/(1−p) from 1 to n, evenly on the log axis: p = 1 − 1/k.
            for step in 0...200 {
                let k = pow(count, Double(step) / 200)
                let p = 1 - 1 / k
                points.append((x(k), y(ReportStatistics.quantile(sorted: sorted, p))))
            }
            svg += path(
                points, colour: colour(side.id), dashed: mode.mode == "cold", title: label(side, mode.mode, strings))
        }
        return svg + "</svg>"
    }

    // MARK: - Phases

    static let phaseColours = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#FF9DA6", "#9D755D"]

    static func phases(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        let rows = lines(report)
        var names: [String] = []
        for (_, mode) in rows {
            for phase in mode.phases where !names.contains(phase.name) { names.append(phase.name) }
        }
        let rowHeight = 26.0
        let legendHeight = 22.0
        let chartHeight = margin.top + legendHeight + Double(rows.count) * rowHeight + margin.bottom
        let left = 200.0
        let totals = rows.map { row in
            row.mode.phases.reduce(0.0) { $0 + ReportStatistics.quantile($1.samples, 0.5) }
                + (row.mode.phases.last.map {
                    ReportStatistics.quantile($0.samples, 0.9) - ReportStatistics.quantile($0.samples, 0.5)
                } ?? 0)
        }
        let x = LinearScale(low: 0, high: max(totals.max() ?? 1, 1) * 1.05, start: left, end: width - margin.right)
        let bottom = chartHeight - margin.bottom
        var svg = open("phases", label: strings.phases, height: chartHeight)
        // Legend of phases.
        var legendX = left
        for (index, name) in names.enumerated() {
            svg +=
                "<rect x=\"\(n(legendX))\" y=\"\(n(margin.top))\" width=\"12\" height=\"12\" fill=\"\(phaseColours[index % phaseColours.count])\"/>"
            svg += "<text x=\"\(n(legendX + 16))\" y=\"\(n(margin.top + 10))\">\(ReportFormat.html(name))</text>"
            legendX += 24 + Double(name.count) * 7
        }
        svg += xAxis(
            ticks: x.ticks.map { (x($0), ReportFormat.duration($0)) }, y: bottom, title: strings.time, left: left)
        for (rowIndex, row) in rows.enumerated() {
            let top = margin.top + legendHeight + Double(rowIndex) * rowHeight
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(top + rowHeight / 2 + 4))\" text-anchor=\"end\">"
            svg += "\(ReportFormat.html(truncated(label(row.side, row.mode.mode, strings), 30)))</text>"
            var start = 0.0
            for phase in row.mode.phases {
                let median = ReportStatistics.quantile(phase.samples, 0.5)
                let p90 = ReportStatistics.quantile(phase.samples, 0.9)
                let colour = phaseColours[(names.firstIndex(of: phase.name) ?? 0) % phaseColours.count]
                let title = "\(phase.name): p50 \(ReportFormat.duration(median)), p90 \(ReportFormat.duration(p90))"
                svg +=
                    "<rect class=\"data\" x=\"\(n(x(start)))\" y=\"\(n(top + 4))\" width=\"\(n(max(0.5, x(start + median) - x(start))))\" "
                svg +=
                    "height=\"\(n(rowHeight - 8))\" fill=\"\(colour)\"><title>\(ReportFormat.html(title))</title></rect>"
                let whiskerY = top + rowHeight / 2
                svg +=
                    "<line class=\"whisker\" x1=\"\(n(x(start + median)))\" y1=\"\(n(whiskerY))\" x2=\"\(n(x(start + p90)))\" "
                svg += "y2=\"\(n(whiskerY))\" stroke=\"#222\" stroke-width=\"1.2\"/>"
                svg +=
                    "<line x1=\"\(n(x(start + p90)))\" y1=\"\(n(whiskerY - 4))\" x2=\"\(n(x(start + p90)))\" y2=\"\(n(whiskerY + 4))\" stroke=\"#222\"/>"
                start += median
            }
        }
        return svg + "</svg>"
    }

    // MARK: - APDU kinds

    static func kinds(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        // One mode per side: warm when it ran, else cold.
        let rows = report.sides.compactMap { side in
            (side.mode("warm").flatMap { $0.kinds.isEmpty ? nil : $0 } ?? side.mode("cold")).map { (side, $0) }
        }
        var names: [String] = []
        for (_, mode) in rows { for kind in mode.kinds where !names.contains(kind.name) { names.append(kind.name) } }
        let barHeight = 10.0
        let groupHeight = Double(max(rows.count, 1)) * barHeight + 10
        let chartHeight = margin.top + Double(names.count) * groupHeight + margin.bottom
        let left = 200.0
        let medians = rows.flatMap { $0.1.kinds.map { ReportStatistics.quantile($0.samples, 0.5) } }
        let x = LogScale(
            low: (medians.min() ?? 1) * 0.5, high: (medians.max() ?? 2) * 1.2, start: left, end: width - margin.right)
        let bottom = chartHeight - margin.bottom
        var svg = open("kinds", label: strings.kinds, height: chartHeight)
        svg += xAxis(ticks: durationTicks(x), y: bottom, title: strings.time, left: left)
        for (kindIndex, name) in names.enumerated() {
            let top = margin.top + Double(kindIndex) * groupHeight
            svg +=
                "<text x=\"\(n(left - 6))\" y=\"\(n(top + groupHeight / 2 + 2))\" text-anchor=\"end\">\(ReportFormat.html(truncated(name, 28)))</text>"
            for (rowIndex, (side, mode)) in rows.enumerated() {
                guard let kind = mode.kinds.first(where: { $0.name == name }) else { continue }
                let median = ReportStatistics.quantile(kind.samples, 0.5)
                let title =
                    "\(side.readerName) — \(strings.modeShort(mode.mode)): \(name) p50 \(ReportFormat.duration(median)) (n=\(kind.samples.count))"
                svg += "<rect class=\"data\" x=\"\(n(left))\" y=\"\(n(top + 5 + Double(rowIndex) * barHeight))\" "
                svg +=
                    "width=\"\(n(max(1, x(median) - left)))\" height=\"\(n(barHeight - 2))\" fill=\"\(colour(side.id))\">"
                svg += "<title>\(ReportFormat.html(title))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    // MARK: - Run order

    static func order(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        let points = report.sides.flatMap { side in side.order.map { (side, $0) } }
        let bottom = height - margin.bottom
        let seconds = points.map { Double($0.1.startNanoseconds) / 1e9 }
        let totals = points.map { Double(max(1, $0.1.totalNanoseconds)) }
        let x = LinearScale(
            low: 0, high: max(seconds.max() ?? 1, 1e-6) * 1.02, start: margin.left, end: width - margin.right)
        let y = LogScale(
            low: (totals.min() ?? 1) * 0.9, high: (totals.max() ?? 2) * 1.1, start: bottom, end: margin.top)
        var svg = open("order", label: strings.order)
        svg += xAxis(
            ticks: x.ticks.map { (x($0), ReportFormat.significant($0) + " s") }, y: bottom, title: strings.iteration)
        svg += yAxis(ticks: durationTicks(y), bottom: bottom, title: strings.time)
        // At most 4,000 marks per side, evenly spread over its run.
        for side in report.sides {
            let stride = max(1, side.order.count / 4000)
            for index in Swift.stride(from: 0, to: side.order.count, by: stride) {
                let point = side.order[index]
                let cx = x(Double(point.startNanoseconds) / 1e9)
                let cy = y(Double(max(1, point.totalNanoseconds)))
                if !point.ok {
                    svg +=
                        "<path class=\"data\" d=\"M\(n(cx - 3)) \(n(cy - 3))L\(n(cx + 3)) \(n(cy + 3))M\(n(cx - 3)) \(n(cy + 3))L\(n(cx + 3)) \(n(cy - 3))\" stroke=\"#D00\" stroke-width=\"1.5\"/>"
                } else if point.mode == "cold" {
                    svg +=
                        "<circle class=\"data\" cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"2.2\" fill=\"none\" stroke=\"\(colour(side.id))\"/>"
                } else {
                    svg +=
                        "<circle class=\"data\" cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"2\" fill=\"\(colour(side.id))\"/>"
                }
            }
        }
        return svg + "</svg>"
    }

    // MARK: - Histogram

    static func histogram(_ report: ProcurementReport, _ strings: ReportStrings) -> String {
        let series = lines(report)
        let all = series.flatMap(\.mode.totals)
        let bottom = height - margin.bottom
        let low = (all.min() ?? 1) * 0.98
        let high = (all.max() ?? 2) * 1.02
        let x = LogScale(low: low, high: high, start: margin.left, end: width - margin.right)
        let binCount = 40
        let edges = (0...binCount).map { low * pow(high / low, Double($0) / Double(binCount)) }
        var counts: [[Int]] = []
        for (_, mode) in series {
            var bins = [Int](repeating: 0, count: binCount)
            for value in mode.totals {
                let position = Int(Double(binCount) * log(value / low) / log(high / low))
                bins[min(binCount - 1, max(0, position))] += 1
            }
            counts.append(bins)
        }
        let largest = Double(counts.flatMap { $0 }.max() ?? 1)
        let y = LinearScale(low: 0, high: log10(max(largest, 1)) + 0.2, start: bottom, end: margin.top)
        var svg = open("histogram", label: strings.histogram)
        svg += xAxis(ticks: durationTicks(x), y: bottom, title: strings.time)
        let yTicks = (0...Int(ceil(log10(max(largest, 1))))).map { power in
            (y(Double(power)), "\(Int(pow(10, Double(power))))")
        }
        svg += yAxis(ticks: yTicks, bottom: bottom, title: strings.count + " (log)")
        for ((side, mode), bins) in zip(series, counts) {
            var points: [(Double, Double)] = [(x(edges[0]), bottom)]
            for (index, count) in bins.enumerated() {
                // log10(count) with 1 at the first step above the axis; empty bins on the axis.
                let height = count == 0 ? bottom : y(log10(Double(count)) + (count == 1 ? 0.05 : 0))
                points.append((x(edges[index]), height))
                points.append((x(edges[index + 1]), height))
            }
            points.append((x(edges[binCount]), bottom))
            svg += path(
                points, colour: colour(side.id), dashed: mode.mode == "cold", title: label(side, mode.mode, strings))
        }
        return svg + "</svg>"
    }

    // MARK: - History trend

    static func trend(_ series: TrendSeries, index: Int, _ strings: ReportStrings) -> String {
        let bottom = height - margin.bottom
        let values = series.points.map { Double(max(1, $0.valueNanoseconds)) }
        let x = LinearScale(
            low: 0, high: Double(max(series.points.count - 1, 1)), start: margin.left + 10,
            end: width - margin.right - 40)
        let y = LinearScale(low: 0, high: (values.max() ?? 1) * 1.15, start: bottom, end: margin.top)
        var svg = open("trend-\(index)", label: strings.trendCaption(series.model, series.metric, series.mode))
        let step = max(1, series.points.count / 8)
        let xTicks = Swift.stride(from: 0, to: series.points.count, by: step).map { i in
            (x(Double(i)), String(series.points[i].createdAt.prefix(10)))
        }
        svg += xAxis(ticks: xTicks, y: bottom, title: strings.run)
        svg += yAxis(ticks: y.ticks.map { (y($0), ReportFormat.duration($0)) }, bottom: bottom, title: series.metric)
        for change in series.changes where series.points.indices.contains(change.index) {
            let cx = (x(Double(change.index)) + x(Double(max(0, change.index - 1)))) / 2
            let note = ([ReportFormat.change(change.ratio)] + change.coincidesWith).joined(separator: "; ")
            svg +=
                "<line class=\"change\" x1=\"\(n(cx))\" y1=\"\(n(margin.top))\" x2=\"\(n(cx))\" y2=\"\(n(bottom))\" stroke=\"#D55E00\" stroke-dasharray=\"4 3\"/>"
            svg +=
                "<text x=\"\(n(cx + 4))\" y=\"\(n(margin.top + 12))\" fill=\"#D55E00\">▲ \(ReportFormat.html(note))</text>"
        }
        // One line per reader: two units of one model, or a pool's readers, are series of their own.
        var names: [String] = []
        for point in series.points where !names.contains(point.readerName) { names.append(point.readerName) }
        for (nameIndex, name) in names.enumerated() {
            let colour = colour(index + nameIndex)
            let members = series.points.indices.filter { series.points[$0].readerName == name }
            let line = members.map { (x(Double($0)), y(values[$0])) }
            svg += path(line, colour: colour, dashed: false, title: name)
            let labelY = margin.top + 26 + Double(nameIndex) * 14
            svg += "<text x=\"\(n(margin.left + 16))\" y=\"\(n(labelY))\" fill=\"\(colour)\">"
            svg += "\(ReportFormat.html(name))</text>"
            for position in members {
                let point = series.points[position]
                let title =
                    "\(point.run) \(point.createdAt) \(point.readerName) \(point.firmware.map { "fw \($0)" } ?? ""): "
                    + ReportFormat.duration(Double(point.valueNanoseconds))
                let (cx, cy) = (x(Double(position)), y(values[position]))
                svg += "<circle class=\"data\" cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"3\" "
                svg += "fill=\"\(point.modelled ? "#fff" : colour)\" stroke=\"\(colour)\">"
                svg += "<title>\(ReportFormat.html(title))</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    static func truncated(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
