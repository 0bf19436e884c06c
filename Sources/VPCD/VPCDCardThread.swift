import CardTransport
import CardTransport
import Glibc
import Measurement
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
    /// - Parameters:
    ///   - onEvent: called on the serving thread for each link event (keep it short).
    ///   - replyDeadline: when each reply may leave (a timing profile); it moves to the serving
    ///     thread and is only ever called there.
    ///   - reinsertAfter: when the card leaves the field (a fault), put it back after this long
    ///     and keep serving; nil ends the thread when the card leaves.
    public init(
        card: Card, configuration: VPCDServerConfiguration = VPCDServerConfiguration(),
        onEvent: (@Sendable (VPCDEvent) -> Void)? = nil, replyDeadline: VPCDReplyDeadline? = nil,
        reinsertAfter: Duration? = nil
    ) throws(VPCDError) {
        let job = Job(
            card: card, configuration: configuration, stop: stopSignal, onEvent: onEvent,
            replyDeadline: replyDeadline, reinsertAfter: reinsertAfter)
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
        let replyDeadline: VPCDReplyDeadline?
        let reinsertAfter: Duration?
        var result: Result?

        init(
            card: Card, configuration: VPCDServerConfiguration, stop: VPCDStopSignal,
            onEvent: (@Sendable (VPCDEvent) -> Void)?, replyDeadline: VPCDReplyDeadline?, reinsertAfter: Duration?
        ) {
            self.card = card
            self.configuration = configuration
            self.stop = stop
            self.onEvent = onEvent
            self.replyDeadline = replyDeadline
            self.reinsertAfter = reinsertAfter
        }

        func run() {
            var server = VPCDServer(card: card, configuration: configuration)
            server.onEvent = onEvent
            server.replyDeadline = replyDeadline
            var outcome: Swift.Result<VPCDRunOutcome, VPCDError>
            repeat {
                do throws(VPCDError) {
                    outcome = .success(try server.run(until: stop))
                } catch {
                    outcome = .failure(error)
                }
                guard case .success(.cardRemoved) = outcome, let pause = reinsertAfter, !stop.isStopRequested else {
                    break
                }
                let (seconds, attoseconds) = pause.components
                PreciseWait.sleep(
                    until: MonotonicClock.now() &+ UInt64(seconds) &* 1_000_000_000
                        &+ UInt64(attoseconds / 1_000_000_000))
            } while !stop.isStopRequested
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
