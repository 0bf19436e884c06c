import Dispatch
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs helper programs (scripts/virtual-reader, this executable as a probe) to completion and
/// collects what they print.
///
/// swift-subprocess starts the child with an empty signal mask and default handlers whatever
/// this process blocks, which the rig needs: a pcscd born with SIGTERM blocked cannot be
/// stopped. The rig script sends pcscd's own output to log files, so a background pcscd never
/// holds the pipe this reads to its end.
public enum Scripts {
    /// Runs `path` with `arguments`; the exit status (128 + signal when killed) and stdout+stderr
    /// (or stdout only with `separateErrors`). Blocks the calling thread, which must not be one
    /// of Swift's cooperative threads (the CLI's main thread is fine).
    public static func run(_ path: String, _ arguments: [String], separateErrors: Bool = false) -> (
        status: Int32, output: String
    ) {
        let result = Mutex<(Int32, String)>((127, "\(path) did not run"))
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let outcome: (Int32, String)
            do {
                if separateErrors {
                    let run = try await Subprocess.run(
                        .path(FilePath(path)), arguments: Arguments(arguments), output: .string(limit: 16 << 20),
                        error: .discarded)
                    outcome = (status(run.terminationStatus), run.standardOutput)
                } else {
                    let run = try await Subprocess.run(
                        .path(FilePath(path)), arguments: Arguments(arguments), output: .string(limit: 16 << 20),
                        error: .combinedWithOutput)
                    outcome = (status(run.terminationStatus), run.standardOutput)
                }
            } catch {
                outcome = (127, "cannot run \(path): \(error)")
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    private static func status(_ termination: TerminationStatus) -> Int32 {
        switch termination {
        case .exited(let code): Int32(truncatingIfNeeded: code)
        case .signaled(let signal): 128 + Int32(truncatingIfNeeded: signal)
        }
    }
}
