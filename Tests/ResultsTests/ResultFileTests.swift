import RunModel
import Foundation
import Results
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Result files")
struct ResultFileTests {
    static func summary(of iterations: [IterationResult]) -> RunSummary {
        var aggregator = RunAggregator(labels: Fixture.labels)
        iterations.forEach { aggregator.add($0) }
        return aggregator.summary(stopReason: .completed, note: "all iterations ran")
    }

    @Test("a new file is a valid result with the header and no iterations")
    func newFileIsValid() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let header = Fixture.header()
        _ = try ResultFileWriter(path: path, header: header)
        let file = try ResultFile.load(path)
        #expect(file.header == header && file.iterations.isEmpty && file.summary == nil && !file.complete)
        // No temporary twin is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["run.json"])
    }

    @Test("the file parses after every append and holds every iteration appended so far")
    func validAfterEveryAppend() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        var written: [IterationResult] = []
        for index in 0..<50 {
            let failure = index % 7 == 3 ? Failure(cause: .statusWord, step: "sign", apdu: 7, message: "6982") : nil
            let iteration = Fixture.iteration(
                index, mode: index < 25 ? .warm : .cold, warmup: index % 25 < 3, total: UInt64(70_000_000 + index),
                failure: failure)
            try writer.append(iteration)
            written.append(iteration)
            let file = try ResultFile.load(path)
            #expect(file.iterations.count == index + 1)
            #expect(file.iterations.last == iteration)
            #expect(!file.complete && file.summary == nil)
        }
        #expect(try ResultFile.load(path).iterations == written)
        #expect(writer.iterationCount == 50)
    }

    @Test("a finished file has the summary and says it is complete, and the writer then refuses appends")
    func finishedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        let iterations = (0..<5).map { Fixture.iteration($0) }
        for iteration in iterations { try writer.append(iteration) }
        let summary = Self.summary(of: iterations)
        try writer.finish(summary: summary)
        let file = try ResultFile.load(path)
        #expect(file.complete && file.summary == summary && file.iterations == iterations)
        let error = #expect(throws: ResultsError.self) { try writer.append(Fixture.iteration(5)) }
        #expect(error?.code == .writerClosed)
        // The document reads with a plain JSON parser too, keys as documented.
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(object["complete"] as? Bool == true && object["format"] as? String == "readerbench-result")
        let rows = try #require((object["iterations"] as? [[String: Any]])?.first?["apdus"] as? [[Int]])
        #expect(rows.first == [0, 0, 0, 0, 1_000_000, 0x9000, 1])
    }

    @Test("a finished file with no iterations is valid")
    func finishedEmptyFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        try writer.finish(summary: Self.summary(of: []))
        let file = try ResultFile.load(path)
        #expect(file.complete && file.iterations.isEmpty && file.summary?.warm == nil)
    }

    @Test("an existing file is not overwritten unless asked")
    func refusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let first = try ResultFileWriter(path: path, header: Fixture.header())
        try first.append(Fixture.iteration(0))
        let error = #expect(throws: ResultsError.self) { try ResultFileWriter(path: path, header: Fixture.header()) }
        #expect(error?.code == .alreadyExists)
        #expect(error?.path == path)
        #expect(try ResultFile.load(path).iterations.count == 1)
        _ = try ResultFileWriter(path: path, header: Fixture.header(), replacingExisting: true)
        #expect(try ResultFile.load(path).iterations.isEmpty)
    }

    @Test("a file in a missing directory is an error naming the path and the system's reason")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no/such/dir/run.json")
        let error = #expect(throws: ResultsError.self) { try ResultFileWriter(path: path, header: Fixture.header()) }
        #expect(error?.code == .cannotCreate)
        #expect(error?.description.contains(path) == true)
        #expect(error?.reason.contains("No such file or directory") == true)
    }

    @Test("an APDU row naming a label that does not exist is refused and the file left as it was")
    func labelsAreChecked() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        try writer.append(Fixture.iteration(0))
        var bad = Fixture.iteration(1)
        bad.apdus[2].kind = 99
        let error = #expect(throws: ResultsError.self) { try writer.append(bad) }
        #expect(error?.code == .labelOutOfRange)
        try writer.append(Fixture.iteration(2))
        #expect(try ResultFile.load(path).iterations.map(\.index) == [0, 2])
    }

    // MARK: - Reading damaged and foreign files

    @Test("every prefix of a result file cut inside the document is reported as not JSON, never a crash")
    func everyCutIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        for index in 0..<2 { try writer.append(Fixture.iteration(index)) }
        try writer.finish(summary: Self.summary(of: [Fixture.iteration(0), Fixture.iteration(1)]))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        // Cutting only the final line break leaves the whole document.
        let lastBrace = try #require(bytes.lastIndex(of: UInt8(ascii: "}")))
        for length in 0...lastBrace {
            let error = #expect(throws: ResultsError.self) { try ResultFile.parse(Array(bytes[..<length]), path: path) }
            #expect(error?.code == .notJSON, "cut at \(length) of \(bytes.count)")
        }
        #expect(try ResultFile.parse(Array(bytes[...lastBrace]), path: path).complete)
    }

    @Test("JSON that is not a result file, and a newer version, get their own errors")
    func foreignFiles() throws {
        let cases: [(String, ResultsError.Code)] = [
            ("[1, 2]", .notAResultFile),
            ("{}", .notAResultFile),
            ("{\"format\": \"something-else\", \"version\": 1}", .notAResultFile),
            ("{\"format\": \"readerbench-result\", \"version\": 3}", .unsupportedVersion),
            ("{\"format\": \"readerbench-result\", \"version\": 0}", .unsupportedVersion),
            ("{\"format\": \"readerbench-result\", \"version\": 2}", .invalidContent),
            ("{\"format\": \"readerbench-result\", \"version\": 1}", .invalidContent),
            ("not json at all", .notJSON),
            ("", .notJSON),
        ]
        for (text, code) in cases {
            let error = #expect(throws: ResultsError.self) { try ResultFile.parse(Array(text.utf8), path: "x.json") }
            #expect(error?.code == code, "\(text)")
        }
    }

    @Test("a missing field is reported with where it is missing")
    func missingFieldIsLocated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        try writer.append(Fixture.iteration(0))
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "\"totalNanoseconds\"", with: "\"x\"")
        let error = #expect(throws: ResultsError.self) { try ResultFile.parse(Array(text.utf8), path: path) }
        #expect(error?.code == .invalidContent)
        #expect(error?.reason.contains("iterations[0]") == true && error?.reason.contains("totalNanoseconds") == true)
    }

    @Test("a missing file is a read error naming the path")
    func missingFile() {
        let error = #expect(throws: ResultsError.self) { try ResultFile.load("/nonexistent/run.json") }
        #expect(error?.code == .cannotRead && error?.path == "/nonexistent/run.json")
    }

    @Test("recovery returns the header and every complete iteration of a file whose last write was torn")
    func recoverTornFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.json")
        let writer = try ResultFileWriter(path: path, header: Fixture.header())
        for index in 0..<4 { try writer.append(Fixture.iteration(index)) }
        let whole = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        // Cut inside the last iteration's line, as a torn pwrite would.
        let lastLine = try #require(whole.dropLast(4).lastIndex(of: UInt8(ascii: "\n")))
        let torn = directory.file("torn.json")
        for cut in [lastLine + 1, lastLine + 10, whole.count - 6] {
            try Data(whole[..<cut]).write(to: URL(fileURLWithPath: torn))
            #expect(throws: ResultsError.self) { try ResultFile.load(torn) }
            let recovered = try ResultFile.recover(torn)
            #expect(recovered.iterations.map(\.index) == [0, 1, 2], "cut at \(cut)")
            #expect(recovered.header == Fixture.header() && !recovered.complete)
        }
        // An intact file is returned as load returns it.
        #expect(try ResultFile.recover(path) == ResultFile.load(path))
    }

    // MARK: - Process death

    @Test("a process killed with SIGKILL between appends leaves a valid file with every iteration")
    func survivesSIGKILL() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("killed.json")
        await #expect(processExitsWith: .signal(SIGKILL)) { [path = path as String] in
            let writer = try ResultFileWriter(path: path, header: Fixture.header())
            for index in 0..<20 { try writer.append(Fixture.iteration(index)) }
            kill(getpid(), SIGKILL)
        }
        let file = try ResultFile.load(path)
        #expect(file.iterations.map(\.index) == Array(0..<20))
        #expect(!file.complete && file.summary == nil)
    }
}

