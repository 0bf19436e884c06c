import RunModel
import Measurement
import Results
import Testing

@Suite("Run aggregation")
struct RunAggregatorTests {
    /// The exact nearest-rank percentile: the smallest value with at least p% of values at or
    /// below it.
    static func nearestRank(_ values: [UInt64], _ percentile: Double) -> UInt64 {
        let sorted = values.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(rank, 1) - 1]
    }

    static func expectClose(_ measured: UInt64?, _ exact: UInt64, _ what: String) {
        guard let measured else {
            Issue.record("\(what): no value")
            return
        }
        let error = abs(Double(measured) - Double(exact)) / Double(exact)
        #expect(error <= 0.001, "\(what): \(measured) vs exact \(exact)")
    }

    @Test("totals, phases and kinds match exact nearest-rank percentiles within HdrHistogram's 0.1%")
    func percentilesMatchExactValues() throws {
        var aggregator = RunAggregator(labels: Fixture.labels)
        // 199 values spread over 1…8.5 ms, fed in a scrambled order (73 is coprime with 199).
        let totals = (0..<199).map { UInt64(1_000_000 + $0 * 37_813) }
        let apduTimes = (0..<199).map { UInt64(200_000 + $0 * 4_999) }
        for step in 0..<199 {
            let position = (step * 73) % 199
            aggregator.add(
                Fixture.iteration(step, total: totals[position], apduNanoseconds: apduTimes[position]))
        }
        let warm = try #require(aggregator.summary(stopReason: .completed, note: "").warm)
        let total = try #require(warm.total)
        #expect(total.count == 199 && total.min == totals.min() && total.max == totals.max())
        for percentile in [50.0, 90, 95, 99, 99.9] {
            let measured: UInt64 =
                switch percentile {
                case 50: total.p50
                case 90: total.p90
                case 95: total.p95
                case 99: total.p99
                default: total.p999
                }
            Self.expectClose(measured, Self.nearestRank(totals, percentile), "total p\(percentile)")
        }
        let sign = try #require(warm.phases.first { $0.name == "sign" })
        Self.expectClose(sign.summary.p90, Self.nearestRank(totals.map { $0 / 4 }, 90), "sign phase p90")
        let readBinary = try #require(warm.apduKinds.first { $0.name == "READ BINARY" })
        // Two READ BINARY exchanges per iteration, both of the iteration's APDU time.
        #expect(readBinary.summary?.count == 398 && readBinary.failures == 0)
        Self.expectClose(readBinary.summary?.p50, Self.nearestRank(apduTimes + apduTimes, 50), "READ BINARY p50")
        Self.expectClose(readBinary.summary?.p99, Self.nearestRank(apduTimes + apduTimes, 99), "READ BINARY p99")
    }

    @Test("phases are listed in label order and kinds in label order")
    func orderFollowsLabels() throws {
        var aggregator = RunAggregator(labels: Fixture.labels)
        var iteration = Fixture.iteration(0)
        iteration.phases.reverse()
        iteration.phases.append(PhaseTiming(phase: "extra", startOffsetNanoseconds: 0, durationNanoseconds: 7))
        aggregator.add(iteration)
        let warm = try #require(aggregator.summary(stopReason: .completed, note: "").warm)
        #expect(warm.phases.map(\.name) == Fixture.labels.phases + ["extra"])
        #expect(warm.apduKinds.map(\.name) == Fixture.labels.apduKinds)
    }

    @Test("warmup iterations count nowhere")
    func warmupsAreExcluded() throws {
        var aggregator = RunAggregator(labels: Fixture.labels)
        for index in 0..<5 {
            aggregator.add(Fixture.iteration(index, warmup: true, total: 900_000_000, apduNanoseconds: 90_000_000))
        }
        aggregator.add(Fixture.iteration(5, warmup: true, failure: Failure(cause: .pcsc, message: "removed")))
        for index in 6..<16 { aggregator.add(Fixture.iteration(index, total: 10_000_000)) }
        #expect(aggregator.measuredIterations == 10)
        let warm = try #require(aggregator.summary(stopReason: .completed, note: "").warm)
        #expect(warm.iterations == 10 && warm.succeeded == 10 && warm.failuresByCause.isEmpty)
        #expect(warm.total?.max == 10_000_000)
        #expect(warm.apduKinds.allSatisfy { ($0.summary?.max ?? 0) == 1_000_000 })
    }

    @Test("failures are counted by cause and their totals left out, while their completed exchanges count")
    func failuresByCause() throws {
        var aggregator = RunAggregator(labels: Fixture.labels)
        for index in 0..<6 { aggregator.add(Fixture.iteration(index, total: 50_000_000)) }
        // Failed at VERIFY (APDU 5) with a bad status word: APDUs 0…4 completed, 5 is the failure.
        var badPIN = Fixture.iteration(
            6, total: 1_000, apduNanoseconds: 3_000_000,
            failure: Failure(cause: .statusWord, step: "verify", apdu: 5, message: "63C1"))
        badPIN.apdus.removeLast(2)
        badPIN.apdus[5].statusWord = 0x63C1
        aggregator.add(badPIN)
        // The reader vanished during READ BINARY: no response for APDU 3.
        var removed = Fixture.iteration(
            7, total: 2_000, failure: Failure(cause: .pcsc, step: "read-rest", apdu: 3, message: "SCARD_W_REMOVED_CARD")
        )
        removed.apdus.removeLast(4)
        removed.apdus[3].statusWord = APDUTiming.noStatusWord
        aggregator.add(removed)
        aggregator.add(Fixture.iteration(8, total: 3_000, failure: Failure(cause: .pcsc, message: "no reader")))
        aggregator.add(
            Fixture.iteration(9, total: 4_000, failure: Failure(cause: .checkFailed, message: "bad signature")))
        aggregator.add(Fixture.iteration(10, mode: .cold, failure: Failure(cause: .timeout, message: "over 5 s")))

        let summary = aggregator.summary(stopReason: .error, note: "reader removed")
        let warm = try #require(summary.warm)
        #expect(warm.iterations == 10 && warm.succeeded == 6)
        #expect(warm.failuresByCause == ["status-word": 1, "pcsc": 2, "check-failed": 1])
        #expect(warm.total?.count == 6 && warm.total?.min == 50_000_000)
        #expect(warm.phases.allSatisfy { $0.summary.count == 6 })

        let verify = try #require(warm.apduKinds.first { $0.name == "VERIFY" })
        #expect(verify.failures == 1)
        // Six successes, plus the whole failed iterations 8 and 9 (their exchanges all completed).
        #expect(verify.summary?.count == 8)
        let readBinary = try #require(warm.apduKinds.first { $0.name == "READ BINARY" })
        #expect(readBinary.failures == 1)
        // Six successes, 2 each; badPIN 2; removed 1 (APDU 2); iterations 8 and 9, 2 each.
        #expect(readBinary.summary?.count == 12 + 2 + 1 + 4)
        #expect(readBinary.summary?.max == 3_000_000)

        let cold = try #require(summary.cold)
        #expect(cold.iterations == 1 && cold.succeeded == 0 && cold.total == nil)
        #expect(cold.failuresByCause == ["timeout": 1] && cold.phases.isEmpty)
        #expect(summary.stopReason == .error && summary.note == "reader removed")
    }

    @Test("a mode that never ran has no summary")
    func absentModes() {
        var aggregator = RunAggregator(labels: Fixture.labels)
        aggregator.add(Fixture.iteration(0, mode: .cold))
        let summary = aggregator.summary(stopReason: .completed, note: "")
        #expect(summary.warm == nil && summary.cold?.iterations == 1)
    }
}
