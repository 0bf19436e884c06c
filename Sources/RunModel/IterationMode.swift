/// Whether an iteration found the card already powered (`warm`) or powered up by its own connect
/// (`cold`). The two are reported apart because cold iterations include the reader's power-up
/// and protocol negotiation, which a clerk's first read of the day pays.
public enum IterationMode: String, Codable, Sendable, Hashable, CaseIterable {
    /// The previous iteration left the card powered (`SCARD_LEAVE_CARD`).
    case warm
    /// The previous iteration powered the card off (`SCARD_UNPOWER_CARD`).
    case cold
}
