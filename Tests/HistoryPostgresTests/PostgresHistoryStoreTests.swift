// The PostgreSQL client is built with the Fleet trait only (Package.swift); scripts/test enables it.
#if Fleet
    import Foundation
    import History
    import HistoryFixtures
    import HistoryPostgres
    import Results
    import Testing

    /// The PostgreSQL store against a real server (Debian's PostgreSQL, started by scripts/postgres):
    /// the same schema and migrations as SQLite, the same answers to the same queries, foreign
    /// databases refused.
    @Suite(PostgresServer.enabled) struct PostgresHistoryStoreTests {
        func store() throws -> PostgresHistoryStore {
            PostgresHistoryStore(server: try PostgresLocation(try PostgresServer.freshDatabase()))
        }

        @Test("a new database gets every migration of the SQLite store, and the same tables")
        func migrations() throws {
            let store = try store()
            #expect(try store.schemaVersion() == HistorySchema.currentVersion)
            let tables = try PostgresServer.psql(
                store.server.description,
                "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                    + "WHERE table_schema = 'public'")
            #expect(
                tables.output.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "history_meta,iterations,run_readers,run_stats,runs,schema_migrations,uploads")
            // Opened again (another host): nothing to apply, nothing applied twice.
            let again = PostgresHistoryStore(server: store.server)
            try again.prepare()
            let applied = try PostgresServer.psql(store.server.description, "SELECT count(*) FROM schema_migrations")
            #expect(
                applied.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(HistorySchema.migrations.count)")
        }

        @Test("runs read back from PostgreSQL exactly as from SQLite: listings, whole runs, trends, filters")
        func sameAnswersAsSQLite() throws {
            let postgres = try store()
            let directory = try TemporaryDirectory()
            let sqlite = try SQLiteHistoryStore(path: directory.file("h.sqlite"))
            for (index, scale) in [1.0, 1.0, 1.0, 1.2, 1.2, 1.2].enumerated() {
                let file = Fixture.poolRun(createdAt: "2025-11-2\(index)T02:27:00Z", scale: scale)
                let origin = RunOrigin(kind: .import, hostID: "host-\(index % 2)", site: index < 3 ? "osaka" : "kyoto")
                let a = try sqlite.importRun(file, origin: origin)
                let b = try postgres.importRun(file, origin: origin)
                #expect(a == b)
            }
            func same(_ query: RunQuery) throws {
                let left = try sqlite.runs(query).map(\.withoutSavedAt)
                let right = try postgres.runs(query).map(\.withoutSavedAt)
                #expect(left == right)
                #expect(try sqlite.count(query) == postgres.count(query))
            }
            try same(RunQuery())
            try same(RunQuery(site: "osaka"))
            try same(RunQuery(hostID: "host-1"))
            try same(RunQuery(model: "usb:054c:0dc9"))
            try same(RunQuery(reader: "acr39", limit: 2))
            #expect(try postgres.runs(RunQuery(site: "kyoto")).count == 3)
            #expect(try sqlite.run(4).file == postgres.run(4).file)
            #expect(try sqlite.run(4).joinedAt == postgres.run(4).joinedAt)
            let query = TrendQuery(model: "usb:054c:0dc9", metric: .p95, mode: .warm)
            #expect(try sqlite.trend(query) == postgres.trend(query))
            let trend = try postgres.trend(query)
            #expect(trend.points.count == 6 && trend.points.first?.site == "osaka")
            var bySite = query
            bySite.site = "kyoto"
            #expect(try postgres.trendPoints(bySite).map(\.run) == [4, 5, 6])
            var byHost = query
            byHost.hostID = "host-0"
            #expect(try postgres.trendPoints(byHost).map(\.run) == [1, 3, 5])
            #expect(throws: HistoryError(.noSuchRun, "")) { try postgres.run(99) }
        }

        @Test("a run saved live into PostgreSQL (begin, append, join, finish) reads back whole; twice is a duplicate")
        func liveSave() throws {
            let postgres = try store()
            let file = Fixture.poolRun()
            let recorder = HistoryRecorder(store: postgres, origin: RunOrigin(kind: .run, hostID: "h", site: "s"))
            try recorder.started(file.header)
            for (index, iteration) in file.iterations.enumerated() {
                if index == 2 { try recorder.joined(file.readers[1]) }
                try recorder.append(iteration)
            }
            try recorder.finished(file.summary!)
            let stored = try postgres.run(try #require(recorder.runID))
            #expect(stored.file.iterations == file.iterations)
            #expect(stored.file.summary == file.summary)
            #expect(stored.listing.complete && stored.listing.site == "s" && stored.listing.hostID == "h")
            #expect(throws: HistoryError(.duplicate, "")) {
                try postgres.importRun(file, origin: RunOrigin(kind: .import, hostID: nil))
            }
        }

        @Test("a database of another program is refused and left as it was")
        func foreign() throws {
            let url = try PostgresServer.freshDatabase()
            try PostgresServer.psql(url, "CREATE TABLE invoices (id integer)")
            let store = PostgresHistoryStore(server: try PostgresLocation(url))
            #expect(throws: HistoryError(.foreignDatabase, "")) { try store.prepare() }
            let tables = try PostgresServer.psql(
                url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            #expect(tables.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        }

        @Test("a server that is not there is unreachable, said at once")
        func unreachable() throws {
            let store = PostgresHistoryStore(server: try PostgresLocation(PostgresServer.nowhere))
            #expect(throws: HistoryError(.unreachable, "")) { try store.prepare() }
        }
    }

    extension RunListing {
        /// The listing without the moment it was saved (each store stamps its own).
        var withoutSavedAt: RunListing {
            var copy = self
            copy.savedAt = ""
            return copy
        }
    }
#endif
