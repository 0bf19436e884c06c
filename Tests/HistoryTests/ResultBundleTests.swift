import CardIdentity
import Foundation
import History
import Results
import Testing

@Suite struct ResultBundleTests {
    static let identifiers = ResultBundle.Identifiers(
        hostName: "kaigo-pc-07", userName: "hanako", homeDirectory: "/home/hanako")

    func bundle() throws -> (file: ResultFile, text: String, bytes: [UInt8]) {
        var file = Fixture.poolRun()
        file.header = Fixture.header(
            calibrationFile: "/home/hanako/.local/share/readerbench/calibration-kaigo-pc-07.json")
        file.header.readers = Fixture.poolRun().header.readers
        let bytes = try ResultBundle.anonymized([file], toolVersion: "0.1.0", identifiers: Self.identifiers)
        return (file, String(decoding: bytes, as: UTF8.self), bytes)
    }

    @Test("no serial number, host name, user name, home folder or USB path survives")
    func nothingIdentifying() throws {
        let (_, text, _) = try bundle()
        for secret in [
            "0123456", "RR-77", "kaigo-pc-07", "hanako", "/home/", "1-2.3", "\"bus\"", "\"address\"", "\"evidence\"",
            "serialNumber",
        ] {
            #expect(!text.contains(secret), "\(secret) is still in the bundle")
        }
        // What a comparison needs is still there.
        for kept in [
            "SONY FeliCa RC-S300/P [RC-S300/P] 00 00", "usb:054c:0dc9@1.00", "Debian GNU/Linux 12", "2.0.0",
            "\"anonymized\":true",
        ] {
            #expect(text.contains(kept), "\(kept) is missing from the bundle")
        }
    }

    @Test("a bundle reads back as the same runs with the same samples")
    func readsBack() throws {
        let (file, _, bytes) = try bundle()
        let runs = try #require(try ResultBundle.runs(in: bytes, path: "bundle.json"))
        #expect(runs.count == 1)
        #expect(runs[0].iterations.map(\.totalNanoseconds) == file.iterations.map(\.totalNanoseconds))
        #expect(runs[0].readers.map(\.reader.modelKey) == file.readers.map(\.reader.modelKey))
        #expect(runs[0].summary == file.summary)
        #expect(runs[0].header.readers[0].reader.usb?.serialNumber == nil)
    }

    @Test("a bundle imports into another history, and again is a duplicate")
    func imports() throws {
        let directory = try TemporaryDirectory()
        let (_, _, bytes) = try bundle()
        let path = directory.file("bundle.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let store = try SQLiteHistoryStore(path: directory.file("other.sqlite"))
        let runs = try RunReference.loadFiles(path)
        let id = try store.importRun(runs[0], origin: RunOrigin(kind: .import, hostID: nil, name: "bundle.json"))
        #expect(try store.run(id).file.iterations.count == runs[0].iterations.count)
        #expect(throws: HistoryError(.duplicate, "")) {
            _ = try store.importRun(runs[0], origin: RunOrigin(kind: .import, hostID: nil))
        }
    }

    @Test("a plain result file is not a bundle")
    func notABundle() throws {
        #expect(try ResultBundle.runs(in: Array("{\"format\":\"readerbench-result\"}".utf8), path: "x") == nil)
    }

    @Test("whole words only: a user called 'ci' does not damage 'Microsystems'")
    func wholeWords() throws {
        #expect("SCM Microsystems ci".replacingWordForTest("ci") == "SCM Microsystems [user]")
    }
}

extension String {
    fileprivate func replacingWordForTest(_ word: String) -> String {
        // Through the public API: a run whose reader name holds the word.
        var file = Fixture.poolRun()
        file.header.readers[0].reader.name = self
        file.readers[0].reader.name = self
        let identifiers = ResultBundle.Identifiers(hostName: nil, userName: word, homeDirectory: nil)
        guard let bytes = try? ResultBundle.anonymized([file], toolVersion: "0", identifiers: identifiers),
            let runs = try? ResultBundle.runs(in: bytes, path: "x")
        else { return "" }
        return runs[0].readers[0].reader.name
    }
}
