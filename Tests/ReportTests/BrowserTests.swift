import Foundation
import Report
import Testing

/// The page in a real browser: Debian's headless Chromium loads the report the tests wrote.
///
/// Runs when READERBENCH_BROWSER=1 (scripts/test sets it; scripts/bootstrap installs chromium
/// and fonts-ipafont-gothic); then a missing browser is a failure, not a skip, as with the rig.
/// Every load runs with the network made unreachable (every host name resolves to nothing and
/// every proxy is a closed port), so "it loads" also means "it loads offline".
@Suite(.enabled(if: ProcessInfo.processInfo.environment["READERBENCH_BROWSER"] == "1"), .serialized)
struct BrowserTests {
    static let charts = ["ecdf", "spectrum", "phases", "kinds", "order", "histogram"]

    /// The report in Japanese (the users' language, and the fonts it needs), with a history trend.
    static func page(in directory: URL) throws -> URL {
        let points = (0..<12).map { index in
            TrendSeries.Point(
                run: "run:\(index + 1)", createdAt: "2025-11-\(String(format: "%02d", index + 1))T09:00:00Z",
                readerName: "Virtual PCD", firmware: index < 6 ? "1.00" : "1.10",
                valueNanoseconds: UInt64(index < 6 ? 4_000_000 : 5_200_000), modelled: true)
        }
        let trend = TrendSeries(
            model: "name:Virtual PCD", metric: "p95", mode: "warm", points: points,
            changes: [TrendSeries.Change(index: 6, ratio: 1.3, coincidesWith: ["firmware 1.00 → 1.10"])])
        var options = Fixture.options
        options.language = .ja
        let url = directory.appendingPathComponent("report.html")
        try HTMLReport.render(try Fixture.report(options: options, trends: [trend])).write(
            to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("the page loads offline with no console message, and every chart has drawn marks")
    func loads() throws {
        let directory = try Browser.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try Self.page(in: directory)
        let outcome = try Browser.run(["--dump-dom", page.absoluteString], profile: directory)
        #expect(outcome.status == 0, "chromium: \(outcome.stderr.suffix(2000))")
        let console = outcome.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") }
        #expect(console.isEmpty, "console: \(console.joined(separator: "\n"))")
        let dom = outcome.stdout
        for chart in Self.charts + ["trend"] {
            guard let start = dom.range(of: "data-chart=\"\(chart)\"") else {
                Issue.record("chart \(chart) is not in the rendered page")
                continue
            }
            let figure = dom[start.upperBound...]
            let body = figure[..<(figure.range(of: "</figure>")?.lowerBound ?? figure.endIndex)]
            let marks = body.components(separatedBy: "class=\"data\"").count - 1
            #expect(marks > 0, "chart \(chart) has no marks")
            #expect(
                !body.contains("NaN") && !body.contains("inf"), "chart \(chart) has coordinates that are not numbers")
        }
    }

    @Test("a screenshot of the page is not blank")
    func screenshot() throws {
        let directory = try Browser.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try Self.page(in: directory)
        let blank = directory.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        let shot = directory.appendingPathComponent("report.png")
        let empty = directory.appendingPathComponent("blank.png")
        for (url, png) in [(page, shot), (blank, empty)] {
            let outcome = try Browser.run(
                ["--window-size=1280,3000", "--screenshot=\(png.path)", url.absoluteString], profile: directory)
            #expect(outcome.status == 0, "chromium: \(outcome.stderr.suffix(2000))")
        }
        let image = try Data(contentsOf: shot)
        let nothing = try Data(contentsOf: empty)
        // A PNG of 1280 × 3000 pixels of one colour compresses to a few kilobytes; text and
        // charts do not. The blank page, shot the same way, is the yardstick.
        #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(image.count > 20 * nothing.count, "screenshot \(image.count) bytes, blank page \(nothing.count)")
        if let keep = ProcessInfo.processInfo.environment["READERBENCH_SCREENSHOT_DIR"] {
            try? image.write(to: URL(fileURLWithPath: keep).appendingPathComponent("report-ja.png"))
        }
    }
}

/// Headless Chromium from Debian's package, with the network unreachable.
enum Browser {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func executable() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw Missing(description: "chromium is not installed (scripts/bootstrap installs Debian's chromium)")
    }

    struct Missing: Error, CustomStringConvertible { var description: String }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "readerbench-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func run(_ arguments: [String], profile: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                // No network: no name resolves, and every connection goes to a closed local port.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--user-data-dir=\(profile.appendingPathComponent("profile").path)",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
            ] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
