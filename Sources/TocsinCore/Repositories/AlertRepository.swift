import Foundation

/// Reading alerts, and how each service is doing.
public protocol AlertRepository: Sendable {
    func alerts(_ filter: AlertFilter, page: PageRequest) async throws -> Page<Alert>
    func alert(id: UUID) async throws -> Alert?
    /// Open incidents and open muted alerts of each service, for status at a glance (services with none are absent).
    func serviceHealth(serviceIDs: [UUID]) async throws -> [UUID: ServiceHealth]
}
