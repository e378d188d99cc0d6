import Foundation

/// Which urgency a service's incidents get, and so which of each person's notification rules page them.
public enum UrgencyRule: String, Sendable, CaseIterable, Codable {
    /// Every incident is high urgency (the default).
    case high
    /// Every incident is low urgency.
    case low
    /// SEV1 and SEV2 are high, SEV3 and SEV4 low.
    case severity
    /// High within the service's working hours, low outside them.
    case workingHours = "working_hours"

    public func urgency(for severity: IncidentSeverity, at date: Date, workingHours: WorkingHours?) -> Urgency {
        switch self {
        case .high: return .high
        case .low: return .low
        case .severity: return severity >= .sev2 ? .high : .low
        case .workingHours: return workingHours?.contains(date) ?? true ? .high : .low
        }
    }
}

/// The hours a team works, in its own time zone: days of the week and a daily window (start before end; an end of
/// 24:00 closes at midnight). Computed in local time, so the window keeps its wall-clock hours across DST changes.
public struct WorkingHours: Sendable, Equatable, Codable {
    public var timeZone: String
    /// ISO weekdays: 1 is Monday, 7 Sunday.
    public var days: [Int]
    /// Minutes from local midnight.
    public var start: Int
    public var end: Int

    public static let weekdays = WorkingHours(timeZone: "UTC", days: [1, 2, 3, 4, 5], start: 9 * 60, end: 17 * 60)

    public init(timeZone: String, days: [Int], start: Int, end: Int) {
        self.timeZone = timeZone
        self.days = days
        self.start = start
        self.end = end
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }

    /// ISO weekday and minutes since local midnight.
    func local(_ date: Date) -> (day: Int, minute: Int) {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let day = ((parts.weekday ?? 1) + 5) % 7 + 1
        return (day, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    public func contains(_ date: Date) -> Bool {
        let (day, minute) = local(date)
        return days.contains(day) && minute >= start && minute < end
    }

    /// The next moment working hours begin after `date` (`date` itself when it is inside them), within two weeks.
    public func nextStart(after date: Date) -> Date? {
        if contains(date) { return date }
        let calendar = self.calendar
        var day = calendar.startOfDay(for: date)
        for _ in 0..<15 {
            let (weekday, _) = local(day.addingTimeInterval(12 * 3600))
            if days.contains(weekday),
               let opening = calendar.date(bySettingHour: start / 60, minute: start % 60, second: 0, of: day), opening > date {
                return opening
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = next
        }
        return nil
    }
}
