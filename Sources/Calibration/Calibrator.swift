import APDU
import CardTransport
import Foundation
import Measurement
import PCSC
import ReadPath
import Results
import SimulatedCard
import Simulator
import Traces
import VPCD

/// What a calibration measures, and how much of it.
public struct CalibrationOptions: Sendable {
    /// Round trips of an instant card for the floor.
    public var floorExchanges: Int
    /// Card-side delays to inject, in nanoseconds.
    public var delays: [UInt64]
    /// Round trips per injected delay (fewer for long delays, see ``exchanges(forDelay:)``).
    public var exchangesPerDelay: Int
    /// Also run the experiments that show where the overhead of a busy card comes from.
    public var experiments: Bool
    /// Iterations of the `visual` scenario per side of the A/A comparison (0: skip).
    public var aaIterations: Int
    /// A trace to replay through vpcd, and how many of its iterations (vpcd stacks only).
    public var replay: (path: String, trace: Trace)?
    public var replayIterations: Int

    public init(
        floorExchanges: Int, delays: [UInt64], exchangesPerDelay: Int, experiments: Bool, aaIterations: Int,
        replay: (path: String, trace: Trace)? = nil, replayIterations: Int = 20
    ) {
        self.floorExchanges = floorExchanges
        self.delays = delays
        self.exchangesPerDelay = exchangesPerDelay
        self.experiments = experiments
        self.aaIterations = aaIterations
        self.replay = replay
        self.replayIterations = replayIterations
    }

    /// `readerbench calibrate`: every measurement, about 25 s on the rig. The short delays find
    /// the knee where the host stops being quick to wake (see the README's calibration section).
    public static let full = CalibrationOptions(
        floorExchanges: 2_000,
        delays: [100_000, 250_000, 500_000, 1_000_000, 2_000_000, 10_000_000, 50_000_000], exchangesPerDelay: 300,
        experiments: true, aaIterations: 200)

    /// The short calibration a run takes at its start: well under a second on the rig.
    public static let quick = CalibrationOptions(
        floorExchanges: 300, delays: [2_000_000], exchangesPerDelay: 60, experiments: false, aaIterations: 40)

    /// Round trips at `delay`: at most ``exchangesPerDelay``, and about 2 s of card time at most.
    func exchanges(forDelay delay: UInt64) -> Int {
        max(20, min(exchangesPerDelay, Int(2_000_000_000 / max(delay, 1))))
    }
}

/// Why a calibration could not be taken.
public struct CalibrationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Where calibration runs.
public enum CalibrationTarget: Sendable {
    /// A free vpcd slot of the rig this process points at (its own card is served there).
    case vpcd(slot: Int)
    /// The simulated card in this process.
    case inProcess
    /// A real reader and the card it holds: the floor (SELECT JPKI AP, which changes nothing on
    /// the card) and the A/A noise of the `visual` scenario (no PIN); no delay can be injected
    /// into a real card.
    case reader(String)
}

