import Foundation

// MARK: - Pushing while a run goes

/// Pushes a run's metrics every `interval` seconds from a thread of its own, and once more when
/// the run ends: a Pushgateway that is slow or absent costs the run nothing but a warning.
public final class MetricsPusher: @unchecked Sendable {
    private let metrics: RunMetrics
    private let client: PushgatewayClient
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false
    private var pushes = 0
    private var lastError: MetricsError?

    public init(metrics: RunMetrics, client: PushgatewayClient, interval: TimeInterval = 5) {
        self.metrics = metrics
        self.client = client
        self.interval = interval
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "readerbench-metrics"
        thread.start()
    }

    /// What the pusher did.
    public struct Outcome: Sendable {
        /// Successful pushes, the last one included.
        public var pushes: Int
        /// Why the last push failed, if it did.
        public var lastError: MetricsError?
    }

    /// Stops the thread and pushes the final metrics; waits at most about `timeout` seconds.
    public func finish(timeout: TimeInterval) -> Outcome {
        condition.lock()
        stopping = true
        condition.signal()
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped && condition.wait(until: deadline) {}
        let inTime = stopped
        condition.unlock()
        if inTime { push() }
        condition.lock()
        defer { condition.unlock() }
        return Outcome(pushes: pushes, lastError: lastError)
    }

    private func loop() {
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date().addingTimeInterval(interval))
            if stopping { break }
            condition.unlock()
            push()
            condition.lock()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func push() {
        do {
            try client.push(metrics.exposition())
            condition.lock()
            pushes += 1
            lastError = nil
            condition.unlock()
        } catch {
            condition.lock()
            lastError = error
            condition.unlock()
        }
    }
}
