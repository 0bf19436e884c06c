import History
import Testing

@Suite struct SchemaTests {
    @Test("migrations are numbered 1, 2, … without gaps")
    func numbered() {
        #expect(HistorySchema.migrations.map(\.version) == Array(1...HistorySchema.migrations.count))
    }

    @Test("every placeholder is filled in both dialects")
    func dialects() {
        for dialect in SQLDialect.allCases {
            for statement in HistorySchema.migrations.flatMap(\.statements) {
                #expect(!dialect.render(statement).contains("{{"))
            }
        }
        #expect(SQLDialect.sqlite.render("id {{serial}}") == "id INTEGER PRIMARY KEY")
        #expect(SQLDialect.postgresql.render("x {{blob}}){{without_rowid}}") == "x BYTEA)")
    }

    @Test("PostgreSQL parameters are numbered; question marks in quotes are kept")
    func numberedParameters() {
        #expect(SQLDialect.numberedParameters("a = ? AND b LIKE '?%' AND c = ?") == "a = $1 AND b LIKE '?%' AND c = $2")
    }

    @Test("a USB key without a release matches every firmware of the model; with one, only it")
    func modelCondition() {
        let family = HistoryQueries.listRuns(RunQuery(model: "usb:054c:0dc9"))
        #expect(family.sql.contains("substr(rr.usb_model_key"))
        #expect(family.arguments.contains(.text("usb:054c:0dc9@")))
        let exact = HistoryQueries.listRuns(RunQuery(model: "usb:054c:0dc9@1.00"))
        #expect(!exact.sql.contains("substr("))
    }

    @Test("LIKE wildcards in a reader name are matched literally")
    func likeEscaping() {
        let query = HistoryQueries.listRuns(RunQuery(reader: "100%_x"))
        #expect(query.arguments.contains(.text("%100\\%\\_x%")))
    }
}
