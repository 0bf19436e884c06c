import CardIdentity
import CardTransport
import Foundation
import HexCoding
import Results
import RunModel
import Traces

extension ReaderEndpoint where Channel: ~Copyable {
    /// This endpoint, recorded as a trace while it runs (`run --record`): exchanges are captured
    /// on the measured path into reserved storage and written between iterations. PINs are
    /// always redacted; `scrubPersonal` also replaces the text AP's personal data.
    public func recorded(
        to path: String, scrubPersonal: Bool, toolVersion: String
    ) -> ReaderEndpoint<TraceRecordingChannel<Channel>> {
        let base = self
        let sink = TraceSink(path: path, scrubPersonal: scrubPersonal, toolVersion: toolVersion)
        var endpoint = ReaderEndpoint<TraceRecordingChannel<Channel>>(
            name: base.name,
            makeChannel: { () throws(TransportError) -> TraceRecordingChannel<Channel> in
                TraceRecordingChannel(try base.makeChannel())
            },
            describe: { channel in base.describe(&channel.base) })
        if let wait = base.waitForCard {
            endpoint.waitForCard = {
                (present: Bool, timeout: UInt64, channel: inout TraceRecordingChannel<Channel>, shouldStop: () -> Bool)
                    throws(TransportError) -> UInt64? in
                try wait(present, timeout, &channel.base, shouldStop)
            }
        }
        endpoint.started = { header, reader in
            try base.started?(header, reader)
            try sink.open(header, reader: reader)
        }
        endpoint.nextChallenge = { channel in base.nextChallenge?(&channel.base) }
        endpoint.willBegin = { channel, number, mode, challenge in
            base.willBegin?(&channel.base, number, mode, challenge)
            channel.beginIteration(number: number, mode: mode == .cold ? .cold : .warm, challenge: challenge.span)
        }
        endpoint.didEnd = { channel in
            try base.didEnd?(&channel.base)
            try sink.drain(&channel)
        }
        endpoint.finished = {
            try base.finished?()
            try sink.close()
        }
        return endpoint
    }
}

/// The trace a run records: opened when the run knows what it measures, written between
/// iterations (never inside one), closed at the end. Used from the recorded reader's worker
/// thread only.
final class TraceSink: @unchecked Sendable {
    let path: String
    let scrubPersonal: Bool
    let toolVersion: String
    private var writer: TraceWriter?

    init(path: String, scrubPersonal: Bool, toolVersion: String) {
        self.path = path
        self.scrubPersonal = scrubPersonal
        self.toolVersion = toolVersion
    }

    func open(_ result: ResultHeader, reader: ReaderRecord) throws {
        let options: TraceValue = .object([
            ("iterations", .integer(Int64(result.run.iterations))), ("warmup", .integer(Int64(result.run.warmup))),
            ("modes", .array(result.run.modes.map { .string($0.rawValue) })),
            ("headerLength", .integer(Int64(result.run.readStrategy.headerLength.rawValue))),
            ("chunking", .string(result.run.readStrategy.chunking.rawValue)),
        ])
        var note = "recorded by readerbench run: \(reader.card.measures)"
        if let simulated = reader.card.simulated {
            note +=
                "; simulated \(simulated.cardProfile) card, timing profile \(simulated.timingProfile) (modelled, not measured)"
        }
        let modelled = reader.card.isModelled
        let header = TraceHeader(
            tool: TraceHeader.Tool(name: "readerbench", version: toolVersion),
            reader: TraceHeader.Reader(name: reader.reader.name, modelKey: reader.reader.modelKey),
            atr: (try? Hex.decode(reader.reader.atr?.hex ?? "")) ?? [],
            scenario: .object([("name", .string(result.run.scenario))]), options: options,
            synthetic: modelled, modelled: modelled, note: note)
        do {
            writer = try TraceWriter(
                path: path, header: header, redactPINs: true, scrubber: scrubPersonal ? PersonalDataScrubber() : nil)
        } catch {
            throw RunEngineError(.cannotRecord, "cannot record to \(path): \(error)")
        }
    }

    func drain<Channel: CardConnection & SendableMetatype & ~Copyable>(_ recorder: inout TraceRecordingChannel<Channel>)
        throws
    {
        guard writer != nil else { return }
        try recorder.drain(into: &writer!)
    }

    func close() throws {
        guard writer != nil else { return }
        try writer!.close()
    }
}
