// HistoryPostgres: the run history in PostgreSQL, for fleets of hosts writing into one database
// (issue 17). The same schema, migrations and statements as the SQLite store (History's
// HistorySchema, HistoryQueries and SQLHistory), run through postgres-nio.
//
// MARK: - Map of the module
//
//   PostgresLocation      postgresql://user[:password]@host[:port]/database[?sslmode=…] read and
//                         shown without its password
//   PostgresSession       one connection as an SQLSession: `?` numbered `$n`, SQLValues bound,
//                         rows decoded to SQLValues, every wait bounded by a deadline
//   PostgresHistoryStore  HistoryStore and HistoryReceiver: connects lazily, migrates under an
//                         advisory lock, one transaction per call, reconnects after a failure
//
// The store blocks its caller (EventLoopFuture.wait): it is called from the command line's
// thread or from HistoryForwarder's own thread, never from a measuring worker or an async task.
