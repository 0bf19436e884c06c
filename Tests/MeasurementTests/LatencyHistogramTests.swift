import Measurement
import Testing

@Suite("Latency summaries")
struct LatencyHistogramTests {
    @Test("percentiles of 1…1000 µs land within 0.1% of the exact nearest-rank values")
    func percentilesAreAccurate() throws {
        var histogram = LatencyHistogram()
        for microseconds in (1...1000).reversed() { histogram.record(UInt64(microseconds) * 1000) }
        let summary = try #require(histogram.summary)
        #expect(summary.count == 1000)
        #expect(summary.min == 1000 && summary.max == 1_000_000)
        for (value, exact) in [(summary.p50, 500_000.0), (summary.p90, 900_000), (summary.p99, 990_000)] {
            #expect(abs(Double(value) - exact) / exact <= 0.001, "\(value) vs \(exact)")
        }
        #expect(abs(summary.mean - 500_500) < 0.5)
    }

    @Test("an empty histogram has no summary")
    func emptyHasNoSummary() {
        #expect(LatencyHistogram().summary == nil)
    }

    @Test("adding histograms combines counts and extremes")
    func addCombines() throws {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        a.record(10)
        b.record(5_000)
        a.add(b)
        let summary = try #require(a.summary)
        #expect(summary.count == 2 && summary.min == 10 && summary.max == 5_000)
    }

    @Test("the monotonic clock never goes back")
    func clockIsMonotonic() {
        var last = MonotonicClock.now()
        for _ in 0..<10_000 {
            let now = MonotonicClock.now()
            #expect(now >= last)
            last = now
        }
    }
}
