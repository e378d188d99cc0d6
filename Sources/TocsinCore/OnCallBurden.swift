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
    public static let nights = [LayerRestriction(days: Set(Weekday.allCases), startMinute: 22 * 60, endMinute: 7 * 60)]
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

/// One message that asked a person to act (a page, a request to respond, a "nobody acknowledged" notice), as the
/// burden report reads it; a bundle is one message however many incidents it named.
public struct PageSent: Sendable, Equatable {
    public var userID: UUID
    public var incidentID: UUID
    public var sentAt: Date
    /// The message it went in: its own id, or the id of the notification whose message carried it (a bundle), so a
    /// bundle counts once, whatever led it.
    public var messageID: UUID
    public var acknowledgedBy: UUID?
    public var acknowledgedAt: Date?

    public init(userID: UUID, incidentID: UUID, sentAt: Date, messageID: UUID, acknowledgedBy: UUID?, acknowledgedAt: Date?) {
        (self.userID, self.incidentID, self.sentAt, self.messageID, self.acknowledgedBy, self.acknowledgedAt) =
            (userID, incidentID, sentAt, messageID, acknowledgedBy, acknowledgedAt)
    }
}

/// How often a person was paged over a period, when, and how fast they answered: the other half of on-call burden.
public struct PageLoad: Sendable, Equatable {
    public var userID: UUID
    /// Messages that asked them to act (a bundle counts once).
    public var pages: Int
    /// Of those, sent between 22:00 and 07:00 in their zone.
    public var night: Int
    /// Sent outside their working hours (Monday to Friday, 09:00–17:00 in their zone).
    public var outsideWorkingHours: Int
    /// Different incidents they were paged for.
    public var incidents: Int
    /// Incidents they acknowledged themselves after being paged for them.
    public var acknowledged: Int
    /// The median time from their first page for an incident to their acknowledging it.
    public var medianToAcknowledge: TimeInterval?

    public init(userID: UUID, pages: Int = 0, night: Int = 0, outsideWorkingHours: Int = 0, incidents: Int = 0, acknowledged: Int = 0,
                medianToAcknowledge: TimeInterval? = nil) {
        (self.userID, self.pages, self.night, self.outsideWorkingHours) = (userID, pages, night, outsideWorkingHours)
        (self.incidents, self.acknowledged, self.medianToAcknowledge) = (incidents, acknowledged, medianToAcknowledge)
    }

    /// Each person's load from the messages sent to them in [from, to), with `people` giving each person's zone.
    public static func compute(_ sent: [PageSent], people: [UUID: String], from: Date, to: Date) -> [UUID: PageLoad] {
        let calculator = OnCallCalculator(from: from, to: to)
        var loads: [UUID: PageLoad] = [:]
        for (user, messages) in Dictionary(grouping: sent.filter { $0.sentAt >= from && $0.sentAt < to }, by: \.userID) {
            let zone = people[user] ?? "UTC"
            let nights = calculator.windows(OnCallBurden.nights, zone: zone)
            let working = calculator.windows(OnCallBurden.workingHours, zone: zone)
            // One per message: the first row of each.
            var seen = Set<UUID>()
            let own = messages.filter { seen.insert($0.messageID).inserted }
            var load = PageLoad(userID: user, pages: own.count)
            load.night = own.filter { inside($0.sentAt, nights) }.count
            load.outsideWorkingHours = own.filter { !inside($0.sentAt, working) }.count
            let byIncident = Dictionary(grouping: messages, by: \.incidentID)
            load.incidents = byIncident.count
            let answers = byIncident.values.compactMap { pages -> TimeInterval? in
                guard let first = pages.map(\.sentAt).min(), let ack = pages[0].acknowledgedAt, pages[0].acknowledgedBy == user, ack >= first else { return nil }
                return ack.timeIntervalSince(first)
            }.sorted()
            load.acknowledged = answers.count
            if !answers.isEmpty {
                let mid = answers.count / 2
                load.medianToAcknowledge = answers.count % 2 == 1 ? answers[mid] : (answers[mid - 1] + answers[mid]) / 2
            }
            loads[user] = load
        }
        return loads
    }

    /// Whether `time` falls in one of the sorted, non-overlapping `windows`.
    static func inside(_ time: Date, _ windows: [DateInterval]) -> Bool {
        var low = 0, high = windows.count
        while low < high {
            let mid = (low + high) / 2
            if windows[mid].end <= time { low = mid + 1 } else { high = mid }
        }
        return low < windows.count && windows[low].start <= time
    }
}
