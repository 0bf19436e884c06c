import Foundation
import GRDB
import Measurement
import Results
import RunModel

// MARK: - The SQLite store

/// The history in one SQLite file (GRDB), for one machine: WAL mode, so `history` commands read
/// while a run writes, and two runs saving at once (two processes) both land, each waiting its
/// turn for the write lock (busy timeout) rather than failing.
///
/// Opening never damages a file that is not ours: a file that is not SQLite, or an SQLite
/// database of another program (its `application_id` is not ``HistorySchema/applicationID`` and
/// it has tables), is refused before anything is written to it.
public final class SQLiteHistoryStore: HistoryStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path`, creating it (and its folder) when missing, and brings its
    /// schema up to date.
    public init(path: String) throws(HistoryError) {
        self.path = path
        // Two processes opening one new database at once race on switching it to WAL and on the
        // first migration, and SQLite answers one of them SQLITE_BUSY without calling the busy
        // handler. Opening is therefore serialized between processes with a `flock` on the
        // database's folder, held until the schema is ready; reads and writes afterwards use
        // SQLite's locking alone.
        let opening = try Self.lockForOpening(path)
        defer { opening.map { _ = Glibc.close($0) } }
        let version = try Self.checkNotForeign(path)
        if let version, version > HistorySchema.currentVersion {
            throw HistoryError(
                .newerSchema,
                "\(path) has schema version \(version); this readerbench knows up to \(HistorySchema.currentVersion): "
                    + "update readerbench")
        }
        var configuration = Configuration()
        // Two processes saving at once wait for each other's write (one iteration: a millisecond
        // or so) instead of failing with SQLITE_BUSY.
        configuration.busyMode = .timeout(30)
        configuration.label = "readerbench-history"
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a committed iteration survives the process being killed (the
            // WAL is in the page cache); only power loss can take the last few commits.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.mapped(error, path: path, doing: "opening")
        }
        // An up-to-date database is only read here: no write transaction, so `history list`
        // never waits for a run that is saving, and a file is written only when it needs a
        // migration.
        if version.map({ $0 < HistorySchema.currentVersion }) ?? true { try migrate() }
    }

    // MARK: - Opening safely

    /// Takes an exclusive `flock` on the database's folder for the time of opening, creating the
    /// folder when missing. The lock is on the folder, not on the file: closing any descriptor of
    /// the database file would drop every `fcntl` lock SQLite holds on it in this process. Returns
    /// the descriptor holding the lock; nil when the folder cannot be opened (the open that
    /// follows names the problem).
    static func lockForOpening(_ path: String) throws(HistoryError) -> Int32? {
        let named = (path as NSString).deletingLastPathComponent
        let folder = named.isEmpty ? "." : named
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw HistoryError(
                    .cannotOpen, "\(path): cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        let descriptor = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { break }
        }
        return descriptor
    }

    /// Refuses a non-empty file that is not an SQLite database, an SQLite database of another
    /// program, or one of ours whose schema cannot be read (damaged), through a read-only
    /// connection: nothing is written to a file that is refused. Returns the schema version of a
    /// database of ours (nil for a new or empty file).
    static func checkNotForeign(_ path: String) throws(HistoryError) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            guard errno == ENOENT else {
                throw HistoryError(.cannotOpen, "\(path): \(String(cString: strerror(errno)))")
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw HistoryError(
                        .cannotOpen, "\(path): cannot create the folder \(folder): \(error.localizedDescription)")
                }
            }
            return nil
        }
        guard status.st_size > 0 else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HistoryError(.cannotOpen, "\(path): cannot be read")
        }
        let magic = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard magic == Data("SQLite format 3\0".utf8) else {
            throw HistoryError(
                .notADatabase, "\(path) is not an SQLite database (it was left untouched); give another --db")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let (application, tables) = try queue.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                )
            }
            if application != HistorySchema.applicationID {
                try queue.close()
                if tables > 0 {
                    throw HistoryError(
                        .foreignDatabase,
                        "\(path) is an SQLite database of another program (application id \(application), \(tables) "
                            + "schema objects); it was left untouched")
                }
                return nil
            }
            // Ours: its migrations table and its newest run must read, or the file is damaged.
            let version = try queue.read { db in
                let version = try Int.fetchOne(db, sql: "SELECT max(version) FROM schema_migrations") ?? 0
                if version >= 1 { _ = try Int64.fetchOne(db, sql: "SELECT max(id) FROM runs") }
                return version
            }
            try queue.close()
            return version
        } catch let error as HistoryError {
            throw error
        } catch {
            throw mapped(error, path: path, doing: "checking")
        }
    }

    /// Applies the migrations this database lacks, in one transaction; refuses a database with
    /// migrations this build does not know.
    private func migrate() throws(HistoryError) {
        let path = self.path
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    // The same migration code as the PostgreSQL store (SQLHistory.migrate); only
                    // the header field that says "ours" is SQLite's own.
                    try SQLHistory.migrate(GRDBSession(db: db, path: path), dialect: .sqlite, location: path)
                    if try Int32.fetchOne(db, sql: "PRAGMA application_id") != HistorySchema.applicationID {
                        try db.execute(sql: "PRAGMA application_id = \(HistorySchema.applicationID)")
                    }
                    return .commit
                }
            }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw Self.mapped(error, path: path, doing: "preparing the schema of")
        }
    }

    /// The schema version of the open database.
    public func schemaVersion() throws(HistoryError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT max(version) FROM schema_migrations") ?? 0 }
    }

    // MARK: - Saving

    public func beginRun(_ header: ResultHeader, origin: RunOrigin) throws(HistoryError) -> Int64 {
        let fingerprint = RunFingerprint.of(header)
        let headerJSON = try Self.json(header)
        let calibrationJSON = try header.calibration.map { value throws(HistoryError) in try Self.json(value) }
        let records = try header.readers.map { record throws(HistoryError) in (record, try Self.json(record)) }
        return try write { db in
            if let existing = try Int64.fetchOne(db, sql: HistoryQueries.runExists, arguments: [fingerprint]) {
                throw HistoryError(.duplicate, "this run is already in the history as run:\(existing)")
            }
            let id = try Int64.fetchOne(
                db, sql: HistoryQueries.insertRun,
                arguments: [
                    fingerprint, origin.hostID, origin.site, header.createdAt, Self.now(), origin.kind.rawValue,
                    origin.name, header.tool.version, header.run.scenario, header.environment.os,
                    header.environment.kernel, header.environment.pcscLiteVersion, header.isModelled ? 1 : 0,
                    headerJSON, calibrationJSON,
                ])!
            for (record, json) in records {
                try Self.insert(record, json: json, run: id, joinedAt: nil, db: db)
            }
            return id
        }
    }

    public func addReader(_ record: ReaderRecord, run: Int64, iterationsBefore: Int) throws(HistoryError) {
        let json = try Self.json(record)
        try write { db in try Self.insert(record, json: json, run: run, joinedAt: iterationsBefore, db: db) }
    }

    public func append(_ iterations: [IterationResult], run: Int64, labels: SampleLabels, firstSequence: Int)
        throws(HistoryError)
    {
        guard !iterations.isEmpty else { return }
        let rows = iterations.map { IterationCoding.encode($0, labels: labels) }
        try write { db in
            let statement = try db.cachedStatement(sql: HistoryQueries.insertIteration)
            for (offset, row) in rows.enumerated() {
                try statement.execute(arguments: [
                    run, firstSequence + offset, row.reader, row.mode, row.warmup ? 1 : 0, row.ok ? 1 : 0,
                    Int64(clamping: row.totalNanoseconds), Data(row.record),
                ])
            }
            try db.execute(sql: HistoryQueries.countIterations, arguments: [rows.count, run])
        }
    }

    public func finishRun(_ run: Int64, summary: RunSummary) throws(HistoryError) {
        let json = try Self.json(summary)
        let stats = RunStatistics.rows(summary)
        try write { db in
            try db.execute(sql: HistoryQueries.finishRun, arguments: [summary.stopReason.rawValue, json, run])
            let statement = try db.cachedStatement(sql: HistoryQueries.insertStats)
            for row in stats {
                try statement.execute(arguments: Self.arguments([.integer(run)] + row.values))
            }
        }
    }

    // MARK: - Reading

    public func runs(_ query: RunQuery) throws(HistoryError) -> [RunListing] {
        let statement = HistoryQueries.listRuns(query)
        return try read { db in
            // A cursor, not fetchAll: each row is decoded in place rather than copied first
            // (ten thousand runs list in half the time).
            let cursor = try Row.fetchCursor(db, sql: statement.sql, arguments: Self.arguments(statement.arguments))
            var listings: [RunListing] = []
            while let row = try cursor.next() { Self.add(row, to: &listings) }
            return listings
        }
    }

    public func count(_ query: RunQuery) throws(HistoryError) -> Int {
        let statement = HistoryQueries.countRuns(query)
        return try read { db in
            try Int.fetchOne(db, sql: statement.sql, arguments: Self.arguments(statement.arguments)) ?? 0
        }
    }

    public func run(_ id: Int64) throws(HistoryError) -> StoredRun {
        let listingStatement = HistoryQueries.runListing(id)
        let (listingRows, runRow, readerRows, iterationRows) = try read { db in
            (
                try Row.fetchAll(db, sql: listingStatement.sql, arguments: Self.arguments(listingStatement.arguments)),
                try Row.fetchOne(db, sql: HistoryQueries.runRow, arguments: [id]),
                try Row.fetchAll(db, sql: HistoryQueries.readerRows, arguments: [id]),
                try Row.fetchAll(db, sql: HistoryQueries.iterationRows, arguments: [id])
            )
        }
        guard let runRow, let listing = Self.listings(listingRows).first else {
            throw HistoryError(.noSuchRun, "no run:\(id) in \(path)")
        }
        var header: ResultHeader = try Self.decode(runRow["header_json"] as String, what: "run:\(id)'s header")
        let summaryJSON: String? = runRow["summary_json"]
        let summary: RunSummary? = try summaryJSON.map { text throws(HistoryError) in
            try Self.decode(text, what: "run:\(id)'s summary")
        }
        var readers: [ReaderRecord] = []
        var joinedAt: [Int: Int] = [:]
        for row in readerRows {
            let record: ReaderRecord = try Self.decode(row["record_json"] as String, what: "a reader of run:\(id)")
            readers.append(record)
            if let at: Int = row["joined_at"] { joinedAt[record.id] = at }
        }
        header.readers = readers.filter { joinedAt[$0.id] == nil }
        let labels = header.labels
        var iterations: [IterationResult] = []
        iterations.reserveCapacity(iterationRows.count)
        for row in iterationRows {
            let data: Data = row["record"]
            iterations.append(
                try IterationCoding.decode(
                    IterationCoding.Row(
                        reader: row["reader"], mode: row["mode"], warmup: (row["warmup"] as Int) != 0,
                        ok: (row["ok"] as Int) != 0, totalNanoseconds: UInt64(max(0, row["total_ns"] as Int64)),
                        record: [UInt8](data)),
                    labels: labels))
        }
        let ordered = header.readers + readers.filter { joinedAt[$0.id] != nil }
        let file = ResultFile(
            header: header, readers: ordered, iterations: iterations, summary: summary,
            complete: (runRow["complete"] as Int) != 0)
        return StoredRun(listing: listing, file: file, joinedAt: joinedAt)
    }

    public func trendPoints(_ query: TrendQuery) throws(HistoryError) -> [TrendPoint] {
        let finished = HistoryQueries.trend(query)
        let unfinished = HistoryQueries.unfinishedTrendRuns(query)
        let mode = query.mode == .warm ? 0 : 1
        return try read { db in
            var points: [TrendPoint] = try Row.fetchAll(
                db, sql: finished.sql, arguments: Self.arguments(finished.arguments)
            ).map { row in
                let value: Int64? = row[12]
                return TrendPoint(
                    run: row[0], createdAt: row[1], hostID: row[13], site: row[14], reader: row[5], readerName: row[6],
                    modelKey: row[7],
                    firmware: row[8], pcscLiteVersion: row[2], os: row[3], toolVersion: row[4],
                    modelled: (row[9] as Int) != 0, count: row[10], failed: row[11],
                    valueNanoseconds: (row[10] as Int) > (row[11] as Int) ? value.map { UInt64(max(0, $0)) } : nil,
                    partial: false)
            }
            for row in try Row.fetchAll(db, sql: unfinished.sql, arguments: Self.arguments(unfinished.arguments)) {
                let run: Int64 = row[0]
                let reader: Int = row[5]
                let totals = HistoryQueries.totals(run: run, reader: reader, mode: mode)
                var histogram = LatencyHistogram()
                var count = 0
                var failed = 0
                for sample in try Row.fetchAll(db, sql: totals.sql, arguments: Self.arguments(totals.arguments)) {
                    count += 1
                    if (sample[0] as Int) == 0 {
                        failed += 1
                    } else {
                        histogram.record(UInt64(max(0, sample[1] as Int64)))
                    }
                }
                guard count > 0 else { continue }
                points.append(
                    TrendPoint(
                        run: run, createdAt: row[1], hostID: row[10], site: row[11], reader: reader, readerName: row[6],
                        modelKey: row[7],
                        firmware: row[8], pcscLiteVersion: row[2], os: row[3], toolVersion: row[4],
                        modelled: (row[9] as Int) != 0, count: count, failed: failed,
                        valueNanoseconds: histogram.summary.map { query.metric.value(of: $0) }, partial: true))
            }
            return points.sorted { ($0.createdAt, $0.run, $0.reader) < ($1.createdAt, $1.run, $1.reader) }
        }
    }

    // MARK: - Helpers

    func read<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do { return try pool.read(body) } catch let error as HistoryError { throw error } catch {
            throw Self.mapped(error, path: path, doing: "reading")
        }
    }

    /// One write transaction (IMMEDIATE: the write lock is taken at its start, so two processes
    /// queue rather than deadlock).
    func write<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw Self.mapped(error, path: path, doing: "writing")
        }
    }

    private static func insert(_ record: ReaderRecord, json: String, run: Int64, joinedAt: Int?, db: Database) throws {
        let reader = record.reader
        try db.execute(
            sql: HistoryQueries.insertReader,
            arguments: [
                run, record.id, joinedAt, reader.name, reader.modelKey, reader.usbModelKey, reader.nameModelKey,
                RunFingerprint.firmware(of: reader), record.card.source.rawValue, record.card.isModelled ? 1 : 0, json,
            ])
    }

    private static func listings(_ rows: [Row]) -> [RunListing] {
        var result: [RunListing] = []
        for row in rows { add(row, to: &result) }
        return result
    }

    /// Adds a listing row (a run and one of its readers) to `result`: a new run, or a reader of
    /// the last one.
    private static func add(_ row: Row, to result: inout [RunListing]) {
        let id: Int64 = row[0]
        if result.last?.id != id {
            result.append(
                RunListing(
                    id: id, createdAt: row[1], savedAt: row[2], origin: RunOrigin.Kind(rawValue: row[3]) ?? .run,
                    originName: row[4], hostID: row[5], site: row[6], toolVersion: row[7], scenario: row[8],
                    os: row[9], pcscLiteVersion: row[10], modelled: (row[11] as Int) != 0,
                    complete: (row[12] as Int) != 0, stopReason: row[13], iterations: row[14], readers: []))
        }
        if let reader: Int = row[15] {
            result[result.count - 1].readers.append(
                ReaderListing(
                    reader: reader, name: row[16], modelKey: row[17], usbModelKey: row[18], nameModelKey: row[19],
                    firmware: row[20], cardSource: row[21], modelled: (row[22] as Int) != 0))
        }
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .integer(let number): number
                case .real(let number): number
                case .text(let text): text
                case .blob(let bytes): Data(bytes)
                case .null: nil
                }
            })
    }

    static func json<T: Encodable>(_ value: T) throws(HistoryError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw HistoryError(.databaseError, "cannot encode \(T.self) for the history: \(error)")
        }
    }

    static func decode<T: Decodable>(_ text: String, what: String) throws(HistoryError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw HistoryError(.badRecord, "\(what) cannot be read back: \(error)")
        }
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// A GRDB or SQLite error as a history error with the file named.
    static func mapped(_ error: any Error, path: String, doing: String) -> HistoryError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return HistoryError(.notADatabase, "\(path) is not an SQLite database (it was left untouched)")
            case .SQLITE_CORRUPT:
                return HistoryError(
                    .corrupt, "\(path) is damaged (SQLite: \(error.message ?? "corrupt")); it was left untouched")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return HistoryError(.cannotOpen, "\(path): \(error.message ?? "\(error.resultCode)") while \(doing) it")
            default:
                return HistoryError(
                    .databaseError, "\(path): \(error.message ?? "\(error.resultCode)") while \(doing) it")
            }
        }
        return HistoryError(.databaseError, "\(path): \(error) while \(doing) it")
    }
}

extension TrendMetric {
    /// The metric's value in a summary.
    func value(of summary: LatencySummary) -> UInt64 {
        switch self {
        case .p50: summary.p50
        case .p90: summary.p90
        case .p95: summary.p95
        case .p99: summary.p99
        case .p999: summary.p999
        }
    }
}
