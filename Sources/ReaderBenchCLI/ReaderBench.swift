import ArgumentParser

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
            RunCommand.self, ReadersCommand.self, PingCommand.self, SimulateCommand.self, TraceCommand.self, TLVCommand.self,
            APDUCommand.self, CompareCommand.self, GateCommand.self,
        ]
    )
}
