import History
import LiveMetrics
import Results
import RunEngine

/// The history recorder of a run whose history is a fleet's server: it saves locally (as the
/// plain recorder does) and then only tells the forwarder, whose own thread sends to the server.
/// Nothing here touches the network: the engine calls recorders under its lock from the
/// measuring threads.
final class ForwardingRecorder: RunRecorder, @unchecked Sendable {
    private let recorder: HistoryRecorder
    private let forwarder: HistoryForwarder

    init(recorder: HistoryRecorder, forwarder: HistoryForwarder) {
        self.recorder = recorder
        self.forwarder = forwarder
    }

    func started(_ header: ResultHeader) throws {
        try recorder.started(header)
        if let run = recorder.runID { forwarder.watch(run: run) }
    }

    func joined(_ reader: ReaderRecord) throws { try recorder.joined(reader) }

    func append(_ iteration: IterationResult) throws { try recorder.append(iteration) }

    func finished(_ summary: RunSummary) throws {
        try recorder.finished(summary)
        forwarder.wake()
    }
}

/// Live metrics for the engine: LiveMetrics' RunMetrics has RunRecorder's shape.
extension RunMetrics: RunRecorder {}
