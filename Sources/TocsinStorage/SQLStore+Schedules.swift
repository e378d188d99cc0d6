import Foundation
import TocsinCore

extension SQLStore: ScheduleRepository {
    /// How a layer is kept in the `layers` column.
    private struct LayerRecord: Codable {
        struct Restriction: Codable {
            var days: [String]
            var startMinute: Int
            var endMinute: Int
        }
        var name: String
        var timeZone: String?
        var start: String
        var length: Int
        var unit: String
        var members: [UUID]
        var restrictions: [Restriction]

        init(_ layer: ScheduleLayer) {
            (name, timeZone, start) = (layer.name, layer.timeZone, layer.start.description)
            (length, unit, members) = (layer.rotation.length, layer.rotation.unit.rawValue, layer.members)
            restrictions = layer.restrictions.map {
                Restriction(days: $0.days.sorted().map(\.name), startMinute: $0.startMinute, endMinute: $0.endMinute)
            }
        }

        var layer: ScheduleLayer {
            ScheduleLayer(name: name, timeZone: timeZone, start: LocalDateTime(parsing: start) ?? LocalDateTime(year: 1970, month: 1, day: 1)!,
                          rotation: Rotation(length: length, unit: Rotation.Unit(rawValue: unit) ?? .week), members: members,
                          restrictions: restrictions.map {
                              LayerRestriction(days: Set($0.days.compactMap(Weekday.init(name:))), startMinute: $0.startMinute, endMinute: $0.endMinute)
                          })
        }
    }

    public func createSchedule(_ schedule: OnCallSchedule) async throws {
        try await database.write { db in
            try await Self.checkReferences(of: schedule, db)
            try await db.raw("""
                INSERT INTO schedules (id, name, description, time_zone, team_id, layers, created_at, updated_at)
                VALUES (\(bind: schedule.id.db), \(bind: schedule.name), \(bind: schedule.description), \(bind: schedule.timeZone),
                        \(bind: schedule.teamID?.db), \(bind: try Self.json(schedule.layers.map(LayerRecord.init))), \(bind: schedule.createdAt),
                        \(bind: schedule.updatedAt))
                """).run()
            try await Self.saveMembers(of: schedule, db)
        }
    }

    public func schedule(id: UUID) async throws -> OnCallSchedule? {
        try await schedules(ids: [id]).first
    }

