import Foundation
import ReadPath

#if canImport(Glibc)
    import Glibc
#endif

/// Where the PIN comes from: an environment variable the user names, or a prompt that does not
/// echo. Never the command line (argv is visible to every user of the machine via `ps`), never
/// printed, never written anywhere.
enum PINInput {
    /// Reads the PIN from `$name`, or prompts on the terminal; nil when neither is possible.
    static func obtain(environmentVariable name: String?, role: PINRole) throws -> SecretPIN {
        if let name {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw fail("--pin-env \(name): the variable is not set or empty", status: ExitStatus.badInput)
            }
            return try validated(Array(value.utf8), role: role, source: "$\(name)")
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw fail(
                "the \(role.label) is needed: set it in an environment variable and pass --pin-env NAME "
                    + "(it is never read from the command line)", status: ExitStatus.badInput)
        }
        return try validated(
            promptWithoutEcho("\(role.label) (4 digits, not shown): "), role: role, source: "the prompt")
    }

    private static func validated(_ bytes: [UInt8], role: PINRole, source: String) throws -> SecretPIN {
        guard role.accepts(bytes) else {
            // Say what is wrong without echoing any of it.
            throw fail(
                "the PIN from \(source) is not 4 digits; nothing was sent to the card", status: ExitStatus.badInput)
        }
        return SecretPIN(bytes)
    }

    /// Reads a line from the terminal with echo off, restoring the terminal afterwards.
    private static func promptWithoutEcho(_ prompt: String) -> [UInt8] {
        printErrorInline(prompt)
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            printError("")
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(STDIN_FILENO, &byte, 1) == 1, byte != 0x0A, byte != 0x0D { bytes.append(byte) }
        return bytes
    }
}
