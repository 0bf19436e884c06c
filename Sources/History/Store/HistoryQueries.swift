// MARK: - The queries, as SQL text

/// A value bound to a `?` parameter, in a form every backend can bind.
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// Text, or NULL for nil.
    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
}

/// One statement and its parameters.
public struct SQLStatement: Sendable, Hashable {
    public var sql: String
    public var arguments: [SQLValue]
}

/// Every statement the history runs, written once in SQL both SQLite and PostgreSQL accept
/// (`?` parameters; a PostgreSQL backend numbers them with ``SQLDialect/numberedParameters(_:)``).
///
/// Kept apart from the SQLite store so the second backend is an addition: it binds and runs
/// these, and decodes rows by the column names given here.
public enum HistoryQueries {
    /// The columns of a run listing, in the order ``listRuns(_:)`` selects them.
    static let runColumns = """
        r.id, r.created_at, r.saved_at, r.origin, r.origin_name, r.host_id, r.site, r.tool_version, r.scenario, \
        r.os, r.pcsc_lite, r.modelled, r.complete, r.stop_reason, r.iteration_count
        """
    static let readerColumns = """
        rr.reader, rr.name, rr.model_key, rr.usb_model_key, rr.name_model_key, rr.firmware, rr.card_source, rr.modelled
        """

    /// The condition that a reader row `rr` is of `model`: one of its keys exactly, or its USB key
    /// with any release when `model` is a USB key without one.
    static func modelCondition(_ model: String) -> SQLStatement {
        var sql = "(rr.model_key = ? OR rr.usb_model_key = ? OR rr.name_model_key = ?"
        var arguments: [SQLValue] = [.text(model), .text(model), .text(model)]
        if model.hasPrefix("usb:") && !model.contains("@") {
            sql += " OR substr(rr.usb_model_key, 1, ?) = ?"
            arguments += [.integer(Int64(model.count + 1)), .text(model + "@")]
        }
        return SQLStatement(sql: sql + ")", arguments: arguments)
    }

    /// Runs matching `query` with their readers: one row per reader, newest run first.
    public static func listRuns(_ query: RunQuery) -> SQLStatement {
        let filter = runFilter(query)
        var arguments = filter.arguments
        var chosen = "SELECT r.id FROM runs r" + filter.sql
        chosen += " ORDER BY r.created_at DESC, r.id DESC"
        if let limit = query.limit {
            chosen += " LIMIT ?"
            arguments.append(.integer(Int64(max(0, limit))))
        }
        let sql = """
            WITH chosen AS (\(chosen))
            SELECT \(runColumns), \(readerColumns)
            FROM chosen c JOIN runs r ON r.id = c.id LEFT JOIN run_readers rr ON rr.run_id = r.id
            ORDER BY r.created_at DESC, r.id DESC, rr.reader
            """
        return SQLStatement(sql: sql, arguments: arguments)
    }

    /// How many runs match `query`, whatever its limit.
    public static func countRuns(_ query: RunQuery) -> SQLStatement {
        let filter = runFilter(query)
        return SQLStatement(sql: "SELECT count(*) FROM runs r" + filter.sql, arguments: filter.arguments)
    }

