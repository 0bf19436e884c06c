// HistoryScale: the history at the issue's scale, measured (not a timed test).
//
//   swift run -c release --package-path Benchmarks HistoryScale DB [RUNS] [ITERATIONS]
//
// Fills DB (which must not exist) with RUNS runs (default 10,000) of ITERATIONS iterations each
// (default 400: 200 warm + 200 cold), shaped like the `pin` scenario (12 exchanges, 7 phases), over
// 12 reader models; one model's firmware changes half-way and makes it 15% slower, which the trend
// must flag. Then times, in this process, the queries behind `history list` and `history trend`,
// and the cost of saving one iteration in its own transaction (what a live run pays). Prints the
// database size per million samples and per million iterations. scripts/history-scale-bench also
// times the real commands.
import CardIdentity
import Foundation
import History
import Measurement
import Results
import RunModel

func main() throws {
    let arguments = CommandLine.arguments.dropFirst()
    guard let path = arguments.first else {
        print("usage: HistoryScale DB [RUNS] [ITERATIONS]")
        exit(2)
    }
    let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
    let iterations = arguments.dropFirst(2).first.flatMap(Int.init) ?? 400
    guard !FileManager.default.fileExists(atPath: path) else {
        print("\(path) exists; give a new file")
        exit(2)
    }
    let store = try SQLiteHistoryStore(path: path)
    let labels = SampleLabels(
        phases: ["connect", "select", "read-token", "verify-pin", "sign", "read-certificate", "disconnect"],
        apduKinds: [
            "SELECT AP", "SELECT EF", "READ BINARY token", "VERIFY retry counter", "VERIFY",
            "COMPUTE DIGITAL SIGNATURE", "READ BINARY header", "READ BINARY chunk",
        ],
        steps: (0..<12).map { "step-\($0)" })
    let kinds = [0, 2, 1, 3, 4, 1, 5, 1, 6, 7, 7, 7]
    let phases = [1, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5]
    var random = SplitMix(seed: 42)

    var samples = 0
    let started = Date()
    for run in 0..<runs {
        let model = run % 12
        let late = run >= runs / 2
        let release = model == 0 && late ? "1.10" : "1.00"
        let pcscLite = late ? "2.0.3" : "1.9.9"
        var info = ReaderInfo(
            name: "Vendor\(model) Reader Model \(model) 00 00", identity: nil,
            modelKey: "usb:1000:\(String(format: "%04x", model))@\(release)",
            atr: nil)
        info.usbModelKey = info.modelKey
        let header = ResultHeader(
            tool: ToolInfo(version: "0.1.0"),
            createdAt: ISO8601DateFormatter().string(
                from: Date(timeIntervalSince1970: 1_735_689_600 + Double(run) * 3_600)),
            run: RunOptions(
                scenario: "pin", iterations: iterations / 2, warmup: 0, modes: [.warm, .cold], intervalMilliseconds: 0,
                timeoutMilliseconds: 10_000, readStrategy: ReadStrategy(headerLength: .four, chunking: .exact)),
            environment: Environment(
                os: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0", machine: "x86_64", cpu: "x", cpuCount: 2,
                pcscLiteVersion: pcscLite),
            readers: [ReaderRecord(id: 0, reader: info, card: CardInfo(source: .pcsc, measures: "a real card"))],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 40), labels: labels)
        let id = try store.beginRun(header, origin: RunOrigin(kind: .run, hostID: "bench"))
        let slow = 1.0 + Double(model) * 0.05 + (model == 0 && late ? 0.15 : 0)
        var batch: [IterationResult] = []
        var totals: [IterationMode: [UInt64]] = [:]
        var clock: UInt64 = 0
        for index in 0..<iterations {
            let mode: IterationMode = index < iterations / 2 ? .warm : .cold
            var offset: UInt64 = mode == .cold ? 60_000_000 : 200_000
            var apdus: [APDUTiming] = []
            for step in 0..<12 {
                let base = [
                    300_000.0, 250_000, 2_000_000, 300_000, 9_000_000, 250_000, 180_000_000, 250_000, 3_000_000,
                    20_000_000, 20_000_000, 12_000_000,
                ][step]
                let duration = UInt64(base * slow * (0.95 + 0.1 * random.unit()))
                apdus.append(
                    APDUTiming(
                        step: step, kind: kinds[step], phase: phases[step], startOffsetNanoseconds: offset,
                        durationNanoseconds: duration, statusWord: 0x9000, roundTrips: 1))
                offset += duration + 2_000
            }
            var phaseTimings = [
                PhaseTiming(
                    phase: "connect", startOffsetNanoseconds: 0,
                    durationNanoseconds: mode == .cold ? 60_000_000 : 150_000)
            ]
            for phase in 1...5 {
                let members = apdus.filter { $0.phase == phase }
                let start = members.first!.startOffsetNanoseconds
                let end = members.last!.startOffsetNanoseconds + members.last!.durationNanoseconds
                phaseTimings.append(
                    PhaseTiming(
                        phase: labels.phases[phase], startOffsetNanoseconds: start, durationNanoseconds: end - start))
            }
            phaseTimings.append(
                PhaseTiming(phase: "disconnect", startOffsetNanoseconds: offset, durationNanoseconds: 90_000))
            let iteration = IterationResult(
                index: index, mode: mode, warmup: false, startOffsetNanoseconds: clock,
                totalNanoseconds: offset + 90_000,
                phases: phaseTimings, apdus: apdus)
            clock += offset + 1_000_000
            samples += 1 + phaseTimings.count + apdus.count
            totals[mode, default: []].append(iteration.totalNanoseconds)
            batch.append(iteration)
        }
        try store.append(batch, run: id, labels: labels, firstSequence: 0)
        // The summary of the check per mode, from the exact totals. (RunAggregator would build an
        // HdrHistogram per phase and kind of every run: minutes of memset at this scale, and the
        // history keeps only the check's percentiles in its statistics table.)
        try store.finishRun(id, summary: summary(totals))
        if run % 1000 == 999 {
            print("  \(run + 1) runs, \(Int(Date().timeIntervalSince(started))) s")
            fflush(nil)
        }
    }
    let generation = Date().timeIntervalSince(started)
    let iterationsTotal = runs * iterations

    func time(_ label: String, repeats: Int, _ body: () throws -> Int) rethrows {
        var times: [Double] = []
        var count = 0
        for _ in 0..<repeats {
            let start = Date()
            count = try body()
            times.append(Date().timeIntervalSince(start) * 1000)
        }
        times.sort()
        print(
            String(
                format: "%@: median %.1f ms, min %.1f ms, max %.1f ms over %d (%d rows)", label, times[times.count / 2],
                times[0], times[times.count - 1], repeats, count))
    }
    print("")
    print(
        String(
            format: "generated %d runs × %d iterations (%d samples) in %.0f s", runs, iterations, samples, generation))
    // Queries: a fresh store each time would include opening; open once, as the CLI does per command.
    try time("open the store", repeats: 10) {
        _ = try SQLiteHistoryStore(path: path); return 0
    }
    try time("list every run", repeats: 10) { try store.runs(RunQuery()).count }
    try time("list the newest 20", repeats: 10) { try store.runs(RunQuery(limit: 20)).count }
    try time("list one model (every firmware)", repeats: 10) { try store.runs(RunQuery(model: "usb:1000:0000")).count }
    var changes: [ChangePoint] = []
    try time("trend of one model's p95 over all its runs", repeats: 10) {
        let trend = try store.trend(TrendQuery(model: "usb:1000:0000", metric: .p95, mode: .warm))
        changes = trend.changes
        return trend.points.count
    }
    print(
        "  change points: "
            + changes.map {
                "at \($0.index) ×\(String(format: "%.3f", $0.ratio)) (\($0.coincidesWith.joined(separator: "; ")))"
            }.joined(separator: ", "))
    try time("read one run back whole", repeats: 10) { try store.run(Int64(runs / 2)).file.iterations.count }

    // A live run's cost: one transaction per iteration.
    let live = try store.beginRun(
        ResultHeader(
            tool: ToolInfo(version: "0.1.0"), createdAt: "2099-01-01T00:00:00Z",
            run: RunOptions(
                scenario: "pin", iterations: 2000, warmup: 0, modes: [.warm], intervalMilliseconds: 0,
                timeoutMilliseconds: 1, readStrategy: ReadStrategy(headerLength: .four, chunking: .exact)),
            environment: Environment(os: nil, kernel: nil, machine: nil, cpu: nil, cpuCount: 1),
            readers: [
                ReaderRecord(
                    id: 0, reader: ReaderInfo(name: "live", identity: nil, modelKey: "live", atr: nil),
                    card: CardInfo(source: .pcsc, measures: "x"))
            ],
            instrumentation: Instrumentation(overheadNanosecondsPerAPDU: 1), labels: labels),
        origin: RunOrigin(kind: .run, hostID: "bench"))
    let sample = try store.run(1).file.iterations[0]
    let liveStart = Date()
    for sequence in 0..<2000 {
        try store.append([sample], run: live, labels: labels, firstSequence: sequence)
    }
    print(
        String(
            format: "save one iteration in its own transaction (WAL, synchronous=NORMAL): %.0f µs each over 2000",
            Date().timeIntervalSince(liveStart) / 2000 * 1e6))

    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
    let size = (attributes[.size] as? Int ?? 0) + wal
    print(
        String(
            format:
                "database: %.1f MB (%d B WAL); %.2f MB per million samples, %.1f MB per million iterations, %.0f B per iteration",
            Double(size) / 1e6, wal, Double(size) / Double(samples), Double(size) / Double(iterationsTotal),
            Double(size) / Double(iterationsTotal)))
}

