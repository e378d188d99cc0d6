import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases
import TocsinIngest

struct SilenceJSON: Encodable {
    struct Matcher: Encodable {
        var name: String
        var op: String
        var value: String
    }

    var id: String
    @Nullable var serviceID: String?
    var matchers: [Matcher]
    var startsAt: Date
    var endsAt: Date
    @Nullable var createdBy: String?
    var comment: String
    var active: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, matchers, comment, active
        case serviceID = "service_id", startsAt = "starts_at", endsAt = "ends_at", createdBy = "created_by", createdAt = "created_at"
    }

    init(silence: Silence, now: Date) {
        (id, serviceID, startsAt, endsAt) = (silence.id.db, silence.serviceID?.db, silence.startsAt, silence.endsAt)
        matchers = silence.matchers.map { Matcher(name: $0.name, op: $0.op.rawValue, value: $0.value) }
        (createdBy, comment, active, createdAt) = (silence.createdBy?.db, silence.comment, silence.isActive(at: now), silence.createdAt)
    }
}

/// A one-off window has `starts_at` and `ends_at`; a weekly one `days`, `start`, `end` and `time_zone`.
struct MaintenanceWindowJSON: Encodable {
    var id: String
    var serviceID: String
    var name: String
    var startsAt: Date?
    var endsAt: Date?
    var days: [String]?
    var start: String?
    var end: String?
    var timeZone: String?
    var active: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, days, start, end, active
        case serviceID = "service_id", startsAt = "starts_at", endsAt = "ends_at", timeZone = "time_zone", createdAt = "created_at"
    }

    init(window: MaintenanceWindow, now: Date) {
        (id, serviceID, name, active, createdAt) = (window.id.db, window.serviceID.db, window.name, window.isActive(at: now), window.createdAt)
        switch window.schedule {
        case .once(let start, let end):
            (startsAt, endsAt) = (start, end)
        case .weekly(let weekdays, let start, let end, let zone):
            days = weekdays.sorted().map { MaintenanceWindow.dayNames[$0 - 1] }
            self.start = String(format: "%02d:%02d", start / 60, start % 60)
            self.end = String(format: "%02d:%02d", end / 60, end % 60)
            timeZone = zone
        }
    }
}

/// Written by hand: `route_to` is read as a UUID (so a bad one is refused by the decoder) and written in the
/// API's lowercase form, which synthesized `Codable` cannot do with one property.
struct EventRuleJSON: Codable {
    struct Condition: Codable {
        var name: String
        var op: String?
        var value: String
    }
    var conditions: [Condition]
    var action: String
    var severity: String?
    var routeTo: UUID?

    enum CodingKeys: String, CodingKey {
        case conditions, action, severity
        case routeTo = "route_to"
    }

    init(_ rule: EventRule) {
        conditions = rule.conditions.map { Condition(name: $0.name, op: $0.op.rawValue, value: $0.value) }
        switch rule.action {
        case .drop: action = "drop"
        case .setSeverity(let s): (action, severity) = ("set_severity", s.rawValue)
        case .route(let target): (action, routeTo) = ("route", target)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(conditions, forKey: .conditions)
        try c.encode(action, forKey: .action)
        try c.encode(severity, forKey: .severity)
        try c.encode(routeTo?.db, forKey: .routeTo)
    }

    func rule(at index: Int, into v: inout Validator) -> EventRule? {
        var matchers: [AlertMatcher] = []
        for (c, condition) in conditions.enumerated() {
            guard let op = AlertMatcher.Operator(rawValue: condition.op ?? "=") else {
                v.add("rules[\(index)].conditions[\(c)].op", "must be one of =, !=, =~, !~")
                continue
            }
            matchers.append(AlertMatcher(name: condition.name.trimmed, op: op, value: condition.value))
        }
        let parsed: EventRule.Action
        switch action {
        case "drop": parsed = .drop
        case "set_severity":
            guard let s = severity.flatMap(AlertSeverity.init(rawValue:)) else {
                v.add("rules[\(index)].severity", "must be critical, error, warning or info")
                return nil
            }
            parsed = .setSeverity(s)
        case "route":
            guard let target = routeTo else {
                v.add("rules[\(index)].route_to", "is required to route")
                return nil
            }
            parsed = .route(target)
        default:
            v.add("rules[\(index)].action", "must be drop, set_severity or route")
            return nil
        }
        return EventRule(id: UUID(), conditions: matchers, action: parsed)
    }
}

struct EventRulesJSON: Codable {
    var rules: [EventRuleJSON]
}

extension APIRoutes {
    struct SilenceInputJSON: Decodable {
        struct Matcher: Decodable {
            var name: String
            var op: String?
            var value: String
        }
        var serviceID: UUID?
        var matchers: [Matcher]
        var startsAt: String?
        var endsAt: String
        var comment: String

        enum CodingKeys: String, CodingKey {
            case matchers, comment
            case serviceID = "service_id", startsAt = "starts_at", endsAt = "ends_at"
        }
    }

