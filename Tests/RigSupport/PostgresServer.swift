import Foundation
import Testing

/// The convention for tests that need a PostgreSQL server (as `Rig` is for the PC/SC rig).
///
/// They run when `READERBENCH_POSTGRES` is set (scripts/test starts a private server with
/// scripts/postgres and sets it); then a missing server is a failure, not a skip. Each test
/// works in a database of its own, made here and left for the server's folder to take away.
public enum PostgresServer {
    /// Whether the tests were asked for (`READERBENCH_POSTGRES` set to anything but empty or 0).
    public static var isRequested: Bool {
        guard let value = ProcessInfo.processInfo.environment["READERBENCH_POSTGRES"] else { return false }
        return !value.isEmpty && value != "0"
    }

    /// The trait these tests carry.
    public static var enabled: ConditionTrait {
        .enabled(
            if: isRequested,
            "needs PostgreSQL: scripts/postgres start, eval \"$(scripts/postgres env)\", then READERBENCH_POSTGRES=1 swift test"
        )
    }

    public struct Unavailable: Error, CustomStringConvertible { public var description: String }

    /// The server's URL (scripts/postgres env exports it).
    public static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["READERBENCH_POSTGRES_URL"], !url.isEmpty else {
                throw Unavailable(
                    description: "READERBENCH_POSTGRES is set but READERBENCH_POSTGRES_URL is not: "
                        + "eval \"$(scripts/postgres env)\"")
            }
            return url
        }
    }

    /// A new, empty database on the server; its URL.
    public static func freshDatabase() throws -> String {
        let base = try url
        let name = "rb_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let result = try psql(base, "CREATE DATABASE \(name)")
        guard result.status == 0 else {
            throw Unavailable(description: "cannot create a test database on \(base): \(result.output)")
        }
        let cut = base.range(of: "/", options: .backwards)!.lowerBound
        return String(base[..<cut]) + "/" + name
    }

    /// Runs one SQL command with psql; its exit status and output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A URL where nothing listens (port 1 on loopback: refused at once).
    public static let nowhere = "postgresql://readerbench@127.0.0.1:1/readerbench"

    /// scripts/postgres of this checkout (found from this file's path, so a test needs no variable
    /// to find it).
    public static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres").path
    }

    /// Runs scripts/postgres with `arguments` (`crash`, `start`): the tests kill and restart the
    /// server the way a host loses it.
    public static func script(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scriptPath)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

// MARK: - A server of one's own

/// A PostgreSQL server of a test's own: scripts/postgres with a run directory and port of its own
/// (initdb into a fresh temporary folder), for the tests that kill the server. Killing the shared
/// server would fail whatever other test is using it at that moment.
///
/// ``destroy()`` stops it (by its recorded PID) and removes its data; call it in a `defer`.
public final class PrivatePostgres: @unchecked Sendable {
    /// Its run directory (records, log, env file).
    public let runDirectory: String
    /// `postgresql://readerbench@127.0.0.1:PORT/readerbench`.
    public private(set) var url = ""

    /// Starts one (a few seconds: initdb, then the server).
    public init() throws {
        runDirectory = NSTemporaryDirectory() + "readerbench-pg-run-" + UUID().uuidString.prefix(8)
        let started = try script(["start"])
        guard started.status == 0 else {
            throw PostgresServer.Unavailable(description: "scripts/postgres start failed: \(started.output)")
        }
        let env = try String(contentsOfFile: runDirectory + "/postgres.env", encoding: .utf8)
        guard let line = env.split(separator: "\n").first(where: { $0.contains("READERBENCH_POSTGRES_URL=") }),
            let open = line.firstIndex(of: "'"), let close = line.lastIndex(of: "'"), open < close
        else { throw PostgresServer.Unavailable(description: "no URL in \(runDirectory)/postgres.env") }
        url = String(line[line.index(after: open)..<close])
    }

    /// SIGKILL to the postmaster and its children: the server dies as in a power cut.
    @discardableResult public func crash() throws -> (status: Int32, output: String) { try script(["crash"]) }

    /// Starts it again on the same port and data (crash recovery runs).
    @discardableResult public func start() throws -> (status: Int32, output: String) { try script(["start"]) }

    /// Stops it and removes its data and run directory.
    public func destroy() { _ = try? script(["destroy"]) }

    private func script(_ arguments: [String]) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["READERBENCH_PG_DIR"] = runDirectory
        environment["READERBENCH_PG_PORT"] = nil
        return try PostgresServer.script(arguments, environment: environment)
    }
}