/// A run summary with the check's percentiles per mode (nearest rank on the exact values).
func summary(_ totals: [IterationMode: [UInt64]]) throws -> RunSummary {
    func mode(_ values: [UInt64]?) throws -> ModeSummary? {
        guard let values, !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Double) -> UInt64 {
            sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        let mean = Double(sorted.reduce(0, +)) / Double(sorted.count)
        let json = """
            {"count":\(sorted.count),"min":\(sorted[0]),"p50":\(rank(0.5)),"p90":\(rank(0.9)),"p95":\(rank(0.95)),\
            "p99":\(rank(0.99)),"p99_9":\(rank(0.999)),"max":\(sorted[sorted.count - 1]),"mean":\(mean),"stddev":0}
            """
        let total = try JSONDecoder().decode(LatencySummary.self, from: Data(json.utf8))
        return ModeSummary(
            iterations: sorted.count, succeeded: sorted.count, failuresByCause: [:], total: total, phases: [],
            apduKinds: [])
    }
    return RunSummary(
        readers: [
            ReaderSummary(
                reader: 0, warm: try mode(totals[.warm]), cold: try mode(totals[.cold]), stopReason: .completed,
                note: "")
        ],
        stopReason: .completed, note: "completed")
}

/// A small deterministic generator (SplitMix64), so every run of the benchmark writes the same data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

try main()
