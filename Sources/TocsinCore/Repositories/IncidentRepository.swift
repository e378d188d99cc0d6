import Foundation

/// Incidents, and the changes people make to them (through `IncidentTransitions`).
public protocol IncidentRepository: Sendable {
    func incidents(_ filter: IncidentFilter, page: PageRequest) async throws -> Page<Incident>
    func incident(id: UUID) async throws -> Incident?
    func incidents(ids: [UUID]) async throws -> [Incident]
    /// Acknowledges or resolves an incident and every open alert in it, recording who (`by`, nil for Tocsin itself).
    /// Refuses with a conflict naming who did it first when it is already in that state.
    func setIncidentStatus(id: UUID, to status: IncidentStatus, by actor: UUID?, now: Date) async throws -> Incident
}
