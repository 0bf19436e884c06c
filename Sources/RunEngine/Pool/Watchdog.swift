import Foundation
import Measurement

/// Watches every worker's heartbeat on a thread of its own. An exchange in flight longer than
/// the timeout cannot be interrupted (vpcd waits forever for a mute card; some drivers wait
/// minutes inside `SCardTransmit`), so the watchdog abandons that worker: it calls `onTimeout`
/// once for it, and the run goes on with the others. It never ends the process.
final class Watchdog: @unchecked Sendable {
    private struct Member {
        var heartbeat: Heartbeat
        var timeoutNanoseconds: UInt64
        var onTimeout: @Sendable (_ step: Int, _ waitedNanoseconds: UInt64) -> Void
        var fired = false
    }

    private let lock = NSLock()
    private var members: [Int: Member] = [:]
    private var stopped = false

    /// Watches `reader`'s heartbeat from now on.
    func watch(
        _ reader: Int, heartbeat: Heartbeat, timeoutNanoseconds: UInt64,
        onTimeout: @escaping @Sendable (_ step: Int, _ waitedNanoseconds: UInt64) -> Void
    ) {
        lock.lock()
        defer { lock.unlock() }
        members[reader] = Member(heartbeat: heartbeat, timeoutNanoseconds: timeoutNanoseconds, onTimeout: onTimeout)
    }

    /// Stops watching `reader` (its worker ended).
    func forget(_ reader: Int) {
        lock.lock()
        defer { lock.unlock() }
        members[reader] = nil
    }

    func start() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.02)
                var due: [(@Sendable (Int, UInt64) -> Void, Int, UInt64)] = []
                lock.lock()
                if stopped {
                    lock.unlock()
                    return
                }
                let now = MonotonicClock.now()
                for (reader, member) in members where !member.fired {
                    let (startedAt, step) = member.heartbeat.inFlight
                    guard startedAt != 0, now > startedAt, now - startedAt > member.timeoutNanoseconds else { continue }
                    members[reader]?.fired = true
                    due.append((member.onTimeout, step, now - startedAt))
                }
                lock.unlock()
                for (call, step, waited) in due { call(step, waited) }
            }
        }
        thread.name = "readerbench watchdog"
        // Not kept in a property: the thread holds this watchdog until it ends, and a watchdog
        // holding its thread back made a cycle that outlived the run (LeakSanitizer found it).
        thread.start()
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        stopped = true
    }
}
