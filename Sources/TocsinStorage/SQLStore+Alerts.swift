import Foundation
import SQLKit
import TocsinCore

extension SQLStore: AlertRepository {
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
        try await database.read { db in
            try await db.raw("SELECT * FROM integration_keys WHERE secret_hash = \(bind: secretHash)").first().map(Self.integrationKey(from:))
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
    }

    static func integrationKey(from row: any SQLRow) throws -> IntegrationKey {
        var key = IntegrationKey(
            id: try row.id("id"), serviceID: try row.id("service_id"),
            type: IntegrationType(rawValue: try row.decode(column: "type", as: String.self)) ?? .generic,
            name: try row.decode(column: "name", as: String.self), hint: try row.decode(column: "hint", as: String.self),
            rateLimitPerMinute: try row.decode(column: "rate_limit_per_minute", as: Int?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
        key.settings = try decodeJSON(JSONValue.self, row, "settings")
        return key
    }

    // MARK: Ingestion

    public func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, now: Date) async throws -> [IngestOutcome] {
        let kind = database.kind
        return try await database.write { db in
            if kind == .postgres {
                // One ingestion at a time, as SQLite's single writer does: no lock-order deadlocks between batches,
                // and two alerts cannot both find "no incident to join" at once.
                try await db.raw("SELECT pg_advisory_xact_lock(7262820)").run()
            }
            var outcomes: [IngestOutcome] = []
            for event in events {
                outcomes.append(try await Self.ingestOne(event, serviceID: serviceID, integrationKeyID: integrationKeyID, now: now, kind: kind, db))
            }
            return outcomes
        }
    }

    private static func ingestOne(_ raw: AlertEvent, serviceID incomingService: UUID, integrationKeyID: UUID?, now: Date, kind: DatabaseKind,
                                  _ db: any SQLDatabase) async throws -> IngestOutcome {
        let incoming = raw.withoutNULs
        let rules = try await eventRules(of: incomingService, db)
        var event = incoming
        var serviceID = incomingService
        var existing: Alert?
        if incoming.action == .trigger && incoming.detectionSource == .monitoring {
            // The receiving service's rules act on machine triggers: drop, change, or hand to another service.
            switch EventRuling.apply(rules, to: incoming, serviceID: incomingService) {
            case .drop(let reason):
                return IngestOutcome(decision: .ignore(reason), alertID: nil, incidentID: nil)
            case .keep(let kept, let target):
                (event, serviceID) = (kept, target)
            }
            existing = try await openAlert(serviceID: serviceID, dedupKey: event.dedupKey, db)
        } else {
            // An acknowledge or resolve carries only the key: it finds its alert here, or where a route rule sent the trigger.
            let routes = rules.compactMap { rule -> UUID? in if case .route(let target) = rule.action { return target } else { return nil } }
            for candidate in [incomingService] + routes.uniqued() {
                if let found = try await openAlert(serviceID: candidate, dedupKey: incoming.dedupKey, db) {
                    (existing, serviceID) = (found, candidate)
                    break
                }
            }
        }
        let decision = AlertDecision.decide(event, open: existing)
        switch decision {
        case .open:
            let place = try await Self.placement(for: event, serviceID: serviceID, now: now, db)
            var alert = Alert(id: UUID(), serviceID: serviceID, integrationKeyID: integrationKeyID, event: event, incidentID: place.incidentID, now: now)
            alert.groupingReason = place.groupingReason
            alert.mutedReason = place.mutedReason
            try await Self.insert(alert, db)
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: place.incidentID)
        case .repeatOccurrence:
            var alert = existing!
            if let incident = alert.incidentID, event.severity > alert.severity {
                // Worse than before: the incident follows its worst alert.
                try await raiseSeverity(of: incident, to: try await incidentSeverity(for: event, serviceID: serviceID, db), now: now, db)
            }
            if alert.incidentID == nil {
                // Muted when it began: once the mute is over, a repeat opens (or joins) its incident.
                let place = try await Self.placement(for: event, serviceID: serviceID, now: now, db)
                try await db.raw("""
                    UPDATE alerts SET incident_id = \(bind: place.incidentID?.db), grouping_reason = \(bind: place.groupingReason),
                        muted_reason = \(bind: place.mutedReason)
                    WHERE id = \(bind: alert.id.db)
                    """).run()
                alert.incidentID = place.incidentID
            }
            try await db.raw("""
                UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = \(bind: now), summary = \(bind: event.summary),
                    severity = \(bind: event.severity.rawValue), source = \(bind: event.source), details = \(bind: try Self.json(event.details)),
                    labels = \(bind: try Self.json(event.labels))
                WHERE id = \(bind: alert.id.db)
                """).run()
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: alert.incidentID)
        case .acknowledge, .resolve:
            let alert = existing!
            let status: AlertStatus = decision == .resolve ? .resolved : .acknowledged
            try await Self.setAlertStatus([alert.id], to: status, now: now, db)
            if let incident = alert.incidentID { try await Self.rollUpIncident(incident, now: now, db) }
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: alert.incidentID)
        case .ignore:
            return IngestOutcome(decision: decision, alertID: existing?.id, incidentID: existing?.incidentID)
        }
    }

    static func openAlert(serviceID: UUID, dedupKey: String, _ db: any SQLDatabase) async throws -> Alert? {
        try await db.raw("""
            SELECT * FROM alerts WHERE service_id = \(bind: serviceID.db) AND dedup_key = \(bind: dedupKey) AND status <> 'resolved'
            """).first().map(alert(from:))
    }

    private static func incidentSeverity(for event: AlertEvent, serviceID: UUID, _ db: any SQLDatabase) async throws -> IncidentSeverity {
        guard let row = try await db.raw("SELECT tier, severity_overrides FROM services WHERE id = \(bind: serviceID.db)").first() else {
            return SeverityMatrix.standard.severity(for: event.severity, tier: Service.defaultTier)
        }
        return SeverityMatrix.standard.severity(for: event.severity, tier: try row.decode(column: "tier", as: Int.self),
                                                overrides: try severityOverrides(from: row))
    }

    /// Where a new alert goes: muted (stored, no incident, nobody paged), or into an incident by the service's grouping.
    private static func placement(for event: AlertEvent, serviceID: UUID, now: Date, _ db: any SQLDatabase) async throws
        -> (incidentID: UUID?, groupingReason: String?, mutedReason: String?) {
        guard let serviceRow = try await db.raw("SELECT * FROM services WHERE id = \(bind: serviceID.db)").first() else {
            throw DomainError.notFound("service \(serviceID.db) not found")
        }
        let silences = try await db.raw("""
            SELECT * FROM silences WHERE starts_at <= \(bind: now) AND ends_at > \(bind: now)
            AND (service_id IS NULL OR service_id = \(bind: serviceID.db)) ORDER BY created_at
            """).all().map(silence(from:))
        let windows = try await db.raw("SELECT * FROM maintenance_windows WHERE service_id = \(bind: serviceID.db)").all().map(window(from:))
        let blocking = try await db.raw("""
            SELECT s.name, i.number FROM incidents i
            JOIN incident_services x ON x.incident_id = i.id JOIN services s ON s.id = x.service_id
            WHERE i.status <> 'resolved' AND x.service_id IN (SELECT depends_on_id FROM service_dependencies WHERE service_id = \(bind: serviceID.db))
            ORDER BY i.number LIMIT 1
            """).first().map { (name: try $0.decode(column: "name", as: String.self), incident: try $0.decode(column: "number", as: Int.self)) }
        if let muted = MuteDecision.reason(for: event, serviceID: serviceID, silences: silences, windows: windows,
                                           blockingDependency: blocking, now: now) {
            return (nil, nil, muted)
        }
        if let flaps = try flapDetection(from: serviceRow) {
            let since = now.addingTimeInterval(-Double(flaps.windowMinutes) * 60)
            let opens = try await db.count("""
                SELECT COUNT(*) AS n FROM alerts WHERE service_id = \(bind: serviceID.db) AND dedup_key = \(bind: event.dedupKey)
                AND first_seen_at >= \(bind: since)
                """)
            let resolves = try await db.count("""
                SELECT COUNT(*) AS n FROM alerts WHERE service_id = \(bind: serviceID.db) AND dedup_key = \(bind: event.dedupKey)
                AND resolved_at >= \(bind: since)
                """)
            if let flapping = flaps.reason(opens: opens, resolves: resolves) { return (nil, nil, flapping) }
        }
        let severity = SeverityMatrix.standard.severity(for: event.severity, tier: try serviceRow.decode(column: "tier", as: Int.self),
                                                        overrides: try severityOverrides(from: serviceRow))
        let grouping = try grouping(from: serviceRow)
        let candidates = try await groupingCandidates(of: serviceID, grouping: grouping, event: event, now: now, db)
        switch GroupingDecision.decide(grouping, event: event, open: candidates, now: now) {
        case .join(let id, let why):
            try await raiseSeverity(of: id, to: severity, now: now, db)
            try await retrigger(id, now: now, db)
            return (id, why, nil)
        case .open(let groupKey, let why):
            return (try await openIncident(for: event, serviceID: serviceID, severity: severity, groupKey: groupKey, now: now, db), why, nil)
        }
    }

    /// The one open incident grouping could join: none for one-per-alert, the newest within the window, or the
    /// one with the same group key. Never all open incidents, so a backlog of them does not slow ingestion.
    private static func groupingCandidates(of serviceID: UUID, grouping: AlertGrouping, event: AlertEvent, now: Date,
                                           _ db: any SQLDatabase) async throws -> [OpenIncident] {
        let condition: SQLQueryString
        switch grouping {
        case .perAlert:
            return []
        case .timeWindow(let minutes):
            condition = " AND i.created_at >= \(bind: now.addingTimeInterval(-Double(minutes) * 60))"
        case .sharedLabels:
            guard let key = grouping.groupKey(for: event) else { return [] }
            condition = " AND i.group_key = \(bind: key)"
        }
        return try await db.raw("""
            SELECT i.id, i.number, i.created_at, i.group_key FROM incidents i JOIN incident_services x ON x.incident_id = i.id
            WHERE x.service_id = \(bind: serviceID.db) AND i.status <> 'resolved'
            """ + condition + " ORDER BY i.created_at DESC, i.number DESC LIMIT 1").all().map { row in
            OpenIncident(id: try row.id("id"), number: try row.decode(column: "number", as: Int.self),
                         createdAt: try row.decode(column: "created_at", as: Date.self), groupKey: try row.decode(column: "group_key", as: String?.self))
        }
    }

    /// A new alert in an acknowledged incident needs someone again.
    private static func retrigger(_ incidentID: UUID, now: Date, _ db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE incidents SET status = 'triggered', updated_at = \(bind: now) WHERE id = \(bind: incidentID.db) AND status = 'acknowledged'
            """).run()
    }

    /// A worse alert joining an incident makes the incident worse; a milder one leaves it.
    private static func raiseSeverity(of incidentID: UUID, to severity: IncidentSeverity, now: Date, _ db: any SQLDatabase) async throws {
        guard let current = try await db.raw("SELECT severity FROM incidents WHERE id = \(bind: incidentID.db)")
            .first(decodingColumn: "severity", as: String.self).flatMap(IncidentSeverity.init(rawValue:)) else { return }
        let raised = max(current, severity)
        try await db.raw("""
            UPDATE incidents SET severity = \(bind: raised.rawValue), updated_at = \(bind: now) WHERE id = \(bind: incidentID.db)
            """).run()
    }

    private static func openIncident(for event: AlertEvent, serviceID: UUID, severity: IncidentSeverity, groupKey: String?,
                                     now: Date, _ db: any SQLDatabase) async throws -> UUID {
        guard let number = try await db.raw("UPDATE counters SET value = value + 1 WHERE name = 'incident_number' RETURNING value")
            .first(decodingColumn: "value", as: Int.self)
        else { throw DomainError.conflict("the incident counter is missing") }
        let id = UUID()
        let title = event.summary.isEmpty ? event.dedupKey : event.summary
        try await db.raw("""
            INSERT INTO incidents (id, number, title, status, severity, detection_source, group_key, created_at, updated_at)
            VALUES (\(bind: id.db), \(bind: number), \(bind: String(title.prefix(1024))), 'triggered', \(bind: severity.rawValue),
                    \(bind: event.detectionSource.rawValue), \(bind: groupKey), \(bind: now), \(bind: now))
            """).run()
        try await db.raw("INSERT INTO incident_services (incident_id, service_id) VALUES (\(bind: id.db), \(bind: serviceID.db))").run()
        return id
    }

    private static func setAlertStatus(_ ids: [UUID], to status: AlertStatus, now: Date, _ db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let column: SQLQueryString = status == .resolved ? "resolved_at" : "acknowledged_at"
        try await db.raw("""
            UPDATE alerts SET status = \(bind: status.rawValue), \(column) = \(bind: now)
            WHERE id IN (\(binds: ids.map(\.db))) AND status <> 'resolved'
            """).run()
    }

    /// An incident is resolved when none of its alerts is open, acknowledged when none is still triggered.
    private static func rollUpIncident(_ id: UUID, now: Date, _ db: any SQLDatabase) async throws {
        let statuses = try await db.raw("SELECT status FROM alerts WHERE incident_id = \(bind: id.db)").all(decodingColumn: "status", as: String.self)
        let open = statuses.filter { $0 != AlertStatus.resolved.rawValue }
        if open.isEmpty {
            try await db.raw("""
                UPDATE incidents SET status = 'resolved', resolved_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: id.db) AND status <> 'resolved'
                """).run()
        } else if !open.contains(AlertStatus.triggered.rawValue) {
            try await db.raw("""
                UPDATE incidents SET status = 'acknowledged', acknowledged_at = COALESCE(acknowledged_at, \(bind: now)), updated_at = \(bind: now)
                WHERE id = \(bind: id.db) AND status = 'triggered'
                """).run()
        }
    }

    public func setIncidentStatus(id: UUID, to status: IncidentStatus, now: Date) async throws -> Incident {
        try await database.write { db in
            guard let current = try await db.raw("SELECT status FROM incidents WHERE id = \(bind: id.db)").first(decodingColumn: "status", as: String.self)
            else { throw DomainError.notFound("incident \(id.db) not found") }
            switch status {
            case .acknowledged:
                guard current == IncidentStatus.triggered.rawValue else {
                    throw DomainError.conflict("the incident is already \(current)", field: "status")
                }
                try await db.raw("""
                    UPDATE alerts SET status = 'acknowledged', acknowledged_at = \(bind: now) WHERE incident_id = \(bind: id.db) AND status = 'triggered'
                    """).run()
                try await db.raw("""
                    UPDATE incidents SET status = 'acknowledged', acknowledged_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: id.db)
                    """).run()
            case .resolved:
                guard current != IncidentStatus.resolved.rawValue else { throw DomainError.conflict("the incident is already resolved", field: "status") }
                // A person resolved these: they count as handled (acknowledged), not as resolving themselves.
                try await db.raw("""
                    UPDATE alerts SET status = 'resolved', resolved_at = \(bind: now), acknowledged_at = COALESCE(acknowledged_at, \(bind: now))
                    WHERE incident_id = \(bind: id.db) AND status <> 'resolved'
                    """).run()
                try await db.raw("""
                    UPDATE incidents SET status = 'resolved', resolved_at = \(bind: now),
                        acknowledged_at = COALESCE(acknowledged_at, \(bind: now)), updated_at = \(bind: now)
                    WHERE id = \(bind: id.db)
                    """).run()
            case .triggered:
                throw DomainError.invalid("status", "an incident cannot be set back to triggered")
            }
            guard let row = try await db.raw("SELECT * FROM incidents WHERE id = \(bind: id.db)").first() else {
                throw DomainError.notFound("incident \(id.db) not found")
            }
            return try await Self.incidents(from: [row], db)[0]
        }
    }

    public func alertFacts(serviceID: UUID?, from: Date, to: Date, limit: Int) async throws -> [NoiseReport.AlertFact] {
        let service: SQLQueryString = serviceID.map { " AND service_id = \(bind: $0.db)" } ?? ""
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
        var conditions: [SQLQueryString] = []
        if let service = filter.serviceID { conditions.append("service_id = \(bind: service.db)") }
        if let incident = filter.incidentID { conditions.append("incident_id = \(bind: incident.db)") }
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM alerts" + whereClause)
            let rows = try await db.raw("SELECT * FROM alerts" + whereClause + " ORDER BY last_seen_at DESC, id" + SQLText.page(page)).all()
            return Page(items: try rows.map(Self.alert(from:)), total: total, request: page)
        }
    }

    public func incidents(_ filter: IncidentFilter, page: PageRequest) async throws -> Page<Incident> {
        var conditions: [SQLQueryString] = []
        if let service = filter.serviceID {
            conditions.append("id IN (SELECT incident_id FROM incident_services WHERE service_id = \(bind: service.db))")
        }
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if filter.openOnly { conditions.append("status <> 'resolved'") }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM incidents" + whereClause)
            let rows = try await db.raw("SELECT * FROM incidents" + whereClause
                + " ORDER BY CASE status WHEN 'triggered' THEN 0 ELSE 1 END, number DESC" + SQLText.page(page)).all()
            return Page(items: try await Self.incidents(from: rows, db), total: total, request: page)
        }
    }

    public func incident(id: UUID) async throws -> Incident? {
        try await database.read { db in
            let rows = try await db.raw("SELECT * FROM incidents WHERE id = \(bind: id.db)").all()
            return try await Self.incidents(from: rows, db).first
        }
    }

    private static func incidents(from rows: [any SQLRow], _ db: any SQLDatabase) async throws -> [Incident] {
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
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    private static func insert(_ alert: Alert, _ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO alerts (id, service_id, integration_key_id, dedup_key, status, severity, summary, source, component, group_name, class,
                labels, details, links, images, client, client_url, detection_source, incident_id, occurrences, first_seen_at, last_seen_at,
                acknowledged_at, resolved_at, muted_reason, grouping_reason)
            VALUES (\(bind: alert.id.db), \(bind: alert.serviceID.db), \(bind: alert.integrationKeyID?.db), \(bind: alert.dedupKey),
                \(bind: alert.status.rawValue), \(bind: alert.severity.rawValue), \(bind: alert.summary), \(bind: alert.source),
                \(bind: alert.component), \(bind: alert.group), \(bind: alert.eventClass), \(bind: try json(alert.labels)),
                \(bind: try json(alert.details)), \(bind: try json(alert.links)), \(bind: try json(alert.images)), \(bind: alert.client),
                \(bind: alert.clientURL), \(bind: alert.detectionSource.rawValue), \(bind: alert.incidentID?.db), \(bind: alert.occurrences),
                \(bind: alert.firstSeenAt), \(bind: alert.lastSeenAt), \(bind: alert.acknowledgedAt), \(bind: alert.resolvedAt), \(bind: alert.mutedReason),
                \(bind: alert.groupingReason))
            """).run()
    }

    static func alert(from row: any SQLRow) throws -> Alert {
        var alert = Alert(id: try row.id("id"), serviceID: try row.id("service_id"), integrationKeyID: try row.optionalID("integration_key_id"),
                          event: AlertEvent(action: .trigger, dedupKey: try row.decode(column: "dedup_key", as: String.self)),
                          incidentID: try row.optionalID("incident_id"), now: try row.decode(column: "first_seen_at", as: Date.self))
        alert.status = AlertStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered
        alert.severity = AlertSeverity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .error
        alert.summary = try row.decode(column: "summary", as: String.self)
        alert.source = try row.decode(column: "source", as: String.self)
        alert.component = try row.decode(column: "component", as: String?.self)
        alert.group = try row.decode(column: "group_name", as: String?.self)
        alert.eventClass = try row.decode(column: "class", as: String?.self)
        alert.labels = try decodeJSON([String: String].self, row, "labels")
        alert.details = try decodeJSON(JSONValue.self, row, "details")
        alert.links = try decodeJSON([AlertLink].self, row, "links")
        alert.images = try decodeJSON([AlertImage].self, row, "images")
        alert.client = try row.decode(column: "client", as: String?.self)
        alert.clientURL = try row.decode(column: "client_url", as: String?.self)
        alert.detectionSource = DetectionSource(rawValue: try row.decode(column: "detection_source", as: String.self)) ?? .monitoring
        alert.occurrences = try row.decode(column: "occurrences", as: Int.self)
        alert.lastSeenAt = try row.decode(column: "last_seen_at", as: Date.self)
        alert.acknowledgedAt = try row.decode(column: "acknowledged_at", as: Date?.self)
        alert.resolvedAt = try row.decode(column: "resolved_at", as: Date?.self)
        alert.mutedReason = try row.decode(column: "muted_reason", as: String?.self)
        alert.groupingReason = try row.decode(column: "grouping_reason", as: String?.self)
        return alert
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ row: any SQLRow, _ column: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try row.decode(column: column, as: String.self).utf8))
    }
}
