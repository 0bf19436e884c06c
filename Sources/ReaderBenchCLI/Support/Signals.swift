import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM as a flag the main loop polls: long commands stop at a safe point
/// (after the current iteration, after closing the card link) instead of dying mid-write.
enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Whether the user asked to stop.
    static var requested: Bool { flag.load(ordering: .acquiring) }

    /// Routes SIGINT and SIGTERM to the flag. A second Ctrl-C ends the process at once.
    ///
    /// Also unblocks both: a process started by one whose threads block signals (a test runner,
    /// a GUI) inherits the blocked mask, and a blocked SIGINT stays pending forever.
    static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let handler: @convention(c) (Int32) -> Void = { signal in
            if Interruption.flag.exchange(true, ordering: .acquiringAndReleasing) {
                _exit(128 + signal)
            }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
