import Foundation

/// How a pool's readers take turns, for the schedules that do not run them all at once.
protocol Turns: AnyObject, Sendable {
    /// Waits for `reader`'s turn; false when `shouldStop` said so first.
    func acquire(_ reader: Int, shouldStop: () -> Bool) -> Bool
    /// `reader` finished its iteration.
    func release(_ reader: Int)
    /// `reader` is done (finished, stopped, unplugged or abandoned): never wait for it again.
    func leave(_ reader: Int)
}

/// Round-robin as a ticket lock: each iteration takes a ticket and is served in ticket order,
/// so every reader ready to go gets one iteration before any gets a second, and drift of the
/// host (thermal, a noisy neighbour) hits every reader alike. A reader waiting for its card
/// holds no ticket and holds up no one.
final class RoundRobinTurns: Turns, @unchecked Sendable {
    private let condition = NSCondition()
    private var nextTicket = 0
    private var serving = 0
    /// Tickets given up before being served (a worker told to stop while waiting).
    private var cancelled: Set<Int> = []
    /// The ticket each reader holds or waits with.
    private var held: [Int: Int] = [:]

    func acquire(_ reader: Int, shouldStop: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let ticket = nextTicket
        nextTicket += 1
        held[reader] = ticket
        while serving != ticket {
            if shouldStop() {
                cancel(ticket, of: reader)
                return false
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        return true
    }

    func release(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard let ticket = held.removeValue(forKey: reader), ticket == serving else { return }
        advance()
    }

    func leave(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard let ticket = held[reader] else { return }
        cancel(ticket, of: reader)
    }

    /// Lock held.
    private func cancel(_ ticket: Int, of reader: Int) {
        held[reader] = nil
        if ticket == serving {
            advance()
        } else {
            cancelled.insert(ticket)
        }
    }

    /// Lock held: serve the next ticket nobody gave up.
    private func advance() {
        serving += 1
        while cancelled.remove(serving) != nil { serving += 1 }
        condition.broadcast()
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

    func leave(_ reader: Int) {
        condition.lock()
        defer { condition.unlock() }
        order.removeAll { $0 == reader }
        condition.broadcast()
    }
}
