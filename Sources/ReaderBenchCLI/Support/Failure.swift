import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// Exit codes the tool keeps to, so scripts can tell bad input from a failing reader (the
/// README's table). A command may give a status a meaning of its own in its help (`trace diff`
/// exits 1 when the traces differ).
enum ExitStatus {
    /// Malformed input: a TLV, APDU, hex string or file that cannot be read, or an option the
    /// parser rejects (``ReaderBench/main()`` maps swift-argument-parser's 64 to this).
    static let badInput: Int32 = 2
    /// The environment failed: no pcscd, no reader, a reader error, a card that stopped answering.
    static let environment: Int32 = 3
    /// `run` stopped for PIN safety (a wrong or blocked PIN, tries below the floor).
    static let pinSafety: Int32 = 4
    /// `run` finished, but more measured iterations failed than `--max-failure-rate` allows.
    static let iterationsFailed: Int32 = 5
}

/// Prints one line to standard error and exits with `status`: errors are sentences for people,
/// never stack traces.
func fail(_ message: String, status: Int32) -> ExitCode {
    printError("readerbench: error: \(message)")
    return ExitCode(status)
}

func printError(_ message: String) {
    var line = message
    line.append("\n")
    _ = line.withCString { write(2, $0, strlen($0)) }
}
