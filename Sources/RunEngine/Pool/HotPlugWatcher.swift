import Foundation
import PCSC

/// What the watcher asks about readers: PC/SC in a run; a script in tests (no reader can be
/// plugged into this machine's pcscd on demand, so hot-plug is tested through this seam).
protocol ReaderListing {
    /// Waits up to `timeout` for the reader list to change; nil when the service cannot be asked.
    mutating func waitForChange(timeout: Duration) -> Bool?
    /// The readers now; nil when the service cannot be asked.
    func names() -> [String]?
    /// Interrupts a wait from another thread.
    var cancel: @Sendable () -> Void { get }
}

/// PC/SC's plug-and-play pseudo-reader (`\\?PnP?\Notification`), on a context of the watcher's own.
final class PCSCReaderListing: ReaderListing {
    private let context: PCSCContext
    private var states = [ReaderState(name: ReaderState.pnpNotificationName)]
    let cancel: @Sendable () -> Void

    init?() {
        guard let context = try? PCSCContext() else { return nil }
        let canceller = context.canceller
        self.context = context
        cancel = { canceller.cancel() }
        _ = try? self.context.waitForChange(&states, timeout: .zero)
        states[0].acknowledge()
    }

    func waitForChange(timeout: Duration) -> Bool? {
        guard let changed = try? context.waitForChange(&states, timeout: timeout) else { return nil }
        states[0].acknowledge()
        return changed
    }

    func names() -> [String]? { try? context.readerNames() }
}

/// Watches the reader list on a thread of its own and reports readers that appear. Readers that
/// leave are noticed by their own workers (their next exchange fails as reader-gone).
final class HotPlugWatcher: @unchecked Sendable {
    private var known: Set<String>
    private let onNewReader: @Sendable (String) -> Void
    private let makeListing: @Sendable () -> (any ReaderListing)?
    private let lock = NSLock()
    private var stopped = false
    private var cancel: (@Sendable () -> Void)?

    init(
        known: Set<String>, listing: @escaping @Sendable () -> (any ReaderListing)? = { PCSCReaderListing() },
        onNewReader: @escaping @Sendable (String) -> Void
    ) {
        self.known = known
        self.makeListing = listing
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
        let cancel = self.cancel
        lock.unlock()
        cancel?()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func run() {
        // The listing is made on this thread: PC/SC contexts belong to the thread that made them.
        guard var listing = makeListing() else { return }
        lock.lock()
        cancel = listing.cancel
        lock.unlock()
        while !isStopped {
            // Wake up now and then even without events, so stop() is seen without a cancel.
            guard let changed = listing.waitForChange(timeout: .milliseconds(500)) else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            guard changed, !isStopped, let names = listing.names() else { continue }
            for name in names where !known.contains(name) {
                known.insert(name)
                onNewReader(name)
            }
        }
    }
}
