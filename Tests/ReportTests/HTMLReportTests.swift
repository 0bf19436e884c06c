import Foundation
import Report
import Results
import Testing

@Suite struct HTMLReportTests {
    static let html = HTMLReport.render(try! Fixture.report())

    @Test("the page fetches nothing: no link, script source, image, font, import or URL")
    func selfContained() {
        for reference in ["http:", "https:", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
            #expect(!Self.html.contains(reference), "the page contains \(reference)")
        }
        #expect(Self.html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        #expect(!Self.html.contains("<script>"))
    }

    @Test("all six charts are there, each with marks")
    func charts() {
        for chart in ["ecdf", "spectrum", "phases", "kinds", "order", "histogram"] {
            guard let start = Self.html.range(of: "data-chart=\"\(chart)\"") else {
                Issue.record("chart \(chart) is missing")
                continue
            }
            let figure = Self.html[start.upperBound...].prefix { _ in true }
            let end = figure.range(of: "</figure>")!.lowerBound
            #expect(figure[..<end].contains("class=\"data\""), "chart \(chart) has no marks")
        }
    }

    @Test("a modelled run says so first, before the verdict")
    func modelledFirst() throws {
        let banner = try #require(Self.html.range(of: "id=\"modelled-banner\""))
        let verdict = try #require(Self.html.range(of: "id=\"verdict\""))
        #expect(banner.lowerBound < verdict.lowerBound)
        #expect(Self.html.contains("MODELLED: not a reader&#39;s own speed"))
    }

    @Test("Japanese labels by default, English on request")
    func languages() throws {
        var options = Fixture.options
        options.language = .ja
        let japanese = HTMLReport.render(try Fixture.report(options: options))
        #expect(japanese.contains("<html lang=\"ja\">"))
        #expect(japanese.contains("結論"))
        #expect(japanese.contains("モデル値"))
        #expect(Self.html.contains("<html lang=\"en\">"))
        #expect(Self.html.contains(">Verdict<"))
    }

    @Test("the same input gives the same bytes")
    func deterministic() throws {
        #expect(HTMLReport.render(try Fixture.report()) == Self.html)
    }

    @Test("the data are embedded and parse; nothing in them can close the script element")
    func embedded() throws {
        let start = try #require(Self.html.range(of: "<script type=\"application/json\" id=\"readerbench-data\">"))
        let rest = Self.html[start.upperBound...]
        let end = try #require(rest.range(of: "</script>"))
        let json = String(rest[..<end.lowerBound])
        #expect(!json.contains("<"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["sides"] as? [Any])?.count == 4)
    }

    @Test("reader names are escaped")
    func escaped() throws {
        var file = Fixture.pool
        file.readers[0].reader.name = "<script>alert(1)</script> 00 00"
        file.header.readers[0].reader.name = file.readers[0].reader.name
        let html = HTMLReport.render(try Fixture.report(file))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("history trends are drawn with their change points")
    func trend() throws {
        let points = (0..<10).map { index in
            TrendSeries.Point(
                run: "run:\(index + 1)", createdAt: "2025-11-\(String(format: "%02d", index + 1))T09:00:00Z",
                readerName: "SONY FeliCa RC-S300/P", firmware: index < 5 ? "1.00" : "1.10",
                valueNanoseconds: UInt64(index < 5 ? 400_000_000 : 520_000_000), modelled: false)
        }
        let series = TrendSeries(
            model: "usb:054c:0dc9", metric: "p95", mode: "warm", points: points,
            changes: [TrendSeries.Change(index: 5, ratio: 1.3, coincidesWith: ["firmware 1.00 → 1.10"])])
        let html = HTMLReport.render(try Fixture.report(trends: [series]))
        #expect(html.contains("id=\"history\""))
        #expect(html.contains("firmware 1.00 → 1.10"))
        #expect(html.contains("class=\"change\""))
    }
}

@Suite struct MarkdownReportTests {
    @Test("Markdown has the verdict and tables, and no chart")
    func tables() throws {
        let markdown = MarkdownReport.render(try Fixture.report())
        #expect(markdown.contains("## Verdict"))
        #expect(markdown.contains("| Rank | Reader | p95 |"))
        #expect(markdown.contains("> **⚠ MODELLED: not a reader's own speed**"))
        #expect(!markdown.contains("<svg"))
        #expect(markdown.contains("### Failure rate"))
    }
}
