import Foundation

// MARK: - Forwarding runs to a shared history

/// Sends local runs to a shared history (store and forward): each call sends what the remote
/// lacks of a run — its row, readers, the iterations after those it holds, and the summary once
/// the run finished — and records locally what arrived.
///
/// Idempotent and resumable: the remote is asked what it holds before anything is sent, every
/// write there is keyed (fingerprint; run and sequence), and each slice is one transaction, so a
/// connection lost half-way loses nothing and duplicates nothing: the next call starts where the
/// remote's last committed slice ended.
///
/// Blocking: call it from a thread of one's own (``HistoryForwarder``) or the command line, never
/// from a run's measuring threads.
public final class HistoryUploader: @unchecked Sendable {
    /// The local history (the buffer).
    public let local: SQLiteHistoryStore
    /// The shared history.
    public let remote: any HistoryReceiver
    /// Iterations per transaction at the remote.
    public let sliceSize: Int

    public init(local: SQLiteHistoryStore, remote: any HistoryReceiver, sliceSize: Int = 2_000) {
        self.local = local
        self.remote = remote
        self.sliceSize = max(1, sliceSize)
    }

    /// What one call sent of a run.
    public struct Sent: Sendable, Hashable {
        /// The run's id in the local history.
        public var run: Int64
        /// Its id at the remote.
        public var remoteRun: Int64
        /// Iterations sent by this call (0: the remote had them all).
        public var iterations: Int
        /// Whether the remote now holds everything the local run has saved (every iteration, and
        /// the summary once it finished). A run still going is whole after each send and unsent
        /// again after its next saved iteration; a run killed mid-way is whole once its saved
        /// iterations arrived (it never gets a summary).
        public var whole: Bool
    }

    /// Sends `run` what the remote lacks. A failure is recorded locally (the run stays unsent) and
    /// thrown.
    @discardableResult
    public func send(run: Int64) throws(HistoryError) -> Sent {
        try local.registerUpload(run: run, remote: remote.location)
        do {
            return try sendRegistered(run)
        } catch {
            try? local.markUploadFailed(run: run, remote: remote.location, reason: error.reason)
            throw error
        }
    }

    private func sendRegistered(_ run: Int64) throws(HistoryError) -> Sent {
        let head = try local.upload(run: run, from: 0, limit: 0)
        var held = try remote.held(fingerprint: head.fingerprint)
        var last = head
        var sent = 0
        while true {
            let from = held?.iterations ?? 0
            let upload = try local.upload(run: run, from: from, limit: sliceSize)
            last = upload
            let lacksSummary = upload.finish != nil && !(held?.complete ?? false)
            if held != nil && upload.iterations.isEmpty && !lacksSummary { break }
            let now = try remote.receive(upload)
            sent += max(0, now.iterations - from)
            held = now
            try local.markUploaded(run: run, remote: remote.location, held: now)
            // The end of the local run (as it was read) reached: done for now.
            if upload.iterations.count < sliceSize || upload.finish != nil { break }
        }
        guard let held else { throw HistoryError(.databaseError, "run:\(run) was not received") }
        try local.markUploaded(run: run, remote: remote.location, held: held)
        let whole = held.iterations >= last.localIterations && (held.complete || last.finish == nil)
        return Sent(run: run, remoteRun: held.id, iterations: sent, whole: whole)
    }

    /// What ``sendUnsent()`` did.
    public struct Report: Sendable {
        /// Runs sent (or found whole at the remote already).
        public var sent: [Sent] = []
        /// Runs that could not be sent, and why.
        public var failed: [(run: Int64, error: HistoryError)] = []
    }

    /// Sends every run not yet whole at this remote, oldest first. Stops at the first run that
    /// fails for an unreachable server (the rest would fail the same way); other failures are
    /// reported per run and the others go on.
    public func sendUnsent() throws(HistoryError) -> Report {
        var report = Report()
        for state in try local.unsentUploads(remote: remote.location) {
            do {
                report.sent.append(try send(run: state.run))
            } catch {
                report.failed.append((state.run, error))
                if error.code == .unreachable { break }
            }
        }
        return report
    }
}
