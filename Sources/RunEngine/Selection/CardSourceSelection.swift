import CardIdentity
import Foundation
import Measurement
import PCSC
import Results
import RunModel
import Simulator
import VPCD

/// Which readers, or which simulated card, a run measures.
///
/// With nothing named, the order of preference is: a real reader holding a card; else the
/// simulated card on the private rig (pcscd + vpcd, started if this process can); else the
/// simulated card in-process, which measures the harness, not a reader.
public enum CardSourceSelection {
    /// The name vpcd's readers start with.
    public static let virtualReaderPrefix = "Virtual PCD"
    /// The system pcscd's socket, when none is named in the environment.
    public static let systemSocket = "/run/pcscd/pcscd.comm"

    /// What a run with no reader named measures.
    public enum Choice: Sendable {
        /// A reader pcscd lists, holding a card.
        case reader(String)
        /// The simulated card this process serves on the private rig.
        case simulatedBehindRig(ServedSimulator)
        /// The simulated card in this process.
        case simulatedInProcess(reason: String)
    }

    /// Picks what a run measures when no reader is named. `note` hears what was started.
    ///
    /// libpcsclite fixes its socket at the first call, so real readers on the system pcscd are
    /// looked for in a child process (`readers --json` of this executable) whenever this process
    /// may still have to switch to the private rig; the simulated card is never served on a
    /// system pcscd that serves real readers.
    public static func chooseDefault(
        forceSimulator: Bool, simulator: SimulatorConfiguration, note: (String) -> Void
    ) throws(RunEngineError) -> Choice {
        if getenv("PCSCLITE_CSOCK_NAME") != nil {
            // The user pointed PC/SC at a service (a rig's env, or their own pcscd): use its
            // readers, real ones first, and start nothing.
            let names = (try? PCSCContext().readerNames()) ?? []
            if !forceSimulator, let withCard = readersWithCards(names.filter { !isVirtual($0) }).first {
                return .reader(withCard)
            }
            return try serveOnFreeSlot(of: names, simulator: simulator, lease: nil)
        }
        if !forceSimulator, let real = realReadersOnSystemService() {
            if let withCard = real.first(where: \.cardPresent) { return .reader(withCard.name) }
            if !real.isEmpty {
                throw RunEngineError(
                    .environment,
                    "\(real.map(\.name).joined(separator: ", ")) has no card: place the card, or pass --simulate to "
                        + "measure the built-in simulated card")
            }
        }
        let rig: RigLease?
        switch joinRig(note: note) {
        case .joined(let lease): rig = lease
        case .unavailable(let reason): return .simulatedInProcess(reason: reason)
        }
        let names = (try? PCSCContext().readerNames()) ?? []
        return try serveOnFreeSlot(of: names, simulator: simulator, lease: rig)
    }

    /// Joining the private rig.
    public enum RigJoin: Sendable {
        /// This process now talks to the rig; the lease is set when this process started it.
        case joined(RigLease?)
        /// No rig can be used, and why.
        case unavailable(String)
    }

    /// Points this process at the private rig (scripts/virtual-reader), starting it if it is not
    /// up. Must come before this process's first PC/SC call when `PCSCLITE_CSOCK_NAME` is unset.
    public static func joinRig(note: (String) -> Void) -> RigJoin {
        if getenv("PCSCLITE_CSOCK_NAME") != nil { return .joined(nil) }
        guard let script = Rig.findScript() else {
            return .unavailable("scripts/virtual-reader (the private pcscd + vpcd rig) was not found")
        }
        var lease: RigLease?
        if Scripts.run(script, ["status"]).status != 0 {
            let started = Scripts.run(script, ["start"])
            guard started.status == 0 else {
                let why = started.output.split(separator: "\n").last.map(String.init) ?? "it failed"
                return .unavailable("the virtual reader could not be started (\(why))")
            }
            lease = RigLease(script: script)
            note("started the virtual reader (\(script) start); it stops when the run ends")
        }
        do { try Rig.adoptEnvironment(directory: Rig.directory(script: script)) } catch {
            lease?.stop()
            return .unavailable(error.message)
        }
        return .joined(lease)
    }

