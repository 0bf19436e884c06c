import CardIdentity
import CardTiming
import CardTransport
import Foundation
import HexCoding
import Results
import SimulatedCard
import Simulator
import Traces

/// The trace a run records: opened when the run knows what it measures, written between
/// iterations (never inside one), closed at the end.
final class TraceSink {
    let path: String
    let scrubPersonal: Bool
    let source: CardSource
    let profile: SimulatorConfiguration
    private var writer: TraceWriter?

    init(path: String, scrubPersonal: Bool, source: CardSource, profile: SimulatorConfiguration) {
        self.path = path
        self.scrubPersonal = scrubPersonal
        self.source = source
        self.profile = profile
    }

    func open(_ result: ResultHeader) throws {
        let options: TraceValue = .object([
            ("iterations", .integer(Int64(result.run.iterations))), ("warmup", .integer(Int64(result.run.warmup))),
            ("modes", .array(result.run.modes.map { .string($0.rawValue) })),
            ("headerLength", .integer(Int64(result.run.readStrategy.headerLength.rawValue))),
            ("chunking", .string(result.run.readStrategy.chunking.rawValue)),
        ])
        var note = "recorded by readerbench run: \(source.measures)"
        if source.isSimulated {
            note += "; simulated \(profile.card.name) card, timing profile \(profile.effectiveTiming.name) (modelled, not measured)"
        }
        let header = TraceHeader(
            tool: TraceHeader.Tool(name: "readerbench", version: ReaderBench.version),
            reader: TraceHeader.Reader(name: result.reader.name, modelKey: result.reader.modelKey),
            atr: (try? Hex.decodeATR(result.reader.atr?.hex)) ?? [],
            scenario: .object([("name", .string(result.run.scenario))]), options: options,
            synthetic: source.isSimulated, modelled: source.isSimulated, note: note)
        do {
            writer = try TraceWriter(
                path: path, header: header, redactPINs: true, scrubber: scrubPersonal ? PersonalDataScrubber() : nil)
        } catch {
            throw fail("cannot record to \(path): \(error)", status: ExitStatus.environment)
        }
    }

    func drain<Base: CardConnection & ~Copyable>(_ channel: inout TraceRecordingChannel<Base>) throws {
        guard writer != nil else { return }
        try channel.drain(into: &writer!)
    }

    func close() throws {
        guard writer != nil else { return }
        try writer!.close()
    }
}

extension Hex {
    /// The ATR from a result header's spaced hex, if any.
    static func decodeATR(_ text: String?) throws -> [UInt8] {
        guard let text else { return [] }
        return try decode(text)
    }
}
