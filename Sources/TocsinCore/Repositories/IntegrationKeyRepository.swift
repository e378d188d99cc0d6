import Foundation

/// The keys monitoring tools send with; stored as hashes, shown once.
public protocol IntegrationKeyRepository: Sendable {
    func createIntegrationKey(_ key: IntegrationKey, secretHash: String) async throws
    func integrationKey(secretHash: String) async throws -> IntegrationKey?
    func integrationKeys(serviceID: UUID) async throws -> [IntegrationKey]
    func deleteIntegrationKey(id: UUID, serviceID: UUID) async throws
}
