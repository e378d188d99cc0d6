import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

@Suite("Schedule conformance")
struct ScheduleConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func schedule(_ name: String, members: [UUID], team: UUID? = nil) -> OnCallSchedule {
        OnCallSchedule(id: UUID(), name: name, timeZone: "Europe/Berlin", teamID: team, layers: [
            ScheduleLayer(name: "Primary", start: LocalDateTime(parsing: "2026-11-02T09:00")!, rotation: Rotation(length: 1, unit: .week),
                          members: members, restrictions: [LayerRestriction(days: [.mon, .fri], startMinute: 540, endMinute: 1020)]),
        ], createdAt: t0, updatedAt: t0)
    }

    @Test("schedules keep their layers, refuse unknown people, teams and taken names, and hold on to their members", arguments: TestBackend.available)
    func schedules(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let (ann, ben) = (Seed.user("ann"), Seed.user("ben"))
            try await store.createUser(ann)
            try await store.createUser(ben)
            let ghost = UUID()
            await #expect(throws: DomainError.validation([FieldError("team_id", "team \(ghost.uuidString.lowercased()) does not exist"),
                                                          FieldError("layers[0].members", "user \(ghost.uuidString.lowercased()) does not exist")])) {
                try await store.createSchedule(schedule("Ops", members: [ann.id, ghost], team: ghost))
            }
            let ops = schedule("Ops", members: [ann.id, ben.id])
            try await store.createSchedule(ops)
            #expect(try await store.schedule(id: ops.id) == ops)
            await #expect(throws: DomainError.conflict("a schedule with that name already exists", field: "name")) {
                try await store.createSchedule(schedule("OPS", members: [ann.id]))
            }
            #expect(try await store.schedules(ScheduleFilter(memberID: ben.id), page: PageRequest()).items.map(\.id) == [ops.id])
            await #expect(throws: DomainError.self) { try await store.deleteUser(id: ben.id) }

            var changed = ops
            changed.layers[0].members = [ann.id]
            changed.name = "Operations"
            try await store.updateSchedule(changed)
            #expect(try await store.schedule(id: ops.id)?.name == "Operations")
            #expect(try await store.schedules(ScheduleFilter(memberID: ben.id), page: PageRequest()).total == 0)
            try await store.deleteUser(id: ben.id)

            let cover = ScheduleOverride(id: UUID(), scheduleID: ops.id, userID: ann.id, start: t0, end: t0.addingTimeInterval(3600),
                                         createdBy: nil, createdAt: t0)
            try await store.createOverride(cover)
            #expect(try await store.overrides(scheduleIDs: [ops.id], from: t0.addingTimeInterval(1800), to: t0.addingTimeInterval(7200)) == [cover])
            #expect(try await store.overrides(scheduleIDs: [ops.id], from: t0.addingTimeInterval(3600), to: t0.addingTimeInterval(7200)).isEmpty)
            #expect(try await store.scheduleIDs(withOverridesFor: ann.id, from: t0, to: t0.addingTimeInterval(60)) == [ops.id])
            await #expect(throws: DomainError.validation([FieldError("user_id", "user \(ghost.uuidString.lowercased()) does not exist")])) {
                try await store.createOverride(ScheduleOverride(id: UUID(), scheduleID: ops.id, userID: ghost, start: t0, end: t0.addingTimeInterval(60),
                                                                createdBy: nil, createdAt: t0))
            }
            try await store.deleteOverride(id: cover.id, scheduleID: ops.id)
            await #expect(throws: DomainError.self) { try await store.deleteOverride(id: cover.id, scheduleID: ops.id) }

            #expect(try await store.calendarFeedVersion(subjectID: ops.id) == 0)
            #expect(try await store.revokeCalendarFeed(subjectID: ops.id) == 1)
            #expect(try await store.revokeCalendarFeed(subjectID: ops.id) == 2)
            #expect(try await store.calendarFeedVersion(subjectID: ops.id) == 2)
            let secret = try await store.instanceSecret("feed-key") { "first" }
            #expect(try await store.instanceSecret("feed-key") { "second" } == secret)

            try await store.deleteSchedule(id: ops.id)
            #expect(try await store.schedule(id: ops.id) == nil)
            #expect(try await store.calendarFeedVersion(subjectID: ops.id) == 0)
        }
    }
}
