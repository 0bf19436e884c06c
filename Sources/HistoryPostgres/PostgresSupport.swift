import History

/// The PostgreSQL history as the command line reaches it, in every build.
///
/// The client (`PostgresHistoryStore`, through postgres-nio) is built only with the package's
/// `Fleet` trait: it brings swift-nio, swift-nio-ssl and swift-crypto (two copies of BoringSSL),
/// which triple a clean build, and a care business measuring its one reader needs none of it
/// (docs/fleet.md). A build without the trait still reads `postgresql://` URLs and says what to
/// rebuild with, rather than treating the URL as a file name.
public enum PostgresSupport {
    /// Throws ``HistoryError/Code/notBuilt`` (naming `server` and the trait) in a build without
    /// the `Fleet` trait.
    public static func requireBuilt(for server: PostgresLocation) throws(HistoryError) {
        #if !Fleet
            throw notBuilt(server)
        #endif
    }

    /// The history on `server`, connected and migrated now (commands that read it).
    public static func openStore(_ server: PostgresLocation) throws(HistoryError) -> any HistoryStore {
        #if Fleet
            let store = PostgresHistoryStore(server: server)
            try store.prepare()
            return store
        #else
            throw notBuilt(server)
        #endif
    }

    /// The receiving end for runs forwarded to `server`; it connects on first use, so a server
    /// that is down costs nothing here (the forwarder retries).
    public static func receiver(_ server: PostgresLocation) throws(HistoryError) -> any HistoryReceiver {
        #if Fleet
            return PostgresHistoryStore(server: server)
        #else
            throw notBuilt(server)
        #endif
    }

    private static func notBuilt(_ server: PostgresLocation) -> HistoryError {
        HistoryError(
            .notBuilt,
            "\(server) is a PostgreSQL history, and this readerbench was built without its client: rebuild with "
                + "`swift build -c release --traits Fleet` (docs/fleet.md)")
    }
}
