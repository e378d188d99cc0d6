import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases
import TocsinIngest

/// A layer as the API writes and reads it. Its encoding is written by hand: members are read as UUIDs (a bad
/// one is refused by the decoder) and written in the API's lowercase form, and absent restrictions are `[]`.
struct LayerJSON: Codable {
    struct RotationJSON: Codable {
        var length: Int
        var unit: String
    }

    struct RestrictionJSON: Codable {
        var days: [String]
        var start: String
        var end: String
    }

    var name: String?
    var timeZone: String?
    var start: String
    var rotation: RotationJSON
    var members: [UUID]
    var restrictions: [RestrictionJSON]?

    enum CodingKeys: String, CodingKey {
        case name, start, rotation, members, restrictions
        case timeZone = "time_zone"
    }

    init(_ layer: ScheduleLayer) {
        (name, timeZone, start) = (layer.name, layer.timeZone, layer.start.description)
        rotation = RotationJSON(length: layer.rotation.length, unit: layer.rotation.unit.rawValue)
        members = layer.members
        restrictions = layer.restrictions.map {
            RestrictionJSON(days: $0.days.sorted().map(\.name), start: LayerRestriction.clock($0.startMinute),
                            end: LayerRestriction.clock($0.endMinute))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(start, forKey: .start)
        try c.encode(rotation, forKey: .rotation)
        try c.encode(members.map(\.db), forKey: .members)
        try c.encode(restrictions ?? [], forKey: .restrictions)
    }

    /// The layer, or nil with every problem recorded against `layers[index]…`.
    func layer(at index: Int, into v: inout Validator) -> ScheduleLayer? {
        let at = "layers[\(index)]"
        let local = LocalDateTime(parsing: start)
        if local == nil { v.add("\(at).start", "must be a local date-time like 2026-11-23T09:00") }
        let unit = Rotation.Unit(rawValue: rotation.unit)
        if unit == nil { v.add("\(at).rotation.unit", "must be hour, day or week") }
        var parsed: [LayerRestriction] = []
        for (j, r) in (restrictions ?? []).enumerated() {
            let days = r.days.map(Weekday.init(name:))
            if days.contains(where: { $0 == nil }) { v.add("\(at).restrictions[\(j)].days", "must list days as mon, tue, wed, thu, fri, sat, sun") }
            let startMinute = LayerRestriction.minutes(r.start)
            let endMinute = LayerRestriction.minutes(r.end, allowEndOfDay: true)
            if startMinute == nil { v.add("\(at).restrictions[\(j)].start", "must be a local time HH:MM") }
            if endMinute == nil { v.add("\(at).restrictions[\(j)].end", "must be a local time HH:MM (or 24:00)") }
            if let startMinute, let endMinute {
                parsed.append(LayerRestriction(days: Set(days.compactMap { $0 }), startMinute: startMinute, endMinute: endMinute))
            }
        }
        guard let local, let unit else { return nil }
        return ScheduleLayer(name: name?.trimmed.nonBlank ?? "Layer \(index + 1)", timeZone: timeZone, start: local,
                             rotation: Rotation(length: rotation.length, unit: unit), members: members, restrictions: parsed)
    }
}

struct ScheduleInputJSON: Decodable {
    var name: String
    var description: String?
    var timeZone: String
    var teamID: UUID?
    var layers: [LayerJSON]

    enum CodingKeys: String, CodingKey {
        case name, description, layers
        case timeZone = "time_zone", teamID = "team_id"
    }

    func schedule(id: UUID, createdAt: Date, now: Date) throws -> OnCallSchedule {
        var v = Validator()
        let parsed = layers.enumerated().compactMap { index, layer in layer.layer(at: index, into: &v) }
        try v.throwIfInvalid()
        let schedule = OnCallSchedule(id: id, name: name.trimmed, description: description?.trimmed ?? "", timeZone: timeZone, teamID: teamID,
                                      layers: parsed, createdAt: createdAt, updatedAt: now)
        try schedule.validate()
        return schedule
    }
}

struct ScheduleJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var timeZone: String
    @Nullable var teamID: String?
    var layers: [LayerJSON]
    var icalURL: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, layers
        case timeZone = "time_zone", teamID = "team_id", icalURL = "ical_url", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(schedule: OnCallSchedule, icalURL: String) {
        (id, name, description, timeZone) = (schedule.id.db, schedule.name, schedule.description, schedule.timeZone)
        (teamID, layers, self.icalURL) = (schedule.teamID?.db, schedule.layers.map(LayerJSON.init), icalURL)
        (createdAt, updatedAt) = (schedule.createdAt, schedule.updatedAt)
    }
}

