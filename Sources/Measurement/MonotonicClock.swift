#if canImport(Glibc)
    import Glibc
#endif

/// Nanoseconds from `CLOCK_MONOTONIC`: never steps back, unaffected by NTP adjustments of the
/// wall clock, and cheap (a vDSO call, about 20 ns here), so it can stamp every APDU.
public enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary fixed point (boot).
    @inlinable @inline(__always)
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
