// The PostgreSQL client is built with the Fleet trait only (Package.swift); scripts/test enables it.
#if Fleet
    import Foundation
    import History
    import HistoryFixtures
    import HistoryPostgres
    import Results
    import Testing

    /// Store and forward against a real server: runs saved locally reach PostgreSQL whole and once,
    /// whatever order sends and failures come in.
    @Suite(PostgresServer.enabled) struct ForwardingTests {
        /// How many rows and distinct sequence numbers the server holds for its run `id`.
        func iterationRows(_ url: String, run id: Int64) throws -> (rows: Int, distinct: Int) {
            let result = try PostgresServer.psql(
                url, "SELECT count(*) || ',' || count(DISTINCT seq) FROM iterations WHERE run_id = \(id)")
            let parts = result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
            return (Int(parts[0]) ?? -1, Int(parts[1]) ?? -1)
        }

        @Test("a run sent twice arrives once: the second send finds it whole and sends nothing")
        func idempotent() throws {
            let url = try PostgresServer.freshDatabase()
            let directory = try TemporaryDirectory()
            let local = try SQLiteHistoryStore(path: directory.file("local.sqlite"))
            let id = try local.importRun(Fixture.poolRun(), origin: RunOrigin(kind: .run, hostID: "h1", site: "osaka"))
            let uploader = HistoryUploader(
                local: local, remote: PostgresHistoryStore(server: try PostgresLocation(url)))
            let first = try uploader.send(run: id)
            #expect(first.whole && first.iterations == Fixture.poolRun().iterations.count)
            let second = try uploader.send(run: id)
            #expect(second.whole && second.iterations == 0 && second.remoteRun == first.remoteRun)
            // A second uploader (another process, a `history sync` racing the run) changes nothing either.
            let other = HistoryUploader(local: local, remote: PostgresHistoryStore(server: try PostgresLocation(url)))
            #expect(try other.send(run: id).iterations == 0)
            let rows = try iterationRows(url, run: first.remoteRun)
            #expect(rows.rows == Fixture.poolRun().iterations.count && rows.distinct == rows.rows)
            #expect(try local.unsentUploads().isEmpty)
            let remote = PostgresHistoryStore(server: try PostgresLocation(url))
            let stored = try remote.run(first.remoteRun)
            #expect(stored.file == (try local.run(id)).file)
            #expect(stored.listing.hostID == "h1" && stored.listing.site == "osaka")
        }

        @Test("a run forwarded while it goes, in slices, arrives whole with its summary and each iteration once")
        func live() throws {
            let url = try PostgresServer.freshDatabase()
            let directory = try TemporaryDirectory()
            let local = try SQLiteHistoryStore(path: directory.file("local.sqlite"))
            let uploader = HistoryUploader(
                local: local, remote: PostgresHistoryStore(server: try PostgresLocation(url)), sliceSize: 2)
            let file = Fixture.poolRun()
            let recorder = HistoryRecorder(store: local, origin: RunOrigin(kind: .run, hostID: "h", site: nil))
            try recorder.started(file.header)
            let id = try #require(recorder.runID)
            #expect(try uploader.send(run: id).iterations == 0)
            for (index, iteration) in file.iterations.enumerated() {
                if index == 2 { try recorder.joined(file.readers[1]) }
                try recorder.append(iteration)
                // Unsent while the server lacks a saved iteration; sent again once it holds them all.
                #expect(try local.unsentUploads().map(\.run) == [id])
                if index % 3 == 1 {
                    #expect(try uploader.send(run: id).whole)
                    #expect(try local.unsentUploads().isEmpty)
                }
            }
            // Finished: unsent until the server holds the summary too.
            try recorder.finished(file.summary!)
            #expect(try local.unsentUploads().map(\.run) == [id])
            let last = try uploader.send(run: id)
            #expect(last.whole)
            let remote = PostgresHistoryStore(server: try PostgresLocation(url))
            #expect(try remote.run(last.remoteRun).file == (try local.run(id)).file)
            let rows = try iterationRows(url, run: last.remoteRun)
            #expect(rows.rows == file.iterations.count && rows.distinct == rows.rows)
        }

        @Test("a server that cannot be reached leaves the run unsent with the reason; sync sends it later, once")
        func unreachableThenSync() throws {
            let url = try PostgresServer.freshDatabase()
            let directory = try TemporaryDirectory()
            let local = try SQLiteHistoryStore(path: directory.file("local.sqlite"))
            let id = try local.importRun(Fixture.poolRun(), origin: RunOrigin(kind: .run, hostID: "h", site: nil))
            let down = HistoryUploader(
                local: local, remote: PostgresHistoryStore(server: try PostgresLocation(PostgresServer.nowhere)))
            #expect(throws: HistoryError(.unreachable, "")) { try down.send(run: id) }
            let unsent = try local.unsentUploads()
            #expect(unsent.count == 1 && unsent[0].lastError != nil && !unsent[0].isSent)
            // The same run meant for the live server: registered there, sent by sendUnsent.
            let up = HistoryUploader(local: local, remote: PostgresHistoryStore(server: try PostgresLocation(url)))
            try local.registerUpload(run: id, remote: up.remote.location)
            let report = try up.sendUnsent()
            #expect(report.failed.isEmpty && report.sent.map(\.run) == [id])
            #expect(try up.sendUnsent().sent.allSatisfy { $0.iterations == 0 })
            #expect(try local.unsentUploads(remote: up.remote.location).isEmpty)
        }

        @Test("eight hosts forwarding at once all land, each run once; site and host filters split them")
        func manyHosts() throws {
            let url = try PostgresServer.freshDatabase()
            let directory = try TemporaryDirectory()
            let hosts = 8
            let runsPerHost = 3
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: hosts) { host in
                do {
                    let local = try SQLiteHistoryStore(path: directory.file("host-\(host).sqlite"))
                    let uploader = HistoryUploader(
                        local: local, remote: PostgresHistoryStore(server: try PostgresLocation(url)))
                    for run in 0..<runsPerHost {
                        let file = Fixture.poolRun(createdAt: String(format: "2025-12-%02dT%02d:00:00Z", host + 1, run))
                        let id = try local.importRun(
                            file,
                            origin: RunOrigin(
                                kind: .run, hostID: "host-\(host)", site: host % 2 == 0 ? "osaka" : "kyoto"))
                        _ = try uploader.send(run: id)
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all)")
            let remote = PostgresHistoryStore(server: try PostgresLocation(url))
            #expect(try remote.count(RunQuery()) == hosts * runsPerHost)
            #expect(try remote.count(RunQuery(site: "osaka")) == hosts / 2 * runsPerHost)
            #expect(try remote.count(RunQuery(hostID: "host-3")) == runsPerHost)
            let total = try PostgresServer.psql(
                url, "SELECT count(*) || ',' || count(DISTINCT (run_id, seq)) FROM iterations")
            let expected = hosts * runsPerHost * Fixture.poolRun().iterations.count
            #expect(total.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(expected),\(expected)")
        }
    }

#endif
