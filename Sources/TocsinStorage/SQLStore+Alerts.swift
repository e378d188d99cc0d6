import Foundation
import TocsinCore

extension SQLStore {
    // MARK: Integration keys

    public func createIntegrationKey(_ key: IntegrationKey, secretHash: String) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM services WHERE id = \(bind: key.serviceID.db)") == 1 else {
                throw DomainError.notFound("service \(key.serviceID.db) not found")
            }
            try await db.raw("""
                INSERT INTO integration_keys (id, service_id, type, name, secret_hash, hint, rate_limit_per_minute, settings, created_at)
                VALUES (\(bind: key.id.db), \(bind: key.serviceID.db), \(bind: key.type.rawValue), \(bind: key.name), \(bind: secretHash),
                        \(bind: key.hint), \(bind: key.rateLimitPerMinute), \(bind: try Self.json(key.settings)), \(bind: key.createdAt))
                """).run()
        }
    }

    public func integrationKey(secretHash: String) async throws -> IntegrationKey? {
        try await integrationKeyCache.key(secretHash: secretHash) {
            try await database.read { db in
                try await db.raw("SELECT * FROM integration_keys WHERE secret_hash = \(bind: secretHash)").first().map(Self.integrationKey(from:))
            }
        }
    }

    public func integrationKeys(serviceID: UUID) async throws -> [IntegrationKey] {
        try await database.read { db in
            try await db.raw("SELECT * FROM integration_keys WHERE service_id = \(bind: serviceID.db) ORDER BY created_at, id")
                .all().map(Self.integrationKey(from:))
        }
    }

    public func deleteIntegrationKey(id: UUID, serviceID: UUID) async throws {
        try await deleteServiceRow("integration_keys", id: id, serviceID: serviceID, what: "integration key")
        integrationKeyCache.forget { $0.id == id }
    }

    static func integrationKey(from row: Row) throws -> IntegrationKey {
        var key = IntegrationKey(
            id: try row.id("id"), serviceID: try row.id("service_id"),
            type: IntegrationType(rawValue: try row.decode(column: "type", as: String.self)) ?? .generic,
            name: try row.decode(column: "name", as: String.self), hint: try row.decode(column: "hint", as: String.self),
            rateLimitPerMinute: try row.decode(column: "rate_limit_per_minute", as: Int?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
        key.settings = try decodeJSON(JSONValue.self, row, "settings")
        return key
    }

    public func changeIncident(id: UUID, _ command: IncidentCommand, by actor: UUID?, via: String?, now: Date) async throws -> Incident {
        return try await database.write { db in
            guard let state = try await Self.incidentState(id, db) else { throw DomainError.notFound("incident \(id.db) not found") }
            var (next, events): (IncidentState, [IncidentEventDraft])
            do {
                (next, events) = try IncidentTransitions.apply(command, to: state, by: actor.map(Actor.user) ?? .system, now: now)
            } catch let refusal as IncidentRefusal {
                throw try await Self.refusal(refusal, state: state, db)
            }
            if let via {
                for index in events.indices where events[index].actor != .system { events[index].payload["via"] = .string(via) }
            }
            // Someone took a triggered incident: the others paged for it hear who.
            if let actor, state.status == .triggered, next.status != .triggered {
                try await Self.queueTakenNotices(incidentID: id, takenBy: actor, what: next.status == .resolved ? "resolved" : "acknowledged",
                                                 via: via, now: now, db)
            }
            switch command {
            case .acknowledge:
                try await db.raw("""
                    UPDATE alerts SET status = 'acknowledged', acknowledged_at = \(bind: now) WHERE incident_id = \(bind: id.db) AND status = 'triggered'
                    """).run()
            case .resolve:
                // A person resolved these: they count as handled (acknowledged), not as resolving themselves.
                try await db.raw("""
                    UPDATE alerts SET status = 'resolved', resolved_at = \(bind: now), acknowledged_at = COALESCE(acknowledged_at, \(bind: now))
                    WHERE incident_id = \(bind: id.db) AND status <> 'resolved'
                    """).run()
            default:
                break
            }
            try await Self.writeIncidentState(id, next, db)
            try await Self.insertEvents(events.map { (id, $0) }, db)
            guard let row = try await db.raw("SELECT * FROM incidents WHERE id = \(bind: id.db)").first() else {
                throw DomainError.notFound("incident \(id.db) not found")
            }
            return try await Self.incidents(from: [row], db)[0]
        }
    }

    /// "the incident is already acknowledged by Ana Lima at 2026-12-01T03:12:00Z": the second responder learns who has it.
    private static func refusal(_ refusal: IncidentRefusal, state: IncidentState, _ db: any DatabaseSession) async throws -> DomainError {
        func already(_ what: String, _ who: UUID?, _ when: Date?) async throws -> DomainError {
            var name: String?
            if let who { name = try await db.raw("SELECT name FROM users WHERE id = \(bind: who.db)").first(decodingColumn: "name", as: String.self) }
            let at = when.map { " at " + ISO8601DateFormatter().string(from: $0) } ?? ""
            return DomainError.conflict("the incident is already \(what)" + (name.map { " by \($0)" } ?? "") + at, field: "status")
        }
        switch refusal {
        case .alreadyAcknowledged: return try await already("acknowledged", state.acknowledgedBy, state.acknowledgedAt)
        case .alreadyResolved, .closed: return try await already("resolved", state.resolvedBy, state.resolvedAt)
        case .notResolved: return DomainError.conflict("the incident is not resolved", field: "status")
        }
    }

    public func alertFacts(serviceID: UUID?, from: Date, to: Date, limit: Int) async throws -> [NoiseReport.AlertFact] {
        let service: SQL = serviceID.map { " AND service_id = \(bind: $0.db)" } ?? ""
        return try await database.read { db in
            try await db.raw("""
                SELECT service_id, dedup_key, first_seen_at, occurrences, status, acknowledged_at, muted_reason FROM alerts
                WHERE first_seen_at >= \(bind: from) AND first_seen_at < \(bind: to)
                """ + service + " ORDER BY first_seen_at LIMIT \(literal: limit)").all().map { row in
                NoiseReport.AlertFact(
                    serviceID: try row.id("service_id"), dedupKey: try row.decode(column: "dedup_key", as: String.self),
                    firstSeenAt: try row.decode(column: "first_seen_at", as: Date.self), occurrences: try row.decode(column: "occurrences", as: Int.self),
                    resolved: try row.decode(column: "status", as: String.self) == AlertStatus.resolved.rawValue,
                    touchedByHuman: try row.decode(column: "acknowledged_at", as: Date?.self) != nil,
                    muted: try row.decode(column: "muted_reason", as: String?.self) != nil)
            }
        }
    }

    // MARK: Change events

    public func recordChange(_ change: ChangeRecord, integrationKeyID: UUID?) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO change_events (id, service_id, integration_key_id, summary, source, occurred_at, details, links, created_at)
                VALUES (\(bind: change.id.db), \(bind: change.serviceID.db), \(bind: integrationKeyID?.db), \(bind: change.summary), \(bind: change.source),
                        \(bind: change.occurredAt), \(bind: try Self.json(change.details)), \(bind: try Self.json(change.links)), \(bind: change.createdAt))
                """).run()
        }
    }

    public func changes(serviceIDs: [UUID], from: Date, to: Date) async throws -> [ChangeRecord] {
        guard !serviceIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("""
                SELECT * FROM change_events WHERE service_id IN (\(binds: serviceIDs.map(\.db)))
                AND occurred_at >= \(bind: from) AND occurred_at <= \(bind: to) ORDER BY occurred_at, id
                """).all().map { row in
                ChangeRecord(
                    id: try row.id("id"), serviceID: try row.id("service_id"), summary: try row.decode(column: "summary", as: String.self),
                    source: try row.decode(column: "source", as: String?.self), occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                    details: try Self.decodeJSON(JSONValue.self, row, "details"), links: try Self.decodeJSON([AlertLink].self, row, "links"),
                    createdAt: try row.decode(column: "created_at", as: Date.self))
            }
        }
    }

    // MARK: Reading

    public func alerts(_ filter: AlertFilter, page: PageRequest) async throws -> Page<Alert> {
        var conditions: [SQL] = []
        if let service = filter.serviceID { conditions.append("service_id = \(bind: service.db)") }
        if let incident = filter.incidentID { conditions.append("incident_id = \(bind: incident.db)") }
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if filter.openOnly { conditions.append("status <> 'resolved'") }
        if let muted = filter.muted { conditions.append(muted ? "muted_reason IS NOT NULL" : "muted_reason IS NULL") }
        if let kind = filter.muteKind { conditions.append("mute_kind = \(bind: kind.rawValue)") }
        if let incident = filter.mutedByIncidentID { conditions.append("muted_by_incident_id = \(bind: incident.db)") }
        if let severities = filter.severities {
            conditions.append(severities.isEmpty ? "1 = 0" : "severity IN (\(binds: severities.map(\.rawValue).sorted()))")
        }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM alerts" + whereClause)
            let rows = try await db.raw("SELECT * FROM alerts" + whereClause + " ORDER BY last_seen_at DESC, id" + SQLText.page(page)).all()
            return Page(items: try rows.map(Self.alert(from:)), total: total, request: page)
        }
    }

    public func incidents(_ filter: IncidentFilter, page: PageRequest) async throws -> Page<Incident> {
        var conditions: [SQL] = []
        if let service = filter.serviceID {
            conditions.append("id IN (SELECT incident_id FROM incident_services WHERE service_id = \(bind: service.db))")
        }
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if filter.openOnly { conditions.append("status <> 'resolved'") }
        let whereClause = SQLText.whereClause(conditions)
        // Open incidents: the worst first (SEV1 sorts before SEV2), then the one burning longest. Other lists: newest first.
        let order: SQL = filter.openOnly ? " ORDER BY severity, created_at, number" : " ORDER BY number DESC"
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM incidents" + whereClause)
            let rows = try await db.raw("SELECT * FROM incidents" + whereClause + order + SQLText.page(page)).all()
            return Page(items: try await Self.incidents(from: rows, db), total: total, request: page)
        }
    }

    public func alert(id: UUID) async throws -> Alert? {
        try await database.read { db in
            try await db.raw("SELECT * FROM alerts WHERE id = \(bind: id.db)").first().map(Self.alert(from:))
        }
    }

    public func incidents(ids: [UUID]) async throws -> [Incident] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            var found: [Incident] = []
            for chunk in ids.map(\.db).chunks(of: IngestTransaction.rowsPerStatement) {
                let rows = try await db.raw("SELECT * FROM incidents WHERE id IN (\(binds: Array(chunk)))").all()
                found += try await Self.incidents(from: rows, db)
            }
            return found
        }
    }

    public func mutedSummary(byIncidentID id: UUID) async throws -> [MutedCount] {
        try await database.read { db in
            try await db.raw("""
                SELECT service_id, severity, COUNT(*) AS n FROM alerts WHERE muted_by_incident_id = \(bind: id.db)
                GROUP BY service_id, severity ORDER BY service_id, severity
                """).all().compactMap { row in
                guard let severity = AlertSeverity(rawValue: try row.decode(column: "severity", as: String.self)) else { return nil }
                return MutedCount(serviceID: try row.id("service_id"), severity: severity, count: try row.decode(column: "n", as: Int.self))
            }
        }
    }

    public func serviceHealth(serviceIDs: [UUID]) async throws -> [UUID: ServiceHealth] {
        guard !serviceIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var health: [UUID: ServiceHealth] = [:]
            for chunk in serviceIDs.map(\.db).chunks(of: IngestTransaction.rowsPerStatement) {
                for row in try await db.raw("""
                    SELECT x.service_id, i.severity, i.status, COUNT(*) AS n FROM incidents i JOIN incident_services x ON x.incident_id = i.id
                    WHERE i.status <> 'resolved' AND x.service_id IN (\(binds: Array(chunk))) GROUP BY x.service_id, i.severity, i.status
                    """).all() {
                    let service = try row.id("service_id")
                    let n = try row.decode(column: "n", as: Int.self)
                    var h = health[service] ?? ServiceHealth()
                    h.openIncidents += n
                    if try row.decode(column: "status", as: String.self) == IncidentStatus.triggered.rawValue { h.unacknowledged += n }
                    if let severity = IncidentSeverity(rawValue: try row.decode(column: "severity", as: String.self)) {
                        h.worst = max(h.worst ?? severity, severity)
                    }
                    health[service] = h
                }
                for row in try await db.raw("""
                    SELECT service_id, COUNT(*) AS n FROM alerts WHERE muted_reason IS NOT NULL AND status <> 'resolved'
                    AND service_id IN (\(binds: Array(chunk))) GROUP BY service_id
                    """).all() {
                    let service = try row.id("service_id")
                    health[service, default: ServiceHealth()].mutedAlerts = try row.decode(column: "n", as: Int.self)
                }
            }
            return health
        }
    }

    public func incident(id: UUID) async throws -> Incident? {
        try await database.read { db in
            let rows = try await db.raw("SELECT * FROM incidents WHERE id = \(bind: id.db)").all()
            return try await Self.incidents(from: rows, db).first
        }
    }

    private static func incidents(from rows: [Row], _ db: any DatabaseSession) async throws -> [Incident] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.id("id") }
        var services: [UUID: [UUID]] = [:]
        for row in try await db.raw("SELECT incident_id, service_id FROM incident_services WHERE incident_id IN (\(binds: ids.map(\.db)))").all() {
            services[try row.id("incident_id"), default: []].append(try row.id("service_id"))
        }
        var counts: [UUID: Int] = [:]
        for row in try await db.raw("""
            SELECT incident_id, COUNT(*) AS n FROM alerts WHERE incident_id IN (\(binds: ids.map(\.db))) GROUP BY incident_id
            """).all() {
            counts[try row.id("incident_id")] = try row.decode(column: "n", as: Int.self)
        }
        return try rows.map { row in
            let id = try row.id("id")
            return Incident(
                id: id, number: try row.decode(column: "number", as: Int.self), title: try row.decode(column: "title", as: String.self),
                status: IncidentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered,
                severity: IncidentSeverity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .sev4,
                serviceIDs: (services[id] ?? []).sorted { $0.db < $1.db }, alertCount: counts[id] ?? 0,
                detectionSource: DetectionSource(rawValue: try row.decode(column: "detection_source", as: String.self)) ?? .monitoring,
                createdAt: try row.decode(column: "created_at", as: Date.self),
                acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self),
                resolvedAt: try row.decode(column: "resolved_at", as: Date?.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self),
                acknowledgedBy: try row.optionalID("acknowledged_by"), resolvedBy: try row.optionalID("resolved_by"))
        }
    }

    static func alert(from row: Row) throws -> Alert {
        let content = AlertContent(
            dedupKey: try row.decode(column: "dedup_key", as: String.self),
            summary: try row.decode(column: "summary", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            severity: AlertSeverity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .error,
            component: try row.decode(column: "component", as: String?.self),
            group: try row.decode(column: "group_name", as: String?.self),
            eventClass: try row.decode(column: "class", as: String?.self),
            labels: try decodeJSON([String: String].self, row, "labels"),
            details: try decodeJSON(JSONValue.self, row, "details"),
            links: try decodeJSON([AlertLink].self, row, "links"),
            images: try decodeJSON([AlertImage].self, row, "images"),
            client: try row.decode(column: "client", as: String?.self),
            clientURL: try row.decode(column: "client_url", as: String?.self),
            detectionSource: DetectionSource(rawValue: try row.decode(column: "detection_source", as: String.self)) ?? .monitoring)
        var alert = Alert(id: try row.id("id"), serviceID: try row.id("service_id"), integrationKeyID: try row.optionalID("integration_key_id"),
                          content: content, incidentID: try row.optionalID("incident_id"),
                          now: try row.decode(column: "first_seen_at", as: Date.self))
        alert.status = AlertStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered
        alert.occurrences = try row.decode(column: "occurrences", as: Int.self)
        alert.lastSeenAt = try row.decode(column: "last_seen_at", as: Date.self)
        alert.acknowledgedAt = try row.decode(column: "acknowledged_at", as: Date?.self)
        alert.resolvedAt = try row.decode(column: "resolved_at", as: Date?.self)
        alert.mutedReason = try row.decode(column: "muted_reason", as: String?.self)
        alert.muteKind = try row.decode(column: "mute_kind", as: String?.self).flatMap(MuteKind.init(rawValue:))
        alert.mutedByIncidentID = try row.optionalID("muted_by_incident_id")
        alert.groupingReason = try row.decode(column: "grouping_reason", as: String?.self)
        return alert
    }

    static func json(_ value: some Encodable) throws -> String {
        // The shapes every stored alert has are written directly; JSONEncoder is slow on the ingestion path.
        if let value = value as? JSONValue { return value.jsonText }
        if let labels = value as? [String: String] { return JSONValue.object(labels.mapValues(JSONValue.string)).jsonText }
        if let list = value as? [AlertLink], list.isEmpty { return "[]" }
        if let list = value as? [AlertImage], list.isEmpty { return "[]" }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    /// A stored JSON column, read by the JSON reader and decoded from its value: `JSONDecoder` is several times slower,
    /// and lists of services and schedules read one of these per row.
    static func decodeJSON<T: Decodable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T {
        try JSONValueDecoder().decode(T.self, from: try row.decode(column: column, as: String.self))
    }
}
