import CardIdentity
import CardTransport
import Results
import RunModel
import Traces

extension ReaderEndpoint where Channel == TraceReplayChannel {
    /// A recorded trace replayed in this process: card time is the recording's (per the replay
    /// timing), never a live reader's. Each iteration signs the trace's own challenge, so the
    /// recorded signature matches.
    public static func trace(path: String, trace: Trace, matching: ReplayMatching, timing: ReplayTiming) -> Self {
        var endpoint = Self(
            name: trace.header.reader.name,
            makeChannel: { () throws(TransportError) -> TraceReplayChannel in
                do { return try TraceReplayChannel(trace: trace, matching: matching, timing: timing) } catch {
                    throw TransportError(.other, "cannot replay \(path): \(error)")
                }
            },
            describe: { channel in
                let atr = channel.atr
                return (
                    ReaderInfo(
                        name: trace.header.reader.name, identity: nil, modelKey: trace.header.reader.modelKey,
                        atr: atr.isEmpty ? nil : ATRDescription(atr)),
                    CardInfo(
                        source: .trace,
                        measures: "a replay of the trace \(path), recorded on \(trace.header.reader.name), in this "
                            + "process: card time is the recording's (per --timing), not a live reader")
                )
            })
        endpoint.nextChallenge = { channel in
            channel.beginIteration()
            return channel.currentChallenge
        }
        return endpoint
    }
}
