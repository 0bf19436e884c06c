import CardIdentity
import Foundation
import Measurement
import PCSC
import ReaderMatching
import SimulatedCard
import Simulator
import VPCD

/// What a run measures, and how it reaches the card.
///
/// The order of preference, when the user names nothing: a real reader holding a card; else the
/// simulated card behind the real PC/SC stack (pcscd + vpcd), starting the virtual reader if this
/// process may; else the simulated card in-process, which measures the harness, not a reader.
enum CardSource {
    /// A reader pcscd knows (real, or a vpcd slot someone else serves).
    case reader(name: String)
    /// The simulated card, served from this process on a vpcd slot, measured through pcscd.
    case simulatedBehindRig(SimulatedReader, rig: RigLease?)
    /// The simulated card in this process: no reader at all.
    case simulatedInProcess(reason: String)
    /// A recorded trace replayed in this process (the reader it was recorded on, its model key).
    case trace(path: String, reader: String, modelKey: String)

    /// The `card.source` word of the result file.
    var resultSource: String {
        switch self {
        case .reader: "pcsc"
        case .simulatedBehindRig: "simulated-vpcd"
        case .simulatedInProcess: "simulated-in-process"
        case .trace: "trace"
        }
    }

    /// Whether the card is this program's simulation (its PINs are test data).
    var isSimulated: Bool {
        switch self {
        case .simulatedBehindRig, .simulatedInProcess: true
        case .reader, .trace: false
        }
    }

    /// One sentence on what the numbers mean.
    var measures: String {
        switch self {
        case .reader(let name):
            name.hasPrefix("Virtual PCD")
                ? "a card served to vsmartcard's virtual reader \(name) through pcscd"
                : "the reader \(name) with the card it holds, through pcscd"
        case .simulatedBehindRig:
            "the simulated card through the real PC/SC stack (pcscd + vpcd): the harness and the PC/SC stack, "
                + "with card-side time from a timing profile (modelled, not a reader)"
        case .simulatedInProcess(let reason):
            "THE HARNESS ONLY, NOT A READER: the simulated card runs in this process (\(reason)); "
                + "card-side time comes from a timing profile (modelled)"
        case .trace(let path, let reader, _):
            "a replay of the trace \(path), recorded on \(reader), in this process: card time is the recording's "
                + "(per --timing), not a live reader"
        }
    }
}

/// A virtual reader this run started, to be stopped when the run ends.
final class RigLease {
    let script: String
    init(script: String) { self.script = script }
    func stop() { _ = runScript(script, ["stop"]) }
}

enum CardSourceSelection {
    static let virtualReaderPrefix = "Virtual PCD"

