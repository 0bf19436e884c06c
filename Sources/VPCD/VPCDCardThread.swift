import CardTransport
import Glibc
import Synchronization

/// Serves a card on a dedicated POSIX thread, so tests and the CLI can drive the reader from their
/// own thread while the card answers.
///
/// A dedicated thread rather than a task: `VPCDServer.run` blocks in `recv`, and parking it on the
/// cooperative pool (two threads on these machines) would starve the tests that talk to it.
public final class VPCDCardThread<Card: VirtualCard & Sendable>: @unchecked Sendable {
    /// What the thread left behind: the card (with its counters) and how the server ended.
    public struct Result: Sendable {
        /// The card as it was when the server returned.
        public var card: Card
        /// How `run` ended, or why it failed.
        public var outcome: Swift.Result<VPCDRunOutcome, VPCDError>
    }

    /// Signalled by `stop()`; shared with the server.
    public let stopSignal = VPCDStopSignal()

    private let job: Job
    private var thread: pthread_t
    private let joined = Mutex<Result?>(nil)

    /// Starts serving `card` at once; the thread keeps trying to connect for
    /// `configuration.giveUpConnectingAfter`.
    ///
    /// - Parameter onEvent: called on the serving thread for each link event (keep it short).
    public init(
        card: Card, configuration: VPCDServerConfiguration = VPCDServerConfiguration(),
        onEvent: (@Sendable (VPCDEvent) -> Void)? = nil
    ) throws(VPCDError) {
        let job = Job(card: card, configuration: configuration, stop: stopSignal, onEvent: onEvent)
        self.job = job
        switch startThread(running: job) {
        case .success(let thread):
            self.thread = thread
        case .failure(let failure):
            throw VPCDError(
                code: .socketFailure, errno: failure.status,
                reason: "cannot start the card thread: \(VPCDError.describe(failure.status))")
        }
    }

    /// Asks the server to stop (it closes the link within `stopCheckInterval`) without waiting.
    public func stop() { stopSignal.requestStop() }

    /// Waits for the server to return (after `stop()`, the card leaving, or a failure) and gives
    /// its result. Safe to call more than once.
    public func join() -> Result {
        joined.withLock { stored in
            if let stored { return stored }
            pthread_join(thread, nil)
            let result = job.result!
            stored = result
            return result
        }
    }

    /// Stops and joins, so a forgotten thread does not outlive its owner.
    deinit {
        stop()
        _ = join()
    }

    // MARK: - The thread's work

    /// Everything the thread touches; `result` is written before the thread ends and read only
    /// after `pthread_join`, which orders the two.
    private final class Job: ThreadBody, @unchecked Sendable {
        let card: Card
        let configuration: VPCDServerConfiguration
        let stop: VPCDStopSignal
        let onEvent: (@Sendable (VPCDEvent) -> Void)?
        var result: Result?

        init(
            card: Card, configuration: VPCDServerConfiguration, stop: VPCDStopSignal,
            onEvent: (@Sendable (VPCDEvent) -> Void)?
        ) {
            self.card = card
            self.configuration = configuration
            self.stop = stop
            self.onEvent = onEvent
        }

        func run() {
            var server = VPCDServer(card: card, configuration: configuration)
            server.onEvent = onEvent
            let outcome: Swift.Result<VPCDRunOutcome, VPCDError>
            do throws(VPCDError) {
                outcome = .success(try server.run(until: stop))
            } catch {
                outcome = .failure(error)
            }
            result = Result(card: server.takeCard(), outcome: outcome)
        }
    }
}

// MARK: - Starting a POSIX thread

/// Work for a POSIX thread. Non-generic, because a C function pointer cannot carry generic context.
private protocol ThreadBody: AnyObject {
    func run()
}

/// The errno-style status of a failed `pthread_create`.
private struct ThreadStartFailure: Error {
    var status: CInt
}

/// Carries the body through `pthread_create`'s untyped context pointer.
private final class ThreadBox {
    let body: any ThreadBody
    init(_ body: any ThreadBody) { self.body = body }
}

/// Starts a joinable thread that calls `body.run()`, keeping `body` alive until it returns.
private func startThread(running body: any ThreadBody) -> Result<pthread_t, ThreadStartFailure> {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(ThreadBox(body)).toOpaque()
    let status = pthread_create(
        &thread, nil,
        { context in
            let box = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue()
            (box as! ThreadBox).body.run()
            return nil
        }, context)
    guard status == 0 else {
        Unmanaged<AnyObject>.fromOpaque(context).release()
        return .failure(ThreadStartFailure(status: status))
    }
    return .success(thread)
}