    /// ` WHERE …` for the run filters of `query` (empty when there are none).
    static func runFilter(_ query: RunQuery) -> SQLStatement {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        var readerConditions: [String] = []
        if let model = query.model {
            let condition = modelCondition(model)
            readerConditions.append(condition.sql)
            arguments += condition.arguments
        }
        if let reader = query.reader {
            readerConditions.append("lower(rr.name) LIKE ? ESCAPE '\\'")
            arguments.append(.text("%" + likeEscaped(reader.lowercased()) + "%"))
        }
        if !readerConditions.isEmpty {
            conditions.append(
                "EXISTS (SELECT 1 FROM run_readers rr WHERE rr.run_id = r.id AND "
                    + readerConditions.joined(separator: " AND ") + ")")
        }
        if let since = query.since {
            conditions.append("r.created_at >= ?")
            arguments.append(.text(since))
        }
        if let until = query.until {
            conditions.append("r.created_at < ?")
            arguments.append(.text(until))
        }
        if let scenario = query.scenario {
            conditions.append("r.scenario = ?")
            arguments.append(.text(scenario))
        }
        if let host = query.hostID {
            conditions.append("r.host_id = ?")
            arguments.append(.text(host))
        }
        if let site = query.site {
            conditions.append("r.site = ?")
            arguments.append(.text(site))
        }
        if let modelled = query.modelled {
            conditions.append("r.modelled = ?")
            arguments.append(.integer(modelled ? 1 : 0))
        }
        return SQLStatement(
            sql: conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), arguments: arguments)
    }

    /// One run's listing row(s), as ``listRuns(_:)`` gives them.
    public static func runListing(_ id: Int64) -> SQLStatement {
        SQLStatement(
            sql: """
                SELECT \(runColumns), \(readerColumns)
                FROM runs r LEFT JOIN run_readers rr ON rr.run_id = r.id WHERE r.id = ? ORDER BY rr.reader
                """,
            arguments: [.integer(id)])
    }

    /// The trend rows of finished runs: one per reader of the model with statistics for the mode.
    public static func trend(_ query: TrendQuery) -> SQLStatement {
        let model = modelCondition(query.model)
        var sql = """
            SELECT r.id, r.created_at, r.pcsc_lite, r.os, r.tool_version, rr.reader, rr.name, rr.model_key, \
            rr.firmware, rr.modelled, s.count, s.failed, s.\(query.metric.column), r.host_id, r.site
            FROM run_stats s
            JOIN run_readers rr ON rr.run_id = s.run_id AND rr.reader = s.reader
            JOIN runs r ON r.id = s.run_id
            WHERE \(model.sql) AND s.mode = ? AND s.series = 'check'
            """
        var arguments = model.arguments + [.text(query.mode.rawValue)]
        if query.measuredOnly { sql += " AND rr.modelled = 0" }
        appendRunTerms(query, to: &sql, arguments: &arguments)
        sql += " ORDER BY r.created_at, r.id, rr.reader"
        return SQLStatement(sql: sql, arguments: arguments)
    }

    /// Readers of the model in runs that have no summary (killed, or still going): their trend
    /// value is computed from the saved iterations.
    public static func unfinishedTrendRuns(_ query: TrendQuery) -> SQLStatement {
        let model = modelCondition(query.model)
        var sql = """
            SELECT r.id, r.created_at, r.pcsc_lite, r.os, r.tool_version, rr.reader, rr.name, rr.model_key, \
            rr.firmware, rr.modelled, r.host_id, r.site
            FROM runs r JOIN run_readers rr ON rr.run_id = r.id
            WHERE \(model.sql) AND r.complete = 0
            """
        var arguments = model.arguments
        if query.measuredOnly { sql += " AND rr.modelled = 0" }
        appendRunTerms(query, to: &sql, arguments: &arguments)
        return SQLStatement(sql: sql, arguments: arguments)
    }

    /// The trend's conditions on the run `r`: since, site, host.
    private static func appendRunTerms(_ query: TrendQuery, to sql: inout String, arguments: inout [SQLValue]) {
        if let since = query.since {
            sql += " AND r.created_at >= ?"
            arguments.append(.text(since))
        }
        if let site = query.site {
            sql += " AND r.site = ?"
            arguments.append(.text(site))
        }
        if let host = query.hostID {
            sql += " AND r.host_id = ?"
            arguments.append(.text(host))
        }
    }

    /// The measured totals of one reader and mode of a run.
    public static func totals(run: Int64, reader: Int, mode: Int) -> SQLStatement {
        SQLStatement(
            sql: "SELECT ok, total_ns FROM iterations WHERE run_id = ? AND reader = ? AND mode = ? AND warmup = 0",
            arguments: [.integer(run), .integer(Int64(reader)), .integer(Int64(mode))])
    }

    // MARK: - Writing

    public static let insertRun = """
        INSERT INTO runs (fingerprint, host_id, site, created_at, saved_at, origin, origin_name, tool_version, \
        scenario, os, kernel, pcsc_lite, modelled, header_json, calibration_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """
    public static let insertReader = """
        INSERT INTO run_readers (run_id, reader, joined_at, name, model_key, usb_model_key, name_model_key, firmware, \
        card_source, modelled, record_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    public static let insertIteration = """
        INSERT INTO iterations (run_id, seq, reader, mode, warmup, ok, total_ns, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    public static let countIterations = "UPDATE runs SET iteration_count = iteration_count + ? WHERE id = ?"
    public static let finishRun = """
        UPDATE runs SET complete = 1, stop_reason = ?, summary_json = ? WHERE id = ?
        """
    public static let insertStats = """
        INSERT INTO run_stats (run_id, reader, mode, series, count, failed, min_ns, p50_ns, p90_ns, p95_ns, p99_ns, \
        p999_ns, max_ns, mean_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, reader, mode, series) DO NOTHING
        """
    public static let runRow = """
        SELECT header_json, summary_json, complete FROM runs WHERE id = ?
        """
    public static let readerRows =
        "SELECT reader, joined_at, record_json FROM run_readers WHERE run_id = ? ORDER BY reader"
    public static let iterationRows = """
        SELECT seq, reader, mode, warmup, ok, total_ns, record FROM iterations WHERE run_id = ? ORDER BY seq
        """
    public static let runExists = "SELECT id FROM runs WHERE fingerprint = ?"

    /// `text` with LIKE's wildcards and the escape character escaped (for `ESCAPE '\'`).
    static func likeEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
