import ArgumentParser

/// `readerbench readers`: what is plugged in (filled in with reader identity below).
struct ReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "readers", abstract: "List readers, their identity and cards.")
}
