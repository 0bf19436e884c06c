// History: every run kept in one place, so a lab can see a firmware update or a new pcsc-lite
// make a reader model slower.
//
// A run saves as it goes (``HistoryRecorder``: one transaction per finished iteration, so a run
// killed mid-way keeps what it finished), and any result file can be imported. Queries list runs,
// show one, follow one model's percentile across runs with change points flagged, and give a
// result file back.
//
// MARK: - Map of the module
//
//   Schema/     HistorySchema: the tables and their versioned migrations as SQL text, written
//               once for SQLite and PostgreSQL (SQLDialect fills in the few words that differ)
//   Store/      HistoryStore (the interface every backend implements), SQLiteHistoryStore (GRDB,
//               WAL, one file), the run and query value types, HistoryRecorder (a run saving live)
//   Encoding/   IterationCoding: one iteration as a compact binary record (varints, APDU starts
//               as deltas), decoded back to exactly the same IterationResult
//   Query/      RunReference (a file path, `run:42`, or `model=KEY,latest`: what compare, gate and
//               report take), ChangePoints (where a series of run percentiles shifted)
//   Bundle/     Anonymizer: a run as a result file fit to publish (no host, user or serial)
//
// Why a second backend is an addition, not a rewrite: the schema, the migrations and every
// query are SQL strings in this module, not in the SQLite store; a PostgreSQL store (issue 17)
// runs the same statements through its own driver. Runs carry a host id and a site from the
// first migration, for fleets of hosts writing into one database.
