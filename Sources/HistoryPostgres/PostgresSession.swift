// Built with the Fleet trait only (Package.swift): postgres-nio brings swift-nio, swift-nio-ssl
// and swift-crypto, two copies of BoringSSL among them, which the default build leaves out.
#if Fleet
    import Foundation
    import History
    import Logging
    import NIOCore
    import PostgresNIO

    // MARK: - One connection as an SQL session

    /// A PostgreSQL connection that runs ``HistoryQueries``' statements: `?` parameters become
    /// `$1…`, ``SQLValue``s are bound with PostgreSQL's types, and rows come back as values.
    ///
    /// Integers that fit 32 bits are bound as `int4`, larger ones as `int8`: the schema's `INTEGER`
    /// columns are `int4` in PostgreSQL, and a function such as `substr(text, int, int)` has no
    /// `int8` form, while an `int4` parameter compares with and is stored into a `BIGINT` column as
    /// it is.
    ///
    /// Every wait is bounded by `deadline`: a server that stops answering (a host cut off, not just
    /// refused) closes the connection when it passes, so no caller waits forever.
    struct PostgresSession: SQLSession {
        let connection: PostgresConnection
        let logger: Logger
        let deadline: TimeAmount
        let location: String

        func rows(_ sql: String, _ arguments: [SQLValue]) throws(HistoryError) -> [[SQLValue]] {
            var bindings = PostgresBindings(capacity: arguments.count)
            for value in arguments {
                switch value {
                case .integer(let number):
                    if let small = Int32(exactly: number) { bindings.append(small) } else { bindings.append(number) }
                case .real(let number): bindings.append(number)
                case .text(let text): bindings.append(text)
                case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
                case .null: bindings.appendNull()
                }
            }
            let query = PostgresQuery(unsafeSQL: SQLDialect.numberedParameters(sql), binds: bindings)
            let result = try wait(connection.query(query, logger: logger), doing: "running a statement")
            var rows: [[SQLValue]] = []
            for row in result.rows {
                var values: [SQLValue] = []
                values.reserveCapacity(row.count)
                for cell in row { values.append(try Self.value(of: cell, location: location)) }
                rows.append(values)
            }
            return rows
        }

        /// Waits for `future`, closing the connection when the deadline passes first.
        func wait<T: Sendable>(_ future: EventLoopFuture<T>, doing: String) throws(HistoryError) -> T {
            let connection = self.connection
            let timer = future.eventLoop.scheduleTask(in: deadline) { _ = PostgresHistoryStore.closing(connection) }
            defer { timer.cancel() }
            do { return try future.wait() } catch {
                throw PostgresHistoryStore.mapped(error, location: location, doing: doing)
            }
        }

        /// A cell as a value, by its column's type.
        static func value(of cell: PostgresCell, location: String) throws(HistoryError) -> SQLValue {
            guard cell.bytes != nil else { return .null }
            do {
                switch cell.dataType {
                case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
                case .float4, .float8: return .real(try cell.decode(Double.self))
                case .numeric: return .real(Double(try cell.decode(String.self)) ?? 0)
                case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
                case .bytea:
                    let buffer = try cell.decode(ByteBuffer.self)
                    return .blob(Array(buffer.readableBytesView))
                default: return .text(try cell.decode(String.self))
                }
            } catch {
                throw HistoryError(
                    .badRecord, "\(location): column \(cell.columnName) (\(cell.dataType)) cannot be read: \(error)")
            }
        }
    }
#endif
