import Foundation
import GRDB

// MARK: - The local side of store and forward

/// The SQLite store as the local buffer of a host that forwards its runs to a shared history: it
/// records which runs are to reach which remote, hands out what the remote lacks, and records
/// what arrived. A run is "unsent" while its remote holds less than the local run.
extension SQLiteHistoryStore {
    /// Notes that run `run` is to reach `remote`; a run's record exists from its start, so a run
    /// whose host never reached the server is still known to be unsent.
    public func registerUpload(run: Int64, remote: String) throws(HistoryError) {
        try write { db in try db.execute(sql: HistoryQueries.registerUpload, arguments: [run, remote]) }
    }

    /// What `run` has from iteration `sequence` on (at most `limit` iterations), with its summary
    /// when the run finished and the slice reaches its end.
    public func upload(run: Int64, from sequence: Int, limit: Int) throws(HistoryError) -> RunUpload {
        let path = self.path
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: HistoryQueries.forwardedRun, arguments: [run]) else {
                throw HistoryError(.noSuchRun, "no run:\(run) in \(path)")
            }
            let values = Self.values(row)
            let columns = values.count - 4
            let complete = (row[columns] as Int) != 0
            let count: Int = row[columns + 3]
            let readers = try Row.fetchAll(db, sql: HistoryQueries.forwardedReaders, arguments: [run]).map(Self.values)
            let iterations = try Row.fetchAll(
                db, sql: HistoryQueries.forwardedIterations, arguments: [run, sequence, max(0, limit)]
            ).map(Self.values)
            var finish: RunUpload.Finish?
            if complete && sequence + iterations.count >= count {
                finish = RunUpload.Finish(
                    stopReason: row[columns + 1], summaryJSON: row[columns + 2],
                    stats: try Row.fetchAll(db, sql: HistoryQueries.forwardedStats, arguments: [run]).map(Self.values))
            }
            guard case .text(let fingerprint) = values[0] else {
                throw HistoryError(.badRecord, "run:\(run) has no fingerprint")
            }
            return RunUpload(
                fingerprint: fingerprint, run: Array(values[0..<columns]), readers: readers, iterations: iterations,
                finish: finish, localIterations: count)
        }
    }

    /// Records what `remote` holds of `run` after a successful upload.
    public func markUploaded(run: Int64, remote: String, held: HeldRun) throws(HistoryError) {
        let now = Self.now()
        try write { db in
            try db.execute(
                sql: HistoryQueries.markUploaded,
                arguments: [held.id, held.iterations, held.complete ? 1 : 0, now, now, run, remote])
        }
    }

    /// Records a failed attempt and why.
    public func markUploadFailed(run: Int64, remote: String, reason: String) throws(HistoryError) {
        try write { db in
            try db.execute(sql: HistoryQueries.markUploadFailed, arguments: [Self.now(), reason, run, remote])
        }
    }

    /// Runs not yet whole at their remote (every remote when `remote` is nil), oldest first.
    public func unsentUploads(remote: String? = nil) throws(HistoryError) -> [UploadState] {
        try read { db in
            try Row.fetchAll(db, sql: HistoryQueries.unsentUploads, arguments: [remote, remote]).map(Self.uploadState)
        }
    }

    /// One run's upload record for `remote`, if it has one.
    public func uploadState(run: Int64, remote: String) throws(HistoryError) -> UploadState? {
        try read { db in
            try Row.fetchOne(db, sql: HistoryQueries.uploadState, arguments: [run, remote]).map(Self.uploadState)
        }
    }

    private static func uploadState(_ row: Row) -> UploadState {
        UploadState(
            run: row[0], remote: row[1], iterationsSent: row[2], localIterations: row[3],
            completeSent: (row[4] as Int) != 0, localComplete: (row[5] as Int) != 0, lastError: row[6],
            attemptedAt: row[7])
    }

    /// A row's columns as values any backend binds.
    static func values(_ row: Row) -> [SQLValue] {
        (0..<row.count).map { index in
            switch (row[index] as DatabaseValue).storage {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .blob([UInt8](data))
            }
        }
    }
}
