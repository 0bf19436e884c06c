import Foundation
import GRDB
import History
import Results
import RunModel
import Testing

@Suite struct SQLiteHistoryStoreTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    func store(_ name: String = "history.sqlite") throws -> SQLiteHistoryStore {
        try SQLiteHistoryStore(path: directory.file(name))
    }

    // MARK: - Saving and reading back

    @Test("a run saved as it goes reads back as the same result file, joined reader included")
    func recorderRoundTrip() throws {
        let store = try store()
        let file = Fixture.poolRun()
        let recorder = HistoryRecorder(store: store, origin: RunOrigin(kind: .run, hostID: "abc", site: "本店"))
        try recorder.started(file.header)
        var joined = false
        for iteration in file.iterations {
            if iteration.reader == 1 && !joined {
                try recorder.joined(file.readers[1])
                joined = true
            }
            try recorder.append(iteration)
        }
        try recorder.finished(file.summary!)
        let stored = try store.run(try #require(recorder.runID))
        #expect(stored.file == file)
        #expect(stored.joinedAt == [1: 2])
        #expect(stored.listing.complete)
        #expect(stored.listing.site == "本店")
        #expect(stored.listing.readers.map(\.modelKey) == file.readers.map(\.reader.modelKey))
        #expect(stored.listing.readers.map(\.firmware) == ["1.00", "1.00"])
    }

    @Test("a run that stops without a summary keeps every appended iteration and reads as unfinished")
    func unfinished() throws {
        let store = try store()
        let file = Fixture.poolRun()
        let id = try store.beginRun(file.header, origin: RunOrigin(kind: .run, hostID: nil))
        let own = file.iterations.filter { $0.reader == 0 }
        for (sequence, iteration) in own.prefix(3).enumerated() {
            try store.append([iteration], run: id, labels: file.header.labels, firstSequence: sequence)
        }
        let stored = try store.run(id)
        #expect(stored.file.iterations == Array(own.prefix(3)))
        #expect(stored.file.summary == nil)
        #expect(!stored.listing.complete)
        #expect(stored.listing.iterations == 3)
    }

    @Test("importing a file gives it back whole; importing it again is refused as a duplicate")
    func importTwice() throws {
        let store = try store()
        let file = Fixture.poolRun()
        let id = try store.importRun(file, origin: RunOrigin(kind: .import, hostID: nil, name: "pool.json"))
        #expect(try store.run(id).file == file)
        #expect(throws: HistoryError(.duplicate, "")) {
            _ = try store.importRun(file, origin: RunOrigin(kind: .import, hostID: nil))
        }
        #expect(try store.runs(RunQuery()).count == 1)
    }

    @Test("an unknown run id is no such run")
    func missing() throws {
        #expect(throws: HistoryError(.noSuchRun, "")) { _ = try store().run(99) }
    }

    // MARK: - Queries

    @Test("list filters by model (exact, or every firmware), reader name, date and count, newest first")
    func list() throws {
        let store = try store()
        for (day, release) in [("01", "1.00"), ("02", "1.00"), ("03", "1.10")] {
            let reader = Fixture.reader(
                id: 0, name: "SONY FeliCa RC-S300/P [RC-S300/P] 00 00", usbKey: "usb:054c:0dc9@\(release)")
            let header = Fixture.header(createdAt: "2025-11-\(day)T09:00:00Z", readers: [reader])
            _ = try store.beginRun(header, origin: RunOrigin(kind: .run, hostID: nil))
        }
        let other = Fixture.header(
            createdAt: "2025-11-04T09:00:00Z",
            readers: [Fixture.reader(id: 0, name: "ACS ACR39U ICC Reader 00 00", usbKey: "usb:072f:b100@1.00")])
        _ = try store.beginRun(other, origin: RunOrigin(kind: .run, hostID: nil))

        #expect(
            try store.runs(RunQuery()).map { String($0.createdAt.prefix(10)) } == [
                "2025-11-04", "2025-11-03", "2025-11-02", "2025-11-01",
            ])
        #expect(try store.runs(RunQuery(model: "usb:054c:0dc9")).count == 3)
        #expect(try store.runs(RunQuery(model: "usb:054c:0dc9@1.00")).count == 2)
        #expect(try store.runs(RunQuery(model: "usb:054c:0dc")).isEmpty)
        #expect(try store.runs(RunQuery(reader: "acr39")).count == 1)
        #expect(try store.runs(RunQuery(since: "2025-11-03")).count == 2)
        #expect(try store.runs(RunQuery(model: "usb:054c:0dc9", limit: 1)).map(\.createdAt) == ["2025-11-03T09:00:00Z"])
    }

    @Test("a trend follows the model across firmware, flags the step, and names the firmware change")
    func trend() throws {
        let store = try store()
        for day in 1...24 {
            let release = day <= 12 ? "1.00" : "1.10"
            let reader = Fixture.reader(
                id: 0, name: "SONY FeliCa RC-S300/P [RC-S300/P] 00 00", usbKey: "usb:054c:0dc9@\(release)")
            var file = Fixture.poolRun(
                createdAt: String(format: "2025-11-%02dT09:00:00Z", day),
                scale: (day <= 12 ? 1.0 : 1.3) * (1 + Double(day % 3) * 0.004))
            file.header.readers = [reader]
            file.readers = [reader, file.readers[1]]
            _ = try store.importRun(file, origin: RunOrigin(kind: .import, hostID: nil))
        }
        let trend = try store.trend(TrendQuery(model: "usb:054c:0dc9", metric: .p95, mode: .warm))
        #expect(trend.points.count == 24)
        #expect(trend.points.allSatisfy { $0.readerName.hasPrefix("SONY") && !$0.partial })
        #expect(trend.changes.map(\.index) == [12])
        #expect(trend.changes.first?.coincidesWith == ["firmware 1.00 → 1.10"])
    }

    @Test("an unfinished run's trend value is computed from its saved iterations")
    func partialTrend() throws {
        let store = try store()
        let file = Fixture.poolRun()
        let id = try store.beginRun(file.header, origin: RunOrigin(kind: .run, hostID: nil))
        try store.append(file.iterations, run: id, labels: file.header.labels, firstSequence: 0)
        let points = try store.trendPoints(TrendQuery(model: "usb:054c:0dc9@1.00", metric: .p50, mode: .warm))
        #expect(points.count == 1)
        #expect(points.first?.partial == true)
        #expect(points.first?.count == 2)
        #expect(points.first?.valueNanoseconds.map { abs(Double($0) - 401_000_000) < 401_000 } == true)
    }

    // MARK: - Files that are not ours

    @Test("a file that is not SQLite is refused and left byte for byte as it was")
    func notADatabase() throws {
        let path = directory.file("notes.sqlite")
        let original = Data("these are my notes, not a database\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        #expect(throws: HistoryError(.notADatabase, "")) { _ = try SQLiteHistoryStore(path: path) }
        #expect(try contents(path) == original)
    }

    @Test("another program's SQLite database is refused and left as it was")
    func foreign() throws {
        let path = directory.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE patients (name TEXT)")
            try db.execute(sql: "INSERT INTO patients VALUES ('someone')")
        }
        try queue.close()
        let original = try contents(path)
        #expect(throws: HistoryError(.foreignDatabase, "")) { _ = try SQLiteHistoryStore(path: path) }
        #expect(try contents(path) == original)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a damaged database is refused with a clear error and not overwritten")
    func corrupt() throws {
        let path = directory.file("damaged.sqlite")
        let file = Fixture.poolRun()
        do {
            let store = try SQLiteHistoryStore(path: path)
            _ = try store.importRun(file, origin: RunOrigin(kind: .import, hostID: nil))
        }
        // Checkpoint the WAL into the file, then scribble over every page after the first.
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        var bytes = try contents(path)
        for index in 4096..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        try bytes.write(to: URL(fileURLWithPath: path))
        let damaged = try contents(path)
        #expect(throws: (any Error).self) {
            let store = try SQLiteHistoryStore(path: path)
            _ = try store.runs(RunQuery())
        }
        do {
            _ = try SQLiteHistoryStore(path: path).runs(RunQuery())
        } catch {
            #expect([HistoryError.Code.corrupt, .notADatabase, .foreignDatabase].contains(error.code))
        }
        #expect(try contents(path) == damaged)
    }

    @Test("a database from a newer readerbench is refused")
    func newer() throws {
        let path = directory.file("newer.sqlite")
        _ = try SQLiteHistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')")
        }
        try queue.close()
        #expect(throws: HistoryError(.newerSchema, "")) { _ = try SQLiteHistoryStore(path: path) }
    }

    @Test("a new database records its migrations and says what it is")
    func fresh() throws {
        let path = directory.file("sub/folder/history.sqlite")
        let store = try SQLiteHistoryStore(path: path)
        #expect(try store.schemaVersion() == HistorySchema.currentVersion)
        let queue = try DatabaseQueue(path: path)
        let application = try queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        let journal = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        try queue.close()
        #expect(application == HistorySchema.applicationID)
        #expect(journal == "wal")
        // Opening again applies nothing and changes nothing.
        #expect(try SQLiteHistoryStore(path: path).schemaVersion() == HistorySchema.currentVersion)
    }

    @Test("two stores on one file write in turns and both runs land")
    func twoWriters() throws {
        let path = directory.file("shared.sqlite")
        let a = try SQLiteHistoryStore(path: path)
        let b = try SQLiteHistoryStore(path: path)
        let first = Fixture.poolRun(createdAt: "2025-11-01T00:00:00Z")
        let second = Fixture.poolRun(createdAt: "2025-11-02T00:00:00Z")
        let idA = try a.beginRun(first.header, origin: RunOrigin(kind: .run, hostID: "a"))
        let idB = try b.beginRun(second.header, origin: RunOrigin(kind: .run, hostID: "b"))
        DispatchQueue.concurrentPerform(iterations: 2) { which in
            let (store, id, file) = which == 0 ? (a, idA, first) : (b, idB, second)
            for (sequence, iteration) in file.iterations.enumerated() {
                try? store.append([iteration], run: id, labels: file.header.labels, firstSequence: sequence)
            }
        }
        #expect(try a.run(idA).file.iterations == first.iterations)
        #expect(try a.run(idB).file.iterations == second.iterations)
    }
}
