#if canImport(Glibc)
    import Glibc
#endif

/// Waits until a monotonic deadline, precisely: the simulator's card-side delays are what the
/// harness measures, so they must not carry the scheduler's wake-up slop (tens to hundreds of
/// microseconds on a busy 2-core machine).
///
/// It sleeps (absolute `clock_nanosleep`, immune to accumulated drift) until shortly before the
/// deadline, then spins on the clock for the rest.
public enum PreciseWait {
    /// How long before the deadline sleeping stops and spinning starts.
    public static let spinNanoseconds: UInt64 = 250_000

    /// Returns at `deadline` (``MonotonicClock`` nanoseconds), or at once if it has passed.
    @inlinable
    public static func until(_ deadline: UInt64) {
        let now = MonotonicClock.now()
        if deadline <= now { return }
        if deadline - now > spinNanoseconds { sleep(until: deadline - spinNanoseconds) }
        while MonotonicClock.now() < deadline {}
    }

    /// Spins on the clock until `deadline`, never sleeping: exact, and keeps this CPU busy.
    @inlinable
    public static func spin(until deadline: UInt64) {
        while MonotonicClock.now() < deadline {}
    }

    /// Sleeps until `deadline` without spinning (for waits whose precision does not matter).
    public static func sleep(until deadline: UInt64) {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
