import Foundation
import TocsinCore

/// One ingestion transaction over a batch of events. It reads what the batch needs up front (each service's
/// settings, the open alerts of every dedup key in the batch), decides event by event in memory, and writes
/// new and changed rows with a few multi-row statements. Flap counts and inhibition combine what was read
/// with what the batch changed; only rolling up an incident from its alerts writes the batch's rows first.
///
/// What it read cannot change under it: the transaction holds SQLite's single writer, or on PostgreSQL the row
/// lock on the incident counter (taken first, so batches run one at a time) and row locks on the open alerts it loaded.
/// Each service's settings come from `IngestSettingsCache` while the database's settings version stays the same.
final class IngestTransaction {
    struct AlertKey: Hashable {
        var serviceID: UUID
        var dedupKey: String
    }

    /// An event after its receiving service's rules: dropped, or where to look for its alert.
    private enum Prepared {
        case dropped(String)
        /// The alert lives on `serviceID`.
        case trigger(AlertEvent, serviceID: UUID)
        /// An acknowledge, resolve or person's report: its alert is on the first candidate that has it open.
        case follow(AlertEvent, candidates: [UUID])
    }

    /// An incident opened in this batch and not written yet.
    private struct NewIncident {
        var id: UUID
        var number: Int
        var title: String
        var severity: IncidentSeverity
        var detectionSource: DetectionSource
        var groupKey: String?
        var serviceID: UUID
        var createdAt: Date
        var updatedAt: Date
    }

    /// Rows per multi-row statement: well under SQLite's and PostgreSQL's limits on bound values.
    static let rowsPerStatement = 200

    private let db: any DatabaseSession
    /// The earliest clock reading in the batch: silences that ended before it cannot matter.
    private let earliest: Date
    private let settingsCache: IngestSettingsCache
    /// The database's `ingest_settings` counter as the batch began; nil (nothing cached) if it is missing.
    private var settingsVersion: Int64?
    private var settings: [UUID: IngestSettings?] = [:]
    /// The open alert of each key the batch touches; a key mapped to nil has none.
    private var open: [AlertKey: Alert?] = [:]
    private var unwrittenAlerts: [UUID: Alert] = [:]
    private var unwrittenAlertOrder: [UUID] = []
    private var unwrittenIncidents: [UUID: NewIncident] = [:]
    private var unwrittenIncidentOrder: [UUID] = []
    /// Incidents this batch opened that are still open, per service, oldest first: grouping joins them
    /// without asking the database.
    private var openedHere: [UUID: [OpenIncident]] = [:]
    /// Recent openings and resolutions of each key on a service with flap detection, as the batch changes them.
    private var flapHistory: [AlertKey: [UUID: (firstSeenAt: Date, resolvedAt: Date?)]] = [:]
    /// The incident counter, read as the batch begins: numbers are handed out here and the counter written with the rows.
    private var lastNumber: Int?
    private var counterUnwritten = false
    /// Each incident the batch touched, as `IncidentTransitions` left it; the changed ones of those already
    /// written are updated at the next flush, with the events the transitions produced.
    private var states: [UUID: IncidentState] = [:]
    private var changedStates: [UUID] = []
    private var unwrittenEvents: [(incidentID: UUID, draft: IncidentEventDraft)] = []

    init(db: any DatabaseSession, earliest: Date, settingsCache: IngestSettingsCache) {
        self.db = db
        self.earliest = earliest
        self.settingsCache = settingsCache
    }

    // MARK: The batch

    func apply(_ requests: [IngestRequest]) async throws -> [[IngestOutcome]] {
        try await begin()
        var prepared: [[Prepared]] = []
        for request in requests {
            var events: [Prepared] = []
            for event in request.events { events.append(try await prepare(event.withoutNULs, serviceID: request.serviceID)) }
            prepared.append(events)
        }
        try await loadOpenAlerts(prepared.flatMap { $0 })
        var outcomes: [[IngestOutcome]] = []
        for (request, events) in zip(requests, prepared) {
            var answered: [IngestOutcome] = []
            for event in events {
                answered.append(try await decide(event, integrationKeyID: request.integrationKeyID, reportedBy: request.reportedBy, now: request.now))
            }
            outcomes.append(answered)
        }
        try await flush()
        return outcomes
    }

