import Foundation

/// How much on-call a person carried over a period, and how much of it fell outside their working hours.
public struct OnCallBurden: Sendable, Equatable {
    public var userID: UUID
    /// Time on call, counted once where schedules overlap.
    public var onCall: TimeInterval
    /// On-call time outside the person's working hours (Monday to Friday, 09:00–17:00 in their own zone).
    public var outsideWorkingHours: TimeInterval
    /// On-call time between 22:00 and 07:00 in their zone.
    public var night: TimeInterval
    /// On-call time on Saturdays and Sundays in their zone.
    public var weekend: TimeInterval
    /// Separate stretches on call (adjacent or overlapping shifts count as one).
    public var shifts: Int

    public init(userID: UUID, onCall: TimeInterval, outsideWorkingHours: TimeInterval, night: TimeInterval, weekend: TimeInterval, shifts: Int) {
        self.userID = userID
        self.onCall = onCall
        self.outsideWorkingHours = outsideWorkingHours
        self.night = night
        self.weekend = weekend
        self.shifts = shifts
    }

    public static let workingHours = [LayerRestriction(days: [.mon, .tue, .wed, .thu, .fri], startMinute: 9 * 60, endMinute: 17 * 60)]
    static let nights = [LayerRestriction(days: Set(Weekday.allCases), startMinute: 22 * 60, endMinute: 7 * 60)]
    static let weekends = [LayerRestriction(days: [.sat, .sun], startMinute: 0, endMinute: 1440)]

    /// Each person's burden from their spans (from any number of schedules), with `people` giving each person's
    /// time zone. People with no spans get a zero row, so a fairness view sees them too.
    public static func compute(spans: [OnCallSpan], people: [UUID: String], from: Date, to: Date) -> [OnCallBurden] {
        let calculator = OnCallCalculator(from: from, to: to)
        let byPerson = Dictionary(grouping: spans, by: \.userID)
        return Set(people.keys).union(byPerson.keys).sorted { $0.uuidString < $1.uuidString }.map { user in
            let zone = people[user] ?? "UTC"
            let merged = union((byPerson[user] ?? []).compactMap { shift -> DateInterval? in
                // Checked before DateInterval is made: it traps on an end before its start.
                let start = max(shift.start, from), end = min(shift.end, to)
                return end > start ? DateInterval(start: start, end: end) : nil
            })
            let total = merged.reduce(0) { $0 + $1.duration }
            let working = overlap(merged, calculator.windows(workingHours, zone: zone))
            return OnCallBurden(userID: user, onCall: total, outsideWorkingHours: total - working,
                                night: overlap(merged, calculator.windows(nights, zone: zone)),
                                weekend: overlap(merged, calculator.windows(weekends, zone: zone)), shifts: merged.count)
        }
    }

    /// People carrying clearly more than an even share of the total: more than `factor` times the mean of everyone listed.
    public static func overloaded(_ burdens: [OnCallBurden], factor: Double = 1.25) -> Set<UUID> {
        guard !burdens.isEmpty else { return [] }
        let mean = burdens.reduce(0) { $0 + $1.onCall } / Double(burdens.count)
        return Set(burdens.filter { mean > 0 && $0.onCall > mean * factor }.map(\.userID))
    }

    static func union(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, interval.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                out.append(interval)
            }
        }
        return out
    }

    /// Total time in both sorted, non-overlapping lists.
    static func overlap(_ a: [DateInterval], _ b: [DateInterval]) -> TimeInterval {
        var total: TimeInterval = 0
        var j = 0
        for x in a {
            while j < b.count && b[j].end <= x.start { j += 1 }
            var i = j
            while i < b.count && b[i].start < x.end {
                total += max(0, min(x.end, b[i].end).timeIntervalSince(max(x.start, b[i].start)))
                i += 1
            }
        }
        return total
    }
}
