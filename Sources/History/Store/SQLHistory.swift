import Foundation
import Measurement
import Results
import RunModel

// MARK: - The history over any SQL session

/// A connection that runs one statement of ``HistoryQueries`` (`?` parameters, ``SQLValue``s)
/// and gives its rows back as values: all a backend must provide for ``SQLHistory`` to save,
/// read and receive runs through it. The session numbers parameters as its server wants them.
public protocol SQLSession {
    /// Runs `sql` with `arguments`; the rows it returns, each as its columns' values.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws(HistoryError) -> [[SQLValue]]
}

extension SQLSession {
    /// Runs a statement whose rows are not needed.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws(HistoryError) {
        _ = try rows(sql, arguments)
    }
}

/// Every operation of the history written once over an ``SQLSession``: the PostgreSQL store runs
/// these, with the same statements the SQLite store runs through GRDB. Transactions are the
/// caller's (a backend wraps each call in one).
public enum SQLHistory {
    // MARK: - Migrations

    /// Brings a database's schema up to date, in the caller's transaction; refuses a database
    /// with migrations this build does not know. `dialect` fills in the schema's placeholders.
    public static func migrate(_ session: some SQLSession, dialect: SQLDialect, location: String) throws(HistoryError) {
        try session.execute(HistorySchema.migrationsTable)
        let applied = try session.rows("SELECT max(version) FROM schema_migrations", []).first?.first?.integerValue ?? 0
        if applied > Int64(HistorySchema.currentVersion) {
            throw HistoryError(
                .newerSchema,
                "\(location) has schema version \(applied); this readerbench knows up to "
                    + "\(HistorySchema.currentVersion): update readerbench")
        }
        for migration in HistorySchema.migrations where migration.version > applied {
            for statement in migration.statements { try session.execute(dialect.render(statement)) }
            try session.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [.integer(Int64(migration.version)), .text(migration.name), .text(now())])
        }
        if applied == 0 {
            try session.execute(
                "INSERT INTO history_meta (key, value) VALUES ('application', ?)",
                [.text(HistorySchema.applicationName)])
        }
    }

    // MARK: - Saving

    public static func beginRun(_ session: some SQLSession, _ header: ResultHeader, origin: RunOrigin)
        throws(HistoryError) -> Int64
    {
        let fingerprint = RunFingerprint.of(header)
        if let existing = try session.rows(HistoryQueries.runExists, [.text(fingerprint)]).first?.first?.integerValue {
            throw HistoryError(.duplicate, "this run is already in the history as run:\(existing)")
        }
        let arguments: [SQLValue] = [
            .text(fingerprint), .optional(origin.hostID), .optional(origin.site), .text(header.createdAt),
            .text(now()), .text(origin.kind.rawValue), .optional(origin.name), .text(header.tool.version),
            .text(header.run.scenario), .optional(header.environment.os), .optional(header.environment.kernel),
            .optional(header.environment.pcscLiteVersion), .integer(header.isModelled ? 1 : 0),
            .text(try json(header)),
            .optional(try header.calibration.map { value throws(HistoryError) in try json(value) }),
        ]
        guard let id = try session.rows(HistoryQueries.insertRun, arguments).first?.first?.integerValue else {
            throw HistoryError(.databaseError, "the new run's id was not returned")
        }
        for record in header.readers { try insert(session, record, run: id, joinedAt: nil) }
        return id
    }

    public static func addReader(_ session: some SQLSession, _ record: ReaderRecord, run: Int64, iterationsBefore: Int)
        throws(HistoryError)
    {
        try insert(session, record, run: run, joinedAt: iterationsBefore)
    }

    public static func append(
        _ session: some SQLSession, _ iterations: [IterationResult], run: Int64, labels: SampleLabels,
        firstSequence: Int
    ) throws(HistoryError) {
        guard !iterations.isEmpty else { return }
        var rows: [[SQLValue]] = []
        for (offset, iteration) in iterations.enumerated() {
            let row = IterationCoding.encode(iteration, labels: labels)
            rows.append([
                .integer(Int64(firstSequence + offset)), .integer(Int64(row.reader)), .integer(Int64(row.mode)),
                .integer(row.warmup ? 1 : 0), .integer(row.ok ? 1 : 0),
                .integer(Int64(clamping: row.totalNanoseconds)), .blob(row.record),
            ])
        }
        try insertIterations(session, rows, run: run)
        try session.execute(HistoryQueries.recountIterations, [.integer(run), .integer(run)])
    }

    public static func finishRun(_ session: some SQLSession, _ run: Int64, summary: RunSummary) throws(HistoryError) {
        try session.execute(
            HistoryQueries.finishRun, [.text(summary.stopReason.rawValue), .text(try json(summary)), .integer(run)])
        for row in RunStatistics.rows(summary) {
            try session.execute(HistoryQueries.insertStats, [.integer(run)] + row.values)
        }
    }

    // MARK: - Receiving forwarded runs

    public static func held(_ session: some SQLSession, fingerprint: String) throws(HistoryError) -> HeldRun? {
        guard let row = try session.rows(HistoryQueries.heldRun, [.text(fingerprint)]).first else { return nil }
        return HeldRun(id: row.integer(0), iterations: Int(row.integer(1)), complete: row.integer(2) != 0)
    }

    public static func receive(_ session: some SQLSession, _ upload: RunUpload) throws(HistoryError) -> HeldRun {
        let id: Int64
        if let inserted = try session.rows(HistoryQueries.receiveRun, upload.run).first?.first?.integerValue {
            id = inserted
        } else if let existing = try held(session, fingerprint: upload.fingerprint) {
            id = existing.id
        } else {
            throw HistoryError(.databaseError, "run \(upload.fingerprint.prefix(12)) neither inserted nor found")
        }
        for reader in upload.readers { try session.execute(HistoryQueries.receiveReader, [.integer(id)] + reader) }
        try insertIterations(session, upload.iterations, run: id)
        try session.execute(HistoryQueries.recountIterations, [.integer(id), .integer(id)])
        if let finish = upload.finish {
            try session.execute(
                HistoryQueries.finishRun, [.optional(finish.stopReason), .optional(finish.summaryJSON), .integer(id)])
            for row in finish.stats { try session.execute(HistoryQueries.insertStats, [.integer(id)] + row) }
        }
        guard let now = try held(session, fingerprint: upload.fingerprint) else {
            throw HistoryError(.databaseError, "run \(upload.fingerprint.prefix(12)) vanished while received")
        }
        return now
    }

    /// Iteration rows (seq, reader, mode, warmup, ok, total_ns, record) in multi-row statements
    /// of at most 1,000 (8,000 parameters; PostgreSQL takes 65,535, SQLite 32,766).
    static func insertIterations(_ session: some SQLSession, _ rows: [[SQLValue]], run: Int64) throws(HistoryError) {
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + 1_000)
            var arguments: [SQLValue] = []
            arguments.reserveCapacity((end - start) * 8)
            for row in rows[start..<end] {
                arguments.append(.integer(run))
                arguments += row
            }
            try session.execute(HistoryQueries.receiveIterations(count: end - start), arguments)
            start = end
        }
    }

    private static func insert(_ session: some SQLSession, _ record: ReaderRecord, run: Int64, joinedAt: Int?)
        throws(HistoryError)
    {
        let reader = record.reader
        try session.execute(
            HistoryQueries.insertReader,
            [
                .integer(run), .integer(Int64(record.id)), joinedAt.map { .integer(Int64($0)) } ?? .null,
                .text(reader.name), .text(reader.modelKey), .optional(reader.usbModelKey),
                .optional(reader.nameModelKey), .optional(RunFingerprint.firmware(of: reader)),
                .text(record.card.source.rawValue), .integer(record.card.isModelled ? 1 : 0), .text(try json(record)),
            ])
    }

    // MARK: - Reading

    public static func runs(_ session: some SQLSession, _ query: RunQuery) throws(HistoryError) -> [RunListing] {
        let statement = HistoryQueries.listRuns(query)
        return listings(try session.rows(statement.sql, statement.arguments))
    }

    public static func count(_ session: some SQLSession, _ query: RunQuery) throws(HistoryError) -> Int {
        let statement = HistoryQueries.countRuns(query)
        return Int(try session.rows(statement.sql, statement.arguments).first?.first?.integerValue ?? 0)
    }

    public static func run(_ session: some SQLSession, _ id: Int64, location: String) throws(HistoryError) -> StoredRun
    {
        let listingStatement = HistoryQueries.runListing(id)
        guard let runRow = try session.rows(HistoryQueries.runRow, [.integer(id)]).first,
            let listing = listings(try session.rows(listingStatement.sql, listingStatement.arguments)).first
        else {
            throw HistoryError(.noSuchRun, "no run:\(id) in \(location)")
        }
        var header: ResultHeader = try decode(runRow.text(0), what: "run:\(id)'s header")
        let summary: RunSummary? = try runRow.optionalText(1).map { text throws(HistoryError) in
            try decode(text, what: "run:\(id)'s summary")
        }
        var readers: [ReaderRecord] = []
        var joinedAt: [Int: Int] = [:]
        for row in try session.rows(HistoryQueries.readerRows, [.integer(id)]) {
            let record: ReaderRecord = try decode(row.text(2), what: "a reader of run:\(id)")
            readers.append(record)
            if let at = row[1].integerValue { joinedAt[record.id] = Int(at) }
        }
        header.readers = readers.filter { joinedAt[$0.id] == nil }
        let labels = header.labels
        var iterations: [IterationResult] = []
        for row in try session.rows(HistoryQueries.iterationRows, [.integer(id)]) {
            iterations.append(
                try IterationCoding.decode(
                    IterationCoding.Row(
                        reader: Int(row.integer(1)), mode: Int(row.integer(2)), warmup: row.integer(3) != 0,
                        ok: row.integer(4) != 0, totalNanoseconds: UInt64(max(0, row.integer(5))),
                        record: row.blob(6)),
                    labels: labels))
        }
        let ordered = header.readers + readers.filter { joinedAt[$0.id] != nil }
        let file = ResultFile(
            header: header, readers: ordered, iterations: iterations, summary: summary,
            complete: runRow.integer(2) != 0)
        return StoredRun(listing: listing, file: file, joinedAt: joinedAt)
    }

    public static func trendPoints(_ session: some SQLSession, _ query: TrendQuery) throws(HistoryError)
        -> [TrendPoint]
    {
        let finished = HistoryQueries.trend(query)
        let unfinished = HistoryQueries.unfinishedTrendRuns(query)
        let mode = query.mode == .warm ? 0 : 1
        var points: [TrendPoint] = try session.rows(finished.sql, finished.arguments).map { row in
            let count = Int(row.integer(10))
            let failed = Int(row.integer(11))
            return TrendPoint(
                run: row.integer(0), createdAt: row.text(1), hostID: row.optionalText(13), site: row.optionalText(14),
                reader: Int(row.integer(5)), readerName: row.text(6), modelKey: row.text(7),
                firmware: row.optionalText(8), pcscLiteVersion: row.optionalText(2), os: row.optionalText(3),
                toolVersion: row.text(4), modelled: row.integer(9) != 0, count: count, failed: failed,
                valueNanoseconds: count > failed ? row[12].integerValue.map { UInt64(max(0, $0)) } : nil,
                partial: false)
        }
        for row in try session.rows(unfinished.sql, unfinished.arguments) {
            let run = row.integer(0)
            let reader = Int(row.integer(5))
            let totals = HistoryQueries.totals(run: run, reader: reader, mode: mode)
            var histogram = LatencyHistogram()
            var count = 0
            var failed = 0
            for sample in try session.rows(totals.sql, totals.arguments) {
                count += 1
                if sample.integer(0) == 0 {
                    failed += 1
                } else {
                    histogram.record(UInt64(max(0, sample.integer(1))))
                }
            }
            guard count > 0 else { continue }
            points.append(
                TrendPoint(
                    run: run, createdAt: row.text(1), hostID: row.optionalText(10), site: row.optionalText(11),
                    reader: reader, readerName: row.text(6), modelKey: row.text(7), firmware: row.optionalText(8),
                    pcscLiteVersion: row.optionalText(2), os: row.optionalText(3), toolVersion: row.text(4),
                    modelled: row.integer(9) != 0, count: count, failed: failed,
                    valueNanoseconds: histogram.summary.map { query.metric.value(of: $0) }, partial: true))
        }
        return points.sorted { ($0.createdAt, $0.run, $0.reader) < ($1.createdAt, $1.run, $1.reader) }
    }

    /// Listing rows (a run and one of its readers each, as ``HistoryQueries/listRuns(_:)`` selects
    /// them) as runs with their readers.
    static func listings(_ rows: [[SQLValue]]) -> [RunListing] {
        var result: [RunListing] = []
        for row in rows {
            let id = row.integer(0)
            if result.last?.id != id {
                result.append(
                    RunListing(
                        id: id, createdAt: row.text(1), savedAt: row.text(2),
                        origin: RunOrigin.Kind(rawValue: row.text(3)) ?? .run, originName: row.optionalText(4),
                        hostID: row.optionalText(5), site: row.optionalText(6), toolVersion: row.text(7),
                        scenario: row.text(8), os: row.optionalText(9), pcscLiteVersion: row.optionalText(10),
                        modelled: row.integer(11) != 0, complete: row.integer(12) != 0,
                        stopReason: row.optionalText(13), iterations: Int(row.integer(14)), readers: []))
            }
            if let reader = row[15].integerValue {
                result[result.count - 1].readers.append(
                    ReaderListing(
                        reader: Int(reader), name: row.text(16), modelKey: row.text(17),
                        usbModelKey: row.optionalText(18), nameModelKey: row.optionalText(19),
                        firmware: row.optionalText(20), cardSource: row.text(21), modelled: row.integer(22) != 0))
            }
        }
        return result
    }

    // MARK: - Helpers

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

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

// MARK: - Reading values

extension SQLValue {
    /// The integer, or nil for anything else.
    public var integerValue: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }
}

extension Array where Element == SQLValue {
    /// Column `index` as an integer (0 when it is not one).
    func integer(_ index: Int) -> Int64 { self[index].integerValue ?? 0 }

    /// Column `index` as text ("" when it is not text).
    func text(_ index: Int) -> String { optionalText(index) ?? "" }

    /// Column `index` as text, nil when NULL.
    func optionalText(_ index: Int) -> String? {
        if case .text(let text) = self[index] { return text }
        return nil
    }

    /// Column `index` as bytes.
    func blob(_ index: Int) -> [UInt8] {
        switch self[index] {
        case .blob(let bytes): bytes
        case .text(let text): [UInt8](text.utf8)
        default: []
        }
    }
}
