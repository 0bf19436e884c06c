import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Spinner threads at idle priority (`SCHED_IDLE`), one per CPU, while `body` runs: every CPU
/// stays busy, so none enters an idle state, yet any real thread that wakes preempts a spinner
/// at once. If the overhead of a busy card disappears under it, that overhead is the wake-up of
/// idle CPUs (on a VM, the host rescheduling a halted vCPU), not the PC/SC stack's work.
enum KeepAwake {
    static func during<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let stop = StopFlag()
        let count = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var threads: [Thread] = []
        for index in 0..<count {
            let thread = Thread {
                var parameters = sched_param()
                parameters.sched_priority = 0
                // SCHED_IDLE is 5 in <bits/sched.h>; Glibc's module does not export the name.
                _ = sched_setscheduler(0, 5, &parameters)
                while !stop.isSet {}
            }
            thread.name = "readerbench keep-awake \(index)"
            threads.append(thread)
            thread.start()
        }
        defer { stop.set() }
        return try body()
    }
}

/// A flag set once, read by spinning threads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
