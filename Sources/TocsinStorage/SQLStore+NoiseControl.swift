import Foundation
import TocsinCore

extension SQLStore {
    public func createSilence(_ silence: Silence) async throws {
        try await database.write { db in
            if let service = silence.serviceID, try await !db.missingIDs([service], in: "services").isEmpty {
                throw DomainError.invalid("service_id", "service \(service.db) does not exist")
            }
            // Every new alert is checked against every silence in force: their number is bounded.
            let current = try await db.count("SELECT COUNT(*) AS n FROM silences WHERE ends_at > \(bind: silence.createdAt)")
            guard current < Limits.silencesInForce else {
                throw DomainError.conflict("there are already \(Limits.silencesInForce) silences in force or scheduled; end some first")
            }
            try await db.raw("""
                INSERT INTO silences (id, service_id, matchers, starts_at, ends_at, created_by, comment, created_at)
                VALUES (\(bind: silence.id.db), \(bind: silence.serviceID?.db), \(bind: try Self.json(silence.matchers)), \(bind: silence.startsAt),
                        \(bind: silence.endsAt), \(bind: silence.createdBy?.db), \(bind: silence.comment), \(bind: silence.createdAt))
                """).run()
        }
    }

    public func silences(activeAt: Date?) async throws -> [Silence] {
        let condition: SQL = activeAt.map { " WHERE starts_at <= \(bind: $0) AND ends_at > \(bind: $0)" } ?? ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM silences" + condition + " ORDER BY ends_at DESC, id LIMIT 500").all().map(Self.silence(from:))
        }
    }

    public func silence(id: UUID) async throws -> Silence? {
        try await database.read { db in
            try await db.raw("SELECT * FROM silences WHERE id = \(bind: id.db)").first().map(Self.silence(from:))
        }
    }

    public func expireSilence(id: UUID, now: Date) async throws -> Silence {
        try await database.write { db in
            guard var silence = try await db.raw("SELECT * FROM silences WHERE id = \(bind: id.db)").first().map(Self.silence(from:)) else {
                throw DomainError.notFound("silence \(id.db) not found")
            }
            guard silence.endsAt > now else { throw DomainError.conflict("the silence has already ended") }
            silence.endsAt = max(now, silence.startsAt)
            try await db.raw("UPDATE silences SET ends_at = \(bind: silence.endsAt) WHERE id = \(bind: id.db)").run()
            return silence
        }
    }

    public func createMaintenanceWindow(_ window: MaintenanceWindow) async throws {
        var start: Date?, end: Date?, days: [Int] = [], startMinute: Int?, endMinute: Int?, zone: String?
        let kind: String
        switch window.schedule {
        case .once(let s, let e):
            (kind, start, end) = ("once", s, e)
        case .weekly(let d, let s, let e, let z):
            (kind, days, startMinute, endMinute, zone) = ("weekly", d.sorted(), s, e, z)
        }
        try await database.write { db in
            guard try await db.missingIDs([window.serviceID], in: "services").isEmpty else {
                throw DomainError.notFound("service \(window.serviceID.db) not found")
            }
            guard try await db.count("SELECT COUNT(*) AS n FROM maintenance_windows WHERE service_id = \(bind: window.serviceID.db)")
                < Limits.maintenanceWindowsPerService else {
                throw DomainError.conflict("the service already has \(Limits.maintenanceWindowsPerService) maintenance windows; delete some first")
            }
            try await db.raw("""
                INSERT INTO maintenance_windows (id, service_id, name, kind, starts_at, ends_at, days, start_minute, end_minute, time_zone, created_at)
                VALUES (\(bind: window.id.db), \(bind: window.serviceID.db), \(bind: window.name), \(bind: kind), \(bind: start), \(bind: end),
                        \(bind: try Self.json(days)), \(bind: startMinute), \(bind: endMinute), \(bind: zone), \(bind: window.createdAt))
                """).run()
        }
    }

    public func maintenanceWindows(serviceID: UUID) async throws -> [MaintenanceWindow] {
        try await database.read { db in
            try await db.raw("SELECT * FROM maintenance_windows WHERE service_id = \(bind: serviceID.db) ORDER BY created_at, id").all().map(Self.window(from:))
        }
    }

    public func deleteMaintenanceWindow(id: UUID, serviceID: UUID) async throws {
        try await deleteServiceRow("maintenance_windows", id: id, serviceID: serviceID, what: "maintenance window")
    }

    static func silence(from row: Row) throws -> Silence {
        Silence(id: try row.id("id"), serviceID: try row.optionalID("service_id"),
                matchers: try decodeJSON([AlertMatcher].self, row, "matchers"),
                startsAt: try row.decode(column: "starts_at", as: Date.self), endsAt: try row.decode(column: "ends_at", as: Date.self),
                createdBy: try row.optionalID("created_by"), comment: try row.decode(column: "comment", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    static func window(from row: Row) throws -> MaintenanceWindow {
        let schedule: MaintenanceWindow.Schedule
        if try row.decode(column: "kind", as: String.self) == "weekly" {
            schedule = .weekly(days: Set(try decodeJSON([Int].self, row, "days")),
                               startMinute: try row.decode(column: "start_minute", as: Int?.self) ?? 0,
                               endMinute: try row.decode(column: "end_minute", as: Int?.self) ?? 0,
                               timeZone: try row.decode(column: "time_zone", as: String?.self) ?? "UTC")
        } else {
            schedule = .once(start: try row.decode(column: "starts_at", as: Date?.self) ?? .distantPast,
                             end: try row.decode(column: "ends_at", as: Date?.self) ?? .distantPast)
        }
        return MaintenanceWindow(id: try row.id("id"), serviceID: try row.id("service_id"), name: try row.decode(column: "name", as: String.self),
                                 schedule: schedule, createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}

extension SQLStore {
    public func eventRules(serviceID: UUID) async throws -> [EventRule] {
        try await database.read { db in try await Self.eventRules(of: serviceID, db) }
    }

    public func replaceEventRules(_ rules: [EventRule], serviceID: UUID, now: Date) async throws {
        _ = try await updateEventRules(serviceID: serviceID, now: now) { _ in rules }
    }

    public func updateEventRules(serviceID: UUID, now: Date, _ change: @Sendable ([EventRule]) throws -> [EventRule]) async throws -> [EventRule] {
        try await database.write { db in
            // The service row is locked (PostgreSQL) so two edits of one list run one after the other.
            guard try await db.raw("SELECT id FROM services WHERE id = \(bind: serviceID.db)" + forUpdate).first() != nil else {
                throw DomainError.notFound("service \(serviceID.db) not found")
            }
            let rules = try change(try await Self.eventRules(of: serviceID, db))
            try EventRule.validate(rules, serviceID: serviceID)
            var v = Validator()
            for (index, rule) in rules.enumerated() {
                if case .route(let target) = rule.action, try await !db.missingIDs([target], in: "services").isEmpty {
                    v.add("rules[\(index)].route_to", "service \(target.db) does not exist")
                }
            }
            try v.throwIfInvalid()
            try await db.raw("DELETE FROM event_rules WHERE service_id = \(bind: serviceID.db)").run()
            for (position, rule) in rules.enumerated() {
                var action = "drop", severity: String?, route: String?
                switch rule.action {
                case .drop: break
                case .setSeverity(let s): (action, severity) = ("set_severity", s.rawValue)
                case .route(let target): (action, route) = ("route", target.db)
                }
                try await db.raw("""
                    INSERT INTO event_rules (id, service_id, position, conditions, action, severity, route_to, created_at)
                    VALUES (\(bind: rule.id.db), \(bind: serviceID.db), \(bind: position), \(bind: try Self.json(rule.conditions)), \(bind: action),
                            \(bind: severity), \(bind: route), \(bind: now))
                    """).run()
            }
            return rules
        }
    }

    static func eventRules(of serviceID: UUID, _ db: any DatabaseSession) async throws -> [EventRule] {
        try await db.raw("SELECT * FROM event_rules WHERE service_id = \(bind: serviceID.db) ORDER BY position").all().map { row in
            let action: EventRule.Action
            switch try row.decode(column: "action", as: String.self) {
            case "set_severity":
                action = .setSeverity(AlertSeverity(rawValue: try row.decode(column: "severity", as: String?.self) ?? "") ?? .error)
            case "route":
                action = try row.optionalID("route_to").map { .route($0) } ?? .drop
            default:
                action = .drop
            }
            return EventRule(id: try row.id("id"), conditions: try decodeJSON([AlertMatcher].self, row, "conditions"), action: action)
        }
    }
}
