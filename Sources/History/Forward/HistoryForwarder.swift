import Foundation

// MARK: - Forwarding while a run goes

/// Forwards a live run to a shared history from a thread of its own, so that a slow or absent
/// server never stalls a measurement: the run's workers save each iteration locally (SQLite, a
/// fraction of a millisecond) and go on; this thread sends what is new every `interval`, backs off
/// while the server cannot be reached, and, once the live run is up to date, sends runs earlier
/// runs left unsent.
///
/// The thread is a `Thread`, not a task: the uploader blocks on the network, and blocking Swift's
/// cooperative pool would starve whatever else runs there.
public final class HistoryForwarder: @unchecked Sendable {
    /// What the forwarder did for the live run, when it stopped.
    public struct Outcome: Sendable {
        /// The live run's id at the remote, once anything of it arrived.
        public var remoteRun: Int64?
        /// Whether the remote holds the whole run.
        public var whole: Bool
        /// The last failure, when the run is not whole.
        public var lastError: HistoryError?
        /// Earlier unsent runs sent along the way.
        public var earlierRunsSent: Int
    }

    private let uploader: HistoryUploader
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var liveRun: Int64?
    private var stopping = false
    private var stopped = false
    private var remoteRun: Int64?
    private var whole = false
    private var lastError: HistoryError?
    private var earlierRunsSent = 0
    private var earlierRunsDone = false

    /// A forwarder through `uploader`, sending every `interval` seconds.
    public init(uploader: HistoryUploader, interval: TimeInterval = 1) {
        self.uploader = uploader
        self.interval = interval
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "readerbench-forwarder"
        // Not kept in a property: the thread holds this forwarder until its loop ends, and a
        // forwarder holding its thread back made a cycle that kept the history store, its database
        // connection and every saved iteration alive past the run (LeakSanitizer found it).
        thread.start()
    }

    /// The run to keep sending (its header is saved locally). Records it as unsent at once, so
    /// that if the server is never reached `history sync` knows to send it.
    public func watch(run: Int64) {
        try? uploader.local.registerUpload(run: run, remote: uploader.remote.location)
        condition.lock()
        liveRun = run
        condition.signal()
        condition.unlock()
    }

    /// Asks for a send now (the run finished).
    public func wake() {
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    /// Stops the thread, then makes one last attempt for the live run if it is not whole; waits
    /// at most about `timeout` seconds for the thread (a statement under way is bounded by the
    /// store's own deadline).
    public func finish(timeout: TimeInterval) -> Outcome {
        condition.lock()
        stopping = true
        condition.signal()
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped && condition.wait(until: deadline) {}
        let finishedInTime = stopped
        let run = liveRun
        condition.unlock()
        if finishedInTime, let run { attempt(run) }
        condition.lock()
        defer { condition.unlock() }
        return Outcome(remoteRun: remoteRun, whole: whole, lastError: lastError, earlierRunsSent: earlierRunsSent)
    }

    private func loop() {
        var failures = 0
        condition.lock()
        while !stopping {
            let run = liveRun
            condition.unlock()
            let ok = run.map(attempt) ?? true
            if ok && !earlierRunsDone { sendEarlierRuns() }
            failures = ok ? 0 : failures + 1
            // Back off while the server cannot be reached: 1, 2, 4 … 30 intervals.
            let wait = interval * Double(min(30, 1 << min(failures, 5)))
            condition.lock()
            if !stopping { _ = condition.wait(until: Date().addingTimeInterval(ok ? interval : wait)) }
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// One send of the live run; true when it worked.
    @discardableResult
    private func attempt(_ run: Int64) -> Bool {
        do {
            let sent = try uploader.send(run: run)
            condition.lock()
            remoteRun = sent.remoteRun
            whole = sent.whole
            lastError = nil
            condition.unlock()
            return true
        } catch {
            condition.lock()
            whole = false
            lastError = error
            condition.unlock()
            return false
        }
    }

    /// Runs earlier runs left unsent (the server was down then), once per forwarder.
    private func sendEarlierRuns() {
        guard let states = try? uploader.local.unsentUploads(remote: uploader.remote.location) else { return }
        var count = 0
        for state in states {
            // The live run may have started since the list was read: it is not an earlier one.
            condition.lock()
            let stop = stopping
            let live = liveRun
            condition.unlock()
            if stop { return }
            if state.run == live { continue }
            guard (try? uploader.send(run: state.run)) != nil else { return }
            count += 1
        }
        condition.lock()
        earlierRunsSent += count
        earlierRunsDone = true
        condition.unlock()
    }
}
