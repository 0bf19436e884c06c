import Foundation
import RigSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The PostgreSQL client is built with the Fleet trait only (Package.swift); scripts/test enables it.
#if Fleet
    /// Fleets as users run them: several `readerbench` processes, each a host with its own id, site
    /// and local history, forwarding into one real PostgreSQL (scripts/postgres) that a test kills and
    /// restarts; `history sync`; the commands reading across hosts. Needs `READERBENCH_POSTGRES`.
    @Suite(PostgresServer.enabled, .serialized) struct FleetTests {
        struct Listed: Decodable {
            var id: Int64
            var complete: Bool
            var iterations: Int
            var site: String?
            var hostID: String?
            var readers: [Reader]
            struct Reader: Decodable { var modelKey: String }
        }

        static func list(_ db: String, _ extra: [String] = []) throws -> [Listed] {
            let outcome = try CLI.run(["history", "list", "--db", db, "--all", "--json"] + extra)
            guard outcome.status == 0 else { throw CLI.Missing(description: "history list: \(outcome.stderr)") }
            return try JSONDecoder().decode([Listed].self, from: Data(outcome.stdout.utf8))
        }

        /// One number from the server.
        static func number(_ url: String, _ sql: String) throws -> Int {
            Int(try PostgresServer.psql(url, sql).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }

        /// A host: its own local history, host id and site.
        struct Host {
            var local: String
            var id: String
            var site: String
            var environment: [String: String] { ["READERBENCH_HISTORY_DB": local, "READERBENCH_HOST_ID": id] }
        }

        func host(_ id: String, site: String, in directory: URL) -> Host {
            Host(local: directory.appendingPathComponent("\(id).sqlite").path, id: id, site: site)
        }

        @Test(
            "the server killed mid-run: the run completes and stays unsent; restarted and synced, every sample arrives once"
        )
        func killedMidRun() throws {
            // A server of its own: killing the shared one would fail whatever other test uses it now.
            let server = try PrivatePostgres()
            defer { server.destroy() }
            let url = server.url
            let directory = try CLI.temporaryDirectory()
            let lab = host("lab-1", site: "osaka", in: directory)
            let (process, out, err) = try CLI.start(
                [
                    "run", "--in-process", "--scenario", "visual", "--iterations", "300", "--warmup", "0", "--warm",
                    "--interval", "10", "--db", url, "--site", lab.site, "--quiet",
                ], environment: lab.environment)
            // Wait until the forwarder has sent part of the run, then kill the server under it.
            var sentBefore = 0
            for _ in 0..<600 where sentBefore < 20 {
                Thread.sleep(forTimeInterval: 0.05)
                sentBefore = (try? Self.number(url, "SELECT coalesce(max(iteration_count), 0) FROM runs")) ?? 0
            }
            let crash = try server.crash()
            let outcome = CLI.finish(process, out, err, timeout: 120)
            let restart = try server.start()
            #expect(crash.status == 0, "\(crash.output)")
            #expect(restart.status == 0, "\(restart.output)")
            #expect(sentBefore >= 20 && sentBefore < 300, "sent before the crash: \(sentBefore)")
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("marked unsent"), "stderr: \(outcome.stderr)")
            let local = try Self.list(lab.local)
            #expect(local.count == 1 && local.first?.iterations == 300 && local.first?.complete == true)

            let sync = try CLI.run(["history", "sync"], environment: lab.environment)
            #expect(sync.status == 0, "stderr: \(sync.stderr)")
            #expect(sync.stderr.contains("every run sent"), "stderr: \(sync.stderr)")
            let again = try CLI.run(["history", "sync"], environment: lab.environment)
            #expect(again.status == 0 && again.stderr.contains("nothing to send"), "stderr: \(again.stderr)")

            #expect(try Self.number(url, "SELECT count(*) FROM runs") == 1)
            #expect(try Self.number(url, "SELECT count(*) FROM iterations") == 300)
            #expect(try Self.number(url, "SELECT count(DISTINCT seq) FROM iterations") == 300)
            let remote = try Self.list(url)
            #expect(remote.first?.complete == true && remote.first?.hostID == lab.id && remote.first?.site == lab.site)
            // Every sample: the run exported from the server equals the one exported from the host.
            let fromServer = directory.appendingPathComponent("server.json").path
            let fromHost = directory.appendingPathComponent("host.json").path
            #expect(
                try CLI.run(["history", "export", "run:\(remote[0].id)", "-o", fromServer, "--db", url]).status == 0)
            #expect(
                try CLI.run(["history", "export", "run:\(local[0].id)", "-o", fromHost, "--db", lab.local]).status == 0)
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: fromServer))
                    == Data(contentsOf: URL(fileURLWithPath: fromHost)))
        }

        @Test("the server down at the start: the run completes unsent; the next run, with the server back, sends both")
        func downAtStart() throws {
            let server = try PrivatePostgres()
            defer { server.destroy() }
            let url = server.url
            let directory = try CLI.temporaryDirectory()
            let lab = host("lab-2", site: "kyoto", in: directory)
            let arguments = [
                "run", "--in-process", "--scenario", "visual", "--iterations", "20", "--warmup", "0", "--warm", "--db",
                url,
                "--site", lab.site, "--quiet",
            ]
            #expect(try server.crash().status == 0)
            let first = try CLI.run(arguments, environment: lab.environment)
            #expect(try server.start().status == 0)
            #expect(first.status == 0, "stderr: \(first.stderr)")
            #expect(first.stderr.contains("marked unsent"), "stderr: \(first.stderr)")
            let second = try CLI.run(arguments, environment: lab.environment)
            #expect(second.status == 0, "stderr: \(second.stderr)")
            #expect(second.stderr.contains("sent to postgresql://"), "stderr: \(second.stderr)")
            #expect(second.stderr.contains("also sent 1 earlier unsent run"), "stderr: \(second.stderr)")
            #expect(try Self.number(url, "SELECT count(*) FROM runs WHERE complete = 1") == 2)
            #expect(try Self.number(url, "SELECT count(*) FROM iterations") == 40)
        }

        @Test(
            "three hosts at once, two sites: list, trend, compare and report read across hosts, filtered by site and host"
        )
        func severalHosts() throws {
            let url = try PostgresServer.freshDatabase()
            let directory = try CLI.temporaryDirectory()
            let hosts = [
                host("osaka-a", site: "osaka", in: directory), host("osaka-b", site: "osaka", in: directory),
                host("kyoto-a", site: "kyoto", in: directory),
            ]
            let started = try hosts.map { host in
                try CLI.start(
                    [
                        "run", "--in-process", "--scenario", "visual", "--iterations", "40", "--warmup", "0", "--warm",
                        "--db", url, "--site", host.site, "--quiet",
                    ], environment: host.environment)
            }
            for (process, out, err) in started {
                let outcome = CLI.finish(process, out, err)
                #expect(
                    outcome.status == 0 && outcome.stderr.contains("sent to postgresql://"), "stderr: \(outcome.stderr)"
                )
            }
            let all = try Self.list(url)
            #expect(all.count == 3 && Set(all.compactMap(\.hostID)) == Set(hosts.map(\.id)))
            #expect(try Self.list(url, ["--site", "osaka"]).count == 2)
            #expect(try Self.list(url, ["--host", "kyoto-a"]).map(\.site) == ["kyoto"])
            let model = try #require(all.first?.readers.first?.modelKey)

            let trend = try CLI.run(["history", "trend", "--db", url, "--model", model, "--site", "osaka", "--json"])
            #expect(trend.status == 0, "stderr: \(trend.stderr)")
            struct Trend: Decodable {
                var points: [Point]
                struct Point: Decodable { var site: String? }
            }
            let points = try JSONDecoder().decode(Trend.self, from: Data(trend.stdout.utf8)).points
            #expect(points.count == 2 && points.allSatisfy { $0.site == "osaka" })

            let compare = try CLI.run(["compare", "--db", url, "--site", "osaka", "--model", model, "last=2"])
            #expect(compare.status == 0, "stderr: \(compare.stderr)")
            // Two hosts' runs: the gate refuses (5) when their calibrations differ beyond the margin,
            // which two processes on one machine may or may not show; a fleet gate across hosts says so.
            let gate = try CLI.run([
                "gate", "--db", url, "--baseline", "site=osaka,host=osaka-a,latest", "--current", "latest", "--host",
                "osaka-b", "--allow-different-host",
            ])
            #expect([0, 2].contains(gate.status), "stdout: \(gate.stdout)\nstderr: \(gate.stderr)")
            let page = directory.appendingPathComponent("fleet.html").path
            let report = try CLI.run(["report", "--db", url, "--site", "kyoto", "latest", "-o", page, "--lang", "en"])
            #expect(report.status == 0, "stderr: \(report.stderr)")
            #expect(try String(contentsOfFile: page, encoding: .utf8).contains("run:"))
        }
    }
