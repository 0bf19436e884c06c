import GRDB

// MARK: - A SQLite connection as an SQL session

/// A GRDB connection (inside the caller's transaction) as an ``SQLSession``, so the SQLite store
/// runs ``SQLHistory``'s code where both stores must behave alike: the migrations, above all (one
/// migration path for SQLite and PostgreSQL, not two loops that could drift).
struct GRDBSession: SQLSession {
    let db: Database
    /// The database file, for messages.
    let path: String

    func rows(_ sql: String, _ arguments: [SQLValue]) throws(HistoryError) -> [[SQLValue]] {
        do {
            let statement = try db.makeStatement(sql: sql)
            statement.arguments = SQLiteHistoryStore.arguments(arguments)
            // Statements without result columns (DDL, plain INSERT) are executed, not fetched.
            guard statement.columnCount > 0 else {
                try statement.execute()
                return []
            }
            return try Row.fetchAll(statement).map(SQLiteHistoryStore.values)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw SQLiteHistoryStore.mapped(error, path: path, doing: "writing")
        }
    }
}
