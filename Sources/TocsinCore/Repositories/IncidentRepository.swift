import Foundation

/// Incidents, and the changes people make to them (through `IncidentTransitions`).
public protocol IncidentRepository: Sendable {
    func incidents(_ filter: IncidentFilter, page: PageRequest) async throws -> Page<Incident>
    func incident(id: UUID) async throws -> Incident?
    func incidents(ids: [UUID]) async throws -> [Incident]
    /// A person's command (`by`, nil for Tocsin itself) through `IncidentTransitions`, with its events, in one
    /// transaction. Acknowledging or resolving does the same to every open alert in it. A refusal is a conflict
    /// that names who got there first ("already acknowledged by Ana Lima at …"). `via` says how the person reached
    /// Tocsin when it was not the API or a page ("e-mail link", "SMS reply"), for the timeline. A person who takes a
    /// triggered incident (acknowledges or resolves it) has everyone else already paged for it told who took it: those
    /// notices are queued in the same transaction.
    func changeIncident(id: UUID, _ command: IncidentCommand, by actor: UUID?, via: String?, now: Date) async throws -> Incident
}

extension IncidentRepository {
    public func changeIncident(id: UUID, _ command: IncidentCommand, by actor: UUID?, now: Date) async throws -> Incident {
        try await changeIncident(id: id, command, by: actor, via: nil, now: now)
    }

    /// Acknowledges or resolves.
    public func setIncidentStatus(id: UUID, to status: IncidentStatus, by actor: UUID?, via: String? = nil, now: Date) async throws -> Incident {
        switch status {
        case .acknowledged: return try await changeIncident(id: id, .acknowledge, by: actor, via: via, now: now)
        case .resolved: return try await changeIncident(id: id, .resolve, by: actor, via: via, now: now)
        case .triggered: throw DomainError.invalid("status", "an incident cannot be set back to triggered; reopen it")
        }
    }
}
