import Foundation
import Testing

/// Runs the built `readerbench` executable the way a user does: a real process, real signals,
/// real files.
enum CLI {
    /// `.build/<config>/readerbench`, beside the test bundle (`swift build` makes it).
    static var executable: URL {
        get throws {
            var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<3 {
                let candidate = folder.appendingPathComponent("readerbench")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw Missing(
                description: "the readerbench executable was not found beside the tests: run `swift build` first")
        }
    }

    struct Missing: Error, CustomStringConvertible { var description: String }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var uncaughtSignal: Bool
    }

    /// The environment the tool runs in: this process's, with runs saving into the tests'
    /// temporary history (runs save by default: keep the tests' runs out of the user's own).
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["READERBENCH_HISTORY_DB"] = env["READERBENCH_HISTORY_DB"] ?? historyDatabase
        return env
    }

    /// For a run that ends with a worker the watchdog abandoned: that worker stays blocked in its
    /// call until the process ends, by design, and keeps what it holds (the result sink, the
    /// history store) alive. Under AddressSanitizer (scripts/test) LeakSanitizer would report
    /// some of those live objects anyway, those a Swift enum refers to through a pointer with tag
    /// bits it cannot read; so these runs check memory errors but not leaks.
    static let abandonsAWorker = ["ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1"]

    /// Starts the tool; the caller waits or signals.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        var env = Self.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Waits for the process, killing it after `timeout` seconds.
    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe, timeout: Double = 120) -> Outcome {
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // Read both pipes to the end so a chatty process never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            uncaughtSignal: process.terminationReason == .uncaughtSignal)
    }

    /// Runs to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 120) throws -> Outcome
    {
        let (process, out, err) = try start(arguments, environment: environment)
        return finish(process, out, err, timeout: timeout)
    }

    /// The history every test run saves into unless a test names its own (`--db`).
    static let historyDatabase = FileManager.default.temporaryDirectory
        .appendingPathComponent("readerbench-e2e-history-\(UUID().uuidString).sqlite").path

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("readerbench-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