/// Measures the host's error bars on one stack, in order: clock, instrumentation, wake-up
/// lateness, floor, injected delays (and, in a full calibration, the experiments that explain
/// their overhead), A/A noise, and replay fidelity through vpcd.
public enum Calibrator {
    /// Takes a calibration; `progress` hears what is being measured.
    public static func measure(
        _ target: CalibrationTarget, options: CalibrationOptions, origin: HostCalibration.Origin,
        environment: Environment? = nil, progress: (String) -> Void = { _ in }
    ) throws(CalibrationError) -> HostCalibration {
        progress("clock and instrumentation")
        let clock = ClockProbe.measure()
        let instrumentation = InstrumentationCost.measure()
        let wakeUp = ClockProbe.wakeUpLateness(waits: options.experiments ? 200 : 50)
        var notes: [String] = []
        let figures: StackFigures
        switch target {
        case .vpcd(let slot):
            figures = try measureVPCD(slot: slot, options: options, progress: progress, notes: &notes)
        case .inProcess:
            figures = try measureInProcess(options: options, progress: progress)
            notes.append("in-process: no PC/SC stack and no reader; these are the harness's own figures")
        case .reader(let name):
            let open = { () throws(TransportError) -> PCSCReaderChannel in
                do throws(PCSCError) { return try PCSCReaderChannel(readerName: name) } catch { throw error.transportError }
            }
            var quiet = options
            quiet.delays = []
            quiet.experiments = false
            figures = try measureStack(open: open, timing: nil, options: quiet, progress: progress)
            notes.append("a real card cannot be made to wait: no busy-card overhead was measured on \(name)")
        }
        let stack = Self.stackName(target)
        var reader: String?
        if case .vpcd(let slot) = target { reader = VPCDEndpoint.readerName(slot: slot) }
        if case .reader(let name) = target { reader = name }
        return HostCalibration(
            measuredAt: ISO8601DateFormatter().string(from: Date()), origin: origin, stack: stack, reader: reader,
            environment: environment, clock: clock, instrumentationNanosecondsPerAPDU: instrumentation,
            wakeUpLateness: wakeUp, floor: figures.floor, delays: figures.delays, causes: figures.causes,
            replay: figures.replay, aa: figures.aa, notes: notes + figures.notes)
    }

    /// The least a run states about its host when no stack can be measured at its start: the
    /// clock and the instrumentation cost, with `note` saying why the rest is missing.
    public static func clockOnly(stack: String, note: String) -> HostCalibration {
        HostCalibration(
            measuredAt: ISO8601DateFormatter().string(from: Date()), origin: .runStart, stack: stack,
            clock: ClockProbe.measure(readings: 50_000), instrumentationNanosecondsPerAPDU: InstrumentationCost.measure(),
            notes: [note])
    }

    /// How a target's stack is named in calibrations (and in the file name of the latest one).
    public static func stackName(_ target: CalibrationTarget) -> String {
        switch target {
        case .vpcd(let slot):
            "pcscd \(PCSCContext.libraryVersion) + vpcd (\(VPCDEndpoint.readerName(slot: slot))), simulated card"
        case .inProcess: "in-process simulated card (no PC/SC)"
        case .reader(let name): "pcscd \(PCSCContext.libraryVersion) + \(name)"
        }
    }

    struct StackFigures {
        var floor: Distribution?
        var delays: [DelayOverhead] = []
        var causes: [OverheadExperiment]?
        var replay: ReplayFidelity?
        var aa: AANoise?
        var notes: [String] = []
    }

    // MARK: - Stacks

    private static func measureVPCD(
        slot: Int, options: CalibrationOptions, progress: (String) -> Void, notes: inout [String]
    ) throws(CalibrationError) -> StackFigures {
        let card: ServedCalibrationCard
        do { card = try ServedCalibrationCard(slot: slot) } catch {
            throw CalibrationError("cannot serve the calibration card on slot \(slot): \(error)")
        }
        defer {
            card.stop()
            _ = waitForCard(in: card.readerName, present: false, seconds: 3)
        }
        guard waitForCard(in: card.readerName, present: true, seconds: 5) else {
            throw CalibrationError("the calibration card did not appear in \(card.readerName) within 5 s")
        }
        let name = card.readerName
        let open = { () throws(TransportError) -> PCSCReaderChannel in
            do throws(PCSCError) { return try PCSCReaderChannel(readerName: name) } catch { throw error.transportError }
        }
        var figures = try measureStack(open: open, timing: card.timing, options: options, progress: progress)
        if let replay = options.replay {
            progress("replay fidelity of \(replay.path)")
            card.stop()
            _ = waitForCard(in: name, present: false, seconds: 3)
            do {
                figures.replay = try ReplayProbe.measure(
                    replay.trace, path: replay.path, slot: slot, iterations: options.replayIterations,
                    compensation: figures.floor?.p50 ?? 0)
            } catch {
                figures.notes.append("replay fidelity not measured: \(error)")
            }
        }
        return figures
    }

