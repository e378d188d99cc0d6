import Foundation
import Synchronization

/// Events per integration key per minute, in fixed one-minute windows. In memory: a limit on
/// how fast a sender may push, not a quota that must survive restarts.
public final class EventRateLimiter: Sendable {
    private struct Window {
        var minute: Int
        var count: Int
    }

    private let windows = Mutex<[UUID: Window]>([:])

    public init() {}

    /// Counts one event; false when the key has used up this minute.
    public func allow(key: UUID, limit: Int, now: Date) -> Bool {
        let minute = Int(now.timeIntervalSince1970 / 60)
        return windows.withLock { table in
            var window = table[key] ?? Window(minute: minute, count: 0)
            if window.minute != minute { window = Window(minute: minute, count: 0) }
            guard window.count < limit else { return false }
            window.count += 1
            table[key] = window
            return true
        }
    }

    /// Counts `count` more events already admitted (the rest of a notification that carried several alerts):
    /// they may overdraw this minute, and then later requests wait for the next one.
    public func charge(key: UUID, count: Int, now: Date) {
        guard count > 0 else { return }
        let minute = Int(now.timeIntervalSince1970 / 60)
        windows.withLock { table in
            var window = table[key] ?? Window(minute: minute, count: 0)
            if window.minute != minute { window = Window(minute: minute, count: 0) }
            window.count = window.count.addingReportingOverflow(count).overflow ? Int.max : window.count + count
            table[key] = window
        }
    }
}
