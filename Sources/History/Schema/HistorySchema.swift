// MARK: - Schema and migrations

/// The history's tables, as numbered migrations of plain SQL.
///
/// Versioned from the first table: a database records every migration it has applied in
/// `schema_migrations`, a store applies the missing ones in order inside one transaction, and a
/// database that has a migration this build does not know is refused rather than written (it
/// was made by a newer ReaderBench). Migrations are never edited once released: a change is a
/// new migration.
///
/// What is kept (see docs/history.md for every column):
/// - `runs`: one row per run: where and when, what it measured (modelled or not), the header,
///   summary and host calibration as the result file has them (JSON), and from the start a
///   `host_id` and `site` for fleets of hosts writing into one database.
/// - `run_readers`: each reader of a run with its model keys, firmware and card source, indexed
///   by model key: the column every trend and filter goes through.
/// - `iterations`: every iteration, its own row, in a compact binary record (``IterationCoding``);
///   a run saves one row per finished iteration, so a run killed mid-way keeps them all.
/// - `run_stats`: per reader, mode and series the percentiles of the summary, so a trend over
///   ten thousand runs reads ten thousand small rows, not ten million samples.
public enum HistorySchema {
    /// Written into SQLite's `application_id` header field (`RBHI`), so the file says what it is
    /// and another program's database is never mistaken for one of ours.
    public static let applicationID: Int32 = 0x5242_4849
    /// The value of `history_meta.application`.
    public static let applicationName = "readerbench-history"

    /// One numbered step of the schema.
    public struct Migration: Sendable {
        /// 1, 2, …: applied in order, each once.
        public let version: Int
        /// What it does, in words.
        public let name: String
        /// Its statements, with ``SQLDialect`` placeholders.
        public let statements: [String]
    }

    /// The table that records applied migrations; created before any migration runs.
    public static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// Every migration, in order.
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "runs, readers, iterations, statistics",
            statements: [
                """
                CREATE TABLE history_meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE runs (
                    id {{serial}},
                    fingerprint TEXT NOT NULL UNIQUE,
                    host_id TEXT,
                    site TEXT,
                    created_at TEXT NOT NULL,
                    saved_at TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    origin_name TEXT,
                    tool_version TEXT NOT NULL,
                    scenario TEXT NOT NULL,
                    os TEXT,
                    kernel TEXT,
                    pcsc_lite TEXT,
                    modelled INTEGER NOT NULL,
                    complete INTEGER NOT NULL DEFAULT 0,
                    stop_reason TEXT,
                    iteration_count INTEGER NOT NULL DEFAULT 0,
                    header_json TEXT NOT NULL,
                    summary_json TEXT,
                    calibration_json TEXT
                )
                """,
                "CREATE INDEX runs_created_at ON runs (created_at)",
                """
                CREATE TABLE run_readers (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    reader INTEGER NOT NULL,
                    joined_at INTEGER,
                    name TEXT NOT NULL,
                    model_key TEXT NOT NULL,
                    usb_model_key TEXT,
                    name_model_key TEXT,
                    firmware TEXT,
                    card_source TEXT NOT NULL,
                    modelled INTEGER NOT NULL,
                    record_json TEXT NOT NULL,
                    PRIMARY KEY (run_id, reader)
                )
                """,
                "CREATE INDEX run_readers_model_key ON run_readers (model_key)",
                "CREATE INDEX run_readers_usb_model_key ON run_readers (usb_model_key)",
                "CREATE INDEX run_readers_name_model_key ON run_readers (name_model_key)",
                """
                CREATE TABLE iterations (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    reader INTEGER NOT NULL,
                    mode INTEGER NOT NULL,
                    warmup INTEGER NOT NULL,
                    ok INTEGER NOT NULL,
                    total_ns BIGINT NOT NULL,
                    record {{blob}} NOT NULL,
                    PRIMARY KEY (run_id, seq)
                ){{without_rowid}}
                """,
                """
                CREATE TABLE run_stats (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    reader INTEGER NOT NULL,
                    mode TEXT NOT NULL,
                    series TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    failed INTEGER NOT NULL,
                    min_ns BIGINT NOT NULL,
                    p50_ns BIGINT NOT NULL,
                    p90_ns BIGINT NOT NULL,
                    p95_ns BIGINT NOT NULL,
                    p99_ns BIGINT NOT NULL,
                    p999_ns BIGINT NOT NULL,
                    max_ns BIGINT NOT NULL,
                    mean_ns DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (run_id, reader, mode, series)
                )
                """,
            ]),
        Migration(
            version: 2, name: "fleets: uploads to a shared history, site and host indexes",
            statements: [
                // Store and forward: a run saved locally that is to reach a shared history (a
                // PostgreSQL server) has a row here from its start; it is unsent while the remote
                // holds fewer iterations than the local run, or not its summary. Unused in the
                // shared history itself (one schema for both stores).
                """
                CREATE TABLE uploads (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    remote TEXT NOT NULL,
                    remote_run_id BIGINT,
                    iterations_sent INTEGER NOT NULL DEFAULT 0,
                    complete_sent INTEGER NOT NULL DEFAULT 0,
                    attempted_at TEXT,
                    sent_at TEXT,
                    last_error TEXT,
                    PRIMARY KEY (run_id, remote)
                )
                """,
                // `history list --site/--host` and `site=`/`host=` queries, newest first.
                "CREATE INDEX runs_site_created_at ON runs (site, created_at)",
                "CREATE INDEX runs_host_created_at ON runs (host_id, created_at)",
            ]),
    ]

    /// The newest version this build knows.
    public static var currentVersion: Int { migrations.last?.version ?? 0 }
}