    private static func measureInProcess(
        options: CalibrationOptions, progress: (String) -> Void
    ) throws(CalibrationError) -> StackFigures {
        let timing = CalibrationCardTiming()
        let open = { () throws(TransportError) -> InProcessChannel<FaultyCard<MyNumberCard>> in
            let card: FaultyCard<MyNumberCard>
            do { card = try SimulatorConfiguration().makeCard() } catch {
                throw TransportError(.other, "cannot make the simulated card: \(error)")
            }
            return InProcessChannel(
                card: card,
                delay: { _, _ in
                    let now = MonotonicClock.now()
                    guard let deadline = timing.deadline(receivedAt: now) else { return 0 }
                    return deadline > now ? deadline - now : 0
                })
        }
        var figures = try measureStack(open: open, timing: timing, options: options, progress: progress)
        if options.replay != nil { figures.notes.append("replay fidelity is measured through vpcd only") }
        return figures
    }

    /// Floor, delays, experiments and A/A on any stack.
    private static func measureStack<Channel: CardConnection & ~Copyable>(
        open: () throws(TransportError) -> Channel, timing: CalibrationCardTiming?, options: CalibrationOptions,
        progress: (String) -> Void
    ) throws(CalibrationError) -> StackFigures {
        var figures = StackFigures()
        var channel: Channel
        do { channel = try open() } catch { throw CalibrationError("cannot open the calibration card: \(error)") }
        do { try channel.connect() } catch { throw CalibrationError("cannot connect to the calibration card: \(error)") }
        progress("round-trip floor (\(options.floorExchanges) exchanges)")
        timing?.set(delay: 0)
        let floor = try roundTrips(&channel, count: options.floorExchanges)
        figures.floor = Distribution(samples: floor)
        for delay in options.delays {
            guard let timing else { break }
            progress("card busy \(Double(delay) / 1e6) ms")
            timing.set(delay: delay)
            figures.delays.append(overhead(try roundTrips(&channel, count: options.exchanges(forDelay: delay)), delay))
        }
        if options.experiments, let timing {
            let delay: UInt64 = 2_000_000
            let count = options.exchanges(forDelay: delay)
            var causes: [OverheadExperiment] = []
            progress("experiment: the card spins instead of sleeping")
            timing.set(delay: delay, spinning: true)
            var spun = overhead(try roundTrips(&channel, count: count), delay)
            causes.append(experiment("card spins through its delay instead of sleeping", spun))
            progress("experiment: every CPU kept out of idle")
            timing.set(delay: delay)
            spun = try KeepAwake.during { () throws(CalibrationError) -> DelayOverhead in
                overhead(try roundTrips(&channel, count: count), delay)
            }
            causes.append(experiment("idle-priority spinners keep every CPU awake (card sleeps as usual)", spun))
            progress("experiment: both")
            timing.set(delay: delay, spinning: true)
            spun = try KeepAwake.during { () throws(CalibrationError) -> DelayOverhead in
                overhead(try roundTrips(&channel, count: count), delay)
            }
            causes.append(experiment("card spins and every CPU is kept awake", spun))
            figures.causes = causes
        }
        timing?.set(delay: 0)
        try? channel.disconnect(.leave)
        _ = consume channel

        if options.aaIterations > 0 {
            progress("A/A: two runs of \(options.aaIterations) visual iterations")
            do {
                let first = try visualRun(open: open, iterations: options.aaIterations)
                let second = try visualRun(open: open, iterations: options.aaIterations)
                figures.aa = AANoise(
                    workload: "visual scenario, warm, instant card", iterationsPerSide: options.aaIterations,
                    series: aaSeries(first, second))
            } catch {
                figures.notes.append("A/A not measured: \(error)")
            }
        }
        return figures
    }

    // MARK: - Measurements

