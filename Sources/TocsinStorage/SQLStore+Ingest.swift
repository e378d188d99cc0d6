import Foundation
import SQLKit
import TocsinCore

/// One caller's events: applied in order, all or none, answered after their transaction commits.
struct IngestRequest: Sendable {
    var events: [AlertEvent]
    var serviceID: UUID
    var integrationKeyID: UUID?
    var now: Date
}

/// Group commit. Ingestions that arrive while a transaction runs wait for it and then share the next one,
/// so a storm of events costs one commit (one fsync) per batch instead of one per event, and each service's
/// settings are read once per batch. Nobody is answered before the transaction holding their events commits.
actor IngestBatcher {
    /// A bound on one transaction, so a burst cannot build a transaction that holds the writer for long.
    static let maximumEventsPerTransaction = 500

    private struct Waiting {
        var request: IngestRequest
        var continuation: CheckedContinuation<[IngestOutcome], any Error>
    }

    private let database: Database
    private var waiting: [Waiting] = []
    private var draining = false

    init(database: Database) {
        self.database = database
    }

    func submit(_ request: IngestRequest) async throws -> [IngestOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(request: request, continuation: continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            var taken = 0
            var events = 0
            while taken < waiting.count && (taken == 0 || events + waiting[taken].request.events.count <= Self.maximumEventsPerTransaction) {
                events += waiting[taken].request.events.count
                taken += 1
            }
            let batch = Array(waiting.prefix(taken))
            waiting.removeFirst(taken)
            // While this runs, new arrivals queue up for the next batch.
            await run(batch)
        }
        draining = false
    }

    private func run(_ batch: [Waiting]) async {
        do {
            let outcomes = try await SQLStore.ingest(batch.map(\.request), database: database)
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
        } catch where batch.count > 1 {
            // One caller's failure must not fail the others: each gets a transaction of its own.
            for waiting in batch {
                do {
                    waiting.continuation.resume(returning: try await SQLStore.ingest([waiting.request], database: database)[0])
                } catch {
                    waiting.continuation.resume(throwing: error)
                }
            }
        } catch {
            batch[0].continuation.resume(throwing: error)
        }
    }
}

/// What ingestion reads about a service, read at most once per transaction.
struct IngestSettings {
    var tier: Int
    var severityOverrides: [AlertSeverity: IncidentSeverity]
    var flaps: FlapDetection?
    var grouping: AlertGrouping
    var rules: [EventRule]
    /// Silences that may apply to the service (its own and global ones) during the batch.
    var silences: [Silence]
    var windows: [MaintenanceWindow]
    var hasDependencies: Bool

    func incidentSeverity(for event: AlertEvent) -> IncidentSeverity {
        SeverityMatrix.standard.severity(for: event.severity, tier: tier, overrides: severityOverrides)
    }
}

/// One ingestion transaction: the connection, and the service settings it has read so far. Settings cannot
/// change under it: the transaction holds the writer (SQLite) or the ingestion lock (PostgreSQL), and a change
/// committed by another writer meanwhile is simply ordered after this batch.
final class IngestTransaction {
    let db: any SQLDatabase
    /// The earliest clock reading in the batch: silences that ended before it cannot matter.
    private let earliest: Date
    private var settings: [UUID: IngestSettings?] = [:]

    init(db: any SQLDatabase, earliest: Date) {
        self.db = db
        self.earliest = earliest
    }

    /// Nil for a service that no longer exists.
    func settings(of serviceID: UUID) async throws -> IngestSettings? {
        if let known = settings[serviceID] { return known }
        let loaded = try await load(serviceID)
        settings[serviceID] = .some(loaded)
        return loaded
    }

    private func load(_ serviceID: UUID) async throws -> IngestSettings? {
        guard let row = try await db.raw("SELECT * FROM services WHERE id = \(bind: serviceID.db)").first() else { return nil }
        let silences = try await db.raw("""
            SELECT * FROM silences WHERE ends_at > \(bind: earliest) AND (service_id IS NULL OR service_id = \(bind: serviceID.db))
            ORDER BY created_at
            """).all().map(SQLStore.silence(from:))
        let windows = try await db.raw("SELECT * FROM maintenance_windows WHERE service_id = \(bind: serviceID.db)").all()
            .map(SQLStore.window(from:))
        let dependencies = try await db.count("SELECT COUNT(*) AS n FROM service_dependencies WHERE service_id = \(bind: serviceID.db)")
        return IngestSettings(
            tier: try row.decode(column: "tier", as: Int.self), severityOverrides: try SQLStore.severityOverrides(from: row),
            flaps: try SQLStore.flapDetection(from: row), grouping: try SQLStore.grouping(from: row),
            rules: try await SQLStore.eventRules(of: serviceID, db), silences: silences, windows: windows, hasDependencies: dependencies > 0)
    }
}

extension SQLStore {
    // MARK: Ingestion

