import Foundation
import TocsinCore

/// One span of one schedule's final timeline.
public struct OnCallEntry: Sendable, Equatable {
    public var schedule: OnCallSchedule
    public var userID: UUID
    public var start: Date
    public var end: Date
}

/// Who is on call, read from storage and computed by the core: for the API, the pages, the calendar feeds and the CLI.
public struct OnCallQueries: Sendable {
    let store: any TocsinStore

    public init(store: any TocsinStore) {
        self.store = store
    }

    /// The longest interval one question may cover.
    /// How far either side of an instant "who is on call now" looks for the start and end of each shift.
    public static let instantReach: TimeInterval = 14 * 86_400

    /// Every schedule, or these, or those a person takes part in.
    public func schedules(ids: [UUID]?, userID: UUID?, from: Date, to: Date) async throws -> [OnCallSchedule] {
        if let ids { return try await store.schedules(ids: ids) }
        guard let userID else { return try await allSchedules() }
        var found = try await allSchedules(ScheduleFilter(memberID: userID))
        let known = Set(found.map(\.id))
        found += try await store.schedules(ids: try await store.scheduleIDs(withOverridesFor: userID, from: from, to: to).filter { !known.contains($0) })
        return found
    }

    public func allSchedules(_ filter: ScheduleFilter = ScheduleFilter()) async throws -> [OnCallSchedule] {
        try await store.allSchedules(filter)
    }

    /// The final timelines over [from, to), in time order (then by schedule name), optionally only one person's.
    /// `limit`: refuse (422 on `until`) rather than build an answer of more entries than that.
    public func timeline(_ schedules: [OnCallSchedule], userID: UUID? = nil, from: Date, to: Date, limit: Int? = nil) async throws -> [OnCallEntry] {
        let overrides = Dictionary(grouping: try await store.overrides(scheduleIDs: schedules.map(\.id), from: from, to: to), by: \.scheduleID)
        let calculator = OnCallCalculator(from: from, to: to)
        var entries: [OnCallEntry] = []
        for schedule in schedules {
            for span in calculator.timeline(schedule, overrides: overrides[schedule.id] ?? []) where userID == nil || span.userID == userID {
                entries.append(OnCallEntry(schedule: schedule, userID: span.userID, start: span.start, end: span.end))
            }
            if let limit, entries.count > limit {
                throw DomainError.validation([FieldError("until", "the answer would hold more than \(limit) shifts; ask for a shorter interval, one schedule or one person")])
            }
        }
        return entries.sorted { ($0.start, $0.schedule.name.lowercased(), $0.schedule.id.uuidString) < ($1.start, $1.schedule.name.lowercased(), $1.schedule.id.uuidString) }
    }

    /// Who is on call at `instant`, each with their shift's own start and end (looked for up to two weeks either side).
    public func at(_ instant: Date, _ schedules: [OnCallSchedule], userID: UUID? = nil) async throws -> [OnCallEntry] {
        try await timeline(schedules, userID: userID, from: instant.addingTimeInterval(-Self.instantReach), to: instant.addingTimeInterval(Self.instantReach))
            .filter { $0.start <= instant && instant < $0.end }
    }

    /// The question `/api/v1/oncalls` and `tocsin oncall` both ask: with `until`, every span from `since` until then
    /// (at most 366 days); without it, who is on call at `since`. Schedules are the given ones, or every one a person
    /// takes part in, or all of them.
    public func answer(schedules given: [OnCallSchedule]?, userID: UUID?, since: Date, until: Date?) async throws -> [OnCallEntry] {
        if let until { try Self.checkInterval(since, until) }
        var chosen = given ?? []
        if given == nil {
            // An instant is asked as the second starting then, so an override beginning at that very moment counts.
            chosen = try await schedules(ids: nil, userID: userID, from: since, to: until ?? since.addingTimeInterval(1))
        }
        if let until { return try await timeline(chosen, userID: userID, from: since, to: until, limit: Self.maximumEntries) }
        return try await at(since, chosen, userID: userID)
    }

    /// The most shifts one answer holds (an hourly rotation over a year is 8,784).
    public static let maximumEntries = 20_000

    /// An interval a question may cover: `until` after `since`, and at most `maximumDays` long.
    public static func checkInterval(_ since: Date, _ until: Date, maximumDays: Int = 366) throws {
        var v = Validator()
        v.checkInterval(since, until, startField: "since", endField: "until", maximumDays: maximumDays)
        try v.throwIfInvalid()
    }

    /// Times in [from, to) when a schedule has nobody on call.
    public func gaps(_ schedule: OnCallSchedule, from: Date, to: Date) async throws -> [DateInterval] {
        let spans = try await timeline([schedule], from: from, to: to).map { OnCallSpan(userID: $0.userID, start: $0.start, end: $0.end) }
        return OnCallCalculator(from: from, to: to).gaps(in: spans)
    }
}

extension Date {
    /// RFC 3339 ("2026-11-23T09:00:00+01:00"; "Z" in UTC) with the zone's offset at that instant; an offset that is not whole minutes (local mean time,
    /// before a zone adopted standard time, e.g. Amsterdam's +00:19:32 until 1937) cannot be written in
    /// RFC 3339, so that instant is written in UTC.
    public func iso8601(in zone: String) -> String {
        let formatter = ISO8601DateFormatter()
        let timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        formatter.timeZone = timeZone.secondsFromGMT(for: self) % 60 == 0 ? timeZone : TimeZone(identifier: "UTC")!
        return formatter.string(from: self)
    }
}
