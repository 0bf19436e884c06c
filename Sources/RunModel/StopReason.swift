/// Why a run, or one reader's part of it, ended.
///
/// The raw values are what result files hold; version 1 files know the first five.
public enum StopReason: String, Codable, Sendable, Hashable, CaseIterable {
    /// Every planned iteration (or tap, or the whole duration) ran.
    case completed
    /// Stopped by the user (SIGINT, SIGTERM).
    case interrupted
    /// PIN safety: a wrong PIN, a blocked PIN, or tries left below the floor. Nothing more is
    /// sent to that card.
    case pinStopped = "pin-stopped"
    /// A card or reader stopped answering: the exchange in flight could not be interrupted, so
    /// its worker was abandoned.
    case timeout
    /// An error made going on pointless (pcscd gone for longer than the reconnect budget, a
    /// card source that cannot be opened).
    case error
    /// The reader was unplugged; its results up to then are kept.
    case readerGone = "reader-gone"
    /// The card was not put back within `--card-wait`.
    case cardNotReturned = "card-not-returned"
}