    /// SELECT JPKI AP `count` times on an open channel: each round trip.
    private static func roundTrips<Channel: CardConnection & ~Copyable>(
        _ channel: inout Channel, count: Int
    ) throws(CalibrationError) -> [UInt64] {
        var command = APDUBuffer(capacity: 32)
        var response = APDUBuffer()
        do {
            try command.encode(
                APDUHeader(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C),
                data: [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01].span)
        } catch {
            throw CalibrationError("cannot encode SELECT: \(error)")
        }
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = MonotonicClock.now()
            do { try send(command, &channel, &response) } catch {
                throw CalibrationError("a calibration exchange failed: \(error)")
            }
            samples.append(MonotonicClock.now() - start)
        }
        return samples
    }

    private static func send<Channel: CardConnection & ~Copyable>(
        _ command: borrowing APDUBuffer, _ channel: inout Channel, _ response: inout APDUBuffer
    ) throws(TransportError) {
        try channel.transmitRaw(command.span, into: &response)
    }

    private static func overhead(_ samples: [UInt64], _ injected: UInt64) -> DelayOverhead {
        let sorted = samples.sorted()
        let measured = Distribution(samples: sorted)
        let signed = sorted.map { Int64(bitPattern: $0) - Int64(injected) }
        func rank(_ p: Double) -> Int64 { signed[min(signed.count - 1, max(0, Int((p * Double(signed.count)).rounded(.up)) - 1))] }
        return DelayOverhead(
            injectedNanoseconds: injected, count: samples.count, measuredP50: measured?.p50 ?? 0, overheadP50: rank(0.5),
            overheadP99: rank(0.99))
    }

    private static func experiment(_ name: String, _ figures: DelayOverhead) -> OverheadExperiment {
        OverheadExperiment(
            name: name, injectedNanoseconds: figures.injectedNanoseconds, overheadP50: figures.overheadP50,
            overheadP99: figures.overheadP99)
    }

    /// `iterations` warm iterations of the visual scenario on a fresh connection: the check
    /// totals and every exchange by kind.
    private static func visualRun<Channel: CardConnection & ~Copyable>(
        open: () throws(TransportError) -> Channel, iterations: Int
    ) throws(CalibrationError) -> (totals: [UInt64], kinds: [String: [UInt64]]) {
        let channel: Channel
        do { channel = try open() } catch { throw CalibrationError("cannot open the calibration card: \(error)") }
        var engine = ReadPathEngine(channel: channel, scenario: .visual)
        var totals: [UInt64] = []
        var kinds: [String: [UInt64]] = [:]
        let labels = APDUKind.allCases.map(\.label)
        for round in 0..<(iterations + 3) {
            if let failure = engine.runIteration(powerAfter: .leave) {
                throw CalibrationError("a visual iteration failed: \(failure)")
            }
            guard round >= 3 else { continue }
            let phases = engine.recorder.phases
            totals.append((phases.last?.endNanoseconds ?? 0) &- (phases.first?.startNanoseconds ?? 0))
            for apdu in engine.recorder.apdus { kinds[labels[Int(apdu.kind)], default: []].append(apdu.durationNanoseconds) }
        }
        return (totals, kinds)
    }

    private static func aaSeries(
        _ first: (totals: [UInt64], kinds: [String: [UInt64]]), _ second: (totals: [UInt64], kinds: [String: [UInt64]])
    ) -> [AANoise.Series] {
        func series(_ name: String, _ a: [UInt64], _ b: [UInt64]) -> AANoise.Series? {
            guard let x = Distribution(samples: a), let y = Distribution(samples: b) else { return nil }
            func ratio(_ p: UInt64, _ q: UInt64) -> Double { Double(q) / Double(max(p, 1)) - 1 }
            return AANoise.Series(name: name, p50: ratio(x.p50, y.p50), p90: ratio(x.p90, y.p90), p99: ratio(x.p99, y.p99))
        }
        var result = [series("check total", first.totals, second.totals)].compactMap { $0 }
        for name in APDUKind.allCases.map(\.label) {
            if let a = first.kinds[name], let b = second.kinds[name], let s = series(name, a, b) { result.append(s) }
        }
        return result
    }

    /// Waits until `reader` reports a card present (or absent).
    static func waitForCard(in reader: String, present: Bool, seconds: Double) -> Bool {
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
}
