import Foundation
import TocsinCore

extension SQLStore: ServiceRepository {
    public func createService(_ service: Service) async throws {
        try await database.write { db in
            try await checkReferences(of: service, db)
            try await db.raw("""
                INSERT INTO services (id, name, description, team_id, tier, links, grouping_mode, grouping_window_minutes, grouping_labels,
                                      flap_changes, flap_window_minutes, severity_overrides, inhibit_reports, escalation_policy_id,
                                      urgency_rule, working_hours, created_at, updated_at)
                VALUES (\(bind: service.id.db), \(bind: service.name), \(bind: service.description), \(bind: service.teamID?.db),
                        \(bind: service.tier), \(bind: try Self.json(service.links)), \(bind: service.alertGrouping.mode),
                        \(bind: Self.windowMinutes(service.alertGrouping)), \(bind: try Self.json(Self.labels(service.alertGrouping))),
                        \(bind: service.flapDetection?.changes), \(bind: service.flapDetection?.windowMinutes),
                        \(bind: try Self.json(Self.overridesText(service.severityOverrides))), \(bind: service.inhibitReports ? 1 : 0),
                        \(bind: service.escalationPolicyID?.db), \(bind: service.urgencyRule.rawValue),
                        \(bind: try service.workingHours.map { try Self.json($0) }), \(bind: service.createdAt), \(bind: service.updatedAt))
                """).run()
            try await Self.saveDependencies(of: service, db)
        }
    }

    public func service(id: UUID) async throws -> Service? {
        try await services(ids: [id]).first
    }

