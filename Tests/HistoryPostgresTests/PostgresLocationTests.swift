import History
import HistoryPostgres
import Testing

/// Connection URLs: read, defaulted and shown without the password.
@Suite struct PostgresLocationTests {
    @Test("a URL gives host, port, user, database; the port defaults to 5432; the password is never shown")
    func parses() throws {
        let full = try PostgresLocation("postgresql://lab:s%40cret@db.example:6543/bench", environment: [:])
        #expect(full.host == "db.example" && full.port == 6543 && full.user == "lab" && full.database == "bench")
        #expect(full.password == "s@cret")
        #expect(full.description == "postgresql://lab@db.example:6543/bench")
        let short = try PostgresLocation("postgres://lab@127.0.0.1/bench", environment: ["PGPASSWORD": "p"])
        #expect(short.port == 5432 && short.password == "p" && !short.requireTLS)
        #expect(try PostgresLocation("postgresql://u@h/d?sslmode=require", environment: [:]).requireTLS)
    }

    @Test("what is not a usable URL is a bad location, and its password is not repeated in the message")
    func refuses() throws {
        for text in [
            "history.sqlite", "postgresql://127.0.0.1/bench", "postgresql://u@h", "postgresql://u@h/d/e",
            "postgresql://u@h/d?sslmode=verify-full",
        ] {
            #expect(throws: HistoryError(.badLocation, "")) { try PostgresLocation(text, environment: [:]) }
        }
        do {
            _ = try PostgresLocation("postgresql://u:hunter2@/d", environment: [:])
            Issue.record("accepted a URL without a host")
        } catch {
            #expect(!error.reason.contains("hunter2"))
        }
    }
}

/// The PostgreSQL client is in the build with the Fleet trait only; without it, a server is
/// refused with a sentence naming the trait (the command line shows it and exits 3).
@Suite struct PostgresSupportTests {
    @Test("the client is there exactly when the build has the Fleet trait, and says so otherwise")
    func builtWithTrait() throws {
        let server = try PostgresLocation("postgresql://lab@127.0.0.1:1/bench", environment: [:])
        #if Fleet
            try PostgresSupport.requireBuilt(for: server)
            #expect(try PostgresSupport.receiver(server).location == "postgresql://lab@127.0.0.1:1/bench")
        #else
            let refusals = [
                #expect(throws: HistoryError.self) { try PostgresSupport.requireBuilt(for: server) },
                #expect(throws: HistoryError.self) { try PostgresSupport.receiver(server) },
                #expect(throws: HistoryError.self) { try PostgresSupport.openStore(server) },
            ]
            for error in refusals {
                #expect(error?.code == .notBuilt)
                #expect(error?.reason.contains("--traits Fleet") == true)
                #expect(error?.reason.contains("127.0.0.1:1/bench") == true)
            }
        #endif
    }
}
