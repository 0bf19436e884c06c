import CardTransport
import Measurement
import PCSC
import ReadPath
import Results
import Simulator
import Traces
import VPCD

/// Replay fidelity: a recorded trace served through vpcd at its recorded timing, measured by the
/// read path through pcscd, against what the recording says each exchange took.
///
/// Exchanges are paired in order within each iteration (strict matching serves them in the
/// recorded order), then grouped by the APDU kind the read path gives them; medians per kind
/// are compared. Twice: as recorded, and with the floor's median taken off each recorded
/// duration (the recording already paid one round trip on the stack it was made on).
enum ReplayProbe {
    static func measure(
        _ trace: Trace, path: String, slot: Int, iterations: Int, compensation: UInt64
    ) throws(CalibrationError) -> ReplayFidelity {
        let scenarioName = trace.header.scenario?["name"]?.stringValue ?? "visual"
        guard let scenario = Scenario.named(scenarioName) else {
            throw CalibrationError("the trace's scenario '\(scenarioName)' is not one this build runs")
        }
        let plain = try replay(trace, scenario: scenario, slot: slot, iterations: iterations, compensation: 0)
        let compensated = try replay(
            trace, scenario: scenario, slot: slot, iterations: iterations, compensation: compensation)
        var kinds: [ReplayFidelity.Kind] = []
        for label in APDUKind.allCases.map(\.label) {
            guard let recorded = median(plain.recorded[label]), let replayed = median(plain.replayed[label]),
                let again = median(compensated.replayed[label])
            else { continue }
            kinds.append(
                ReplayFidelity.Kind(kind: label, recordedP50: recorded, replayedP50: replayed, compensatedP50: again))
        }
        return ReplayFidelity(trace: path, compensationNanoseconds: compensation, kinds: kinds)
    }

    private static func median(_ samples: [UInt64]?) -> UInt64? {
        guard let samples, !samples.isEmpty else { return nil }
        return samples.sorted()[(samples.count - 1) / 2]
    }

    /// One replay: per kind, the recorded durations and the measured ones.
    private static func replay(
        _ trace: Trace, scenario: Scenario, slot: Int, iterations: Int, compensation: UInt64
    ) throws(CalibrationError) -> (recorded: [String: [UInt64]], replayed: [String: [UInt64]]) {
        let served: ReplayedReader
        do {
            served = try ReplayedReader(
                trace: trace, matching: .strict, timing: .recorded, slot: slot, compensationNanoseconds: compensation,
                giveUpConnectingAfter: .seconds(5))
        } catch {
            throw CalibrationError("cannot serve the trace: \(error)")
        }
        defer {
            served.stop()
            _ = Calibrator.waitForCard(in: served.readerName, present: false, seconds: 3)
        }
        guard Calibrator.waitForCard(in: served.readerName, present: true, seconds: 5) else {
            throw CalibrationError("the replayed trace did not appear in \(served.readerName) within 5 s")
        }
        let channel: PCSCReaderChannel
        do { channel = try PCSCReaderChannel(readerName: served.readerName) } catch {
            throw CalibrationError("cannot open \(served.readerName): \(error.message)")
        }
        // The trace's VERIFY data is redacted: any well-formed PIN matches, no card is touched.
        var engine = ReadPathEngine(channel: channel, scenario: scenario, pin: SecretPIN(Array("0000".utf8)))
        let labels = APDUKind.allCases.map(\.label)
        var recorded: [String: [UInt64]] = [:]
        var replayed: [String: [UInt64]] = [:]
        let marks = trace.iterationEventIndices
        for (number, mark) in marks.prefix(iterations).enumerated() {
            let end = number + 1 < marks.count ? marks[number + 1] : trace.events.count
            let durations = (mark..<end).filter { trace.events[$0].kind == .transmit }.map { trace.events[$0].duration }
            let challenge = trace.challenge(of: mark) ?? Array(repeating: 0, count: 32)
            do { engine.setChallenge(digestInfo: try Challenge.digestInfo(for: challenge)) } catch {
                throw CalibrationError("cannot make the trace's challenge: \(error)")
            }
            let mode = trace.events[mark].mode
            guard engine.runIteration(powerAfter: mode == .cold ? .unpower : .leave) == nil else { continue }
            let apdus = engine.recorder.apdus
            // A trace whose exchanges do not pair one to one with this iteration is not compared.
            guard apdus.count == durations.count else { continue }
            for (apdu, duration) in zip(apdus, durations) {
                let label = labels[Int(apdu.kind)]
                recorded[label, default: []].append(duration)
                replayed[label, default: []].append(apdu.durationNanoseconds)
            }
        }
        guard !replayed.isEmpty else {
            throw CalibrationError("no replayed iteration paired with the recording (is the trace of this scenario?)")
        }
        return (recorded, replayed)
    }
}