    public func services(_ filter: ServiceFilter, page: PageRequest) async throws -> Page<Service> {
        var conditions: [SQL] = []
        if let team = filter.teamID { conditions.append("team_id = \(bind: team.db)") }
        if let tier = filter.tier { conditions.append("tier = \(bind: tier)") }
        if let query = filter.query?.nonBlank {
            conditions.append("lower(name) LIKE \(bind: SQLText.containsPattern(query)) ESCAPE '\\'")
        }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM services" + whereClause)
            let rows = try await db.raw("SELECT * FROM services" + whereClause + " ORDER BY lower(name), id" + SQLText.page(page)).all()
            return Page(items: try await Self.services(from: rows, db), total: total, request: page)
        }
    }

    public func services(ids: [UUID]) async throws -> [Service] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            let rows = try await db.raw("SELECT * FROM services WHERE id IN (\(binds: ids.map(\.db))) ORDER BY lower(name), id").all()
            return try await Self.services(from: rows, db)
        }
    }

    public func dependents(of id: UUID) async throws -> [Service] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT * FROM services WHERE id IN (SELECT service_id FROM service_dependencies WHERE depends_on_id = \(bind: id.db))
                ORDER BY lower(name), id
                """).all()
            return try await Self.services(from: rows, db)
        }
    }

    public func updateService(_ service: Service) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM services WHERE id = \(bind: service.id.db)") == 1 else {
                throw DomainError.notFound("service \(service.id.db) not found")
            }
            try await checkReferences(of: service, db)
            try await db.raw("""
                UPDATE services SET name = \(bind: service.name), description = \(bind: service.description),
                    team_id = \(bind: service.teamID?.db), tier = \(bind: service.tier), links = \(bind: try Self.json(service.links)),
                    grouping_mode = \(bind: service.alertGrouping.mode), grouping_window_minutes = \(bind: Self.windowMinutes(service.alertGrouping)),
                    grouping_labels = \(bind: try Self.json(Self.labels(service.alertGrouping))),
                    flap_changes = \(bind: service.flapDetection?.changes), flap_window_minutes = \(bind: service.flapDetection?.windowMinutes),
                    severity_overrides = \(bind: try Self.json(Self.overridesText(service.severityOverrides))),
                    inhibit_reports = \(bind: service.inhibitReports ? 1 : 0),
                    escalation_policy_id = \(bind: service.escalationPolicyID?.db), urgency_rule = \(bind: service.urgencyRule.rawValue),
                    working_hours = \(bind: try service.workingHours.map { try Self.json($0) }), updated_at = \(bind: service.updatedAt)
                WHERE id = \(bind: service.id.db)
                """).run()
            try await db.raw("DELETE FROM service_dependencies WHERE service_id = \(bind: service.id.db)").run()
            try await Self.saveDependencies(of: service, db)
        }
    }

    public func deleteService(id: UUID) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM services WHERE id = \(bind: id.db)") == 1 else {
                throw DomainError.notFound("service \(id.db) not found")
            }
            // Dependency edges in both directions go with it (ON DELETE CASCADE).
            try await db.raw("DELETE FROM services WHERE id = \(bind: id.db)").run()
        }
        integrationKeyCache.forget { $0.serviceID == id }
    }

    /// The owning team and every dependency must exist, and the dependencies must not close a cycle.
    private func checkReferences(of service: Service, _ db: any DatabaseSession) async throws {
        if !service.dependsOn.isEmpty { try await lock(.serviceDependencies, db) }
        try await Self.checkReferences(of: service, db)
    }

    private static func checkReferences(of service: Service, _ db: any DatabaseSession) async throws {
        var v = Validator()
        if let team = service.teamID, try await !db.missingIDs([team], in: "teams").isEmpty {
            v.add("team_id", "team \(team.db) does not exist")
        }
        if let policy = service.escalationPolicyID, try await !db.missingIDs([policy], in: "escalation_policies").isEmpty {
            v.add("escalation_policy_id", "escalation policy \(policy.db) does not exist")
        }
        for missing in try await db.missingIDs(service.dependsOn, in: "services") {
            v.add("depends_on", "service \(missing.db) does not exist")
        }
        try v.throwIfInvalid()
        guard !service.dependsOn.isEmpty else { return }
        var edges: [UUID: [UUID]] = [:]
        for row in try await db.raw("SELECT service_id, depends_on_id FROM service_dependencies").all() {
            edges[try row.id("service_id"), default: []].append(try row.id("depends_on_id"))
        }
        let graph = ServiceDependencyGraph(edges: edges).replacing(service.id, dependsOn: service.dependsOn)
        if let cycle = graph.cycle(through: service.id) {
            let others = cycle.filter { $0 != service.id }
            var names: [UUID: String] = [service.id: service.name]
            for row in try await db.raw("SELECT id, name FROM services WHERE id IN (\(binds: others.map(\.db)))").all() {
                names[try row.id("id")] = try row.decode(column: "name", as: String.self)
            }
            let path = cycle.map { names[$0] ?? $0.db }.joined(separator: " → ")
            throw DomainError.invalid("depends_on", "would create a dependency cycle: \(path)")
        }
    }

    private static func saveDependencies(of service: Service, _ db: any DatabaseSession) async throws {
        for dependency in service.dependsOn {
            try await db.raw("""
                INSERT INTO service_dependencies (service_id, depends_on_id) VALUES (\(bind: service.id.db), \(bind: dependency.db))
                """).run()
        }
    }

    static func windowMinutes(_ grouping: AlertGrouping) -> Int? {
        if case .timeWindow(let minutes) = grouping { return minutes }
        return nil
    }

    static func labels(_ grouping: AlertGrouping) -> [String] {
        if case .sharedLabels(let names) = grouping { return names }
        return []
    }

    static func overridesText(_ overrides: [AlertSeverity: IncidentSeverity]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: overrides.map { ($0.key.rawValue, $0.value.rawValue) })
    }

    static func severityOverrides(from row: Row) throws -> [AlertSeverity: IncidentSeverity] {
        var out: [AlertSeverity: IncidentSeverity] = [:]
        guard case .object(let members) = try jsonColumn(row, "severity_overrides") else { throw shapeError("severity_overrides") }
        for (key, value) in members {
            if case .string(let text) = value, let alert = AlertSeverity(rawValue: key), let incident = IncidentSeverity(rawValue: text) {
                out[alert] = incident
            }
        }
        return out
    }

    // The services list reads three JSON columns per row: read from the JSON value by hand, as a generic `Decoder`
    // per column cost a sixth of the list.

    private static func jsonColumn(_ row: Row, _ column: String) throws -> JSONValue {
        let text = try row.decode(column: column, as: String.self)
        // Most services have no links, labels or overrides.
        if text == "[]" { return .array([]) }
        if text == "{}" { return .object([:]) }
        return try JSONValue.parse(Data(text.utf8))
    }

    private static func shapeError(_ column: String) -> RowDecodingError {
        RowDecodingError(column: column, message: "does not hold the JSON Tocsin writes there")
    }

    static func links(from row: Row) throws -> [ServiceLink] {
        guard case .array(let items) = try jsonColumn(row, "links") else { throw shapeError("links") }
        return try items.map { item in
            guard case .object(let link) = item, case .string(let title)? = link["title"], case .string(let url)? = link["url"] else {
                throw shapeError("links")
            }
            return ServiceLink(title: title, url: url)
        }
    }

    static func groupingLabels(from row: Row) throws -> [String] {
        guard case .array(let items) = try jsonColumn(row, "grouping_labels") else { throw shapeError("grouping_labels") }
        return try items.map { item in
            guard case .string(let label) = item else { throw shapeError("grouping_labels") }
            return label
        }
    }

    static func flapDetection(from row: Row) throws -> FlapDetection? {
        guard let changes = try row.decode(column: "flap_changes", as: Int?.self),
              let minutes = try row.decode(column: "flap_window_minutes", as: Int?.self) else { return nil }
        return FlapDetection(changes: changes, windowMinutes: minutes)
    }

    static func grouping(from row: Row) throws -> AlertGrouping {
        (try? AlertGrouping.parse(mode: try row.decode(column: "grouping_mode", as: String.self),
                                  windowMinutes: try row.decode(column: "grouping_window_minutes", as: Int?.self),
                                  labels: try groupingLabels(from: row))) ?? .perAlert
    }

    private static func services(from rows: [Row], _ db: any DatabaseSession) async throws -> [Service] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.id("id") }
        var dependencies: [UUID: [UUID]] = [:]
        for row in try await db.raw("""
            SELECT service_id, depends_on_id FROM service_dependencies WHERE service_id IN (\(binds: ids.map(\.db)))
            """).all() {
            dependencies[try row.id("service_id"), default: []].append(try row.id("depends_on_id"))
        }
        return try rows.map { row in
            let id = try row.id("id")
            var service = Service(
                id: id,
                name: try row.decode(column: "name", as: String.self),
                description: try row.decode(column: "description", as: String.self),
                teamID: try row.optionalID("team_id"),
                tier: try row.decode(column: "tier", as: Int.self),
                links: try links(from: row),
                dependsOn: (dependencies[id] ?? []).map { ($0.db, $0) }.sorted { $0.0 < $1.0 }.map(\.1),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self)
            )
            service.alertGrouping = try grouping(from: row)
            service.flapDetection = try flapDetection(from: row)
            service.severityOverrides = try severityOverrides(from: row)
            service.inhibitReports = try row.decode(column: "inhibit_reports", as: Int.self) != 0
            service.escalationPolicyID = try row.optionalID("escalation_policy_id")
            service.urgencyRule = UrgencyRule(rawValue: try row.decode(column: "urgency_rule", as: String.self)) ?? .high
            if try row.decode(column: "working_hours", as: String?.self) != nil {
                service.workingHours = try decodeJSON(WorkingHours.self, row, "working_hours")
            }
            return service
        }
    }
}
