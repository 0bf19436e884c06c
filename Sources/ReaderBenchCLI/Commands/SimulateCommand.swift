import APDU
import ArgumentParser
import CardTiming
import CardTransport
import Foundation
import HexCoding
import Measurement
import SimulatedCard
import Simulator
import Traces
import VPCD

/// `readerbench simulate`: a simulated My Number Card behind the virtual reader.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a simulated My Number Card through vpcd, so any PC/SC application can use it.",
        discussion: """
            Connects to vsmartcard's vpcd (pcscd must be running with it: scripts/virtual-reader start) and \
            answers as a My Number Card with fictitious data and a synthetic identity. Card-side time comes \
            from a timing profile and is MODELLED, not measured. PINs are test data (defaults: auth 1234, \
            text 1234, signature ABC123).

            Card variants (--card): \(CardProfile.builtIn.map(\.name).joined(separator: ", ")).
            Faults (--fault, repeatable): \(CardFault.names.joined(separator: ", ")). The hostile ones \
            (long-answer … late:MS) break the rules on purpose; Fuzz/README.md says what each does.
            """)

    @Option(help: "vpcd slot: 0 (Virtual PCD 00 00), 1 (Virtual PCD 00 01), … up to the rig's readers − 1.")
    var slot: Int = 0
    @Option(help: "Serve a card in each of the first N readers (slots 0 … N−1) instead of one slot.") var readers: Int?
    @Option(help: "With --readers: timing profiles, comma-separated, one per reader in turn (cycled).")
    var profiles: String?
    @Option(help: "With --readers: a fault for one reader, SLOT=FAULT (repeatable).") var readerFault: [String] = []
    @Option(help: "Card variant (default: the one the timing profile models, e.g. contact-short for contact-default).")
    var card: String?
    @Option(help: "Timing profile: a built-in name or a JSON file.") var profile: String = "instant"
    @Option(help: "Fault to inject (repeatable).") var fault: [String] = []
    @Option(help: "JPKI user-authentication PIN of the simulated card (test data).") var authPin: String = "1234"
    @Option(help: "Text-AP PIN of the simulated card (test data).") var textPin: String = "1234"
    @Option(help: "JPKI signature PIN of the simulated card (test data).") var signPin: String = "ABC123"
    @Option(help: "vpcd host.") var host: String = "127.0.0.1"
    @Flag(help: "Log each APDU (VERIFY data is never shown).") var verbose = false
    @Flag(help: "List the card variants and timing profiles, then exit.") var list = false
    @Option(help: "Serve a recorded trace instead of the simulated card, at its recorded timing.") var trace: String?
    @Option(help: "With --trace: replay timing none, recorded, scaled:K or sampled.") var timing: String = "recorded"
    @Option(help: "With --trace: strict or lenient matching.") var matching: String = "strict"
    @Option(help: "With --trace: microseconds to take off each recorded duration (this machine's round trip).")
    var compensateUs: Int = 0

    func run() throws {
        if list {
            print("card variants:")
            for profile in CardProfile.builtIn { print("  \(profile.name.padding(20))\(profile.summary)") }
            print("timing profiles (modelled, not measured), and the card variant each serves without --card:")
            for timing in TimingProfiles.builtIn() {
                // A profile that models no link (instant, fixed-2ms) takes any card variant.
                let card = SimulatorConfiguration.defaultCard(for: timing).name + (timing.transfer == nil ? " (any)" : "")
                print("  \(timing.name.padding(20))\(card.padding(20))\(timing.imitates.prefix(90))")
            }
            return
        }
        let slots = VPCDEndpoint.rigReaderCount
        guard (0..<slots).contains(slot) else {
            throw fail(
                "--slot must be 0 to \(slots - 1): the rig has \(slots) readers (scripts/virtual-reader start --readers N)",
                status: ExitStatus.badInput)
        }
        if let trace {
            try serveTrace(trace)
            return
        }
        if let readers {
            try servePool(readers)
            return
        }
        let configuration = try makeConfiguration()
        Interruption.install()
        let verbose = self.verbose
        var log: (@Sendable (String) -> Void)? = nil
        if verbose { log = { @Sendable line in printError("simulate: " + line) } }
        let reader = try SimulatedReader(
            configuration, slot: slot, host: host, giveUpConnectingAfter: nil, reinsertAfterRemoval: .milliseconds(500),
            onEvent: { event in
                switch event {
                case .connected(let endpoint): printError("simulate: connected to vpcd at \(endpoint)")
                case .disconnected(let reason): printError("simulate: vpcd link closed (\(reason)); reconnecting")
                case .cardRemoved: printError("simulate: the card left the reader (fault)")
                case .control(let control): if verbose { printError("simulate: \(control)") }
                }
            },
            log: log)
        printError(
            "simulate: \(configuration.card.name) card on \(reader.readerName), timing '\(configuration.timing.name)' (modelled)"
                + (configuration.faults.isEmpty ? "" : ", faults: \(configuration.faults.map(\.description).joined(separator: " "))")
                + "; Ctrl-C to stop")
        while !Interruption.requested {
            PreciseWait.sleep(until: MonotonicClock.now() + 100_000_000)
        }
        let ended = reader.stop()
        printError("simulate: stopped after \(ended.commandCount) commands")
    }

    /// Serves a card in each of the first `count` readers, each with its own profile and faults,
    /// until Ctrl-C: a pool of simulated readers for `run --readers all`.
    func servePool(_ count: Int) throws {
        let slots = VPCDEndpoint.rigReaderCount
        guard (1...slots).contains(count) else {
            throw fail(
                "--readers must be 1 to \(slots): the rig has \(slots) readers (scripts/virtual-reader start --readers N)",
                status: ExitStatus.badInput)
        }
        let names = (profiles ?? profile).split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            throw fail("--profiles needs names separated by commas", status: ExitStatus.badInput)
        }
        var perSlot: [Int: [String]] = [:]
        for entry in readerFault {
            guard let equals = entry.firstIndex(of: "="), let slot = Int(entry[..<equals]), (0..<count).contains(slot) else {
                throw fail("--reader-fault takes SLOT=FAULT with SLOT 0 to \(count - 1), not '\(entry)'", status: ExitStatus.badInput)
            }
            perSlot[slot, default: []].append(String(entry[entry.index(after: equals)...]))
        }
        let pins = CardPINs(authentication: authPin, text: textPin, signature: signPin)
        var configurations: [SimulatorConfiguration] = []
        for slot in 0..<count {
            configurations.append(
                try Self.simulatorConfiguration(
                    card: card, profile: names[slot % names.count], faults: fault + (perSlot[slot] ?? []), pins: pins))
        }
        Interruption.install()
        var served: [SimulatedReader] = []
        for (slot, configuration) in configurations.enumerated() {
            served.append(
                try SimulatedReader(
                    configuration, slot: slot, host: host, giveUpConnectingAfter: nil,
                    reinsertAfterRemoval: .milliseconds(500)))
            printError(
                "simulate: \(configuration.card.name) card on \(VPCDEndpoint.readerName(slot: slot)), timing "
                    + "'\(configuration.timing.name)' (modelled)"
                    + (configuration.faults.isEmpty ? "" : ", faults: \(configuration.faults.map(\.description).joined(separator: " "))"))
        }
        printError("simulate: \(count) readers served; Ctrl-C to stop")
        while !Interruption.requested { PreciseWait.sleep(until: MonotonicClock.now() + 100_000_000) }
        let commands = served.map { $0.stop().commandCount }.reduce(0, +)
        printError("simulate: stopped after \(commands) commands")
    }

    /// Serves a recorded trace through vpcd until Ctrl-C.
    func serveTrace(_ path: String) throws {
        let loaded: Trace
        do { loaded = try Trace.load(path: path) } catch { throw fail("\(path): \(error)", status: ExitStatus.badInput) }
        let replayTiming = try ReplayOptionParsing.timing(timing, seed: 1)
        let replayMatching = try ReplayOptionParsing.matching(matching)
        guard compensateUs >= 0 else { throw fail("--compensate-us must not be negative", status: ExitStatus.badInput) }
        Interruption.install()
        let reader: ReplayedReader
        do {
            reader = try ReplayedReader(
                trace: loaded, matching: replayMatching, timing: replayTiming, slot: slot,
                compensationNanoseconds: UInt64(compensateUs) * 1000, giveUpConnectingAfter: nil,
                onEvent: { event in
                    if case .connected(let endpoint) = event { printError("simulate: connected to vpcd at \(endpoint)") }
                })
        } catch { throw fail("\(path): \(error)", status: ExitStatus.badInput) }
        printError(
            "simulate: trace \(path) (recorded on \(loaded.header.reader.name)) on \(reader.readerName), timing \(timing); Ctrl-C to stop")
        while !Interruption.requested { PreciseWait.sleep(until: MonotonicClock.now() + 100_000_000) }
        let mismatches = reader.stop()
        printError("simulate: stopped; \(mismatches) command\(mismatches == 1 ? "" : "s") matched nothing in the trace")
    }

    func makeConfiguration() throws -> SimulatorConfiguration {
        try Self.simulatorConfiguration(
            card: card, profile: profile, faults: fault,
            pins: CardPINs(authentication: authPin, text: textPin, signature: signPin))
    }
}

