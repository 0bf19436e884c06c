import APDU
import ArgumentParser
import CardTiming
import CardTransport
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
    @Option(help: "Card variant.") var card: String = CardProfile.contactless.name
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
            print("timing profiles (modelled, not measured):")
            for timing in TimingProfiles.builtIn() { print("  \(timing.name.padding(20))\(timing.imitates.prefix(110))") }
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
        try Self.configuration(
            card: card, profile: profile, faults: fault,
            pins: CardPINs(authentication: authPin, text: textPin, signature: signPin))
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