    /// The first virtual reader slot that holds no card, or nil.
    public static func freeVirtualSlot() -> Int? {
        let names = (try? PCSCContext().readerNames()) ?? []
        let slots = (0..<VPCDEndpoint.rigReaderCount).filter { names.contains(VPCDEndpoint.readerName(slot: $0)) }
        let busy = Set(readersWithCards(slots.map(VPCDEndpoint.readerName(slot:))))
        return slots.first { !busy.contains(VPCDEndpoint.readerName(slot: $0)) }
    }

    /// Serves the simulated card on the first virtual reader that holds no card.
    private static func serveOnFreeSlot(
        of names: [String], simulator: SimulatorConfiguration, lease: RigLease?
    ) throws(RunEngineError) -> Choice {
        let slots = (0..<VPCDEndpoint.rigReaderCount).filter { names.contains(VPCDEndpoint.readerName(slot: $0)) }
        guard !slots.isEmpty else {
            lease?.stop()
            return .simulatedInProcess(
                reason: "the PC/SC service has no vpcd readers (a pcscd without vsmartcard-vpcd?)")
        }
        let busy = Set(readersWithCards(slots.map(VPCDEndpoint.readerName(slot:))))
        guard let slot = slots.first(where: { !busy.contains(VPCDEndpoint.readerName(slot: $0)) }) else {
            lease?.stop()
            throw RunEngineError(
                .environment,
                "every virtual reader slot already holds a card (another `readerbench simulate`?): name one with --reader"
            )
        }
        let served: SimulatedReader
        do { served = try SimulatedReader(simulator, slot: slot, giveUpConnectingAfter: .seconds(5)) } catch {
            lease?.stop()
            throw RunEngineError(.environment, "cannot serve the simulated card: \(error)")
        }
        guard waitForCard(in: served.readerName, seconds: 5) else {
            served.stop()
            lease?.stop()
            throw RunEngineError(.environment, "the simulated card did not appear in \(served.readerName) within 5 s")
        }
        return .simulatedBehindRig(ServedSimulator(served, configuration: simulator, lease: lease))
    }

    // MARK: - Named readers

    /// The readers a run names: exact names or unique parts of them (`--reader`), every reader
    /// of a model key (`--model`), or every reader holding a card (`all`).
    public static func resolve(
        readers requested: [String], models: [String], all: Bool
    ) throws(RunEngineError) -> [String] {
        let context: PCSCContext
        do { context = try PCSCContext() } catch { throw RunEngineError(.environment, error.message) }
        let names: [String]
        do { names = try context.readerNames() } catch { throw RunEngineError(.environment, error.message) }
        guard !names.isEmpty else {
            throw RunEngineError(
                .environment,
                "no readers are connected: plug one in, or start the virtual reader with scripts/virtual-reader start")
        }
        var chosen: [String] = []
        func add(_ name: String) { if !chosen.contains(name) { chosen.append(name) } }
        if all {
            let withCards = readersWithCards(names)
            guard !withCards.isEmpty else {
                throw RunEngineError(.environment, "no reader holds a card (\(names.joined(separator: ", ")))")
            }
            withCards.forEach(add)
        }
        for pattern in requested {
            if names.contains(pattern) {
                add(pattern)
                continue
            }
            let matches = names.filter { $0.lowercased().contains(pattern.lowercased()) }
            guard matches.count == 1 else {
                let list = names.map { "  \($0)" }.joined(separator: "\n")
                throw RunEngineError(
                    .badInput,
                    "\(matches.isEmpty ? "no reader matches" : "several readers match") '\(pattern)'; readers:\n\(list)"
                )
            }
            add(matches[0])
        }
        if !models.isEmpty {
            var identities: [ReaderIdentity] = []
            for name in names {
                // A loop, not map: a closure capturing the noncopyable context trips Swift 6.3.1.
                identities.append(
                    (try? context.connectDirect(reader: name).readerIdentity())
                        ?? ReaderIdentity(name: name, attributes: ReaderAttributes()))
            }
            // Any of a reader's keys selects it: the PC/SC key, the USB key, the name key.
            let keys = ReaderUSB.modelKeys(of: identities)
            for model in models {
                let matching = names.filter { keys[$0]?.contains(model) ?? false }
                guard !matching.isEmpty else {
                    let list = names.map { "  \($0): \((keys[$0] ?? []).joined(separator: ", "))" }.joined(
                        separator: "\n")
                    throw RunEngineError(
                        .badInput, "no reader has model key '\(model)'; readers and their keys:\n\(list)")
                }
                matching.forEach(add)
            }
        }
        return chosen
    }

