import RunModel
import Results
import RunComparison
import Testing

/// Result files to series: what counts, what does not, and in which order.
@Suite("Series extraction")
struct SeriesExtractionTests {
    @Test("a real pin run: one reader, per mode the total, six phases and eight APDU kinds, warmups left out")
    func realRun() throws {
        let file = try ResultFile.load(Fixture.runA)
        let document = Fixture.documentA
        #expect(document.readers.count == 1)
        let reader = document.readers[0]
        #expect(reader.key == file.readers[0].reader.modelKey)
        #expect(reader.series.count == 30)
        #expect(reader.series.first?.key == .total("warm"))
        #expect(reader.series.filter { $0.key.mode == "cold" }.count == 15)
        let warmTotal = try #require(reader[.total("warm")])
        let expected = file.iterations.filter { $0.mode == .warm && !$0.warmup }.map { Double($0.totalNanoseconds) }
        #expect(warmTotal.samples == expected)
        #expect(expected.count == 200 && file.iterations.contains { $0.warmup })
        // READ BINARY chunk is sent seven times per iteration: one sample per exchange.
        let chunk = try #require(reader[SeriesKey(mode: "warm", kind: .apdu, name: "READ BINARY chunk")])
        #expect(chunk.samples.count == 1400)
        let phases = reader.series.filter { $0.key.mode == "warm" && $0.key.kind == .phase }.map(\.key.name)
        #expect(phases == ["connect", "select", "read certificate", "verify PIN", "sign", "disconnect"])
        #expect(reader.iterations.map(\.mode) == ["warm", "cold"])
        #expect(reader.iterations.allSatisfy { $0.measured == 200 && $0.failed == 0 })
    }

    @Test("what the run was: scenario, options, card source, modelled")
    func context() {
        let context = Fixture.documentA.context
        #expect(context.scenario == "pin" && context.cardSource == "simulated-in-process")
        #expect(context.measurement == .modelled && context.timingProfile == "instant")
        #expect(context.complete && context.hostCalibration == nil)
    }

    @Test("failed iterations count apart and give no samples; warmups count nowhere; no-response exchanges never")
    func failuresAndWarmups() {
        let failure = Failure(cause: .timeout, step: "sign", apdu: 1, message: "timed out")
        let file = ResultFile(
            header: SmallRun.header(),
            iterations: [
                SmallRun.iteration(0, warmup: true, select: 999, sign: 999),
                SmallRun.iteration(1, select: 100, sign: 1000),
                SmallRun.iteration(2, select: 120, sign: 5, failure: failure),
                SmallRun.iteration(3, select: 0, sign: 1100),
            ], summary: nil, complete: false)
        let document = SeriesDocument(resultFile: file, name: "small")
        let reader = document.readers[0]
        #expect(reader[.total("warm")]?.samples == [1100, 1100])
        #expect(reader[SeriesKey(mode: "warm", kind: .apdu, name: "SELECT")]?.samples == [100, 1])
        #expect(reader[SeriesKey(mode: "warm", kind: .apdu, name: "SIGN")]?.samples == [1000, 1100])
        #expect(reader[SeriesKey(mode: "warm", kind: .phase, name: "sign")]?.samples == [1000, 1100])
        #expect(
            reader.iterations == [ModeIterations(mode: "warm", measured: 3, failed: 1, failuresByCause: ["timeout": 1])]
        )
        #expect(document.samplesByReader["usb:1234:5678 fw=1.00"]?["warm total"] == [1100, 1100])
        #expect(!document.context.complete && document.context.measurement == .reader)
    }

    @Test("files that cannot be read are refused with a code, the result module's error kept")
    func unreadable() throws {
        do {
            _ = try SeriesDocument.load(Fixture.path("no-such-file.json"))
            Issue.record("a missing file was read")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.underlying?.code == .cannotRead)
        }
        do {
            _ = try SeriesDocument.load(Fixture.path("README.md"))
            Issue.record("a Markdown file was read")
        } catch {
            #expect(error.code == .unreadable)
        }
    }
}