    /// Reads the incident counter and the settings version in one statement. On PostgreSQL it is a no-op update that
    /// locks the counter's row until commit: batches run one at a time, as SQLite's single writer runs them, so two
    /// alerts cannot both find "no incident to join", and every later statement sees what the batch before committed.
    private func begin() async throws {
        let version: SQL = "(SELECT s.value FROM counters s WHERE s.name = 'ingest_settings') AS settings_version"
        let statement: SQL = db.kind == .postgres
            ? "UPDATE counters SET value = value WHERE name = 'incident_number' RETURNING value, " + version
            : "SELECT value, " + version + " FROM counters WHERE name = 'incident_number'"
        guard let row = try await db.raw(statement).first() else { throw DomainError.conflict("the incident counter is missing") }
        lastNumber = try row.decode(column: "value", as: Int.self)
        settingsVersion = try row.decode(column: "settings_version", as: Int64?.self)
    }

    private func prepare(_ event: AlertEvent, serviceID: UUID) async throws -> Prepared {
        let rules = try await settings(of: serviceID)?.rules ?? []
        if event.action == .trigger && event.detectionSource == .monitoring {
            // The receiving service's rules act on machine triggers: drop, change, or hand to another service.
            switch EventRuling.apply(rules, to: event, serviceID: serviceID) {
            case .drop(let reason): return .dropped(reason)
            case .keep(let kept, let target): return .trigger(kept, serviceID: target)
            }
        }
        // An acknowledge or resolve carries only the key, and a person's report is not re-routed: each finds its
        // alert here, or where a route rule sent the machine's trigger.
        let routes = rules.compactMap { rule -> UUID? in if case .route(let target) = rule.action { return target } else { return nil } }
        return .follow(event, candidates: ([serviceID] + routes).uniqued())
    }

    /// One query per service for the open alerts of every key in the batch (locked on PostgreSQL until commit,
    /// so a responder's acknowledgement in another transaction is not overwritten) and, where the service detects
    /// flapping, the keys' openings and resolutions within its window.
    private func loadOpenAlerts(_ events: [Prepared]) async throws {
        var keys: [UUID: Set<String>] = [:]
        for event in events {
            switch event {
            case .dropped: break
            case .trigger(let event, let service): keys[service, default: []].insert(event.dedupKey)
            case .follow(let event, let candidates): for service in candidates { keys[service, default: []].insert(event.dedupKey) }
            }
        }
        let lock: SQL = db.kind == .postgres ? " ORDER BY id FOR UPDATE" : ""
        for (service, dedupKeys) in keys {
            // On a service that detects flapping, the keys' openings and resolutions within the window come in the
            // same statement as their open alerts, marked by `in_window`.
            let window: SQL? = try await settings(of: service)?.flaps.map { flaps -> SQL in
                let since = earliest.addingTimeInterval(-Double(flaps.windowMinutes) * 60)
                return "first_seen_at >= \(bind: since) OR resolved_at >= \(bind: since)"
            }
            let columns: SQL = window.map { "SELECT *, (" + $0 + ") AS in_window" } ?? "SELECT *"
            let wanted: SQL = window.map { "status <> 'resolved' OR " + $0 } ?? "status <> 'resolved'"
            for chunk in Array(dedupKeys).chunks(of: Self.rowsPerStatement) {
                for key in chunk {
                    open[AlertKey(serviceID: service, dedupKey: key)] = .some(nil)
                    if window != nil { flapHistory[AlertKey(serviceID: service, dedupKey: key)] = [:] }
                }
                for row in try await db.raw(columns + " FROM alerts WHERE service_id = \(bind: service.db) AND dedup_key IN (\(binds: Array(chunk)))"
                    + " AND (" + wanted + ")" + lock).all() {
                    let alert = try SQLStore.alert(from: row)
                    let key = AlertKey(serviceID: service, dedupKey: alert.dedupKey)
                    if alert.status != .resolved { open[key] = .some(alert) }
                    if window != nil, try row.decode(column: "in_window", as: Bool?.self) == true {
                        flapHistory[key]?[alert.id] = (alert.firstSeenAt, alert.resolvedAt)
                    }
                }
            }
        }
    }

    private func openAlert(_ key: AlertKey) -> Alert? {
        open[key] ?? nil
    }