struct OverrideInputJSON: Decodable {
    var userID: UUID
    var replacesUserID: UUID?
    var start: String
    var end: String

    enum CodingKeys: String, CodingKey {
        case start, end
        case userID = "user_id", replacesUserID = "replaces_user_id"
    }
}

struct OverrideJSON: Encodable {
    var id: String
    var scheduleID: String
    var userID: String
    @Nullable var replacesUserID: String?
    /// In the schedule's zone, with its offset.
    var start: String
    var end: String
    @Nullable var createdBy: String?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, start, end
        case scheduleID = "schedule_id", userID = "user_id", replacesUserID = "replaces_user_id", createdBy = "created_by", createdAt = "created_at"
    }

    init(override: ScheduleOverride, zone: String) {
        (id, scheduleID, userID, replacesUserID) = (override.id.db, override.scheduleID.db, override.userID.db, override.replacesUserID?.db)
        (start, end) = (override.start.iso8601(in: zone), override.end.iso8601(in: zone))
        (createdBy, createdAt) = (override.createdBy?.db, override.createdAt)
    }
}

struct OnCallJSON: Encodable {
    var scheduleID: String
    var scheduleName: String
    var userID: String
    /// In the schedule's zone, with its offset.
    var start: String
    var end: String

    enum CodingKeys: String, CodingKey {
        case start, end
        case scheduleID = "schedule_id", scheduleName = "schedule_name", userID = "user_id"
    }

    init(entry: OnCallEntry) {
        (scheduleID, scheduleName, userID) = (entry.schedule.id.db, entry.schedule.name, entry.userID.db)
        (start, end) = (entry.start.iso8601(in: entry.schedule.timeZone), entry.end.iso8601(in: entry.schedule.timeZone))
    }
}

