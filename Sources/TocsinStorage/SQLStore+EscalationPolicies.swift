import Foundation
import TocsinCore

extension SQLStore: EscalationPolicyRepository {
    /// How a level is kept in the `levels` column.
    struct LevelRecord: Codable {
        struct Target: Codable {
            var type: String
            var id: UUID
            var mode: String?
        }
        var delayMinutes: Int
        var targets: [Target]

        init(_ level: EscalationLevel) {
            delayMinutes = level.delayMinutes
            targets = level.targets.map { Target(type: $0.kind.rawValue, id: $0.id, mode: $0.teamMode?.rawValue) }
        }

        func level() throws -> EscalationLevel {
            EscalationLevel(delayMinutes: delayMinutes, targets: try targets.map { target in
                guard let kind = EscalationTarget.Kind(rawValue: target.type) else {
                    throw RowDecodingError(column: "levels", message: "names an unknown target type \(target.type)")
                }
                return EscalationTarget(kind: kind, id: target.id, teamMode: target.mode.flatMap(EscalationTarget.TeamMode.init(rawValue:)))
            })
        }
    }

    public func createEscalationPolicy(_ policy: EscalationPolicy) async throws {
        try await database.write { db in
            try await Self.checkReferences(of: policy, db)
            try await db.raw("""
                INSERT INTO escalation_policies (id, name, description, team_id, repeat_count, levels, created_at, updated_at)
                VALUES (\(bind: policy.id.db), \(bind: policy.name), \(bind: policy.description), \(bind: policy.teamID.db),
                        \(bind: policy.repeatCount), \(bind: try Self.json(policy.levels.map(LevelRecord.init))), \(bind: policy.createdAt),
                        \(bind: policy.updatedAt))
                """).run()
            try await Self.saveTargets(of: policy, db)
        }
    }

    public func escalationPolicy(id: UUID) async throws -> EscalationPolicy? {
        try await database.read { db in
            try await db.raw("SELECT * FROM escalation_policies WHERE id = \(bind: id.db)").all().map(Self.policy(from:)).first
        }
    }

    public func escalationPolicies(_ filter: EscalationPolicyFilter, page: PageRequest) async throws -> Page<EscalationPolicy> {
        var conditions: [SQL] = []
        if let team = filter.teamID { conditions.append("team_id = \(bind: team.db)") }
        if let query = filter.query?.nonBlank {
            conditions.append("lower(name) LIKE \(bind: SQLText.containsPattern(query)) ESCAPE '\\'")
        }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM escalation_policies" + whereClause)
            let rows = try await db.raw("SELECT * FROM escalation_policies" + whereClause + " ORDER BY lower(name), id" + SQLText.page(page)).all()
            return Page(items: try rows.map(Self.policy(from:)), total: total, request: page)
        }
    }

    public func updateEscalationPolicy(_ policy: EscalationPolicy) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM escalation_policies WHERE id = \(bind: policy.id.db)") == 1 else {
                throw DomainError.notFound("escalation policy \(policy.id.db) not found")
            }
            try await Self.checkReferences(of: policy, db)
            try await db.raw("""
                UPDATE escalation_policies SET name = \(bind: policy.name), description = \(bind: policy.description),
                    team_id = \(bind: policy.teamID.db), repeat_count = \(bind: policy.repeatCount),
                    levels = \(bind: try Self.json(policy.levels.map(LevelRecord.init))), updated_at = \(bind: policy.updatedAt)
                WHERE id = \(bind: policy.id.db)
                """).run()
            try await db.raw("DELETE FROM escalation_policy_targets WHERE policy_id = \(bind: policy.id.db)").run()
            try await Self.saveTargets(of: policy, db)
        }
    }

    public func deleteEscalationPolicy(id: UUID) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM escalation_policies WHERE id = \(bind: id.db)") == 1 else {
                throw DomainError.notFound("escalation policy \(id.db) not found")
            }
            let services = try await db.raw("""
                SELECT name FROM services WHERE escalation_policy_id = \(bind: id.db) ORDER BY lower(name)
                """).all(decodingColumn: "name", as: String.self)
            if !services.isEmpty {
                throw DomainError.conflict("\(Self.named(services)) use it: give them another policy first")
            }
            try await db.raw("DELETE FROM escalation_policies WHERE id = \(bind: id.db)").run()
        }
    }

    public func nextEscalationTurn(policyID: UUID) async throws -> Int {
        // Each escalation takes the counter's next value (the first one 0), as `startEscalations` does.
        let last = try await database.read { db in
            try await db.raw("SELECT value FROM counters WHERE name = \(bind: "escalation_turn:" + policyID.db)").first(decodingColumn: "value", as: Int.self)
        }
        return last.map { $0 &+ 1 } ?? 0
    }

    /// The names of the policies that page `targetID` (a user, schedule or team, in `table`), for refusing to delete it.
    /// The row is held first, so a policy being saved with it finishes before the check (or waits for the deletion).
    static func policiesPaging(_ targetID: UUID, in table: String, _ db: any DatabaseSession) async throws -> [String] {
        _ = try await db.missingIDs([targetID], in: table, lock: .update)
        return try await db.raw("""
            SELECT name FROM escalation_policies
            WHERE id IN (SELECT policy_id FROM escalation_policy_targets WHERE target_id = \(bind: targetID.db)) ORDER BY lower(name)
            """).all(decodingColumn: "name", as: String.self)
    }

    /// "the service API", "the services API and Web": the names a refusal lists.
    static func named(_ services: [String]) -> String {
        services.count == 1 ? "the service \(services[0])" : "the services \(services.joined(separator: ", "))"
    }

    private static func checkReferences(of policy: EscalationPolicy, _ db: any DatabaseSession) async throws {
        var v = Validator()
        // Every row the policy names is held until it is saved, so a deletion checking for policies that name it
        // waits for this one (and then sees it), rather than passing its check at the same moment.
        if try await !db.missingIDs([policy.teamID], in: "teams", lock: .share).isEmpty {
            v.add("team_id", "team \(policy.teamID.db) does not exist")
        }
        let tables: [EscalationTarget.Kind: String] = [.user: "users", .schedule: "schedules", .team: "teams"]
        for kind in EscalationTarget.Kind.allCases {
            let ids = policy.targets.filter { $0.kind == kind }.map(\.id)
            let missing = Set(try await db.missingIDs(ids, in: tables[kind] ?? "users", lock: .share))
            guard !missing.isEmpty else { continue }
            for (index, level) in policy.levels.enumerated() {
                for target in level.targets where target.kind == kind && missing.contains(target.id) {
                    v.add("levels[\(index)].targets", "\(kind.rawValue) \(target.id.db) does not exist")
                }
            }
        }
        try v.throwIfInvalid()
    }

    private static func saveTargets(of policy: EscalationPolicy, _ db: any DatabaseSession) async throws {
        let targets = policy.targets
        guard !targets.isEmpty else { return }
        try await db.raw("INSERT INTO escalation_policy_targets (policy_id, target_type, target_id) VALUES "
            + SQL.joined(targets.map { "(\(bind: policy.id.db), \(bind: $0.kind.rawValue), \(bind: $0.id.db))" })).run()
    }

    static func policy(from row: Row) throws -> EscalationPolicy {
        EscalationPolicy(
            id: try row.id("id"), name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self), teamID: try row.id("team_id"),
            repeatCount: try row.decode(column: "repeat_count", as: Int.self),
            levels: try decodeJSON([LevelRecord].self, row, "levels").map { try $0.level() },
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}
