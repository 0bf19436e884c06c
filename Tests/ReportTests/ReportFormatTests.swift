import Report
import Testing

@Suite struct ReportFormatTests {
    @Test(
        "durations get three significant digits in a unit that fits",
        arguments: [
            (412.0, "412 ns"), (41_234.0, "41.2 µs"), (999_499.0, "999 µs"), (12_345_678.0, "12.3 ms"),
            (1_234_567_890.0, "1.23 s"), (-48_633.0, "−48.6 µs"),
        ])
    func durations(_ value: Double, _ text: String) {
        #expect(ReportFormat.duration(value) == text)
    }

    @Test("shares are percentages with sensible digits")
    func percents() {
        #expect(ReportFormat.percent(0) == "0%")
        #expect(ReportFormat.percent(0.0188) == "1.9%")
        #expect(ReportFormat.percent(0.0004) == "0.04%")
        #expect(ReportFormat.percent(0.25) == "25%")
    }

    @Test("percentile names and metric options agree")
    func metrics() throws {
        #expect(ReportFormat.percentileName(0.95) == "p95")
        #expect(ReportFormat.percentileName(0.999) == "p99.9")
        #expect(try ReportOptions.parseMetric("p99.9") == 0.999)
        #expect(try ReportOptions.parseMetric("median") == 0.5)
        #expect(throws: ReportError(.badOption, "")) { try ReportOptions.parseMetric("p100") }
    }

    @Test("text is escaped for HTML and Markdown")
    func escaping() {
        #expect(ReportFormat.html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(ReportFormat.markdownCell("a|b_c\n") == "a\\|b\\_c ")
    }

    @Test("the Wilson interval is never zero wide and stays in [0, 1]")
    func wilson() {
        let none = ReportStatistics.wilson(failures: 0, trials: 200)
        #expect(none.lower == 0)
        #expect(abs(none.upper - 0.0188) < 0.0005)
        let some = ReportStatistics.wilson(failures: 5, trials: 100)
        #expect(abs(some.lower - 0.0215) < 0.0005)
        #expect(abs(some.upper - 0.1118) < 0.0005)
        #expect(ReportStatistics.wilson(failures: 0, trials: 0) == (0, 1))
    }

    @Test("quantiles are nearest-rank: a value that was measured")
    func quantiles() {
        let values = (1...100).map(Double.init)
        #expect(ReportStatistics.quantile(values, 0.95) == 95)
        #expect(ReportStatistics.quantile(values, 0.5) == 50)
        #expect(ReportStatistics.quantile([7], 0.99) == 7)
    }
}
