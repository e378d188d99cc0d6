import Foundation

/// Schedules, overrides, calendar feeds, and the hand-off job's records.
public protocol ScheduleRepository: Sendable {
    /// Refuses unknown teams and members, and a name another schedule has.
    func createSchedule(_ schedule: OnCallSchedule) async throws
    func schedule(id: UUID) async throws -> OnCallSchedule?
    func schedules(_ filter: ScheduleFilter, page: PageRequest) async throws -> Page<OnCallSchedule>
    func schedules(ids: [UUID]) async throws -> [OnCallSchedule]
    /// Every matching schedule, read at once (not page by page, so none is missed or repeated while others change).
    func allSchedules(_ filter: ScheduleFilter) async throws -> [OnCallSchedule]
    func updateSchedule(_ schedule: OnCallSchedule) async throws
    func deleteSchedule(id: UUID) async throws

    /// Refuses unknown people and schedules.
    func createOverride(_ override: ScheduleOverride) async throws
    /// Overrides of these schedules that overlap the interval, oldest first.
    func overrides(scheduleIDs: [UUID], from: Date, to: Date) async throws -> [ScheduleOverride]
    /// Schedules where this person has an override overlapping the interval (covering, or being covered).
    func scheduleIDs(withOverridesFor userID: UUID, from: Date, to: Date) async throws -> [UUID]
    func deleteOverride(id: UUID, scheduleID: UUID) async throws

    /// The current version of a calendar feed's link (0 until first revoked); revoking moves to the next.
    func calendarFeedVersion(subjectID: UUID) async throws -> Int
    /// The same for many subjects in one read.
    func calendarFeedVersions(subjectIDs: [UUID]) async throws -> [UUID: Int]
    func revokeCalendarFeed(subjectID: UUID) async throws -> Int
    /// A random value made once per installation and kept in the database (e.g. the key that signs feed links).
    func instanceSecret(_ name: String, makeIfMissing: @Sendable () -> String) async throws -> String

    /// Where a periodic job got to (nil before its first run).
    func jobCursor(_ name: String) async throws -> Date?
    /// Records hand-offs (each once, however often it is offered) and moves the job's cursor to `through`, together;
    /// returns those this call recorded (not those another server recorded first).
    @discardableResult
    func recordHandoffs(_ handoffs: [Handoff], cursor name: String, through: Date, now: Date) async throws -> [Handoff]
    /// Recorded hand-offs in [from, to), oldest first.
    func handoffs(scheduleID: UUID?, userID: UUID?, from: Date, to: Date) async throws -> [Handoff]
}
