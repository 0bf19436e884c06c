// readerbench-fleet-scale: how fast a fleet's hosts can forward runs into one PostgreSQL history,
// and how long a trend query takes over what they wrote (issue 17's scale figures, docs/fleet.md).
//
//   readerbench-fleet-scale ingest --db postgresql://… [--hosts 100] [--readers 16] [--iterations 400]
//                                  [--runs 2] [--work DIR]
//   readerbench-fleet-scale trend --db postgresql://… --model KEY [--repeat 5]
//
// `ingest` plays N hosts, each with a local SQLite history of its own and a connection of its
// own: first every host saves its runs locally (a pool of R readers, I iterations each, the
// iterations of the shared fixture), then all hosts forward them at once through the real
// HistoryUploader and PostgresHistoryStore, as `history sync` does. It reports runs/s and
// samples/s of the forwarding phase (the one the shared server limits). `trend` runs the real
// trend query (PostgresHistoryStore.trendPoints) and reports its time and rows.
//
// A measuring tool, not a test: nothing is asserted. Wall-clock on a shared 2-core machine varies.
// Built with the Fleet trait (Package.swift): scripts/fleet-scale passes --traits Fleet.
#if Fleet
    import Foundation
    import History
    import HistoryFixtures
    import HistoryPostgres
    import Results
    import RunModel

    struct Options {
        var command = ""
        var db = ""
        var hosts = 100
        var readers = 16
        var iterations = 400
        var runs = 2
        var work = NSTemporaryDirectory() + "readerbench-fleet-scale"
        var model = ""
        var repeats = 5

        init(_ arguments: [String]) {
            var rest = arguments.dropFirst()
            command = rest.popFirst() ?? ""
            while let name = rest.popFirst() {
                let value = rest.popFirst() ?? ""
                switch name {
                case "--db": db = value
                case "--hosts": hosts = Int(value) ?? hosts
                case "--readers": readers = Int(value) ?? readers
                case "--iterations": iterations = Int(value) ?? iterations
                case "--runs": runs = Int(value) ?? runs
                case "--work": work = value
                case "--model": model = value
                case "--repeat": repeats = Int(value) ?? repeats
                default: Self.usage("unknown option \(name)")
                }
            }
            if db.isEmpty || !["ingest", "trend"].contains(command) { Self.usage("name ingest or trend, and --db") }
        }

        static func usage(_ problem: String) -> Never {
            FileHandle.standardError.write(Data("readerbench-fleet-scale: \(problem)\n".utf8))
            exit(2)
        }
    }

    /// A finished pool run of `readers` readers × `iterations` warm iterations with the fixture's
    /// iteration shape (five APDUs, six phases), totals spread so percentiles differ.
    func poolRun(readers: Int, iterations: Int) -> ResultFile {
        let models = ["usb:054c:0dc9@1.00", "usb:072f:b100@1.00", "usb:04e6:5810@2.00", "usb:076b:5422@1.00"]
        let records = (0..<readers).map { id in
            Fixture.reader(
                id: id, name: "Reader \(id) 00 00", usbKey: models[id % models.count], serial: "S\(1000 + id)")
        }
        var header = Fixture.header(readers: records)
        header.run.iterations = iterations
        header.run.warmup = 0
        header.run.modes = [.warm]
        var aggregator = RunAggregator(labels: Fixture.labels)
        var list: [IterationResult] = []
        list.reserveCapacity(readers * iterations)
        for reader in 0..<readers { aggregator.register(reader: reader) }
        for index in 0..<iterations {
            for reader in 0..<readers {
                let total = UInt64(40_000_000 + (index * 7_919 + reader * 104_729) % 20_000_000)
                let iteration = Fixture.iteration(index, reader: reader, total: total)
                aggregator.add(iteration)
                list.append(iteration)
            }
        }
        return ResultFile(
            header: header, readers: records, iterations: list,
            summary: aggregator.summary(stopReason: .completed, note: "fleet-scale"), complete: true)
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func ingest(_ options: Options) throws {
        let server = try PostgresLocation(options.db)
        try? FileManager.default.removeItem(atPath: options.work)
        try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
        let template = poolRun(readers: options.readers, iterations: options.iterations)
        let samplesPerRun = template.iterations.count
        // Tag every run of this invocation so repeated invocations never collide (fingerprints).
        let tag = String(UUID().uuidString.prefix(8))

        // Phase 1: every host saves its runs locally (two at a time: the machine has two cores).
        let saveStart = ContinuousClock.now
        let locals = try (0..<options.hosts).map { host in
            try SQLiteHistoryStore(path: "\(options.work)/host-\(host).sqlite")
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: options.hosts) { host in
            do {
                for run in 0..<options.runs {
                    var file = template
                    file.header.createdAt = String(
                        format: "2026-%02d-%02dT%02d:%02d:00Z", 1 + run % 12, 1 + host % 28, host % 24, run % 60)
                    file.header.tool.version = "fleet-scale-\(tag)"
                    let id = try locals[host].importRun(
                        file, origin: RunOrigin(kind: .run, hostID: "scale-\(tag)-\(host)", site: "site-\(host % 10)"))
                    try locals[host].registerUpload(run: id, remote: server.description)
                }
            } catch { failures.add("host \(host) saving: \(error)") }
        }
        let saveSeconds = seconds(since: saveStart)

        // Phase 2: every host forwards at once, a thread and a connection each.
        let done = DispatchGroup()
        let forwardStart = ContinuousClock.now
        for host in 0..<options.hosts {
            done.enter()
            let local = locals[host]
            let thread = Thread {
                defer { done.leave() }
                let remote = PostgresHistoryStore(server: server, timeout: .seconds(600))
                do {
                    let report = try HistoryUploader(local: local, remote: remote).sendUnsent()
                    for failed in report.failed { failures.add("host \(host) run \(failed.run): \(failed.error)") }
                } catch { failures.add("host \(host) forwarding: \(error)") }
                remote.close()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        done.wait()
        let forwardSeconds = seconds(since: forwardStart)

        let runs = options.hosts * options.runs
        let samples = runs * samplesPerRun
        print("hosts \(options.hosts), readers \(options.readers), iterations \(options.iterations) per reader")
        print("runs \(runs), samples \(samples) (\(samplesPerRun) per run)")
        print(
            String(
                format: "local saves:  %.1f s  (%.1f runs/s, %.0f samples/s; SQLite, 2 at a time)",
                saveSeconds, Double(runs) / saveSeconds, Double(samples) / saveSeconds))
        print(
            String(
                format: "forwarding:   %.1f s  (%.2f runs/s, %.0f samples/s; all hosts at once into PostgreSQL)",
                forwardSeconds, Double(runs) / forwardSeconds, Double(samples) / forwardSeconds))
        for failure in failures.all.prefix(10) { print("failure: \(failure)") }
        try? FileManager.default.removeItem(atPath: options.work)
        if !failures.all.isEmpty { exit(1) }
    }

    func trend(_ options: Options) throws {
        let store = PostgresHistoryStore(server: try PostgresLocation(options.db), timeout: .seconds(600))
        try store.prepare()
        var times: [Double] = []
        var rows = 0
        for _ in 0..<max(1, options.repeats) {
            let start = ContinuousClock.now
            rows = try store.trendPoints(TrendQuery(model: options.model, metric: .p95, mode: .warm)).count
            times.append(seconds(since: start))
        }
        times.sort()
        print(
            String(
                format: "trend of %@: %d points; best %.3f s, median %.3f s, worst %.3f s over %d runs of the query",
                options.model, rows, times[0], times[times.count / 2], times[times.count - 1], times.count))
    }

    let options = Options(CommandLine.arguments)
    do {
        switch options.command {
        case "ingest": try ingest(options)
        default: try trend(options)
        }
    } catch {
        FileHandle.standardError.write(Data("readerbench-fleet-scale: \(error)\n".utf8))
        exit(1)
    }
#else
    import Foundation

    FileHandle.standardError.write(
        Data(
            "readerbench-fleet-scale: built without the Fleet trait; use scripts/fleet-scale (swift build --traits Fleet)\n"
                .utf8))
    exit(2)
#endif
