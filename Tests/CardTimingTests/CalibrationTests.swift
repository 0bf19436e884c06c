import Measurement
import Testing

/// The one timed test, which the calibration issue asks for: the card-side delay of the
/// `fixed-2ms` profile is only as good as `PreciseWait`, so its median must be 2.000 ms.
///
/// Robust on a loaded 2-core machine: only the median is gated (preemption moves the tail, not
/// the middle); p90 and p99 are printed for the record, not checked.
@Suite("Calibration")
struct CalibrationTests {
    @Test("PreciseWait.until(now + 2 ms), 200 times: never early, median 2.000 ms ± 2%")
    func twoMillisecondWaits() {
        var waits: [UInt64] = []
        waits.reserveCapacity(200)
        for _ in 0..<200 {
            let start = MonotonicClock.now()
            let deadline = start + 2_000_000
            PreciseWait.until(deadline)
            let end = MonotonicClock.now()
            // Never returns before the deadline: that would be a wait shorter than asked.
            if end < deadline { Issue.record("returned \(deadline - end) ns early") }
            waits.append(end - start)
        }
        waits.sort()
        let median = (waits[99] + waits[100]) / 2
        let p90 = waits[179]
        let p99 = waits[197]
        print(
            "PreciseWait 2 ms × 200: min \(waits[0]) ns, median \(median) ns, p90 \(p90) ns, p99 \(p99) ns, max \(waits[199]) ns"
        )
        #expect(median >= 1_960_000 && median <= 2_040_000, "median \(median) ns")
    }

    @Test("PreciseWait.until returns at once for a deadline that has passed")
    func pastDeadline() {
        let now = MonotonicClock.now()
        PreciseWait.until(now - 1_000_000)
        PreciseWait.until(0)
        // No timing claim: it simply returns (a wait of 1 ms in the past must not sleep forever).
        #expect(MonotonicClock.now() >= now)
    }
}