extension APIRoutes {
    func registerSchedules(_ api: APIRegistrar) {
        let store = env.store
        let now = env.now
        let feeds = env.calendarFeeds
        let oncall = env.onCall
        @Sendable func answer(_ schedule: OnCallSchedule, status: HTTPResponse.Status = .ok) async throws -> Response {
            try JSONBody.response(ScheduleJSON(schedule: schedule, icalURL: try await feeds.url(.schedules, schedule.id)), status: status)
        }
        @Sendable func load(_ context: TocsinRequestContext) async throws -> OnCallSchedule {
            let id = try context.id()
            guard let schedule = try await store.schedule(id: id) else { throw DomainError.notFound("schedule \(id.db) not found") }
            return schedule
        }

        api.on(.get, "schedules") { request, context in
            _ = try context.require(.read)
            let filter = ScheduleFilter(teamID: try request.queryID("team_id"), memberID: try request.queryID("user_id"), query: request.query("q"))
            let page = try await store.schedules(filter, page: try request.pageRequest)
            let links = try await feeds.urls(.schedules, page.items.map(\.id))
            let items = page.items.map { ScheduleJSON(schedule: $0, icalURL: links[$0.id] ?? "") }
            return try JSONBody.response(ListJSON(Page(items: items, total: page.total, request: page.request)) { $0 })
        }
        api.on(.post, "schedules") { request, context in
            _ = try context.require(.manageCatalog)
            let body = try await JSONBody.decode(ScheduleInputJSON.self, from: request, context: context)
            let time = now()
            let schedule = try body.schedule(id: UUID(), createdAt: time, now: time)
            try await store.createSchedule(schedule)
            return try await answer(schedule, status: .created)
        }
        api.on(.get, "schedules/:id") { _, context in
            _ = try context.require(.read)
            return try await answer(try await load(context))
        }
        api.on(.put, "schedules/:id") { request, context in
            _ = try context.require(.manageCatalog)
            let current = try await load(context)
            let body = try await JSONBody.decode(ScheduleInputJSON.self, from: request, context: context)
            let schedule = try body.schedule(id: current.id, createdAt: current.createdAt, now: now())
            try await store.updateSchedule(schedule)
            return try await answer(schedule)
        }
        api.on(.delete, "schedules/:id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteSchedule(id: try context.id())
            return Response(status: .noContent)
        }
        api.on(.post, "schedules/:id/calendar-feed/revoke") { _, context in
            _ = try context.require(.manageCatalog)
            let schedule = try await load(context)
            _ = try await feeds.revoke(.schedules, schedule.id)
            return try await answer(schedule)
        }
        api.on(.get, "schedules/:id/handoffs") { request, context in
            _ = try context.require(.read)
            let schedule = try await load(context)
            let (from, to) = try Self.interval(request, now: now(), defaultLength: 7 * 86_400, endingNow: true)
            let handoffs = try await store.handoffs(scheduleID: schedule.id, userID: try request.queryID("user_id"), from: from, to: to)
            return try JSONBody.response(DataJSON(data: handoffs.map { h -> [String: String] in
                ["schedule_id": h.scheduleID.db, "user_id": h.userID.db, "kind": h.kind.rawValue, "at": h.at.iso8601(in: schedule.timeZone)]
            }))
        }
        api.on(.get, "schedules/:id/overrides") { request, context in
            _ = try context.require(.read)
            let schedule = try await load(context)
            let (from, to) = try Self.interval(request, now: now(), defaultLength: 90 * 86_400)
            let overrides = try await store.overrides(scheduleIDs: [schedule.id], from: from, to: to)
            return try JSONBody.response(DataJSON(data: overrides.map { OverrideJSON(override: $0, zone: schedule.timeZone) }))
        }
        api.on(.post, "schedules/:id/overrides") { request, context in
            let me = try context.require(.respond)
            let schedule = try await load(context)
            let body = try await JSONBody.decode(OverrideInputJSON.self, from: request, context: context)
            var v = Validator()
            let start = v.requiredInstant(body.start, "start")
            let end = v.requiredInstant(body.end, "end")
            try v.throwIfInvalid()
            guard let start, let end else { throw DomainError.invalid("start", "is required") }
            let override = ScheduleOverride(id: UUID(), scheduleID: schedule.id, userID: body.userID, replacesUserID: body.replacesUserID,
                                            start: start, end: end, createdBy: me.id, createdAt: now())
            try override.validate()
            try await store.createOverride(override)
            return try JSONBody.response(OverrideJSON(override: override, zone: schedule.timeZone), status: .created)
        }
        api.on(.delete, "schedules/:id/overrides/:override_id") { _, context in
            _ = try context.require(.respond)
            try await store.deleteOverride(id: try context.id("override_id"), scheduleID: try context.id())
            return Response(status: .noContent)
        }
        // A person's own feed of their shifts across schedules: theirs to read and revoke, or an admin's.
        @Sendable func feedOwner(_ context: TocsinRequestContext) async throws -> UUID {
            let me = try context.require(.read)
            let id = try context.id()
            guard id == me.id || me.role.allows(.manageUsers) else { throw DomainError.forbidden("only they or an admin can see their calendar link") }
            guard try await store.user(id: id) != nil else { throw DomainError.notFound("user \(id.db) not found") }
            return id
        }
        api.on(.get, "users/:id/calendar-feed") { _, context in
            try JSONBody.response(["ical_url": try await feeds.url(.users, try await feedOwner(context))])
        }
        api.on(.post, "users/:id/calendar-feed/revoke") { _, context in
            try JSONBody.response(["ical_url": try await feeds.revoke(.users, try await feedOwner(context))])
        }
        api.on(.get, "oncalls") { request, context in
            _ = try context.require(.read)
            let scheduleID = try request.queryID("schedule_id")
            let userID = try request.queryID("user_id")
            var v = Validator()
            let since = v.instant(request.query("since"), "since") ?? now()
            let until = v.instant(request.query("until"), "until")
            try v.throwIfInvalid()
            var schedules: [OnCallSchedule]?
            if let scheduleID {
                guard let schedule = try await store.schedule(id: scheduleID) else { throw DomainError.notFound("schedule \(scheduleID.db) not found") }
                schedules = [schedule]
            }
            let entries = try await oncall.answer(schedules: schedules, userID: userID, since: since, until: until)
            return try JSONBody.response(DataJSON(data: entries.map(OnCallJSON.init)))
        }
    }

    /// `since` and `until` from the query: by default from now for `defaultLength`, or (`endingNow`) the `defaultLength` up to now;
    /// at most `maximumDays` long.
    static func interval(_ request: Request, now: Date, defaultLength: TimeInterval, endingNow: Bool = false,
                         maximumDays: Int = 366) throws -> (Date, Date) {
        var v = Validator()
        let since = v.instant(request.query("since"), "since") ?? (endingNow ? now.addingTimeInterval(-defaultLength) : now)
        let until = v.instant(request.query("until"), "until") ?? (endingNow ? now : since.addingTimeInterval(defaultLength))
        try v.throwIfInvalid()
        try OnCallQueries.checkInterval(since, until, maximumDays: maximumDays)
        return (since, until)
    }
}
