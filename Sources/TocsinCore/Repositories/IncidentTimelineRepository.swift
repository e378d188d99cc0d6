import Foundation

/// Reads an incident's event stream. Events are written only by the store's transitions, in the transaction
/// that made them, and are never updated or deleted.
public protocol IncidentTimelineRepository: Sendable {
    /// Oldest first; throws `notFound` for an unknown incident.
    func incidentTimeline(incidentID: UUID, page: PageRequest) async throws -> Page<IncidentEvent>
}
