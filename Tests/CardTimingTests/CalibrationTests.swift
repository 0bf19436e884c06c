import Measurement
import Testing

/// What `PreciseWait` promises and a test can check on any machine: it never returns early.
/// How late it returns is the host's wake-up latency, a measurement: `readerbench calibrate`
/// reports it (and the benchmarks time it); no test asserts a wall-clock tolerance.
@Suite("Calibration")
struct CalibrationTests {
    @Test("PreciseWait.until(now + 2 ms), 200 times, never returns before its deadline")
    func twoMillisecondWaits() {
        for _ in 0..<200 {
            let deadline = MonotonicClock.now() + 2_000_000
            PreciseWait.until(deadline)
            let end = MonotonicClock.now()
            #expect(end >= deadline, "returned \(deadline &- end) ns early")
        }
    }

    @Test("PreciseWait.sleep(until:) never returns before its deadline either")
    func sleepsNeverEarly() {
        for delay: UInt64 in [1, 1_000, 100_000, 1_000_000] {
            let deadline = MonotonicClock.now() + delay
            PreciseWait.sleep(until: deadline)
            #expect(MonotonicClock.now() >= deadline)
        }
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
