import Foundation

/// Errors collected from work on many threads at once (many hosts saving and forwarding), shared
/// by the fleet's tests and its scale tool.
public final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    public init() {}

    /// Adds one failure, from any thread.
    public func add(_ text: String) {
        lock.lock()
        list.append(text)
        lock.unlock()
    }

    /// Every failure so far.
    public var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
