import Synchronization

/// The measured path's sign of life, for a watchdog on another thread: the time the exchange in
/// flight started (0 when none) and which step it is.
///
/// Two relaxed atomic stores per APDU: a few nanoseconds, no allocation. A reader that never
/// answers (vpcd waits for a mute card forever; some drivers wait minutes) would otherwise hang
/// the run with its results unwritten.
public final class Heartbeat: Sendable {
    private let started = Atomic<UInt64>(0)
    private let stepIndex = Atomic<Int>(-1)

    public init() {}

    /// An exchange (or connect/disconnect) starts now.
    @inlinable @inline(__always)
    public func beat(startedAt nanoseconds: UInt64, step: Int) {
        storeStep(step)
        storeStart(nanoseconds)
    }

    /// Nothing is in flight.
    @inlinable @inline(__always)
    public func idle() { storeStart(0) }

    /// When the exchange in flight started (0: none) and its step (-1 for connect/disconnect).
    public var inFlight: (startedAt: UInt64, step: Int) {
        (started.load(ordering: .relaxed), stepIndex.load(ordering: .relaxed))
    }

    @usableFromInline func storeStart(_ value: UInt64) { started.store(value, ordering: .relaxed) }
    @usableFromInline func storeStep(_ value: Int) { stepIndex.store(value, ordering: .relaxed) }
}
