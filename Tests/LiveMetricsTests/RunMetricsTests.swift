import Foundation
import HistoryFixtures
import LiveMetrics
import Results
import Testing

/// A run's iterations as Prometheus text: the explicit buckets, and labels that never name a
/// card, a reader unit or a person.
@Suite struct RunMetricsTests {
    @Test("buckets: 50 µs, then R5 steps to 10 s, ascending, none wider than ×1.6")
    func buckets() {
        let bounds = LatencyBuckets.nanoseconds
        #expect(bounds.count == 28)
        #expect(bounds.first == 50_000 && bounds.last == 10_000_000_000)
        for (lower, upper) in zip(bounds, bounds.dropFirst()) {
            #expect(upper > lower)
            #expect(Double(upper) / Double(lower) <= 1.6 + 1e-9)
        }
    }

    /// The labels of every sample line of `text`, by metric name.
    func labelNames(_ text: String) -> [String: Set<String>] {
        var names: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { continue }
            let metric = String(line[..<open])
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                names[metric, default: []].insert(String(pair.split(separator: "=")[0]))
            }
        }
        return names
    }

    @Test("the check, phases and APDU kinds become histograms labelled by model, mode, site and source only")
    func exposition() throws {
        let file = Fixture.poolRun()
        let metrics = RunMetrics(site: "osaka-1")
        try metrics.started(file.header)
        for (index, iteration) in file.iterations.enumerated() {
            if index == 2 { try metrics.joined(file.readers[1]) }
            try metrics.append(iteration)
        }
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let names = labelNames(text)
        let base: Set<String> = ["model", "mode", "site", "source"]
        #expect(names["readerbench_check_seconds_bucket"] == base.union(["le"]))
        #expect(names["readerbench_phase_seconds_bucket"] == base.union(["le", "phase"]))
        #expect(names["readerbench_apdu_seconds_bucket"] == base.union(["le", "apdu"]))
        #expect(names["readerbench_iterations_total"] == base.union(["outcome"]))
        // No serial number, PC/SC reader name or card data anywhere.
        #expect(!text.contains("0123456") && !text.contains("RR-77") && !text.contains("RC-S300/P ["))
        #expect(text.contains(#"model="usb:054c:0dc9@1.00""#) && text.contains(#"site="osaka-1""#))
        #expect(text.contains(#"le="0.00005""#) && text.contains(#"le="10.0""#))
        // Warm-ups are not counted: reader 0 has 2 measured warm iterations (index 1 and 2).
        let warmOK = text.split(separator: "\n").first {
            $0.hasPrefix("readerbench_iterations_total{") && $0.contains(#"mode="warm""#)
                && $0.contains(#"outcome="ok""#) && $0.contains("054c")
        }
        #expect(warmOK.map { $0.hasSuffix(" 2") } == true, "\(warmOK ?? "no line")")
        // The failed iteration of the joined reader is counted, not timed.
        #expect(text.contains(#"outcome="failed""#))
    }

    @Test("--metrics: pushgateway=URL is read; OTLP is refused with the reason; other text is bad")
    func targets() throws {
        #expect(
            try MetricsTarget.parse("pushgateway=http://127.0.0.1:9091")
                == .pushgateway(URL(string: "http://127.0.0.1:9091")!))
        #expect(throws: MetricsError(.unsupported, "")) { try MetricsTarget.parse("otlp=http://127.0.0.1:4318") }
        for text in ["pushgateway", "pushgateway=ftp://x", "pushgateway=not a url", "statsd=http://x"] {
            #expect(throws: MetricsError(.badTarget, "")) { try MetricsTarget.parse(text) }
        }
    }
}
