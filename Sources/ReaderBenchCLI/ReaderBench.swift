import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// `readerbench`: measures how fast smart-card readers run the My Number Card
/// qualification-check read path.
@main
struct ReaderBench: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "readerbench",
        abstract: "Measure smart-card reader latency on the My Number Card read path.",
        version: version,
        subcommands: [
            RunCommand.self, CalibrateCommand.self, ReportCommand.self, HistoryCommand.self, CompareCommand.self,
            GateCommand.self, ReadersCommand.self, DoctorCommand.self, PingCommand.self, SimulateCommand.self,
            TraceCommand.self, TLVCommand.self, APDUCommand.self,
        ]
    )

    /// Parses and runs a command like swift-argument-parser's own `main()`, except that option
    /// errors exit with ``ExitStatus/badInput`` (2), as the README promises, rather than the
    /// parser's `EX_USAGE` (64): scripts tell bad input from a failing reader by that status.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // `gate` keeps package-benchmark's codes, where 2 means a regression: its option errors
            // stay the parser's 64, as its --help says.
            guard exitCode(for: error) == .validationFailure, arguments.first != "gate" else { exit(withError: error) }
            printError(OptionErrors.message(for: arguments, parserMessage: fullMessage(for: error)))
            Glibc.exit(ExitStatus.badInput)
        }
    }
}
