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

    /// The same hours as the on-call calculator's restriction, so working hours keep their wall-clock times through
    /// daylight-saving changes exactly as schedule restrictions do.
    var restriction: LayerRestriction {
        // ISO weekdays (1 is Monday) to `Weekday` (1 is Sunday).
        LayerRestriction(days: Set(days.compactMap { Weekday(rawValue: $0 % 7 + 1) }), startMinute: start, endMinute: end)
    }

    /// The working-hours windows from `date` over the next eight days (a week and a day always holds an opening).
    func windows(from date: Date) -> [DateInterval] {
        OnCallCalculator(from: date, to: date.addingTimeInterval(8 * 86_400)).windows([restriction], zone: timeZone)
    }

    public func contains(_ date: Date) -> Bool {
        windows(from: date).first.map { $0.start <= date } ?? false
    }

    /// The next moment working hours begin after `date` (`date` itself when it is inside them).
    public func nextStart(after date: Date) -> Date? {
        windows(from: date).first.map { max($0.start, date) }
    }
}