    /// Picks the card source for `readerbench run`.
    ///
    /// The simulated card is always served on a private rig (scripts/virtual-reader: its own
    /// pcscd socket and vpcd ports), never on a system pcscd that serves real readers. libpcsclite
    /// fixes its socket at the first call, so real readers on the system pcscd are looked for in
    /// a child process (`readers --json`) whenever this process may still have to switch to the
    /// private rig.
    static func select(
        reader requested: String?, model: String?, forceSimulator: Bool, simulator: SimulatorConfiguration
    ) throws -> CardSource {
        if requested != nil || model != nil {
            return .reader(name: try namedReader(requested, model: model))
        }
        if getenv("PCSCLITE_CSOCK_NAME") != nil {
            // The user pointed PC/SC at a service (a rig's env, or their own pcscd): use its
            // readers, real ones first, and never start another.
            let names = (try? PCSCContext().readerNames()) ?? []
            if !forceSimulator {
                let real = names.filter { !$0.hasPrefix(virtualReaderPrefix) }
                if let withCard = try? readersWithCards(real).first { return .reader(name: withCard) }
            }
            return try serveOnFreeSlot(of: names, simulator: simulator, lease: nil)
        }
        if !forceSimulator, let real = realReadersOnSystemService() {
            if let withCard = real.first(where: \.cardPresent) { return .reader(name: withCard.name) }
            if !real.isEmpty {
                throw fail(
                    "\(real.map(\.name).joined(separator: ", ")) has no card: place the card, or pass --simulate to measure "
                        + "the built-in simulated card", status: ExitStatus.environment)
            }
        }
        guard let script = findVirtualReaderScript() else {
            return .simulatedInProcess(reason: "scripts/virtual-reader (the private pcscd + vpcd rig) was not found")
        }
        let rigDirectory = ProcessInfo.processInfo.environment["READERBENCH_RIG_DIR"]
            ?? URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".rig").path
        var lease: RigLease?
        if runScript(script, ["status"]).status != 0 {
            let started = runScript(script, ["start"])
            guard started.status == 0 else {
                let why = started.output.split(separator: "\n").last.map(String.init) ?? "it failed"
                return .simulatedInProcess(reason: "the virtual reader could not be started (\(why))")
            }
            lease = RigLease(script: script)
            printError("readerbench: started the virtual reader (\(script) start); it stops when the run ends")
        }
        guard let settings = try? String(contentsOfFile: rigDirectory + "/rig.env", encoding: .utf8) else {
            lease?.stop()
            return .simulatedInProcess(reason: "the virtual reader left no settings in \(rigDirectory)/rig.env")
        }
        // `export NAME='VALUE'` lines, as the script writes them.
        for line in settings.split(separator: "\n") {
            let words = line.replacingOccurrences(of: "export ", with: "").split(separator: "=", maxSplits: 1)
            guard words.count == 2 else { continue }
            setenv(String(words[0]), words[1].trimmingCharacters(in: CharacterSet(charactersIn: "'")), 1)
        }
        let names = (try? PCSCContext().readerNames()) ?? []
        return try serveOnFreeSlot(of: names, simulator: simulator, lease: lease)
    }

    /// Serves the simulated card on the first virtual reader that holds no card.
    private static func serveOnFreeSlot(
        of names: [String], simulator: SimulatorConfiguration, lease: RigLease?
    ) throws -> CardSource {
        let virtual = (0..<VPCDEndpoint.rigReaderCount).map { VPCDEndpoint.readerName(slot: $0) }.filter(names.contains)
        guard !virtual.isEmpty else {
            lease?.stop()
            return .simulatedInProcess(reason: "the PC/SC service has no vpcd readers (a pcscd without vsmartcard-vpcd?)")
        }
        let busy = Set((try? readersWithCards(virtual)) ?? [])
        guard let free = virtual.first(where: { !busy.contains($0) }),
            let slot = (0..<VPCDEndpoint.rigReaderCount).first(where: { VPCDEndpoint.readerName(slot: $0) == free })
        else {
            lease?.stop()
            throw fail(
                "every virtual reader slot already holds a card (another `readerbench simulate`?): name one with --reader",
                status: ExitStatus.environment)
        }
        let served = try SimulatedReader(simulator, slot: slot, giveUpConnectingAfter: .seconds(5))
        guard waitForCard(in: free, seconds: 5) else {
            served.stop()
            lease?.stop()
            throw fail("the simulated card did not appear in \(free) within 5 s", status: ExitStatus.environment)
        }
        return .simulatedBehindRig(served, rig: lease)
    }

    /// Real (non-virtual) readers of the system pcscd, asked in a child process so this one stays
    /// free to use another service; nil when there is no system pcscd.
    private static func realReadersOnSystemService() -> [(name: String, cardPresent: Bool)]? {
        guard FileManager.default.fileExists(atPath: "/run/pcscd/pcscd.comm") else { return nil }
        let listed = runScript("/proc/self/exe", ["readers", "--json"], separateErrors: true)
        guard listed.status == 0,
            let entries = try? JSONDecoder().decode([ReadersCommand.Entry].self, from: Data(listed.output.utf8))
        else { return nil }
        return entries.filter { !$0.name.hasPrefix(virtualReaderPrefix) }.map { ($0.name, $0.cardPresent) }
    }

    private static func namedReader(_ requested: String?, model: String?) throws -> String {
        let context: PCSCContext
        do { context = try PCSCContext() } catch { throw fail(error.message, status: ExitStatus.environment) }
        if let model {
            let names: [String]
            do { names = try context.readerNames() } catch { throw fail(error.message, status: ExitStatus.environment) }
            var identities: [ReaderIdentity] = []
            for name in names {
                identities.append(
                    (try? context.connectDirect(reader: name).readerIdentity())
                        ?? ReaderIdentity(name: name, attributes: ReaderAttributes()))
            }
            // Any of a reader's keys selects it: the PC/SC key, the USB key, the name key.
            let known = ReaderUSB.knowledge(of: identities).byName
            var keys: [String: [String]] = [:]
            for identity in identities {
                let knowledge = known[identity.name]
                keys[identity.name] =
                    [identity.modelKey.description]
                    + [knowledge?.usbModelKey?.description, knowledge?.nameModelKey.description].compactMap { $0 }
            }
            let matching = names.filter { keys[$0]?.contains(model) ?? false }
            guard let first = matching.first else {
                let list = names.map { "  \($0): \((keys[$0] ?? []).joined(separator: ", "))" }.joined(separator: "\n")
                throw fail("no reader has model key '\(model)'; readers and their keys:\n\(list)", status: ExitStatus.environment)
            }
            return first
        }
        return try selectReader(requested, context: context)
    }

    /// Readers among `names` that hold a card now.
    static func readersWithCards(_ names: [String]) throws -> [String] {
        let context = try PCSCContext()
        var states = names.map { ReaderState(name: $0) }
        _ = try context.waitForChange(&states, timeout: .zero)
        return states.filter { $0.eventState.contains(.present) }.map(\.name)
    }

    /// Waits until `reader` reports a card present (or absent) — vpcd notices within its 400 ms poll.
    static func waitForCard(in reader: String, seconds: Double, present: Bool = true) -> Bool {
        guard let context = try? PCSCContext() else { return false }
        var states = [ReaderState(name: reader)]
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < deadline {
            guard (try? context.waitForChange(&states, timeout: .milliseconds(250))) != nil else { return false }
            if states[0].eventState.contains(.present) == present { return true }
            states[0].acknowledge()
        }
        return false
    }

    /// scripts/virtual-reader, looked for from the working directory and from the executable
    /// (`.build/<config>/readerbench` sits three levels below the repository).
    static func findVirtualReaderScript() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/scripts/virtual-reader"]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("scripts/virtual-reader").path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func canSudo() -> Bool { runScript("/usr/bin/sudo", ["-n", "true"]).status == 0 }
}

/// Runs a script to completion, collecting its output.
///
/// posix_spawn and waitpid rather than Foundation's Process: `Process.waitUntilExit` was seen to
/// hang here after `scripts/virtual-reader start` returned (it leaves pcscd running in the
/// background). Output goes through a temporary file, so a background child holding the
/// descriptor open cannot block the read either.
@discardableResult
func runScript(_ path: String, _ arguments: [String], separateErrors: Bool = false) -> (status: Int32, output: String) {
    let outputPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("readerbench-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if separateErrors {
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    } else {
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
    }
    // The child (and pcscd, which the rig script starts) gets an empty signal mask and default
    // handlers, whatever this process blocks: a pcscd born with TERM blocked cannot be stopped.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    guard spawned == 0 else { return (127, "cannot start \(path): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = status & 0x7F == 0
    return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
}
