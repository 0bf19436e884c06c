import Foundation
import Measurement

/// Enforces `--timeout` on a thread of its own: if an exchange stays in flight longer than the
/// timeout, it calls `onTimeout` (which writes what was measured, says what happened and ends
/// the process), because a reader that never answers cannot be interrupted from inside
/// `SCardTransmit`.
final class Watchdog: @unchecked Sendable {
    let heartbeat = Heartbeat()
    private let timeoutNanoseconds: UInt64
    private let onTimeout: @Sendable (_ step: Int, _ waitedNanoseconds: UInt64) -> Void
    private let stopped = NSLock()
    private var isStopped = false

    init(timeoutMilliseconds: Int, onTimeout: @escaping @Sendable (_ step: Int, _ waitedNanoseconds: UInt64) -> Void) {
        timeoutNanoseconds = UInt64(max(1, timeoutMilliseconds)) * 1_000_000
        self.onTimeout = onTimeout
    }

    func start() {
        let thread = Thread { [self] in
            while !self.shouldStop {
                Thread.sleep(forTimeInterval: 0.02)
                let (startedAt, step) = self.heartbeat.inFlight
                guard startedAt != 0 else { continue }
                let now = MonotonicClock.now()
                if now > startedAt, now - startedAt > self.timeoutNanoseconds {
                    self.onTimeout(step, now - startedAt)
                    return
                }
            }
        }
        thread.name = "readerbench watchdog"
        // Not kept in a property: the thread holds this watchdog until it ends, and a watchdog
        // holding its thread back made a cycle that outlived the run (LeakSanitizer found it, with
        // the result sink and its histograms attached).
        thread.start()
    }

    func stop() {
        stopped.lock()
        isStopped = true
        stopped.unlock()
    }

    private var shouldStop: Bool {
        stopped.lock()
        defer { stopped.unlock() }
        return isStopped
    }
}