    struct MaintenanceInputJSON: Decodable {
        var name: String
        var startsAt: String?
        var endsAt: String?
        var days: [String]?
        var start: String?
        var end: String?
        var timeZone: String?

        enum CodingKeys: String, CodingKey {
            case name, days, start, end
            case startsAt = "starts_at", endsAt = "ends_at", timeZone = "time_zone"
        }
    }

    func registerSilences(_ api: APIRegistrar) {
        let store = env.store
        let now = env.now
        api.on(.get, "services/:id/event-rules") { _, context in
            _ = try context.require(.read)
            let serviceID = try context.id()
            guard try await store.service(id: serviceID) != nil else { throw DomainError.notFound("service \(serviceID.db) not found") }
            return try JSONBody.response(EventRulesJSON(rules: try await store.eventRules(serviceID: serviceID).map(EventRuleJSON.init)))
        }
        api.on(.put, "services/:id/event-rules") { request, context in
            _ = try context.require(.manageCatalog)
            let serviceID = try context.id()
            let body = try await JSONBody.decode(EventRulesJSON.self, from: request, context: context)
            // Counts first, so that no more patterns are compiled than a rule list may hold.
            try EventRule.checkCounts(rules: body.rules.count, conditions: body.rules.map(\.conditions.count))
            var v = Validator()
            let rules = body.rules.enumerated().compactMap { index, rule in rule.rule(at: index, into: &v) }
            try v.throwIfInvalid()
            try await store.replaceEventRules(rules, serviceID: serviceID, now: now())
            return try JSONBody.response(EventRulesJSON(rules: rules.map(EventRuleJSON.init)))
        }
        api.on(.post, "silences") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decode(SilenceInputJSON.self, from: request, context: context)
            try Silence.checkMatcherCount(body.matchers.count)
            var v = Validator()
            let matchers = body.matchers.enumerated().compactMap { index, m -> AlertMatcher? in
                guard let op = AlertMatcher.Operator(rawValue: m.op ?? "=") else {
                    v.add("matchers[\(index)].op", "must be one of =, !=, =~, !~")
                    return nil
                }
                return AlertMatcher(name: m.name.trimmed, op: op, value: m.value)
            }
            let time = now()
            let starts = v.instant(body.startsAt, "starts_at") ?? time
            let ends = v.instant(body.endsAt, "ends_at") ?? time
            try v.throwIfInvalid()
            let silence = try await Silences.create(in: store, serviceID: body.serviceID, matchers: matchers, startsAt: starts, endsAt: ends,
                                                    by: me.id, comment: body.comment, now: time)
            return try JSONBody.response(SilenceJSON(silence: silence, now: time), status: .created)
        }
        api.on(.get, "silences") { request, context in
            _ = try context.require(.read)
            let time = now()
            let silences = try await store.silences(activeAt: request.query("active") == "true" ? time : nil)
            return try JSONBody.response(DataJSON(data: silences.map { SilenceJSON(silence: $0, now: time) }))
        }
        api.on(.delete, "silences/:id") { _, context in
            _ = try context.require(.respond)
            let time = now()
            return try JSONBody.response(SilenceJSON(silence: try await store.expireSilence(id: try context.id(), now: time), now: time))
        }
        api.on(.post, "services/:id/maintenance-windows") { request, context in
            _ = try context.require(.manageCatalog)
            let serviceID = try context.id()
            let body = try await JSONBody.decode(MaintenanceInputJSON.self, from: request, context: context)
            var v = Validator()
            let name = body.name.trimmed
            MaintenanceWindow.validName(name, &v)
            let schedule: MaintenanceWindow.Schedule
            if let days = body.days {
                schedule = MaintenanceWindow.weekly(days: days, start: body.start, end: body.end, timeZone: body.timeZone, &v)
            } else {
                let starts = v.instant(body.startsAt, "starts_at")
                let ends = v.instant(body.endsAt, "ends_at")
                if (body.startsAt ?? "").isEmpty { v.add("starts_at", "is required (or give days, start and end for a weekly window)") }
                if (body.endsAt ?? "").isEmpty { v.add("ends_at", "is required") }
                schedule = MaintenanceWindow.once(starts: starts, ends: ends, &v)
            }
            try v.throwIfInvalid()
            let window = MaintenanceWindow(id: UUID(), serviceID: serviceID, name: name, schedule: schedule, createdAt: now())
            try await store.createMaintenanceWindow(window)
            return try JSONBody.response(MaintenanceWindowJSON(window: window, now: now()), status: .created)
        }
        api.on(.get, "services/:id/maintenance-windows") { _, context in
            _ = try context.require(.read)
            let time = now()
            let windows = try await store.maintenanceWindows(serviceID: try context.id())
            return try JSONBody.response(DataJSON(data: windows.map { MaintenanceWindowJSON(window: $0, now: time) }))
        }
        api.on(.delete, "services/:id/maintenance-windows/:window_id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteMaintenanceWindow(id: try context.id("window_id"), serviceID: try context.id())
            return Response(status: .noContent)
        }
    }
}
