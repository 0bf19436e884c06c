import Foundation
import HistoryFixtures
import LiveMetrics
import Results
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Pushing to a real Pushgateway (Debian's, started by scripts/pushgateway). Runs when
/// `READERBENCH_PUSHGATEWAY` is set; then a missing Pushgateway is a failure, not a skip.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["READERBENCH_PUSHGATEWAY"].map { !$0.isEmpty && $0 != "0" } ?? false,
        "needs a Pushgateway: scripts/pushgateway start, eval \"$(scripts/pushgateway env)\", READERBENCH_PUSHGATEWAY=1"
    ),
    .serialized)
struct PushgatewayTests {
    struct Unavailable: Error, CustomStringConvertible { var description: String }

    var base: URL {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["READERBENCH_PUSHGATEWAY_URL"],
                let url = URL(string: text)
            else {
                throw Unavailable(
                    description: "READERBENCH_PUSHGATEWAY_URL is not set: eval \"$(scripts/pushgateway env)\"")
            }
            return url
        }
    }

    /// What the Pushgateway serves to Prometheus.
    func scrape() throws -> String {
        let url = try base.appendingPathComponent("metrics")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body = Data()
        URLSession.shared.dataTask(with: url) { data, _, _ in
            body = data ?? Data()
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        return String(decoding: body, as: UTF8.self)
    }

    @Test("two hosts push into groups of their own; Prometheus sees both, each with its instance; delete removes one")
    func pushes() throws {
        let file = Fixture.poolRun()
        var clients: [PushgatewayClient] = []
        for (host, site) in [("test-host-a", "osaka"), ("test-host-b/2", "kyoto")] {
            let metrics = RunMetrics(site: site)
            try metrics.started(file.header)
            for iteration in file.iterations { try metrics.append(iteration) }
            let client = PushgatewayClient(base: try base, instance: host)
            try client.push(metrics.exposition())
            clients.append(client)
        }
        let text = try scrape()
        let checks = text.split(separator: "\n").filter { $0.hasPrefix("readerbench_check_seconds_count{") }
        #expect(checks.contains { $0.contains(#"instance="test-host-a""#) && $0.contains(#"site="osaka""#) })
        #expect(checks.contains { $0.contains(#"instance="test-host-b/2""#) && $0.contains(#"site="kyoto""#) })
        #expect(checks.allSatisfy { $0.contains(#"job="readerbench""#) })
        for client in clients { try client.delete() }
        #expect(!(try scrape()).contains("test-host-a"))
    }

    @Test("a push to a Pushgateway that is not there fails with pushFailed, quickly")
    func unreachable() throws {
        let client = PushgatewayClient(base: URL(string: "http://127.0.0.1:1")!, instance: "x", timeout: 2)
        #expect(throws: MetricsError(.pushFailed, "")) { try client.push(Array("x 1\n".utf8)) }
    }
}
