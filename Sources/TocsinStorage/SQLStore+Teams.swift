import Foundation
import TocsinCore

extension SQLStore: TeamRepository {
    public func createTeam(_ team: Team) async throws {
        try await database.write { db in
            try await Self.requireUsers(team.memberIDs, db)
            try await db.raw("""
                INSERT INTO teams (id, name, description, created_at, updated_at)
                VALUES (\(bind: team.id.db), \(bind: team.name), \(bind: team.description), \(bind: team.createdAt), \(bind: team.updatedAt))
                """).run()
            try await Self.saveMembers(of: team, db)
        }
    }

    public func team(id: UUID) async throws -> Team? {
        try await teams(ids: [id]).first
    }

    public func teams(query: String?, page: PageRequest) async throws -> Page<Team> {
        var conditions: [SQL] = []
        if let query = query?.nonBlank {
            conditions.append("lower(name) LIKE \(bind: SQLText.containsPattern(query)) ESCAPE '\\'")
        }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM teams" + whereClause)
            let rows = try await db.raw("SELECT * FROM teams" + whereClause + " ORDER BY lower(name), id" + SQLText.page(page)).all()
            return Page(items: try await Self.teams(from: rows, db), total: total, request: page)
        }
    }

    public func teams(ids: [UUID]) async throws -> [Team] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            let rows = try await db.raw("SELECT * FROM teams WHERE id IN (\(binds: ids.map(\.db))) ORDER BY lower(name), id").all()
            return try await Self.teams(from: rows, db)
        }
    }

    public func teams(memberID: UUID) async throws -> [Team] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT * FROM teams WHERE id IN (SELECT team_id FROM team_members WHERE user_id = \(bind: memberID.db))
                ORDER BY lower(name), id
                """).all()
            return try await Self.teams(from: rows, db)
        }
    }

    public func updateTeam(_ team: Team) async throws {
        try await database.write { db in
            try await Self.requireUsers(team.memberIDs, db)
            try await db.raw("""
                UPDATE teams SET name = \(bind: team.name), description = \(bind: team.description), updated_at = \(bind: team.updatedAt)
                WHERE id = \(bind: team.id.db)
                """).run()
            guard try await db.count("SELECT COUNT(*) AS n FROM teams WHERE id = \(bind: team.id.db)") == 1 else {
                throw DomainError.notFound("team \(team.id.db) not found")
            }
            try await db.raw("DELETE FROM team_members WHERE team_id = \(bind: team.id.db)").run()
            try await Self.saveMembers(of: team, db)
        }
    }

    public func deleteTeam(id: UUID) async throws {
        try await database.write { db in
            // Held before the checks: a policy being saved for this team finishes first, and is then seen.
            guard try await db.missingIDs([id], in: "teams", lock: .update).isEmpty else {
                throw DomainError.notFound("team \(id.db) not found")
            }
            let owned = try await db.raw("""
                SELECT name FROM escalation_policies WHERE team_id = \(bind: id.db) ORDER BY lower(name)
                """).all(decodingColumn: "name", as: String.self)
            if !owned.isEmpty {
                throw DomainError.conflict("it owns the escalation policies \(owned.joined(separator: ", ")): give them to another team first")
            }
            let policies = try await Self.policiesPaging(id, in: "teams", db)
            if !policies.isEmpty {
                throw DomainError.conflict("the escalation policies \(policies.joined(separator: ", ")) page it: take it out of those policies first")
            }
            try await db.raw("DELETE FROM teams WHERE id = \(bind: id.db)").run()
        }
    }

    private static func requireUsers(_ ids: [UUID], _ db: any DatabaseSession) async throws {
        let missing = try await db.missingIDs(ids, in: "users")
        if !missing.isEmpty {
            throw DomainError.validation(missing.map { FieldError("member_ids", "user \($0.db) does not exist") })
        }
    }

    private static func saveMembers(of team: Team, _ db: any DatabaseSession) async throws {
        for (position, member) in team.memberIDs.enumerated() {
            try await db.raw("""
                INSERT INTO team_members (team_id, user_id, position) VALUES (\(bind: team.id.db), \(bind: member.db), \(bind: position))
                """).run()
        }
    }

    private static func teams(from rows: [Row], _ db: any DatabaseSession) async throws -> [Team] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.id("id") }
        var members: [UUID: [UUID]] = [:]
        for row in try await db.raw("""
            SELECT team_id, user_id FROM team_members WHERE team_id IN (\(binds: ids.map(\.db))) ORDER BY position
            """).all() {
            members[try row.id("team_id"), default: []].append(try row.id("user_id"))
        }
        return try rows.map { row in
            let id = try row.id("id")
            return Team(
                id: id,
                name: try row.decode(column: "name", as: String.self),
                description: try row.decode(column: "description", as: String.self),
                memberIDs: members[id] ?? [],
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self)
            )
        }
    }
}
