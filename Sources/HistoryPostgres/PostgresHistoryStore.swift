// Built with the Fleet trait only (Package.swift): postgres-nio brings swift-nio, swift-nio-ssl
// and swift-crypto, two copies of BoringSSL among them, which the default build leaves out.
#if Fleet
    import Foundation
    import History
    import Logging
    import NIOCore
    import NIOPosix
    import NIOSSL
    import PostgresNIO
    import Results

    // MARK: - The PostgreSQL store

    /// The history in a PostgreSQL database that many hosts write into: the SQLite store's schema,
    /// migrations and statements (``SQLHistory``), run through postgres-nio.
    ///
    /// Hosts do not write here while they measure: a run saves into its local SQLite history and a
    /// ``HistoryForwarder`` sends it here (``HistoryReceiver``), so the server being slow, down or
    /// unreachable never touches a measurement. Commands that read (`history list --db
    /// postgresql://…`, `compare`, `report`) read here directly.
    ///
    /// One connection, opened on first use and opened again after a failure; one transaction per
    /// call. Calls block the calling thread (``HistoryForwarder``'s, or the command line's) and are
    /// serialised.
    public final class PostgresHistoryStore: HistoryStore, HistoryReceiver, @unchecked Sendable {
        /// The server and database.
        public let server: PostgresLocation
        /// The URL without its password.
        public var location: String { server.description }
        /// The longest a connection attempt or a statement may take.
        public let timeout: TimeAmount

        private let lock = NSLock()
        private var connection: PostgresConnection?
        private var migrated = false
        private let logger: Logger
        private let eventLoops: any EventLoopGroup

        /// A store for `server`; nothing is connected until the first call (or ``prepare()``).
        public init(server: PostgresLocation, timeout: Duration = .seconds(30)) {
            self.server = server
            let (seconds, attoseconds) = timeout.components
            self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            // postgres-nio logs connection events; the store reports its own errors instead.
            self.logger = Logger(label: "readerbench-history-postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            self.eventLoops = MultiThreadedEventLoopGroup.singleton
        }

        /// Connects and brings the schema up to date now, so a command fails before it does anything
        /// else when the server cannot be used.
        public func prepare() throws(HistoryError) {
            try transaction { _ throws(HistoryError) in }
        }

        /// Closes the connection (a later call opens another).
        public func close() {
            lock.lock()
            defer { lock.unlock() }
            if let connection { try? Self.closing(connection).wait() }
            connection = nil
        }

        deinit {
            // Waited for: postgres-nio asserts (debug builds) that a connection is closed before it is freed.
            if let connection { try? Self.closing(connection).wait() }
        }

        // MARK: - HistoryStore

        public func beginRun(_ header: ResultHeader, origin: RunOrigin) throws(HistoryError) -> Int64 {
            try transaction { session throws(HistoryError) in try SQLHistory.beginRun(session, header, origin: origin) }
        }

        public func addReader(_ record: ReaderRecord, run: Int64, iterationsBefore: Int) throws(HistoryError) {
            try transaction { session throws(HistoryError) in
                try SQLHistory.addReader(session, record, run: run, iterationsBefore: iterationsBefore)
            }
        }

        public func append(_ iterations: [IterationResult], run: Int64, labels: SampleLabels, firstSequence: Int)
            throws(HistoryError)
        {
            try transaction { session throws(HistoryError) in
                try SQLHistory.append(session, iterations, run: run, labels: labels, firstSequence: firstSequence)
            }
        }

        public func finishRun(_ run: Int64, summary: RunSummary) throws(HistoryError) {
            try transaction { session throws(HistoryError) in try SQLHistory.finishRun(session, run, summary: summary) }
        }

        public func runs(_ query: RunQuery) throws(HistoryError) -> [RunListing] {
            try transaction { session throws(HistoryError) in try SQLHistory.runs(session, query) }
        }

        public func count(_ query: RunQuery) throws(HistoryError) -> Int {
            try transaction { session throws(HistoryError) in try SQLHistory.count(session, query) }
        }

        public func run(_ id: Int64) throws(HistoryError) -> StoredRun {
            let location = self.location
            return try transaction { session throws(HistoryError) in try SQLHistory.run(session, id, location: location)
            }
        }

        public func trendPoints(_ query: TrendQuery) throws(HistoryError) -> [TrendPoint] {
            try transaction { session throws(HistoryError) in try SQLHistory.trendPoints(session, query) }
        }

        // MARK: - HistoryReceiver

        public func held(fingerprint: String) throws(HistoryError) -> HeldRun? {
            try transaction { session throws(HistoryError) in try SQLHistory.held(session, fingerprint: fingerprint) }
        }

        public func receive(_ upload: RunUpload) throws(HistoryError) -> HeldRun {
            try transaction { session throws(HistoryError) in try SQLHistory.receive(session, upload) }
        }

        /// The schema version of the database.
        public func schemaVersion() throws(HistoryError) -> Int {
            try transaction { session throws(HistoryError) in
                Int(try session.rows("SELECT max(version) FROM schema_migrations", []).first?.first?.integerValue ?? 0)
            }
        }

        // MARK: - Connections and transactions

        /// Runs `body` in one transaction (connecting and migrating first when needed); rolls back on
        /// any error, and drops the connection when the server went away so the next call reconnects.
        func transaction<T>(_ body: (PostgresSession) throws(HistoryError) -> T) throws(HistoryError) -> T {
            lock.lock()
            defer { lock.unlock() }
            let session = try connected()
            do {
                try session.execute("BEGIN")
                if !migrated {
                    try migrate(session)
                    migrated = true
                }
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                if error.code == .unreachable || session.connection.isClosed {
                    try? Self.closing(session.connection).wait()
                    connection = nil
                } else {
                    try? session.execute("ROLLBACK")
                }
                throw error
            }
        }

        private func connected() throws(HistoryError) -> PostgresSession {
            if let connection, !connection.isClosed { return session(connection) }
            connection = nil
            var configuration = PostgresConnection.Configuration(
                host: server.host, port: server.port, username: server.user, password: server.password,
                database: server.database, tls: .disable)
            if server.requireTLS {
                do {
                    configuration.tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                } catch {
                    throw HistoryError(.cannotOpen, "\(location): TLS cannot be set up: \(error)")
                }
            }
            configuration.options.connectTimeout = .seconds(5)
            let future = PostgresConnection.connect(
                on: eventLoops.next(), configuration: configuration, id: 1, logger: logger)
            let made: PostgresConnection
            do { made = try future.wait() } catch {
                throw Self.mapped(error, location: location, doing: "connecting to")
            }
            connection = made
            return session(made)
        }

        private func session(_ connection: PostgresConnection) -> PostgresSession {
            PostgresSession(connection: connection, logger: logger, deadline: timeout, location: location)
        }

        /// Refuses a database of another program (tables, but no `history_meta` saying ours), then
        /// applies the missing migrations. An advisory lock (transaction-scoped, keyed by the
        /// history's application id) serialises hosts that open a new database at once: the second
        /// finds the work done.
        private func migrate(_ session: PostgresSession) throws(HistoryError) {
            try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Int64(HistorySchema.applicationID))])
            let tables =
                try session.rows(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", []
                ).first?.first?.integerValue ?? 0
            let hasMeta =
                try session.rows("SELECT to_regclass('history_meta') IS NOT NULL", []).first?.first?.integerValue ?? 0
            if tables > 0 {
                let application =
                    hasMeta != 0
                    ? try session.rows("SELECT value FROM history_meta WHERE key = 'application'", []).first?.first
                    : nil
                guard case .text(HistorySchema.applicationName)? = application else {
                    throw HistoryError(
                        .foreignDatabase,
                        "\(location) holds \(tables) tables of another program (no ReaderBench history there); it was "
                            + "left untouched")
                }
            }
            try SQLHistory.migrate(session, dialect: .postgresql, location: location)
        }

        /// Closes `connection` without waiting (its future says when it is closed). postgres-nio has
        /// an async `close()` beside this one; the store is synchronous, so it names the future one.
        static func closing(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
            let future: EventLoopFuture<Void> = connection.close()
            return future
        }

        /// A postgres-nio or NIO error as a history error: what the server said is a database error
        /// (a constraint, a type); anything about the connection is `unreachable`.
        static func mapped(_ error: any Error, location: String, doing: String) -> HistoryError {
            if let error = error as? HistoryError { return error }
            if let error = error as? PSQLError {
                if let info = error.serverInfo {
                    let message = info[.message] ?? "error"
                    let state = info[.sqlState] ?? ""
                    // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up).
                    if state.hasPrefix("57P") || state.hasPrefix("08") {
                        return HistoryError(
                            .unreachable, "\(location): the server is going away (\(message)) while \(doing) it")
                    }
                    if state == "28000" || state == "28P01" || state == "3D000" {
                        return HistoryError(.cannotOpen, "\(location): \(message)")
                    }
                    return HistoryError(.databaseError, "\(location): \(message) (SQLSTATE \(state)) while \(doing) it")
                }
                return HistoryError(
                    .unreachable,
                    "\(location) cannot be reached (\(cause(error.underlying ?? error))) while \(doing) it")
            }
            return HistoryError(.unreachable, "\(location) cannot be reached (\(cause(error))) while \(doing) it")
        }

        /// What went wrong with the connection, in a few words: the system's reason when there is one
        /// ("Connection refused"), not NIO's whole error value.
        static func cause(_ error: any Error) -> String {
            if let error = error as? PSQLError { return error.underlying.map(cause) ?? "\(error.code)" }
            if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
            if let error = error as? NIOConnectionError {
                return error.connectionErrors.first.map { cause($0.error) } ?? "no address to connect to"
            }
            if error is ChannelError { return "the connection closed (\(error))" }
            return "\(error)"
        }
    }
#endif