extension SimulateCommand {
    /// The simulator configuration from command-line words, with errors a user can act on.
    ///
    /// Without `card`, the variant the timing profile models is served (a contact profile
    /// serves a contact card); a named variant of the other interface is refused rather than
    /// timed as a card it is not.
    static func simulatorConfiguration(
        card: String?, profile: String, faults: [String], pins: CardPINs
    ) throws -> SimulatorConfiguration {
        var cardProfile: CardProfile?
        if let card {
            guard let named = CardProfile.named(card) else {
                throw fail(
                    "no card variant '\(card)'; one of \(CardProfile.builtIn.map(\.name).joined(separator: ", "))",
                    status: ExitStatus.badInput)
            }
            cardProfile = named
        }
        let timing: TimingProfile
        do { timing = try TimingProfiles.named(profile) } catch { throw fail(error.description, status: ExitStatus.badInput) }
        var parsed: [CardFault] = []
        for text in faults {
            do { parsed.append(try CardFault(parsing: text)) } catch {
                throw fail(error.description, status: ExitStatus.badInput)
            }
        }
        if let problem = pins.validationProblem() { throw fail(problem, status: ExitStatus.badInput) }
        do {
            return try SimulatorConfiguration(card: cardProfile, matching: timing, faults: parsed, pins: pins)
        } catch {
            throw fail(error.description, status: ExitStatus.badInput)
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