// MARK: - Versions

@Suite("Result file versions")
struct ResultFileVersionTests {
    static var fixture: String {
        Bundle.module.path(forResource: "version1-visual", ofType: "json", inDirectory: "Fixtures")!
    }

    @Test("a version-1 file reads as one reader with id 0, its iterations and its summary")
    func readsVersionOne() throws {
        let file = try ResultFile.load(Self.fixture)
        #expect(file.header.version == 1)
        #expect(file.readers.count == 1 && file.readers[0].id == 0)
        #expect(file.readers[0].card.source == .simulatedInProcess)
        #expect(file.iterations.count == 8)
        #expect(file.iterations.allSatisfy { $0.reader == 0 })
        let summary = try #require(file.summary)
        #expect(summary.readers.count == 1)
        #expect(summary.warm?.iterations == 3 && summary.cold?.iterations == 3)
        #expect(summary.stopReason == .completed)
    }

    @Test("a reader that joins mid-run is announced in the iteration stream and read back with its iterations")
    func readerJoinedLines() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("joined.json")
        let header = Fixture.header()
        let writer = try ResultFileWriter(path: path, header: header)
        try writer.append(Fixture.iteration(0))
        var late = header.readers[0]
        late.id = 1
        late.reader.name = "Plugged In Later 00 00"
        // An iteration of a reader the file does not know yet is refused.
        var early = Fixture.iteration(1)
        early.reader = 1
        #expect(throws: ResultsError.self) { try writer.append(early) }
        try writer.announce(late)
        try writer.append(early)
        // Mid-run, the file already reads, the joined reader included.
        let partial = try ResultFile.load(path)
        #expect(partial.readers.map(\.id) == [0, 1])
        #expect(partial.iterations.map(\.reader) == [0, 1])
        var aggregator = RunAggregator(labels: header.labels)
        aggregator.add(Fixture.iteration(0))
        aggregator.add(early)
        try writer.finish(summary: aggregator.summary(stopReason: .completed, note: ""))
        let file = try ResultFile.load(path)
        #expect(file.complete)
        #expect(file.readers.last?.reader.name == "Plugged In Later 00 00")
        #expect(file.summary?.readers.map(\.reader) == [0, 1])
        // A torn file keeps the announcement too.
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let torn = directory.file("torn.json")
        _ = FileManager.default.createFile(atPath: torn, contents: Data(bytes.prefix(bytes.count - 40)))
        let recovered = try ResultFile.recover(torn)
        #expect(recovered.readers.map(\.id) == [0, 1])
    }
}
