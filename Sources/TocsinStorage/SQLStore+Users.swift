import Foundation
import TocsinCore

extension SQLStore: UserRepository {
    public func countUsers() async throws -> Int {
        try await database.read { db in try await db.count("SELECT COUNT(*) AS n FROM users") }
    }

    public func createUser(_ user: User) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO users (id, name, email, time_zone, role, password_hash, created_at, updated_at)
                VALUES (\(bind: user.id.db), \(bind: user.name), \(bind: user.email), \(bind: user.timeZone),
                        \(bind: user.role.rawValue), \(bind: user.passwordHash), \(bind: user.createdAt), \(bind: user.updatedAt))
                """).run()
        }
    }

    public func user(id: UUID) async throws -> User? {
        try await database.read { db in
            try await db.raw("SELECT * FROM users WHERE id = \(bind: id.db)").first().map(Self.user(from:))
        }
    }

    public func user(email: String) async throws -> User? {
        try await database.read { db in
            try await db.raw("SELECT * FROM users WHERE email = \(bind: email.trimmed.lowercased())").first().map(Self.user(from:))
        }
    }

    public func users(_ filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        var conditions: [SQL] = []
        if let role = filter.role { conditions.append("role = \(bind: role.rawValue)") }
        if let team = filter.teamID {
            conditions.append("id IN (SELECT user_id FROM team_members WHERE team_id = \(bind: team.db))")
        }
        if let query = filter.query?.nonBlank {
            let pattern = SQLText.containsPattern(query)
            conditions.append("(lower(name) LIKE \(bind: pattern) ESCAPE '\\' OR email LIKE \(bind: pattern) ESCAPE '\\')")
        }
        let whereClause = SQLText.whereClause(conditions)
        return try await database.read { db in
            let total = try await db.count("SELECT COUNT(*) AS n FROM users" + whereClause)
            let rows = try await db.raw("SELECT * FROM users" + whereClause + " ORDER BY lower(name), id" + SQLText.page(page)).all()
            return Page(items: try rows.map(Self.user(from:)), total: total, request: page)
        }
    }

    public func users(ids: [UUID]) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT * FROM users WHERE id IN (\(binds: ids.map(\.db))) ORDER BY lower(name), id")
                .all().map(Self.user(from:))
        }
    }

    public func updateUser(id: UUID, _ change: @Sendable (User) throws -> User) async throws -> User {
        try await database.write { db in
            try await lock(.owners, db)
            guard let row = try await db.raw("SELECT * FROM users WHERE id = \(bind: id.db)" + forUpdate).first() else {
                throw DomainError.notFound("user \(id.db) not found")
            }
            let current = try Self.user(from: row)
            var user = try change(current)
            user.id = current.id
            if current.role == .owner, user.role != .owner {
                try await Self.requireAnotherOwner(db, than: user.id)
            }
            try await db.raw("""
                UPDATE users SET name = \(bind: user.name), email = \(bind: user.email), time_zone = \(bind: user.timeZone),
                    role = \(bind: user.role.rawValue), password_hash = \(bind: user.passwordHash), updated_at = \(bind: user.updatedAt)
                WHERE id = \(bind: user.id.db)
                """).run()
            return user
        }
    }

    public func deleteUser(id: UUID) async throws {
        try await database.write { db in
            try await lock(.owners, db)
            guard let role = try await db.raw("SELECT role FROM users WHERE id = \(bind: id.db)")
                .first(decodingColumn: "role", as: String.self)
            else { throw DomainError.notFound("user \(id.db) not found") }
            if role == Role.owner.rawValue { try await Self.requireAnotherOwner(db, than: id) }
            let rotations = try await db.raw("""
                SELECT name FROM schedules WHERE id IN (SELECT schedule_id FROM schedule_members WHERE user_id = \(bind: id.db)) ORDER BY lower(name)
                """).all(decodingColumn: "name", as: String.self)
            if !rotations.isEmpty {
                throw DomainError.conflict("they are on call in \(rotations.joined(separator: ", ")): take them out of those rotations first")
            }
            let policies = try await Self.policiesPaging(id, in: "users", db)
            if !policies.isEmpty {
                throw DomainError.conflict("the escalation policies \(policies.joined(separator: ", ")) page them: take them out of those policies first")
            }
            try await db.raw("DELETE FROM users WHERE id = \(bind: id.db)").run()
        }
    }

    private static func requireAnotherOwner(_ db: any DatabaseSession, than id: UUID) async throws {
        let others = try await db.count("SELECT COUNT(*) AS n FROM users WHERE role = 'owner' AND id <> \(bind: id.db)")
        if others == 0 {
            throw DomainError.conflict("Tocsin needs at least one owner: make someone else an owner first", field: "role")
        }
    }

    static func user(from row: Row) throws -> User {
        let roleText = try row.decode(column: "role", as: String.self)
        return User(
            id: try row.id("id"),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            role: Role(rawValue: roleText) ?? .observer,
            passwordHash: try row.decode(column: "password_hash", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self)
        )
    }
}
