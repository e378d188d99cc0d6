import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

@Suite("Escalation policy conformance")
struct EscalationPolicyConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func policy(_ name: String, team: UUID, levels: [[EscalationTarget]], repeatCount: Int = 0) -> EscalationPolicy {
        EscalationPolicy(id: UUID(), name: name, teamID: team, repeatCount: repeatCount,
                         levels: levels.map { EscalationLevel(delayMinutes: 5, targets: $0) }, createdAt: t0, updatedAt: t0)
    }

    @Test("a policy saved while the person it pages is deleted: one of the two wins, never a policy paging nobody who exists", arguments: TestBackend.available)
    func savedWhileDeleted(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let team = Team(id: UUID(), name: "SRE", description: "", memberIDs: [], createdAt: t0, updatedAt: t0)
            try await store.createTeam(team)
            var people: [User] = []
            for n in 0..<60 {
                let user = Seed.user("racer\(n)")
                try await store.createUser(user)
                people.append(user)
            }
            await withTaskGroup(of: Void.self) { group in
                for (n, user) in people.enumerated() {
                    group.addTask { _ = try? await store.createEscalationPolicy(policy("P\(n)", team: team.id, levels: [[EscalationTarget(kind: .user, id: user.id)]])) }
                    group.addTask { _ = try? await store.deleteUser(id: user.id) }
                }
            }
            let policies = try await store.escalationPolicies(EscalationPolicyFilter(teamID: team.id), page: PageRequest(limit: 200)).items
            for user in people {
                let exists = try await store.user(id: user.id) != nil
                let paging = policies.filter { $0.targets.contains { $0.id == user.id } }
                #expect(exists || paging.isEmpty, "a policy pages a deleted person")
                #expect(exists != paging.isEmpty, "either the deletion or the policy won, not neither")
            }
        }
    }

    @Test("policies keep their levels, refuse unknown records and taken names, and hold on to whom they page", arguments: TestBackend.available)
    func policies(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let (ann, ben) = (Seed.user("ann"), Seed.user("ben"))
            try await store.createUser(ann)
            try await store.createUser(ben)
            let sre = Team(id: UUID(), name: "SRE", description: "", memberIDs: [ann.id, ben.id], createdAt: t0, updatedAt: t0)
            let web = Team(id: UUID(), name: "Web", description: "", memberIDs: [ben.id], createdAt: t0, updatedAt: t0)
            try await store.createTeam(sre)
            try await store.createTeam(web)
            let rota = OnCallSchedule(id: UUID(), name: "Rota", timeZone: "UTC", teamID: sre.id, layers: [], createdAt: t0, updatedAt: t0)
            try await store.createSchedule(rota)

            let ghost = UUID()
            await #expect(throws: DomainError.validation([
                FieldError("team_id", "team \(ghost.db) does not exist"),
                FieldError("levels[1].targets", "user \(ghost.db) does not exist"),
                FieldError("levels[0].targets", "schedule \(ghost.db) does not exist"),
            ])) {
                try await store.createEscalationPolicy(policy("P", team: ghost, levels: [[EscalationTarget(kind: .schedule, id: ghost)],
                                                                                         [EscalationTarget(kind: .user, id: ghost)]]))
            }

            let primary = policy("SRE primary", team: sre.id, levels: [
                [EscalationTarget(kind: .schedule, id: rota.id)],
                [EscalationTarget(kind: .user, id: ann.id), EscalationTarget(kind: .team, id: web.id, teamMode: .roundRobin)],
            ], repeatCount: 2)
            try await store.createEscalationPolicy(primary)
            #expect(try await store.escalationPolicy(id: primary.id) == primary)
            await #expect(throws: DomainError.conflict("an escalation policy with that name already exists", field: "name")) {
                try await store.createEscalationPolicy(policy("sre PRIMARY", team: sre.id, levels: [[EscalationTarget(kind: .user, id: ann.id)]]))
            }
            let other = policy("Web", team: web.id, levels: [[EscalationTarget(kind: .user, id: ben.id)]])
            try await store.createEscalationPolicy(other)
            #expect(try await store.escalationPolicies(EscalationPolicyFilter(teamID: web.id), page: PageRequest()).items == [other])
            #expect(try await store.escalationPolicies(EscalationPolicyFilter(query: "prim"), page: PageRequest()).items.map(\.id) == [primary.id])
            let firstPage = try await store.escalationPolicies(EscalationPolicyFilter(), page: PageRequest(limit: 1))
            #expect(firstPage.total == 2)
            #expect(firstPage.nextOffset == 1)

            // Whom a policy pages cannot disappear under it.
            await #expect(throws: DomainError.conflict("the escalation policies SRE primary page them: take them out of those policies first")) {
                try await store.deleteUser(id: ann.id)
            }
            await #expect(throws: DomainError.conflict("the escalation policies SRE primary page it: take it out of those policies first")) {
                try await store.deleteSchedule(id: rota.id)
            }
            await #expect(throws: DomainError.conflict("it owns the escalation policies Web: give them to another team first")) {
                try await store.deleteTeam(id: web.id)
            }

            // A service uses a policy; the policy cannot go while it does.
            var api = Seed.service("API", team: sre.id)
            api.escalationPolicyID = primary.id
            try await store.createService(api)
            #expect(try await store.service(id: api.id)?.escalationPolicyID == primary.id)
            await #expect(throws: DomainError.conflict("the service API use it: give them another policy first")) {
                try await store.deleteEscalationPolicy(id: primary.id)
            }
            var broken = api
            broken.escalationPolicyID = ghost
            await #expect(throws: DomainError.validation([FieldError("escalation_policy_id", "escalation policy \(ghost.db) does not exist")])) {
                try await store.updateService(broken)
            }

            // Changing the policy replaces its levels and whom it pages.
            var changed = primary
            changed.levels = [EscalationLevel(delayMinutes: 15, targets: [EscalationTarget(kind: .user, id: ben.id)])]
            changed.teamID = web.id
            try await store.updateEscalationPolicy(changed)
            #expect(try await store.escalationPolicy(id: primary.id) == changed)
            try await store.deleteSchedule(id: rota.id)
            await #expect(throws: DomainError.self) { try await store.deleteUser(id: ben.id) }

            api.escalationPolicyID = nil
            try await store.updateService(api)
            try await store.deleteEscalationPolicy(id: primary.id)
            #expect(try await store.escalationPolicy(id: primary.id) == nil)
            await #expect(throws: DomainError.notFound("escalation policy \(primary.id.db) not found")) {
                try await store.deleteEscalationPolicy(id: primary.id)
            }
            await #expect(throws: DomainError.notFound("escalation policy \(primary.id.db) not found")) {
                try await store.updateEscalationPolicy(changed)
            }
            try await store.deleteEscalationPolicy(id: other.id)
            try await store.deleteTeam(id: web.id)
            try await store.deleteUser(id: ben.id)
        }
    }
}
