import Foundation
import TocsinCore

/// Who responds to an incident beyond its escalation policy: reassigning it to a person or another policy, and
/// asking someone to join (a responder, paged by their own rules).
public struct Responders: Sendable {
    let store: any TocsinStore
    let now: @Sendable () -> Date

    public init(store: any TocsinStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Names no team: nobody is told when an escalation with it runs out, beyond the log and the timeline.
    static let noTeam = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public enum Target: Sendable, Equatable {
        case user(UUID)
        case policy(UUID)
    }

    /// Hands the incident over. To a **person**: they are paged at once by their own rules, and when they do not
    /// acknowledge within the first level's delay, the escalation goes on through the levels that were paging it
    /// (the running escalation's, or the service's policy). To a **policy**: escalation starts afresh with it. An
    /// acknowledged incident is triggered again, since its new owner has not taken it yet.
    public func reassign(_ incidentID: UUID, to target: Target, by actor: User) async throws -> Escalation {
        guard let incident = try await store.incident(id: incidentID) else { throw DomainError.notFound("incident \(incidentID.db) not found") }
        let policy: EscalationPolicy
        let name: String
        switch target {
        case .policy(let id):
            guard let chosen = try await store.escalationPolicy(id: id) else { throw DomainError.invalid("escalation_policy_id", "names no escalation policy") }
            (policy, name) = (chosen, chosen.name)
        case .user(let id):
            guard let user = try await store.user(id: id) else { throw DomainError.invalid("user_id", "names nobody") }
            let current = try await currentPolicy(incident)
            let rest = current?.levels ?? []
            let first = EscalationLevel(delayMinutes: rest.first?.delayMinutes ?? 5, targets: [EscalationTarget(kind: .user, id: user.id)])
            // The team told when it runs out: the policy's, else the person's first; with neither, nobody (it is logged).
            let own = try await store.teams(memberID: user.id).first?.id
            let teamID = current?.teamID ?? own ?? Self.noTeam
            let at = now()
            policy = EscalationPolicy(id: UUID(), name: "Reassigned to \(user.name)" + (current.map { ", then \($0.name)" } ?? ""), teamID: teamID,
                                      repeatCount: 0, levels: Array(([first] + rest).prefix(EscalationPolicy.maximumLevels)), createdAt: at, updatedAt: at)
            name = user.name
        }
        return try await store.reassignIncident(id: incidentID, policy: policy, to: name, by: actor.id, now: now())
    }

    /// The policy paging the incident now, or else the one its service would page it with.
    private func currentPolicy(_ incident: Incident) async throws -> EscalationPolicy? {
        if let running = try await store.escalation(incidentID: incident.id) { return running.policy }
        for service in try await store.services(ids: incident.serviceIDs) {
            if let id = service.escalationPolicyID, let policy = try await store.escalationPolicy(id: id) { return policy }
        }
        return nil
    }

    /// Pages `userID` for the incident by their own high-urgency rules, whatever its escalation does; refused (409)
    /// when it is resolved. Returns the person and how many notifications were queued (0: nothing verified).
    public func add(_ userID: UUID, to incidentID: UUID, by actor: User) async throws -> (user: User, queued: Int) {
        guard let user = try await store.user(id: userID) else { throw DomainError.invalid("user_id", "names nobody") }
        let at = now()
        let drafts = NotificationDraft.plan(for: user.id, rules: try await store.notificationRules(userID: user.id),
                                            methods: try await store.contactMethods(userID: user.id), urgency: .high, at: at)
        try await store.addResponder(incidentID: incidentID, userID: user.id, name: user.name, drafts: drafts, by: actor.id, now: at)
        return (user, drafts.count)
    }
}
