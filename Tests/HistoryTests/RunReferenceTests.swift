import History
import Testing

@Suite struct RunReferenceTests {
    @Test("run ids, files and queries are told apart")
    func forms() throws {
        #expect(try RunReference.parse("run:42") == .run(42))
        #expect(try RunReference.parse("results.json", fileExists: { _ in true }) == .file("results.json"))
        #expect(try RunReference.parse("missing.json", fileExists: { _ in false }) == .file("missing.json"))
        guard
            case .query(let query, _) = try RunReference.parse(
                "model=usb:054c:0dc9@1.00,latest", fileExists: { _ in false })
        else {
            Issue.record("not a query")
            return
        }
        #expect(query.model == "usb:054c:0dc9@1.00")
        #expect(query.limit == 1)
    }

    @Test("a file named like a query is a file when it exists")
    func fileWins() throws {
        #expect(try RunReference.parse("latest", fileExists: { $0 == "latest" }) == .file("latest"))
    }

    @Test("every query term is read")
    func terms() throws {
        let query = try RunReference.parseQuery(
            "reader=RC-S300,since=2025-11-01,until=2025-12-01,scenario=pin,measured,last=5,site=本店")
        #expect(
            query
                == RunQuery(
                    reader: "RC-S300", since: "2025-11-01", until: "2025-12-01", scenario: "pin", site: "本店",
                    modelled: false, limit: 5))
    }

    @Test("bad references say so", arguments: ["run:0", "run:x", "model=", "last=0", "colour=red", "latest=3"])
    func bad(_ text: String) {
        #expect(throws: HistoryError(.badReference, "")) {
            let reference = try RunReference.parse(text, fileExists: { _ in false })
            if case .query = reference { return }
            if case .run = reference { return }
            throw HistoryError(.badReference, "parsed as a file")
        }
    }
}
