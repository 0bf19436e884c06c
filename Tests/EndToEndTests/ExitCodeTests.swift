import Foundation
import Testing

/// The README promises exit status 2 for bad input, options included: a script that checks for
/// 2 must not see swift-argument-parser's own 64 (EX_USAGE) for a mistyped option.
@Suite("exit codes of bad options")
struct ExitCodeTests {
    @Test(
        "option errors exit 2, as documented",
        arguments: [
            ["run", "--iterations", "abc"],
            ["run", "--no-such-option"],
            ["run", "--iterations"],
            ["trace", "info"],
            ["apdu", "decode"],
            ["no-such-command"],
        ])
    func optionErrorsExit2(_ arguments: [String]) throws {
        let outcome = try CLI.run(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
        #expect(outcome.stderr.contains("Usage") || outcome.stderr.contains("error"), "\(outcome.stderr)")
    }

    @Test(
        "a negative number is named as the problem, not reported as a missing value",
        arguments: [
            (["run", "--iterations", "-1"], "--iterations"),
            (["ping", "--count", "-5"], "--count"),
            (["simulate", "--slot", "-1"], "--slot"),
        ])
    func negativeNumbers(_ arguments: [String], _ option: String) throws {
        let outcome = try CLI.run(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
        #expect(outcome.stderr.contains("negative"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(option), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Missing value"), "\(outcome.stderr)")
    }

    @Test("help and version still exit 0")
    func helpExits0() throws {
        for arguments in [["--help"], ["run", "--help"], ["--version"]] {
            let outcome = try CLI.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
            #expect(!outcome.stdout.isEmpty)
        }
    }
}
