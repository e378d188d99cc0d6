import Foundation

/// What to list of escalation policies.
public struct EscalationPolicyFilter: Sendable, Equatable {
    public var teamID: UUID?
    public var query: String?

    public init(teamID: UUID? = nil, query: String? = nil) {
        self.teamID = teamID
        self.query = query
    }
}

/// Escalation policies. The store checks that the team and every target exist, and refuses to delete a policy a
/// service still uses.
public protocol EscalationPolicyRepository: Sendable {
    func createEscalationPolicy(_ policy: EscalationPolicy) async throws
    func escalationPolicy(id: UUID) async throws -> EscalationPolicy?
    func escalationPolicies(_ filter: EscalationPolicyFilter, page: PageRequest) async throws -> Page<EscalationPolicy>
    func updateEscalationPolicy(_ policy: EscalationPolicy) async throws
    func deleteEscalationPolicy(id: UUID) async throws
    /// The round-robin turn the policy's next escalation will take (0 before its first): what a preview says is next.
    func nextEscalationTurn(policyID: UUID) async throws -> Int
}
