import Foundation
import History

// MARK: - Where the server is

/// A PostgreSQL connection URL: `postgresql://user[:password]@host[:port]/database`, with
/// `?sslmode=disable|require` (default disable). The password may also come from `PGPASSWORD`,
/// as for libpq's tools.
///
/// ``description`` never shows the password: it is what the local upload records and messages
/// hold.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// Whether TLS is required (`sslmode=require`).
    public var requireTLS: Bool

    /// Whether `text` names a PostgreSQL server rather than a file.
    public static func isLocation(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Reads a URL; `environment` supplies `PGPASSWORD` when the URL has no password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(HistoryError)
    {
        guard Self.isLocation(text), let components = URLComponents(string: text), let host = components.host,
            !host.isEmpty
        else {
            throw HistoryError(
                .badLocation, "'\(Self.redacted(text))' is not a PostgreSQL URL (postgresql://user@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw HistoryError(.badLocation, "'\(Self.redacted(text))' names no user (postgresql://USER@host/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw HistoryError(
                .badLocation, "'\(Self.redacted(text))' names no database (postgresql://user@host/DATABASE)")
        }
        var requireTLS = false
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"): requireTLS = false
            case ("sslmode", "require"): requireTLS = true
            default:
                throw HistoryError(
                    .badLocation,
                    "'\(Self.redacted(text))': unsupported option \(item.name)=\(item.value ?? "") "
                        + "(sslmode=disable or sslmode=require)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
        self.requireTLS = requireTLS
    }

    /// The URL without the password.
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(user)@\(hostPart):\(port)/\(database)" + (requireTLS ? "?sslmode=require" : "")
    }

    /// `text` with anything between `://user:` and `@` hidden.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
