import Foundation

/// Waiting for something another process does, in tests: poll until it holds or a deadline
/// passes. The deadline is generous on purpose (a loaded CI machine starts processes slowly);
/// it bounds a hang, it does not measure anything.
public enum Poll {
    /// Checks `condition` every `interval` seconds until it is true (returns true) or `seconds`
    /// have passed (returns false).
    @discardableResult
    public static func until(seconds: Double = 120, interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: interval)
        }
        return true
    }
}
