import Foundation
import PCSC

/// Watches PC/SC's plug-and-play pseudo-reader (`\\?PnP?\Notification`) on a thread and a
/// context of its own, and reports readers that appear. Readers that leave are noticed by their
/// own workers (their next exchange fails as reader-gone).
final class HotPlugWatcher: @unchecked Sendable {
    private var known: Set<String>
    private let onNewReader: @Sendable (String) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var canceller: Canceller?

    init(known: Set<String>, onNewReader: @escaping @Sendable (String) -> Void) {
        self.known = known
        self.onNewReader = onNewReader
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "readerbench hot-plug"
        thread.start()
    }

    func stop() {
        lock.lock()
        stopped = true
        let canceller = self.canceller
        lock.unlock()
        canceller?.cancel()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func run() {
        guard let context = try? PCSCContext() else { return }
        lock.lock()
        canceller = context.canceller
        lock.unlock()
        var states = [ReaderState(name: ReaderState.pnpNotificationName)]
        _ = try? context.waitForChange(&states, timeout: .zero)
        states[0].acknowledge()
        while !isStopped {
            // Wake up now and then even without events, so stop() is seen without SCardCancel.
            guard let changed = try? context.waitForChange(&states, timeout: .milliseconds(500)) else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            states[0].acknowledge()
            guard changed, !isStopped, let names = try? context.readerNames() else { continue }
            for name in names where !known.contains(name) {
                known.insert(name)
                onNewReader(name)
            }
        }
    }
}