#else
    /// A build without the Fleet trait: a PostgreSQL history is refused before anything is measured,
    /// with a sentence that names the trait, not mistaken for a file name.
    @Suite struct FleetNotBuiltTests {
        @Test("run --db postgresql://… says the build lacks the Fleet trait, exits 3 and measures nothing")
        func refusesServer() throws {
            let outcome = try CLI.run([
                "run", "--in-process", "--scenario", "visual", "--iterations", "2", "--db",
                "postgresql://lab@127.0.0.1:1/bench",
            ])
            #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("--traits Fleet"), "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty, "stdout: \(outcome.stdout)")
        }
    }
#endif

/// `run --metrics pushgateway=URL` against Debian's Pushgateway (scripts/pushgateway).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["READERBENCH_PUSHGATEWAY"].map { !$0.isEmpty && $0 != "0" } ?? false,
        "needs a Pushgateway: scripts/pushgateway start, eval \"$(scripts/pushgateway env)\", READERBENCH_PUSHGATEWAY=1"
    ))
struct MetricsCommandTests {
    @Test("a run pushes its histograms, grouped by host, with its site; every measured iteration counted")
    func pushes() throws {
        let base = try #require(ProcessInfo.processInfo.environment["READERBENCH_PUSHGATEWAY_URL"])
        let run = try CLI.run(
            [
                "run", "--in-process", "--scenario", "visual", "--iterations", "25", "--warmup", "2", "--warm",
                "--no-save", "--metrics", "pushgateway=\(base)", "--site", "e2e-site", "--quiet",
            ], environment: ["READERBENCH_HOST_ID": "e2e-metrics-host"])
        #expect(run.status == 0 && !run.stderr.contains("not pushed"), "stderr: \(run.stderr)")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body = Data()
        URLSession.shared.dataTask(with: URL(string: base + "/metrics")!) { data, _, _ in
            body = data ?? Data()
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n")
        let count = lines.first {
            $0.hasPrefix("readerbench_check_seconds_count{") && $0.contains(#"instance="e2e-metrics-host""#)
        }
        #expect(count?.contains(#"site="e2e-site""#) == true && count?.hasSuffix(" 25") == true, "\(count ?? "none")")
        #expect(lines.contains { $0.hasPrefix("readerbench_apdu_seconds_bucket{") && $0.contains("e2e-metrics-host") })
    }
}
