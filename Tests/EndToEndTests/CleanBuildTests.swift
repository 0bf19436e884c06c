import Foundation
import Testing

/// The README's first command is a build: a new user must not meet warnings there. SwiftPM plans
/// the whole package graph (system libraries' pkg-config flags included) before it builds any
/// target, and it plans only once per build directory, so a fresh scratch path and the smallest
/// target show every planning warning in seconds.
@Suite("a clean build")
struct CleanBuildTests {
    @Test("planning a clean build prints no warning (no prohibited pkg-config flags such as -pthread)")
    func cleanBuildHasNoWarnings() throws {
        let repository = TraceCommandTests.repository
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "readerbench-clean-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "swift", "build", "--package-path", repository.path, "--scratch-path", scratch.path, "--target",
            "HexCoding",
        ]
        process.currentDirectoryURL = repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        let warnings = text.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(warnings.isEmpty, "\(warnings.joined(separator: "\n"))")
    }
}
