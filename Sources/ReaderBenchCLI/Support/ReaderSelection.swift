import PCSC

/// Picks the reader a command works on: the one named (exactly, or by a unique part of its
/// name), or else the first reader that holds a card.
func selectReader(_ requested: String?, context: borrowing PCSCContext) throws -> String {
    let names: [String]
    do { names = try context.readerNames() } catch {
        throw fail(error.message, status: ExitStatus.environment)
    }
    if names.isEmpty {
        throw fail(
            "no readers are connected: plug one in, or start the virtual reader with scripts/virtual-reader start",
            status: ExitStatus.environment)
    }
    if let requested {
        if names.contains(requested) { return requested }
        let matches = names.filter { $0.containsIgnoringCase(requested) }
        if matches.count == 1 { return matches[0] }
        let list = names.map { "  \($0)" }.joined(separator: "\n")
        let problem = matches.isEmpty ? "no reader matches" : "several readers match"
        throw fail("\(problem) '\(requested)'; readers:\n\(list)", status: ExitStatus.environment)
    }
    var states = names.map { ReaderState(name: $0) }
    do { _ = try context.waitForChange(&states, timeout: .zero) } catch {
        throw fail(error.message, status: ExitStatus.environment)
    }
    if let withCard = states.first(where: { $0.eventState.contains(.present) }) { return withCard.name }
    throw fail(
        "no card in any reader (\(names.joined(separator: ", "))): place the card, or start a simulated card",
        status: ExitStatus.environment)
}

extension String {
    /// Case-insensitive containment without Foundation.
    func containsIgnoringCase(_ other: String) -> Bool {
        lowercased().contains(other.lowercased())
    }
}