    /// Whether `name` is one of vpcd's virtual readers.
    public static func isVirtual(_ name: String) -> Bool { name.hasPrefix(virtualReaderPrefix) }

    /// Readers among `names` that hold a card now.
    public static func readersWithCards(_ names: [String]) -> [String] {
        guard !names.isEmpty, let context = try? PCSCContext() else { return [] }
        var states = names.map { ReaderState(name: $0) }
        guard (try? context.waitForChange(&states, timeout: .zero)) != nil else { return [] }
        return states.filter { $0.eventState.contains(.present) }.map(\.name)
    }

    /// Waits until `reader` reports a card present (or absent); vpcd notices within its 400 ms poll.
    public static func waitForCard(in reader: String, seconds: Double, present: Bool = true) -> Bool {
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

    /// Real (non-virtual) readers of the system pcscd, asked in a child process so this one stays
    /// free to use another service; nil when there is no system pcscd or it cannot be asked.
    private static func realReadersOnSystemService() -> [(name: String, cardPresent: Bool)]? {
        guard FileManager.default.fileExists(atPath: systemSocket) else { return nil }
        let listed = Scripts.run("/proc/self/exe", ["readers", "--json"], separateErrors: true)
        guard listed.status == 0,
            let entries = try? JSONDecoder().decode([ListedReader].self, from: Data(listed.output.utf8))
        else { return nil }
        return entries.filter { !isVirtual($0.name) }.map { ($0.name, $0.cardPresent) }
    }

    /// The two fields of `readers --json` the probe needs.
    private struct ListedReader: Decodable {
        var name: String
        var cardPresent: Bool
    }
}

/// A simulated card this process serves on the private rig, and the rig if this run started it.
public final class ServedSimulator: Sendable {
    public let reader: SimulatedReader
    public let configuration: SimulatorConfiguration
    public let lease: RigLease?

    init(_ reader: SimulatedReader, configuration: SimulatorConfiguration, lease: RigLease?) {
        self.reader = reader
        self.configuration = configuration
        self.lease = lease
    }

    /// The reader it is served on.
    public var readerName: String { reader.readerName }

    /// How a result file describes it.
    public func endpoint(strategy: ReadStrategy) -> ReaderEndpoint<PCSCReaderChannel> {
        .pcsc(
            name: readerName,
            card: CardInfo(
                source: .simulatedVPCD,
                measures: "the simulated card through the real PC/SC stack (pcscd + vpcd): the harness and the PC/SC "
                    + "stack, with card-side time from a timing profile (modelled, not a reader)",
                simulated: configuration.simulationInfo),
            strategy: strategy)
    }

    /// Stops serving, waits until vpcd notices (so the slot is free for whoever comes next), and
    /// stops the rig if this run started it.
    public func stop() {
        reader.stop()
        _ = CardSourceSelection.waitForCard(in: reader.readerName, seconds: 2, present: false)
        lease?.stop()
    }
}