    private func decide(_ prepared: Prepared, integrationKeyID: UUID?, reportedBy: UUID?, now: Date) async throws -> IngestOutcome {
        let actor = reportedBy.map(Actor.user) ?? integrationKeyID.map(Actor.integration) ?? .system
        let event: AlertEvent
        var serviceID: UUID
        var existing: Alert?
        switch prepared {
        case .dropped(let reason):
            return IngestOutcome(decision: .ignore(reason), alertID: nil, incidentID: nil)
        case .trigger(let trigger, let service):
            (event, serviceID) = (trigger, service)
            existing = openAlert(AlertKey(serviceID: service, dedupKey: trigger.dedupKey))
        case .follow(let follow, let candidates):
            (event, serviceID) = (follow, candidates[0])
            if let found = candidates.lazy.compactMap({ self.openAlert(AlertKey(serviceID: $0, dedupKey: follow.dedupKey)) }).first {
                (existing, serviceID) = (found, found.serviceID)
            }
        }
        let decision = AlertDecision.decide(event, open: existing)
        switch decision {
        case .open:
            let place = try await placement(for: event, serviceID: serviceID, actor: actor, now: now)
            var alert = Alert(id: .timeOrdered(at: now), serviceID: serviceID, integrationKeyID: integrationKeyID, content: event.content, incidentID: place.incidentID, now: now)
            alert.groupingReason = place.groupingReason
            alert.setMute(place.mute)
            stage(alert)
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: place.incidentID, openedIncident: place.opened)
        case .repeatOccurrence:
            var alert = existing!
            if let incident = alert.incidentID, event.severity > alert.severity, let settings = try await settings(of: serviceID) {
                // Worse than before: the incident follows its worst alert.
                try await transition(incident, .raiseSeverity(to: settings.incidentSeverity(for: event),
                                                              reason: "a repeat of \"\(alert.summary.prefix(200))\" came in as \(event.severity.rawValue)"),
                                     by: actor, now: now)
            }
            if alert.incidentID == nil {
                // Muted when it began: once the mute is over, a repeat opens (or joins) its incident.
                let place = try await placement(for: event, serviceID: serviceID, actor: actor, now: now)
                (alert.incidentID, alert.groupingReason) = (place.incidentID, place.groupingReason)
                alert.setMute(place.mute)
            }
            alert.recordRepeat(of: event, at: now)
            stage(alert)
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: alert.incidentID)
        case .acknowledge, .resolve:
            var alert = existing!
            if decision == .resolve {
                (alert.status, alert.resolvedAt) = (.resolved, now)
            } else {
                (alert.status, alert.acknowledgedAt) = (.acknowledged, now)
            }
            stage(alert)
            if let incident = alert.incidentID { try await rollUpIncident(incident, by: actor, now: now) }
            return IngestOutcome(decision: decision, alertID: alert.id, incidentID: alert.incidentID)
        case .ignore:
            return IngestOutcome(decision: decision, alertID: existing?.id, incidentID: existing?.incidentID)
        }
    }

    /// Keeps an alert's new state to be written, and as its key's open alert (or none, once resolved).
    private func stage(_ alert: Alert) {
        if unwrittenAlerts.updateValue(alert, forKey: alert.id) == nil { unwrittenAlertOrder.append(alert.id) }
        let key = AlertKey(serviceID: alert.serviceID, dedupKey: alert.dedupKey)
        open[key] = .some(alert.status == .resolved ? nil : alert)
        flapHistory[key]?[alert.id] = (alert.firstSeenAt, alert.resolvedAt)
    }

    // MARK: Placement

    /// Where a new alert goes: muted (stored, no incident, nobody paged), or into an incident by the service's grouping.
    private func placement(for event: AlertEvent, serviceID: UUID, actor: Actor, now: Date) async throws
        -> (incidentID: UUID?, groupingReason: String?, mute: Mute?, opened: Bool) {
        guard let settings = try await settings(of: serviceID) else { throw DomainError.notFound("service \(serviceID.db) not found") }
        let inhibitable = event.detectionSource == .monitoring || settings.inhibitReports
        let blocking = inhibitable ? try await blockingIncident(dependencies: settings.dependencies) : nil
        if let muted = MuteDecision.mute(for: event, serviceID: serviceID, silences: settings.silences, windows: settings.windows,
                                         blocking: blocking, inhibitReports: settings.inhibitReports, now: now) {
            return (nil, nil, muted, false)
        }
        if let flaps = settings.flaps,
           let flapping = flaps.mute(history: flapHistory[AlertKey(serviceID: serviceID, dedupKey: event.dedupKey)]?.values.map { $0 } ?? [], now: now) {
            return (nil, nil, flapping, false)
        }
        let severity = settings.incidentSeverity(for: event)
        let candidates = try await groupingCandidates(of: serviceID, grouping: settings.grouping, event: event, now: now)
        switch GroupingDecision.decide(settings.grouping, event: event, open: candidates, now: now) {
        case .join(let id, let why):
            try await transition(id, .joinAlert(summary: Self.summary(of: event), severity: severity, reason: why), by: actor, now: now)
            return (id, why, nil, false)
        case .open(let groupKey, let why):
            return (try await openIncident(for: event, serviceID: serviceID, severity: severity, groupKey: groupKey, actor: actor, now: now), why, nil, true)
        }
    }

    /// The oldest open incident on a service this one depends on, if any: in the database, or opened by this batch
    /// and not written yet. Only a service with dependencies can be inhibited; most have none and skip the query.
    private func blockingIncident(dependencies: [UUID]) async throws -> BlockingIncident? {
        guard !dependencies.isEmpty else { return nil }
        var found = try await db.raw("""
            SELECT s.name, i.id, i.number FROM incidents i
            JOIN incident_services x ON x.incident_id = i.id JOIN services s ON s.id = x.service_id
            WHERE i.status <> 'resolved' AND x.service_id IN (\(binds: dependencies.map(\.db)))
            ORDER BY i.number LIMIT 1
            """).first().map {
                BlockingIncident(id: try $0.id("id"), number: try $0.decode(column: "number", as: Int.self),
                                 serviceName: try $0.decode(column: "name", as: String.self))
            }
        for dependency in dependencies {
            guard let opened = openedHere[dependency]?.first, found.map({ opened.number < $0.number }) ?? true,
                  let name = try await settings(of: dependency)?.name else { continue }
            found = BlockingIncident(id: opened.id, number: opened.number, serviceName: name)
        }
        return found
    }

    /// The one open incident grouping could join: none for one-per-alert, the newest within the window, or the
    /// one with the same group key. One this batch opened is newer than any in the database, so it is looked
    /// for first; never all open incidents, so a backlog of them does not slow ingestion.
    private func groupingCandidates(of serviceID: UUID, grouping: AlertGrouping, event: AlertEvent, now: Date) async throws -> [OpenIncident] {
        let condition: SQL
        let here = openedHere[serviceID] ?? []
        switch grouping {
        case .perAlert:
            return []
        case .timeWindow(let minutes):
            let cutoff = now.addingTimeInterval(-Double(minutes) * 60)
            if let newest = here.last(where: { $0.createdAt >= cutoff }) { return [newest] }
            condition = " AND i.created_at >= \(bind: cutoff)"
        case .sharedLabels:
            guard let key = grouping.groupKey(for: event) else { return [] }
            if let same = here.last(where: { $0.groupKey == key }) { return [same] }
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

    static func summary(of event: AlertEvent) -> String { String((event.summary.isEmpty ? event.dedupKey : event.summary).prefix(1024)) }

    /// Applies a command to an incident through `IncidentTransitions`: a worse alert makes it worse, a new alert
    /// in an acknowledged incident needs someone again. A refused command (an alert for an incident that has just
    /// been resolved) changes nothing.
    private func transition(_ id: UUID, _ command: IncidentCommand, by actor: Actor, now: Date) async throws {
        guard let state = try await state(of: id) else { return }
        let next: IncidentState
        let events: [IncidentEventDraft]
        do {
            (next, events) = try IncidentTransitions.apply(command, to: state, by: actor, now: now)
        } catch {
            return
        }
        guard !events.isEmpty else { return }
        states[id] = next
        if var incident = unwrittenIncidents[id] {
            (incident.severity, incident.updatedAt) = (next.severity, next.updatedAt)
            unwrittenIncidents[id] = incident
        } else if !changedStates.contains(id) {
            changedStates.append(id)
        }
        unwrittenEvents += events.map { (id, $0) }
    }

    private func state(of id: UUID) async throws -> IncidentState? {
        if let known = states[id] { return known }
        let loaded = try await SQLStore.incidentState(id, db)
        states[id] = loaded
        return loaded
    }

    private func openIncident(for event: AlertEvent, serviceID: UUID, severity: IncidentSeverity, groupKey: String?,
                              actor: Actor, now: Date) async throws -> UUID {
        let number = try nextIncidentNumber()
        let title = Self.summary(of: event)
        let (state, events) = IncidentTransitions.open(title: title, severity: severity, detectionSource: event.detectionSource,
                                                       alertSummary: event.detectionSource == .monitoring ? title : nil, by: actor, now: now)
        let incident = NewIncident(id: .timeOrdered(at: now), number: number, title: title, severity: state.severity,
                                   detectionSource: event.detectionSource, groupKey: groupKey, serviceID: serviceID, createdAt: now, updatedAt: now)
        unwrittenIncidents[incident.id] = incident
        unwrittenIncidentOrder.append(incident.id)
        states[incident.id] = state
        unwrittenEvents += events.map { (incident.id, $0) }
        openedHere[serviceID, default: []].append(OpenIncident(id: incident.id, number: number, createdAt: now, groupKey: groupKey))
        return incident.id
    }

    private func nextIncidentNumber() throws -> Int {
        guard let last = lastNumber else { throw DomainError.conflict("the incident counter is missing") }
        lastNumber = last + 1
        counterUnwritten = true
        return last + 1
    }

    /// An incident is resolved when none of its alerts is open, acknowledged when none is still triggered
    /// (`IncidentTransitions` decides; this counts).
    private func rollUpIncident(_ id: UUID, by actor: Actor, now: Date) async throws {
        try await flush()
        let statuses = try await db.raw("SELECT status FROM alerts WHERE incident_id = \(bind: id.db)").all(decodingColumn: "status", as: String.self)
        let open = statuses.filter { $0 != AlertStatus.resolved.rawValue }
        let before = try await state(of: id)?.status
        try await transition(id, .rollUp(openAlerts: open.count, triggeredAlerts: open.filter { $0 == AlertStatus.triggered.rawValue }.count),
                             by: actor, now: now)
        let after = states[id]?.status
        if after == .resolved {
            for service in openedHere.keys { openedHere[service]?.removeAll { $0.id == id } }
        }
        // Written now: later events in the batch look for open incidents in the database.
        try await flush()
        // Taken by its integration or its alerts: the people paged for it hear that they need not act.
        if before == .triggered, let after, after != .triggered {
            var who = "its alerts"
            if case .integration(let key) = actor,
               let name = try await db.raw("SELECT name FROM integration_keys WHERE id = \(bind: key.db)").first(decodingColumn: "name", as: String.self) {
                who = "integration \(name)"
            }
            try await SQLStore.queueTakenNotices(incidentID: id, takenBy: nil, name: who, what: after == .resolved ? "resolved" : "acknowledged",
                                                 via: nil, now: now, db)
        }
    }

    // MARK: Reading settings, writing rows

    /// Nil for a service that no longer exists.
    private func settings(of serviceID: UUID) async throws -> IngestSettings? {
        if let known = settings[serviceID] { return known }
        if let version = settingsVersion, let kept = settingsCache.settings(of: serviceID, version: version, earliest: earliest) {
            settings[serviceID] = .some(kept)
            return kept
        }
        let loaded = try await loadSettings(serviceID)
        settings[serviceID] = .some(loaded)
        if let version = settingsVersion { settingsCache.keep(loaded, of: serviceID, version: version, earliest: earliest) }
        return loaded
    }

    private func loadSettings(_ serviceID: UUID) async throws -> IngestSettings? {
        guard let row = try await db.raw("SELECT * FROM services WHERE id = \(bind: serviceID.db)").first() else { return nil }
        let silences = try await db.raw("""
            SELECT * FROM silences WHERE ends_at > \(bind: earliest) AND (service_id IS NULL OR service_id = \(bind: serviceID.db))
            ORDER BY created_at
            """).all().map(SQLStore.silence(from:))
        let windows = try await db.raw("SELECT * FROM maintenance_windows WHERE service_id = \(bind: serviceID.db)").all()
            .map(SQLStore.window(from:))
        let dependencies = try await db.raw("SELECT depends_on_id FROM service_dependencies WHERE service_id = \(bind: serviceID.db)")
            .all().map { try $0.id("depends_on_id") }
        return IngestSettings(
            name: try row.decode(column: "name", as: String.self), tier: try row.decode(column: "tier", as: Int.self), severityOverrides: try SQLStore.severityOverrides(from: row),
            flaps: try SQLStore.flapDetection(from: row), grouping: try SQLStore.grouping(from: row),
            rules: try await SQLStore.eventRules(of: serviceID, db), silences: silences, windows: windows, dependencies: dependencies,
            inhibitReports: try row.decode(column: "inhibit_reports", as: Int.self) != 0)
    }

    /// Writes what the batch has decided so far: the counter, new incidents, then new and changed alerts in the
    /// order they were first touched (an alert resolved here is written before the one that replaces its key), the
    /// incidents that changed and the events of it all. No two of these statements touch the same row, so PostgreSQL
    /// takes them as one (all but the alerts past the first chunk, whose order matters).
    private func flush() async throws {
        var writes: [SQL] = []
        if counterUnwritten, let value = lastNumber {
            writes.append("UPDATE counters SET value = \(bind: value) WHERE name = 'incident_number'")
            counterUnwritten = false
        }
        let incidents = unwrittenIncidentOrder.compactMap { unwrittenIncidents[$0] }
        for chunk in incidents.chunks(of: Self.rowsPerStatement) {
            writes.append("""
                INSERT INTO incidents (id, number, title, status, severity, detection_source, group_key, created_at, updated_at) VALUES
                """ + SQL.joined(chunk.map { i in
                    "(\(bind: i.id.db), \(bind: i.number), \(bind: i.title), 'triggered', \(bind: i.severity.rawValue), \(bind: i.detectionSource.rawValue), \(bind: i.groupKey), \(bind: i.createdAt), \(bind: i.updatedAt))"
                }))
            writes.append("INSERT INTO incident_services (incident_id, service_id) VALUES "
                + SQL.joined(chunk.map { "(\(bind: $0.id.db), \(bind: $0.serviceID.db))" }))
        }
        (unwrittenIncidents, unwrittenIncidentOrder) = ([:], [])
        let alerts = unwrittenAlertOrder.compactMap { unwrittenAlerts[$0] }
        let alertWrites = try alerts.chunks(of: Self.rowsPerStatement).map { chunk -> SQL in
            """
                INSERT INTO alerts (id, service_id, integration_key_id, dedup_key, status, severity, summary, source, component, group_name, class,
                    labels, details, links, images, client, client_url, detection_source, incident_id, occurrences, first_seen_at, last_seen_at,
                    acknowledged_at, resolved_at, muted_reason, mute_kind, muted_by_incident_id, grouping_reason) VALUES
                """ + SQL.joined(try chunk.map(Self.values(of:))) + """
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, summary = excluded.summary,
                    source = excluded.source, labels = excluded.labels, details = excluded.details, incident_id = excluded.incident_id,
                    occurrences = excluded.occurrences, last_seen_at = excluded.last_seen_at, acknowledged_at = excluded.acknowledged_at,
                    resolved_at = excluded.resolved_at, muted_reason = excluded.muted_reason, mute_kind = excluded.mute_kind,
                    muted_by_incident_id = excluded.muted_by_incident_id, grouping_reason = excluded.grouping_reason
                """
        }
        writes += alertWrites.prefix(1)
        (unwrittenAlerts, unwrittenAlertOrder) = ([:], [])
        for id in changedStates {
            if let state = states[id] { writes.append(SQLStore.incidentStateUpdate(id, state)) }
        }
        changedStates = []
        writes += SQLStore.eventInserts(unwrittenEvents)
        unwrittenEvents = []
        try await db.runWrites(writes)
        // Further alert chunks each on their own, in order: a key resolved in one chunk and opened again in a later
        // one must reach the unique index of open alerts in that order, and PostgreSQL runs the parts of one
        // statement in no promised order.
        for write in alertWrites.dropFirst() { try await db.raw(write).run() }
    }

    private static func values(of alert: Alert) throws -> SQL {
        """
        (\(bind: alert.id.db), \(bind: alert.serviceID.db), \(bind: alert.integrationKeyID?.db), \(bind: alert.dedupKey),
         \(bind: alert.status.rawValue), \(bind: alert.severity.rawValue), \(bind: alert.summary), \(bind: alert.source),
         \(bind: alert.component), \(bind: alert.group), \(bind: alert.eventClass), \(bind: try SQLStore.json(alert.labels)),
         \(bind: try SQLStore.json(alert.details)), \(bind: try SQLStore.json(alert.links)), \(bind: try SQLStore.json(alert.images)),
         \(bind: alert.client), \(bind: alert.clientURL), \(bind: alert.detectionSource.rawValue), \(bind: alert.incidentID?.db),
         \(bind: alert.occurrences), \(bind: alert.firstSeenAt), \(bind: alert.lastSeenAt), \(bind: alert.acknowledgedAt),
         \(bind: alert.resolvedAt), \(bind: alert.mutedReason), \(bind: alert.muteKind?.rawValue), \(bind: alert.mutedByIncidentID?.db),
         \(bind: alert.groupingReason))
        """
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
