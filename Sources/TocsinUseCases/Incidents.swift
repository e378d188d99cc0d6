import Foundation
import TocsinCore

/// What people do to an incident and what they ask of it, for the API and the pages alike. The decision itself
/// is `IncidentTransitions` (core); the store applies it and writes its events in the same transaction.
public struct Incidents: Sendable {
    let store: any TocsinStore
    let now: @Sendable () -> Date

    /// How far before an incident opened the changes to its services (deploys, configuration) are shown.
    public static let changeWindow: TimeInterval = 3600

    public init(store: any TocsinStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Acknowledges or resolves; refused (conflict) when the incident is already there.
    public func apply(_ status: IncidentStatus, to id: UUID, by person: UUID) async throws -> Incident {
        try await store.setIncidentStatus(id: id, to: status, by: person, now: now())
    }

    /// Reopens a resolved incident (it was not fixed after all); refused (conflict) when it is not resolved.
    public func reopen(_ id: UUID, by person: UUID) async throws -> Incident {
        try await store.changeIncident(id: id, .reopen, by: person, now: now())
    }

    /// Sets the severity, up or down; the same severity again changes nothing and records nothing.
    public func setSeverity(_ severity: IncidentSeverity, of id: UUID, by person: UUID) async throws -> Incident {
        try await store.changeIncident(id: id, .setSeverity(severity), by: person, now: now())
    }

    /// A severity as a person typed it ("SEV2", "sev2"), or a field error.
    public static func severity(_ text: String?, field: String = "severity") throws -> IncidentSeverity {
        guard let text, let severity = IncidentSeverity(rawValue: text.trimmingCharacters(in: .whitespaces).uppercased()) else {
            throw DomainError.invalid(field, "must be SEV1, SEV2, SEV3 or SEV4")
        }
        return severity
    }

    public func incident(_ id: UUID) async throws -> Incident {
        guard let incident = try await store.incident(id: id) else { throw DomainError.notFound("incident \(id.db) not found") }
        return incident
    }

    /// Changes to the incident's services and to what they depend on, in the hour before it opened, with the
    /// names of those services.
    public func recentChanges(of incident: Incident) async throws -> (changes: [ChangeRecord], names: [UUID: String]) {
        let services = try await store.services(ids: incident.serviceIDs)
        let related = Array(Set(incident.serviceIDs + services.flatMap(\.dependsOn)))
        let changes = try await store.changes(serviceIDs: related, from: incident.createdAt.addingTimeInterval(-Self.changeWindow), to: incident.createdAt)
        let names = Dictionary(uniqueKeysWithValues: try await store.services(ids: related).map { ($0.id, $0.name) })
        return (changes, names)
    }
}
