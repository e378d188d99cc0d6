import Foundation
import TocsinCore

/// Service and team changes shared by the API and the pages: create, or load, apply and save.
public struct Catalog: Sendable {
    let store: any TocsinStore
    let now: @Sendable () -> Date

    public init(store: any TocsinStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    public func createService(_ input: ServiceInput) async throws -> Service {
        let service = try input.created(id: UUID(), now: now())
        try await store.createService(service)
        return service
    }

    public func updateService(id: UUID, _ input: ServiceInput) async throws -> Service {
        guard let current = try await store.service(id: id) else { throw DomainError.notFound("service \(id.db) not found") }
        let service = try input.applied(to: current, now: now())
        try await store.updateService(service)
        return service
    }

    public func createTeam(_ input: TeamInput) async throws -> Team {
        let team = try input.created(id: UUID(), now: now())
        try await store.createTeam(team)
        return team
    }

    public func updateTeam(id: UUID, _ input: TeamInput) async throws -> Team {
        guard let current = try await store.team(id: id) else { throw DomainError.notFound("team \(id.db) not found") }
        let team = try input.applied(to: current, now: now())
        try await store.updateTeam(team)
        return team
    }

    public func createEscalationPolicy(_ input: EscalationPolicyInput) async throws -> EscalationPolicy {
        let policy = try input.created(id: UUID(), now: now())
        try await store.createEscalationPolicy(policy)
        return policy
    }

    public func updateEscalationPolicy(id: UUID, _ input: EscalationPolicyInput) async throws -> EscalationPolicy {
        guard let current = try await store.escalationPolicy(id: id) else { throw DomainError.notFound("escalation policy \(id.db) not found") }
        let policy = try input.applied(to: current, now: now())
        try await store.updateEscalationPolicy(policy)
        return policy
    }
}
