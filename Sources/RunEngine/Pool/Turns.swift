import Foundation

/// How a pool's readers take turns, for the schedules that do not run them all at once.
protocol Turns: AnyObject, Sendable {
    /// `reader` belongs to the pool from now on (it may still be starting).
    func join(_ reader: Int)
    /// Waits for `reader`'s turn; false when `shouldStop` said so first.
    func acquire(_ reader: Int, shouldStop: () -> Bool) -> Bool
    /// `reader` finished its iteration.
    func release(_ reader: Int)
    /// `reader` is waiting for its card: the others do not wait for it meanwhile.
    func pause(_ reader: Int)
    /// `reader`'s card is back.
    func resume(_ reader: Int)
    /// `reader` is done (finished, stopped, unplugged or abandoned): never wait for it again.
    func leave(_ reader: Int)
}

/// Round-robin: one iteration at a time, and no reader starts its next before every other
/// reader in the pool has had as many turns, so drift of the host (thermal, a noisy neighbour)
/// hits every reader alike. A reader waiting for its card (paused) holds up no one, and comes
/// back level with the others rather than catching up in a burst.
///
/// Public for the benchmark of the pool's own cost per iteration (Benchmarks/PoolBenchmarks).
public final class RoundRobinTurns: Turns, @unchecked Sendable {
    public init() {}
    private let condition = NSCondition()
    private var taken: [Int: Int] = [:]
    private var paused: Set<Int> = []
    private var busy = false

    public func join(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        taken[reader] = level
    }

    public func acquire(_ reader: Int, shouldStop: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while busy || (taken[reader] ?? 0) > level {
            if shouldStop() { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        busy = true
        return true
    }

    public func release(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        busy = false
        taken[reader, default: 0] += 1
        condition.broadcast()
    }

    public func pause(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        paused.insert(reader)
        condition.broadcast()
    }

    public func resume(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        paused.remove(reader)
        taken[reader] = max(taken[reader] ?? 0, level)
        condition.broadcast()
    }

    public func leave(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        taken[reader] = nil
        paused.remove(reader)
        condition.broadcast()
    }

    /// Lock held: the fewest turns any active reader has had (the next round's number). A loop,
    /// not filter/min: this runs once per iteration and must not allocate.
    private var level: Int {
        var lowest = Int.max
        var highest = 0
        for (reader, count) in taken {
            highest = max(highest, count)
            if !paused.contains(reader) { lowest = min(lowest, count) }
        }
        return lowest == .max ? highest : lowest
    }
}

/// Sequential: one reader's whole part after another's, in the order they joined.
final class SequentialTurns: Turns, @unchecked Sendable {
    private let condition = NSCondition()
    private var order: [Int] = []

    func join(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        order.append(reader)
    }

    func acquire(_ reader: Int, shouldStop: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while order.first != reader {
            if shouldStop() { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        return true
    }

    func release(_ reader: Int) {}
    func pause(_ reader: Int) {}
    func resume(_ reader: Int) {}

    func leave(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        order.removeAll { $0 == reader }
        condition.broadcast()
    }
}
