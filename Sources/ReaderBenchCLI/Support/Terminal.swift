import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Writes to standard error without a newline (prompts, progress bars).
func printErrorInline(_ text: String) {
    _ = text.withCString { write(2, $0, strlen($0)) }
}

/// Whether standard error is a terminal (progress bars) or a file or pipe (plain lines).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// Durations for people: nanoseconds as milliseconds with microsecond resolution.
func milliseconds(_ nanoseconds: UInt64) -> String {
    let value = Double(nanoseconds) / 1_000_000
    return value >= 1000 ? String(format: "%.1f", value) : String(format: "%.3f", value)
}

func milliseconds(_ nanoseconds: Double) -> String {
    milliseconds(UInt64(max(0, nanoseconds.rounded())))
}
