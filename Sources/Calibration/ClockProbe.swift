import Measurement
import Results

#if canImport(Glibc)
    import Glibc
#endif

/// The clock's own figures, and how late a wait for a deadline returns on this host.
public enum ClockProbe {
    /// Resolution (`clock_getres`), the smallest step between successive readings, and the
    /// median cost of one reading (over `readings`).
    public static func measure(readings: Int = 200_000) -> ClockFigures {
        var resolution = timespec()
        clock_getres(CLOCK_MONOTONIC, &resolution)
        var smallest = UInt64.max
        var previous = MonotonicClock.now()
        var rounds: [Double] = []
        let perRound = max(1, readings / 9)
        for _ in 0..<9 {
            let start = MonotonicClock.now()
            for _ in 0..<perRound {
                let now = MonotonicClock.now()
                if now > previous { smallest = min(smallest, now - previous) }
                previous = now
            }
            rounds.append(Double(MonotonicClock.now() - start) / Double(perRound))
        }
        rounds.sort()
        return ClockFigures(
            resolutionNanoseconds: UInt64(resolution.tv_sec) * 1_000_000_000 + UInt64(resolution.tv_nsec),
            smallestStepNanoseconds: smallest == .max ? 0 : smallest, readNanoseconds: rounds[rounds.count / 2])
    }

    /// How late `PreciseWait.sleep(until:)` returns for waits of `waitNanoseconds`: the wake-up
    /// latency of an idle thread on this host (the simulated card's waits sleep like this for
    /// all but their last 250 µs).
    public static func wakeUpLateness(waits: Int = 200, waitNanoseconds: UInt64 = 1_000_000) -> Distribution? {
        var lateness: [UInt64] = []
        lateness.reserveCapacity(waits)
        for _ in 0..<waits {
            let deadline = MonotonicClock.now() + waitNanoseconds
            PreciseWait.sleep(until: deadline)
            lateness.append(MonotonicClock.now() &- deadline)
        }
        return Distribution(samples: lateness)
    }
}