/// What makes two runs incomparable, and what is only a warning.
@Suite("Comparability")
struct ComparabilityTests {
    @Test("the same run: nothing")
    func same() {
        #expect(Comparability.issues(baseline: Fixture.context(), current: Fixture.context()).isEmpty)
    }

    @Test("a model against a real reader is incomparable, and says so")
    func modelledVersusReal() {
        let real = Fixture.context {
            $0.cardSource = "pcsc"
            $0.measurement = .reader
            $0.timingProfile = nil
        }
        let issues = Comparability.issues(baseline: real, current: Fixture.context())
        #expect(issues.first?.code == .modelledVersusReal && issues.first?.severity == .incomparable)
        #expect(!issues.contains { $0.code == .cardSource })
    }

    @Test("scenario, read strategy, interval, card source and disjoint modes are incomparable")
    func incomparable() {
        let changes: [(ComparabilityIssue.Code, (inout RunContext) -> Void)] = [
            (.scenario, { $0.scenario = "visual" }),
            (.readStrategy, { $0.options.readStrategy = ReadStrategy(headerLength: .seven, chunking: .exact) }),
            (.interval, { $0.options.intervalMilliseconds = 100 }),
            (.cardSource, { $0.cardSource = "simulated-vpcd" }),
            (.noCommonMode, { $0.options.modes = [] }),
        ]
        for (code, change) in changes {
            let issues = Comparability.issues(baseline: Fixture.context(), current: Fixture.context(change))
            #expect(issues.contains { $0.code == code && $0.severity == .incomparable }, "\(code)")
        }
    }

    @Test("profile, machine, warmup and an unfinished run are warnings; the tool version a note; worst first")
    func warnings() {
        let current = Fixture.context {
            $0.timingProfile = "contact-default"
            $0.environment.cpu = "Other CPU"
            $0.options.warmup = 20
            $0.complete = false
            $0.toolVersion = "9.9"
            $0.scenario = "visual"
        }
        let issues = Comparability.issues(baseline: Fixture.context(), current: current)
        #expect(issues.map(\.severity) == issues.map(\.severity).sorted())
        for code in [ComparabilityIssue.Code.timingProfile, .environment, .options, .incomplete] {
            #expect(issues.contains { $0.code == code && $0.severity == .warning }, "\(code)")
        }
        #expect(issues.contains { $0.code == .toolVersion && $0.severity == .note })
    }
}

/// The gate's check of the hosts.
@Suite("Host calibration")
struct HostCalibrationTests {
    @Test("no calibration on either side: not recorded, said so, not a failure")
    func notRecorded() {
        let check = HostCheck(baseline: nil, current: HostNoise(floorP50: 20_000), margin: 0.05)
        #expect(check.outcome == .notRecorded)
        #expect(check.reasons == ["no calibration recorded for the baseline run; the hosts were not compared"])
    }

    @Test("floors within the margin plus the hosts' noise: same")
    func same() {
        let b = HostNoise(floorP50: 20_000, floorP99: 30_000, noiseP50: 0.01, noiseP90: 0.02, noiseP99: 0.1)
        let c = HostNoise(floorP50: 20_900, floorP99: 34_000, noiseP50: 0.012, noiseP90: 0.02, noiseP99: 0.08)
        #expect(HostCheck(baseline: b, current: c, margin: 0.05).outcome == .same)
    }

    @Test("a floor 20% higher, or noise as large as the margin: different")
    func different() {
        let b = HostNoise(floorP50: 20_000)
        let slower = HostCheck(baseline: b, current: HostNoise(floorP50: 24_000), margin: 0.05)
        #expect(slower.outcome == .different && slower.reasons.count == 1)
        let noisy = HostCheck(baseline: b, current: HostNoise(floorP50: 20_000, noiseP90: 0.06), margin: 0.05)
        #expect(noisy.outcome == .different)
        // Fields recorded on one side only are skipped.
        #expect(HostCheck(baseline: b, current: HostNoise(floorP99: 1), margin: 0.05).outcome == .same)
    }
}
