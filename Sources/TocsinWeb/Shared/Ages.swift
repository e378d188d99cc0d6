import Foundation

/// How long ago, in the words a responder scans for: "12 min", "3 h 5 min", "2 d 4 h".
enum Ages {
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "—" }
        let minutes = Int(max(0, min(seconds, 100 * 365 * 86_400)) / 60)
        if minutes < 1 { return "under a minute" }
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 24 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        let days = hours / 24
        return hours % 24 == 0 ? "\(days) d" : "\(days) d \(hours % 24) h"
    }

    static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        return seconds < 0 ? "in " + duration(-seconds) : duration(seconds) + " ago"
    }
}