    public func schedules(_ filter: ScheduleFilter, page: PageRequest) async throws -> Page<OnCallSchedule> {
        let whereClause = Self.whereClause(filter)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM schedules" + whereClause)
            let rows = try await db.raw("SELECT * FROM schedules" + whereClause + " ORDER BY lower(name), id" + SQLText.page(page)).all()
            return Page(items: try rows.map(Self.schedule(from:)), total: total, request: page)
        }
    }

    public func allSchedules(_ filter: ScheduleFilter) async throws -> [OnCallSchedule] {
        let whereClause = Self.whereClause(filter)
        return try await database.read { db in
            try await db.raw("SELECT * FROM schedules" + whereClause + " ORDER BY lower(name), id").all().map(Self.schedule(from:))
        }
    }

    private static func whereClause(_ filter: ScheduleFilter) -> SQL {
        var conditions: [SQL] = []
        if let team = filter.teamID { conditions.append("team_id = \(bind: team.db)") }
        if let member = filter.memberID {
            conditions.append("id IN (SELECT schedule_id FROM schedule_members WHERE user_id = \(bind: member.db))")
        }
        if let query = filter.query?.nonBlank {
            conditions.append("lower(name) LIKE \(bind: SQLText.containsPattern(query)) ESCAPE '\\'")
        }
        return SQLText.whereClause(conditions)
    }

    public func schedules(ids: [UUID]) async throws -> [OnCallSchedule] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT * FROM schedules WHERE id IN (\(binds: ids.map(\.db))) ORDER BY lower(name), id").all().map(Self.schedule(from:))
        }
    }

    public func updateSchedule(_ schedule: OnCallSchedule) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM schedules WHERE id = \(bind: schedule.id.db)") == 1 else {
                throw DomainError.notFound("schedule \(schedule.id.db) not found")
            }
            try await Self.checkReferences(of: schedule, db)
            try await db.raw("""
                UPDATE schedules SET name = \(bind: schedule.name), description = \(bind: schedule.description),
                    time_zone = \(bind: schedule.timeZone), team_id = \(bind: schedule.teamID?.db),
                    layers = \(bind: try Self.json(schedule.layers.map(LayerRecord.init))), updated_at = \(bind: schedule.updatedAt)
                WHERE id = \(bind: schedule.id.db)
                """).run()
            try await db.raw("DELETE FROM schedule_members WHERE schedule_id = \(bind: schedule.id.db)").run()
            try await Self.saveMembers(of: schedule, db)
        }
    }

    public func deleteSchedule(id: UUID) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM schedules WHERE id = \(bind: id.db)") == 1 else {
                throw DomainError.notFound("schedule \(id.db) not found")
            }
            let policies = try await Self.policiesPaging(id, in: "schedules", db)
            if !policies.isEmpty {
                throw DomainError.conflict("the escalation policies \(policies.joined(separator: ", ")) page it: take it out of those policies first")
            }
            try await db.raw("DELETE FROM schedules WHERE id = \(bind: id.db)").run()
            try await db.raw("DELETE FROM calendar_feeds WHERE subject_id = \(bind: id.db)").run()
        }
    }

    private static func checkReferences(of schedule: OnCallSchedule, _ db: any DatabaseSession) async throws {
        var v = Validator()
        if let team = schedule.teamID, try await !db.missingIDs([team], in: "teams").isEmpty {
            v.add("team_id", "team \(team.db) does not exist")
        }
        for (index, layer) in schedule.layers.enumerated() {
            for missing in try await db.missingIDs(layer.members.uniqued(), in: "users") {
                v.add("layers[\(index)].members", "user \(missing.db) does not exist")
            }
        }
        try v.throwIfInvalid()
    }

    private static func saveMembers(of schedule: OnCallSchedule, _ db: any DatabaseSession) async throws {
        let members = schedule.layers.flatMap(\.members).uniqued()
        guard !members.isEmpty else { return }
        try await db.raw("INSERT INTO schedule_members (schedule_id, user_id) VALUES "
            + SQL.joined(members.map { "(\(bind: schedule.id.db), \(bind: $0.db))" })).run()
    }

    static func schedule(from row: Row) throws -> OnCallSchedule {
        OnCallSchedule(
            id: try row.id("id"), name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self), timeZone: try row.decode(column: "time_zone", as: String.self),
            teamID: try row.optionalID("team_id"), layers: try decodeJSON([LayerRecord].self, row, "layers").map(\.layer),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    // MARK: Overrides

    public func createOverride(_ override: ScheduleOverride) async throws {
        try await database.write { db in
            guard try await db.missingIDs([override.scheduleID], in: "schedules").isEmpty else {
                throw DomainError.notFound("schedule \(override.scheduleID.db) not found")
            }
            // Each override is laid over the timeline on every question: their number is bounded.
            guard try await db.count("""
                SELECT COUNT(*) AS n FROM schedule_overrides WHERE schedule_id = \(bind: override.scheduleID.db) AND ends_at > \(bind: override.createdAt)
                """) < Limits.overridesPerSchedule else {
                throw DomainError.conflict("the schedule already has \(Limits.overridesPerSchedule) current or future overrides; delete some first")
            }
            var v = Validator()
            if try await !db.missingIDs([override.userID], in: "users").isEmpty { v.add("user_id", "user \(override.userID.db) does not exist") }
            if let replaced = override.replacesUserID, try await !db.missingIDs([replaced], in: "users").isEmpty {
                v.add("replaces_user_id", "user \(replaced.db) does not exist")
            }
            try v.throwIfInvalid()
            try await db.raw("""
                INSERT INTO schedule_overrides (id, schedule_id, user_id, replaces_user_id, starts_at, ends_at, created_by, created_at)
                VALUES (\(bind: override.id.db), \(bind: override.scheduleID.db), \(bind: override.userID.db), \(bind: override.replacesUserID?.db),
                        \(bind: override.start), \(bind: override.end), \(bind: override.createdBy?.db), \(bind: override.createdAt))
                """).run()
        }
    }

    public func overrides(scheduleIDs: [UUID], from: Date, to: Date) async throws -> [ScheduleOverride] {
        guard !scheduleIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("""
                SELECT * FROM schedule_overrides WHERE schedule_id IN (\(binds: scheduleIDs.map(\.db)))
                AND ends_at > \(bind: from) AND starts_at < \(bind: to) ORDER BY created_at, id
                """).all().map { row in
                ScheduleOverride(
                    id: try row.id("id"), scheduleID: try row.id("schedule_id"), userID: try row.id("user_id"),
                    replacesUserID: try row.optionalID("replaces_user_id"), start: try row.decode(column: "starts_at", as: Date.self),
                    end: try row.decode(column: "ends_at", as: Date.self), createdBy: try row.optionalID("created_by"),
                    createdAt: try row.decode(column: "created_at", as: Date.self))
            }
        }
    }

    public func scheduleIDs(withOverridesFor userID: UUID, from: Date, to: Date) async throws -> [UUID] {
        try await database.read { db in
            try await db.raw("""
                SELECT DISTINCT schedule_id FROM schedule_overrides
                WHERE (user_id = \(bind: userID.db) OR replaces_user_id = \(bind: userID.db)) AND ends_at > \(bind: from) AND starts_at < \(bind: to)
                """).all().map { try $0.id("schedule_id") }
        }
    }

    public func deleteOverride(id: UUID, scheduleID: UUID) async throws {
        try await database.write { db in
            guard try await db.count("""
                SELECT COUNT(*) AS n FROM schedule_overrides WHERE id = \(bind: id.db) AND schedule_id = \(bind: scheduleID.db)
                """) == 1 else { throw DomainError.notFound("override \(id.db) not found on this schedule") }
            try await db.raw("DELETE FROM schedule_overrides WHERE id = \(bind: id.db)").run()
        }
    }

    // MARK: Calendar feeds and instance secrets

    public func calendarFeedVersion(subjectID: UUID) async throws -> Int {
        try await calendarFeedVersions(subjectIDs: [subjectID])[subjectID] ?? 0
    }

    public func calendarFeedVersions(subjectIDs: [UUID]) async throws -> [UUID: Int] {
        guard !subjectIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var versions: [UUID: Int] = [:]
            for row in try await db.raw("SELECT subject_id, version FROM calendar_feeds WHERE subject_id IN (\(binds: subjectIDs.map(\.db)))").all() {
                versions[try row.id("subject_id")] = try row.decode(column: "version", as: Int.self)
            }
            return versions
        }
    }

    public func revokeCalendarFeed(subjectID: UUID) async throws -> Int {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO calendar_feeds (subject_id, version) VALUES (\(bind: subjectID.db), 1)
                ON CONFLICT (subject_id) DO UPDATE SET version = calendar_feeds.version + 1
                """).run()
            return try await db.raw("SELECT version FROM calendar_feeds WHERE subject_id = \(bind: subjectID.db)")
                .first(decodingColumn: "version", as: Int.self) ?? 1
        }
    }

    public func instanceSecret(_ name: String, makeIfMissing: @Sendable () -> String) async throws -> String {
        // Made once and never changed, so kept in memory after the first read.
        if let kept = instanceSecrets.withLock({ $0[name] }) { return kept }
        let value = try await readOrMakeSecret(name, makeIfMissing: makeIfMissing)
        instanceSecrets.withLock { $0[name] = value }
        return value
    }

    private func readOrMakeSecret(_ name: String, makeIfMissing: @Sendable () -> String) async throws -> String {
        if let known = try await database.read({ db in
            try await db.raw("SELECT value FROM instance_secrets WHERE name = \(bind: name)").first(decodingColumn: "value", as: String.self)
        }) { return known }
        let made = makeIfMissing()
        return try await database.write { db in
            // Two servers starting at once: the first value written is the one both keep.
            try await db.raw("INSERT INTO instance_secrets (name, value) VALUES (\(bind: name), \(bind: made)) ON CONFLICT (name) DO NOTHING").run()
            return try await db.raw("SELECT value FROM instance_secrets WHERE name = \(bind: name)").first(decodingColumn: "value", as: String.self) ?? made
        }
    }

    // MARK: Hand-offs

    public func jobCursor(_ name: String) async throws -> Date? {
        try await database.read { db in
            try await db.raw("SELECT at FROM job_cursors WHERE name = \(bind: name)").first(decodingColumn: "at", as: Date.self)
        }
    }

    @discardableResult
    public func recordHandoffs(_ handoffs: [Handoff], cursor name: String, through: Date, now: Date) async throws -> [Handoff] {
        try await database.write { db in
            let known = try await db.missingIDs(Array(Set(handoffs.map(\.scheduleID))), in: "schedules")
            let users = try await db.missingIDs(Array(Set(handoffs.map(\.userID))), in: "users")
            // A schedule or person deleted meanwhile has nothing left to record.
            let kept = handoffs.filter { !known.contains($0.scheduleID) && !users.contains($0.userID) }
            var recorded: [Handoff] = []
            for chunk in kept.chunks(of: 200) {
                recorded += try await db.raw("INSERT INTO oncall_handoffs (schedule_id, user_id, kind, at, recorded_at) VALUES "
                    + SQL.joined(chunk.map { "(\(bind: $0.scheduleID.db), \(bind: $0.userID.db), \(bind: $0.kind.rawValue), \(bind: $0.at), \(bind: now))" })
                    + " ON CONFLICT DO NOTHING RETURNING schedule_id, user_id, kind, at").all().map(Self.handoff(from:))
            }
            // Never backwards: two servers running the job at once leave the later cursor.
            try await db.raw("""
                INSERT INTO job_cursors (name, at) VALUES (\(bind: name), \(bind: through))
                ON CONFLICT (name) DO UPDATE SET at = CASE WHEN excluded.at > job_cursors.at THEN excluded.at ELSE job_cursors.at END
                """).run()
            return recorded.sorted { ($0.at, $0.kind.rawValue) < ($1.at, $1.kind.rawValue) }
        }
    }

    private static func handoff(from row: Row) throws -> Handoff {
        Handoff(scheduleID: try row.id("schedule_id"), userID: try row.id("user_id"),
                kind: Handoff.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .start,
                at: try row.decode(column: "at", as: Date.self))
    }

    public func handoffs(scheduleID: UUID?, userID: UUID?, from: Date, to: Date) async throws -> [Handoff] {
        var conditions: [SQL] = ["at >= \(bind: from)", "at < \(bind: to)"]
        if let scheduleID { conditions.append("schedule_id = \(bind: scheduleID.db)") }
        if let userID { conditions.append("user_id = \(bind: userID.db)") }
        return try await database.read { db in
            try await db.raw("SELECT * FROM oncall_handoffs" + SQLText.whereClause(conditions) + " ORDER BY at, kind, schedule_id, user_id")
                .all().map(Self.handoff(from:))
        }
    }
}
