import Foundation
import Glibc
import Testing
import VPCD

/// The project's convention for tests that need the PC/SC rig (pcscd with the vpcd readers).
///
/// They run when `READERBENCH_RIG` is set (scripts/test starts the rig and sets it to 1). Once
/// asked for, a missing rig is a failure, not a skip: a CI job that meant to test the real stack
/// must not pass by testing nothing.
///
/// Rig tests own reader slots while they run; `scripts/test` runs the tests with `--no-parallel`
/// so tests in different suites never serve cards on the same slot at once.
public enum Rig {
    /// The rig's readers, by slot (scripts/virtual-reader exports how many it runs).
    public static var readers: [String] {
        (0..<VPCDEndpoint.rigReaderCount).map(VPCDEndpoint.readerName(slot:))
    }

    /// Whether rig tests were asked for (`READERBENCH_RIG` set to anything but empty or 0).
    public static var isRequested: Bool {
        guard let value = ProcessInfo.processInfo.environment["READERBENCH_RIG"] else { return false }
        return !value.isEmpty && value != "0"
    }

    /// The trait rig tests carry.
    public static var enabled: ConditionTrait {
        .enabled(
            if: isRequested,
            "needs the virtual reader: scripts/virtual-reader start, then READERBENCH_RIG=1 swift test")
    }

    /// Why the rig is not usable.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Fails the test unless `reader` is listed by PC/SC.
    public static func requireReader(_ reader: String) throws {
        let listing = try run("/usr/bin/pcsc_scan", ["-r"], timeout: 5)
        guard listing.output.contains(reader) else {
            throw Unavailable(
                description: "READERBENCH_RIG is set but PC/SC does not list '\(reader)' (pcsc_scan -r said: "
                    + "\(listing.output.trimmingCharacters(in: .whitespacesAndNewlines))); start the rig with "
                    + "scripts/virtual-reader start")
        }
    }

    // MARK: - scriptor

    /// What scriptor printed for one session.
    public struct ScriptorRun {
        public var status: Int32
        public var output: String

        /// The responses, as the hex after each `< ` line (spaced, upper case, without meaning).
        public var responses: [String] {
            output.split(separator: "\n").compactMap { line in
                guard line.hasPrefix("< ") else { return nil }
                let hex = line.dropFirst(2).split(separator: ":", maxSplits: 1).first ?? ""
                return hex.trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// Sends `apdus` (hex, one per line) to the card in `reader` with pcsc-tools' scriptor.
    public static func scriptor(_ reader: String, _ apdus: [String]) throws -> ScriptorRun {
        let result = try run(
            "/usr/bin/scriptor", ["-r", reader], input: apdus.joined(separator: "\n") + "\n", timeout: 20)
        return ScriptorRun(status: result.status, output: result.output)
    }

    /// Whether PC/SC can connect to a card in `reader` (scriptor with no commands).
    public static func cardPresent(in reader: String) throws -> Bool {
        try scriptor(reader, []).status == 0
    }

    /// Polls `cardPresent` until it equals `present` or about `seconds` pass: vpcd polls every
    /// 400 ms, so insertion and removal show up with that delay.
    public static func waitForCard(in reader: String, present: Bool, seconds: Double = 5) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try cardPresent(in: reader) == present { return true }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return false
    }

    // MARK: - Subprocesses

    /// Runs a tool to completion (killed after `timeout` seconds), returning status and combined output.
    public static func run(
        _ tool: String, _ arguments: [String], input: String = "", timeout: Double
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: - The rig script

    /// scripts/virtual-reader, found from this file (Tests/RigSupport/…).
    public static let virtualReaderPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/virtual-reader").path

    /// Runs `scripts/virtual-reader COMMAND` under coreutils' `timeout`, output to a file.
    ///
    /// Not Foundation's `Process`: its `waitUntilExit` was seen to hang here after `start` returned
    /// (the script leaves pcscd running in a session of its own), and a hung restart would leave the
    /// test run stuck with the rig in an unknown state.
    public static func virtualReader(_ command: String, timeout seconds: Int = 60) -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("readerbench-rig-\(getpid())-virtual-reader-\(command).log").path
        let arguments = ["/usr/bin/timeout", "--kill-after=5", "\(seconds)", virtualReaderPath, command]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else { return (-1, "posix_spawn failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        unlink(log)
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
    }
}
