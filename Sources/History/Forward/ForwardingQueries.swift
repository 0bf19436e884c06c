// MARK: - The statements of store and forward, as SQL text

/// The statements that forward a run from the local history to a shared one, written once for
/// both stores like the rest of ``HistoryQueries``: the local store reads with them, a receiving
/// store (PostgreSQL) writes with them.
///
/// Every write here is idempotent: a run is keyed by its fingerprint, a reader by (run, reader),
/// an iteration by (run, seq), a statistic by (run, reader, mode, series), and each insert is
/// `ON CONFLICT … DO NOTHING`. Forwarding the same run twice, or resuming after a connection
/// died half-way through, never makes a second copy of anything.
extension HistoryQueries {
    /// The run columns forwarded, in the order ``forwardedRun`` selects them and
    /// ``receiveRun`` inserts them.
    static let forwardedRunColumnList = """
        fingerprint, host_id, site, created_at, saved_at, origin, origin_name, tool_version, scenario, os, kernel, \
        pcsc_lite, modelled, header_json, calibration_json
        """

    /// One local run's forwarded columns, then its state: `complete`, `stop_reason`,
    /// `summary_json`, `iteration_count`.
    public static let forwardedRun = """
        SELECT \(forwardedRunColumnList), complete, stop_reason, summary_json, iteration_count FROM runs WHERE id = ?
        """
    /// A run's readers, as ``receiveReader`` takes them (without the run id).
    public static let forwardedReaders = """
        SELECT reader, joined_at, name, model_key, usb_model_key, name_model_key, firmware, card_source, modelled, \
        record_json FROM run_readers WHERE run_id = ? ORDER BY reader
        """
    /// A run's iterations from a sequence number on, at most a number of them.
    public static let forwardedIterations = """
        SELECT seq, reader, mode, warmup, ok, total_ns, record FROM iterations WHERE run_id = ? AND seq >= ? \
        ORDER BY seq LIMIT ?
        """
    /// A finished run's statistics, as ``insertStats`` takes them (without the run id).
    public static let forwardedStats = """
        SELECT reader, mode, series, count, failed, min_ns, p50_ns, p90_ns, p95_ns, p99_ns, p999_ns, max_ns, mean_ns \
        FROM run_stats WHERE run_id = ? ORDER BY reader, mode, series
        """

    /// What a receiver holds of a run: its id, iterations and whether it has the summary.
    public static let heldRun = "SELECT id, iteration_count, complete FROM runs WHERE fingerprint = ?"

    /// Inserts a forwarded run unless its fingerprint is there (then nothing is returned).
    public static let receiveRun = """
        INSERT INTO runs (\(forwardedRunColumnList))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (fingerprint) DO NOTHING
        RETURNING id
        """
    /// Inserts a forwarded reader unless the run has it.
    public static let receiveReader = """
        INSERT INTO run_readers (run_id, reader, joined_at, name, model_key, usb_model_key, name_model_key, firmware, \
        card_source, modelled, record_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, reader) DO NOTHING
        """

    /// Inserts `count` forwarded iterations in one statement (8 parameters each: run id, seq,
    /// reader, mode, warmup, ok, total_ns, record), skipping those the run has.
    ///
    /// One multi-row statement rather than one per iteration: each statement is a round trip to
    /// a server, and a 6,400-iteration pool run is then a handful of them.
    public static func receiveIterations(count: Int) -> String {
        var sql = "INSERT INTO iterations (run_id, seq, reader, mode, warmup, ok, total_ns, record) VALUES "
        sql.reserveCapacity(sql.utf8.count + count * 26 + 40)
        for index in 0..<count { sql += index == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)" }
        return sql + " ON CONFLICT (run_id, seq) DO NOTHING"
    }

    /// Sets a received run's iteration count to what it holds (never counted up: a resent batch
    /// would count twice).
    public static let recountIterations = """
        UPDATE runs SET iteration_count = (SELECT count(*) FROM iterations WHERE run_id = ?) WHERE id = ?
        """

    // MARK: - The local record of uploads

    /// Notes that a run is to reach `remote` (idempotent).
    public static let registerUpload = """
        INSERT INTO uploads (run_id, remote) VALUES (?, ?) ON CONFLICT (run_id, remote) DO NOTHING
        """
    /// What reached `remote` of a run, and when.
    public static let markUploaded = """
        UPDATE uploads SET remote_run_id = ?, iterations_sent = ?, complete_sent = ?, attempted_at = ?, sent_at = ?, \
        last_error = NULL WHERE run_id = ? AND remote = ?
        """
    /// A failed attempt, and why.
    public static let markUploadFailed = """
        UPDATE uploads SET attempted_at = ?, last_error = ? WHERE run_id = ? AND remote = ?
        """
    /// Runs not yet whole at their remote: fewer iterations sent than saved, or a summary not
    /// sent. Oldest first; `remote = ?` or every remote when the argument is NULL.
    public static let unsentUploads = """
        SELECT u.run_id, u.remote, u.iterations_sent, r.iteration_count, u.complete_sent, r.complete, u.last_error, \
        u.attempted_at
        FROM uploads u JOIN runs r ON r.id = u.run_id
        WHERE (u.iterations_sent < r.iteration_count OR (r.complete = 1 AND u.complete_sent = 0))
        AND (? IS NULL OR u.remote = ?)
        ORDER BY u.run_id
        """
    /// One run's upload record for one remote.
    public static let uploadState = """
        SELECT u.run_id, u.remote, u.iterations_sent, r.iteration_count, u.complete_sent, r.complete, u.last_error, \
        u.attempted_at
        FROM uploads u JOIN runs r ON r.id = u.run_id WHERE u.run_id = ? AND u.remote = ?
        """
}
