import Foundation
import TocsinCore

/// The incident event stream: append-only rows written in the transaction of the transition that made them,
/// and each incident's state as `IncidentTransitions` decided it.
extension SQLStore {
    public func incidentTimeline(incidentID: UUID, page: PageRequest) async throws -> Page<IncidentEvent> {
        try await database.read { db in
            guard try await db.raw("SELECT id FROM incidents WHERE id = \(bind: incidentID.db)").first() != nil else {
                throw DomainError.notFound("incident \(incidentID.db) not found")
            }
            let total = try await db.count("SELECT COUNT(*) AS n FROM incident_events WHERE incident_id = \(bind: incidentID.db)")
            let rows = try await db.raw("""
                SELECT e.*, u.name AS user_name, k.name AS key_name FROM incident_events e
                LEFT JOIN users u ON e.actor_type = 'user' AND u.id = e.actor_id
                LEFT JOIN integration_keys k ON e.actor_type = 'integration' AND k.id = e.actor_id
                WHERE e.incident_id = \(bind: incidentID.db) ORDER BY e.at, e.id
                LIMIT \(literal: page.limit) OFFSET \(literal: page.offset)
                """).all()
            let events = try rows.map { row in
                let type = try row.decode(column: "actor_type", as: String.self)
                let name = type == "user" ? try row.decode(column: "user_name", as: String?.self) : try row.decode(column: "key_name", as: String?.self)
                let payload = try JSONValue.parse(Data(try row.decode(column: "payload", as: String.self).utf8)).objectValue ?? [:]
                return IncidentEvent(id: try row.decode(column: "id", as: Int.self), incidentID: incidentID,
                                     kind: IncidentEventKind(rawValue: try row.decode(column: "kind", as: String.self)),
                                     at: try row.decode(column: "at", as: Date.self), actorType: type, actorID: try row.optionalID("actor_id"),
                                     actorName: name, payload: payload)
            }
            return Page(items: events, total: total, request: page)
        }
    }

    /// Appends events, many rows to a statement.
    static func insertEvents(_ events: [(incidentID: UUID, draft: IncidentEventDraft)], _ db: any DatabaseSession) async throws {
        try await db.runWrites(eventInserts(events))
    }

    /// The multi-row inserts that append `events`, for a caller that runs them with other writes.
    static func eventInserts(_ events: [(incidentID: UUID, draft: IncidentEventDraft)]) -> [SQL] {
        events.chunks(of: IngestTransaction.rowsPerStatement).map { chunk in
            "INSERT INTO incident_events (incident_id, kind, at, actor_type, actor_id, payload) VALUES "
                + SQL.joined(chunk.map { e in
                    "(\(bind: e.incidentID.db), \(bind: e.draft.kind.rawValue), \(bind: e.draft.at), \(bind: e.draft.actor.type), \(bind: e.draft.actor.id?.db), \(bind: JSONValue.object(e.draft.payload).jsonText))"
                })
        }
    }

    /// What transitions decide about an incident, as stored. Read to be written back in the same transaction, so
    /// on PostgreSQL the row is locked until commit (SQLite has one writer): a concurrent acknowledge cannot be lost.
    /// `FOR NO KEY UPDATE`: writers of the state exclude each other, but rows that only refer to the incident (its
    /// events, notifications) are written beside it without waiting, so a transaction appending events for many
    /// incidents never waits on, nor deadlocks with, one changing an incident's state.
    static func incidentState(_ id: UUID, _ db: any DatabaseSession) async throws -> IncidentState? {
        let lock: SQL = db.kind == .postgres ? " FOR NO KEY UPDATE" : ""
        guard let row = try await db.raw("""
            SELECT status, severity, acknowledged_at, acknowledged_by, resolved_at, resolved_by, updated_at FROM incidents WHERE id = \(bind: id.db)
            """ + lock).first() else { return nil }
        return IncidentState(status: IncidentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered,
                             severity: IncidentSeverity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .sev4,
                             acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self), acknowledgedBy: try row.optionalID("acknowledged_by"),
                             resolvedAt: try row.decode(column: "resolved_at", as: Date?.self), resolvedBy: try row.optionalID("resolved_by"),
                             updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func writeIncidentState(_ id: UUID, _ state: IncidentState, _ db: any DatabaseSession) async throws {
        try await db.raw(incidentStateUpdate(id, state)).run()
    }

    static func incidentStateUpdate(_ id: UUID, _ state: IncidentState) -> SQL {
        """
        UPDATE incidents SET status = \(bind: state.status.rawValue), severity = \(bind: state.severity.rawValue),
            acknowledged_at = \(bind: state.acknowledgedAt), acknowledged_by = \(bind: state.acknowledgedBy?.db),
            resolved_at = \(bind: state.resolvedAt), resolved_by = \(bind: state.resolvedBy?.db), updated_at = \(bind: state.updatedAt)
        WHERE id = \(bind: id.db)
        """
    }
}