    public func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, now: Date) async throws -> [IngestOutcome] {
        guard !events.isEmpty else { return [] }
        return try await batcher.submit(IngestRequest(events: events, serviceID: serviceID, integrationKeyID: integrationKeyID, now: now))
    }

    /// Applies each request's events in order, all requests in one transaction.
    static func ingest(_ requests: [IngestRequest], database: Database) async throws -> [[IngestOutcome]] {
        let kind = database.kind
        let earliest = requests.map(\.now).min() ?? Date()
        return try await database.write { db in
            if kind == .postgres {
                // One ingestion at a time, as SQLite's single writer does: no lock-order deadlocks between batches,
                // and two alerts cannot both find "no incident to join" at once.
                try await db.raw("SELECT pg_advisory_xact_lock(7262820)").run()
            }
            let tx = IngestTransaction(db: db, earliest: earliest)
            var all: [[IngestOutcome]] = []
            for request in requests {
                var outcomes: [IngestOutcome] = []
                for event in request.events {
                    outcomes.append(try await ingestOne(event, serviceID: request.serviceID, integrationKeyID: request.integrationKeyID,
                                                        now: request.now, tx))
                }
                all.append(outcomes)
            }
            return all
        }
    }

    private static func ingestOne(_ raw: AlertEvent, serviceID incomingService: UUID, integrationKeyID: UUID?, now: Date,
                                  _ tx: IngestTransaction) async throws -> IngestOutcome {
        let db = tx.db
        let incoming = raw.withoutNULs
        let rules = try await tx.settings(of: incomingService)?.rules ?? []
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
            let place = try await placement(for: event, serviceID: serviceID, now: now, tx)
            var alert = Alert(id: UUID(), serviceID: serviceID, integrationKeyID: integrationKeyID, event: event, incidentID: place.incidentID, now: now)
            alert.groupingReason = place.groupingReason
            alert.mutedReason = place.mutedReason
            try await insert(alert, db)
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: place.incidentID)
        case .repeatOccurrence:
            var alert = existing!
            if let incident = alert.incidentID, event.severity > alert.severity, let settings = try await tx.settings(of: serviceID) {
                // Worse than before: the incident follows its worst alert.
                try await raiseSeverity(of: incident, to: settings.incidentSeverity(for: event), now: now, db)
            }
            var placed: SQLQueryString = ""
            if alert.incidentID == nil {
                // Muted when it began: once the mute is over, a repeat opens (or joins) its incident.
                let place = try await placement(for: event, serviceID: serviceID, now: now, tx)
                placed = ", incident_id = \(bind: place.incidentID?.db), grouping_reason = \(bind: place.groupingReason), muted_reason = \(bind: place.mutedReason)"
                alert.incidentID = place.incidentID
            }
            try await db.raw("""
                UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = \(bind: now), summary = \(bind: event.summary),
                    severity = \(bind: event.severity.rawValue), source = \(bind: event.source), details = \(bind: try json(event.details)),
                    labels = \(bind: try json(event.labels))
                """ + placed + " WHERE id = \(bind: alert.id.db)").run()
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: alert.incidentID)
        case .acknowledge, .resolve:
            let alert = existing!
            let status: AlertStatus = decision == .resolve ? .resolved : .acknowledged
            try await setAlertStatus([alert.id], to: status, now: now, db)
            if let incident = alert.incidentID { try await rollUpIncident(incident, now: now, db) }
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

    /// Where a new alert goes: muted (stored, no incident, nobody paged), or into an incident by the service's grouping.
    private static func placement(for event: AlertEvent, serviceID: UUID, now: Date, _ tx: IngestTransaction) async throws
        -> (incidentID: UUID?, groupingReason: String?, mutedReason: String?) {
        let db = tx.db
        guard let settings = try await tx.settings(of: serviceID) else { throw DomainError.notFound("service \(serviceID.db) not found") }
        // Only a service with dependencies can be inhibited; most have none and skip the query.
        let blocking = settings.hasDependencies ? try await db.raw("""
            SELECT s.name, i.number FROM incidents i
            JOIN incident_services x ON x.incident_id = i.id JOIN services s ON s.id = x.service_id
            WHERE i.status <> 'resolved' AND x.service_id IN (SELECT depends_on_id FROM service_dependencies WHERE service_id = \(bind: serviceID.db))
            ORDER BY i.number LIMIT 1
            """).first().map { (name: try $0.decode(column: "name", as: String.self), incident: try $0.decode(column: "number", as: Int.self)) } : nil
        if let muted = MuteDecision.reason(for: event, serviceID: serviceID, silences: settings.silences, windows: settings.windows,
                                           blockingDependency: blocking, now: now) {
            return (nil, nil, muted)
        }
        if let flaps = settings.flaps {
            let since = now.addingTimeInterval(-Double(flaps.windowMinutes) * 60)
            let counts = try await db.raw("""
                SELECT COALESCE(SUM(CASE WHEN first_seen_at >= \(bind: since) THEN 1 ELSE 0 END), 0) AS opens,
                       COALESCE(SUM(CASE WHEN resolved_at >= \(bind: since) THEN 1 ELSE 0 END), 0) AS resolves
                FROM alerts WHERE service_id = \(bind: serviceID.db) AND dedup_key = \(bind: event.dedupKey)
                """).first()
            let opens = try counts?.decode(column: "opens", as: Int.self) ?? 0
            let resolves = try counts?.decode(column: "resolves", as: Int.self) ?? 0
            if let flapping = flaps.reason(opens: opens, resolves: resolves) { return (nil, nil, flapping) }
        }
        let severity = settings.incidentSeverity(for: event)
        let candidates = try await groupingCandidates(of: serviceID, grouping: settings.grouping, event: event, now: now, db)
        switch GroupingDecision.decide(settings.grouping, event: event, open: candidates, now: now) {
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

    /// A worse alert joining an incident makes the incident worse; a milder one leaves it. Severities are named
    /// SEV1…SEV4, so the worse of two is the smaller name.
    private static func raiseSeverity(of incidentID: UUID, to severity: IncidentSeverity, now: Date, _ db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE incidents SET severity = \(bind: severity.rawValue), updated_at = \(bind: now)
            WHERE id = \(bind: incidentID.db) AND severity > \(bind: severity.rawValue)
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
}
