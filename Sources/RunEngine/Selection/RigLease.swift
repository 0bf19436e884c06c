import Foundation

/// The private PC/SC rig (scripts/virtual-reader: pcscd on its own socket, vpcd readers on its
/// own ports) a run started, stopped again when the run ends. A rig that was already up is
/// used as it is and left running.
public final class RigLease: Sendable {
    /// The script that started it.
    public let script: String

    init(script: String) { self.script = script }

    /// Stops the rig (by the PIDs the script recorded).
    public func stop() { _ = Scripts.run(script, ["stop"]) }
}

/// Finding and joining the private rig.
public enum Rig {
    /// scripts/virtual-reader, looked for from the working directory and from the executable
    /// (`.build/<config>/readerbench` sits three levels below the repository).
    public static func findScript(executable: String = CommandLine.arguments[0]) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/scripts/virtual-reader"]
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("scripts/virtual-reader").path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Where the script keeps the rig's files: `$READERBENCH_RIG_DIR`, else `<repo>/.rig`.
    public static func directory(script: String) -> String {
        ProcessInfo.processInfo.environment["READERBENCH_RIG_DIR"]
            ?? URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".rig").path
    }

    /// Points this process's PC/SC client and vpcd cards at the rig: reads the `export NAME='VALUE'`
    /// lines of `rig.env` into the environment. Must run before the first PC/SC call, because
    /// libpcsclite reads `PCSCLITE_CSOCK_NAME` once.
    public static func adoptEnvironment(directory: String) throws(RunEngineError) {
        guard let settings = try? String(contentsOfFile: directory + "/rig.env", encoding: .utf8) else {
            throw RunEngineError(.environment, "the virtual reader left no settings in \(directory)/rig.env")
        }
        for line in settings.split(separator: "\n") {
            guard line.hasPrefix("export ") else { continue }
            let words = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            guard words.count == 2 else { continue }
            setenv(String(words[0]), words[1].trimmingCharacters(in: CharacterSet(charactersIn: "'")), 1)
        }
    }
}
