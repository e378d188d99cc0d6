import Foundation

/// The service catalog.
public protocol ServiceRepository: Sendable {
    /// Refuses unknown teams and dependencies, and dependency cycles.
    func createService(_ service: Service) async throws
    func service(id: UUID) async throws -> Service?
    func services(_ filter: ServiceFilter, page: PageRequest) async throws -> Page<Service>
    func services(ids: [UUID]) async throws -> [Service]
    /// Services that depend directly on `id`.
    func dependents(of id: UUID) async throws -> [Service]
    func updateService(_ service: Service) async throws
    func deleteService(id: UUID) async throws
}
