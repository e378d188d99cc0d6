import Foundation
import TocsinCore

extension SQLStore: CredentialRepository {
    /// Recording every use would turn each API read into a write; once a minute is enough to tell stale tokens.
    static let lastUsedResolution: TimeInterval = 60

    public func createToken(_ token: APIToken, secretHash: String) async throws {
        try await database.write { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = \(bind: token.userID.db)") < Limits.tokensPerUser else {
                throw DomainError.conflict("you already have \(Limits.tokensPerUser) API tokens; revoke some first")
            }
            try await db.raw("""
                INSERT INTO api_tokens (id, user_id, name, secret_hash, hint, read_only, created_at, last_used_at)
                VALUES (\(bind: token.id.db), \(bind: token.userID.db), \(bind: token.name), \(bind: secretHash), \(bind: token.hint),
                        \(bind: token.readOnly), \(bind: token.createdAt), \(bind: token.lastUsedAt))
                """).run()
        }
    }

    public func authenticateToken(secretHash: String, now: Date) async throws -> (APIToken, User)? {
        // One query for token and owner: this runs on every API request.
        let found: (APIToken, User)? = try await database.read { db in
            guard let row = try await db.raw("""
                SELECT t.id AS token_id, t.user_id, t.name AS token_name, t.read_only, t.hint, t.created_at AS token_created_at,
                       t.last_used_at, u.*
                FROM api_tokens t JOIN users u ON u.id = t.user_id
                WHERE t.secret_hash = \(bind: secretHash)
                """).first() else { return nil }
            let token = APIToken(
                id: try row.id("token_id"), userID: try row.id("user_id"), name: try row.decode(column: "token_name", as: String.self),
                readOnly: try row.decode(column: "read_only", as: Bool.self), hint: try row.decode(column: "hint", as: String.self),
                createdAt: try row.decode(column: "token_created_at", as: Date.self),
                lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self))
            return (token, try Self.user(from: row))
        }
        if let (token, _) = found, (token.lastUsedAt.map { now.timeIntervalSince($0) >= Self.lastUsedResolution } ?? true) {
            try await database.write { db in
                try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: token.id.db)").run()
            }
        }
        return found
    }

    public func tokens(userID: UUID?) async throws -> [APIToken] {
        let condition: SQL = userID.map { "WHERE user_id = \(bind: $0.db)" } ?? ""
        return try await database.read { db in
            try await db.raw("SELECT * FROM api_tokens " + condition + " ORDER BY created_at, id").all().map(Self.token(from:))
        }
    }

    public func token(id: UUID) async throws -> APIToken? {
        try await database.read { db in
            try await db.raw("SELECT * FROM api_tokens WHERE id = \(bind: id.db)").first().map(Self.token(from:))
        }
    }

    public func deleteToken(id: UUID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM api_tokens WHERE id = \(bind: id.db)").run()
        }
    }

    public func createSession(_ session: WebSession, secretHash: String) async throws {
        try await database.write { db in
            // Expired sessions are swept here, on the rare write, rather than by a timer.
            try await db.raw("DELETE FROM web_sessions WHERE expires_at <= \(bind: session.createdAt)").run()
            try await db.raw("""
                INSERT INTO web_sessions (secret_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: secretHash), \(bind: session.userID.db), \(bind: session.csrfToken), \(bind: session.createdAt), \(bind: session.expiresAt))
                """).run()
        }
    }

    public func session(secretHash: String, now: Date) async throws -> (WebSession, User)? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT s.csrf_token, s.created_at AS session_created_at, s.expires_at, u.*
                FROM web_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.secret_hash = \(bind: secretHash) AND s.expires_at > \(bind: now)
                """).first() else { return nil }
            let user = try Self.user(from: row)
            let session = WebSession(
                userID: user.id,
                csrfToken: try row.decode(column: "csrf_token", as: String.self),
                createdAt: try row.decode(column: "session_created_at", as: Date.self),
                expiresAt: try row.decode(column: "expires_at", as: Date.self)
            )
            return (session, user)
        }
    }

    public func deleteSession(secretHash: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM web_sessions WHERE secret_hash = \(bind: secretHash)").run()
        }
    }

    public func deleteSessions(userID: UUID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM web_sessions WHERE user_id = \(bind: userID.db)").run()
        }
    }

    public func replaceOneTimeToken(_ token: OneTimeToken, secretHash: String, now: Date) async throws {
        try await database.write { db in
            if let user = token.userID {
                try await db.raw("""
                    DELETE FROM one_time_tokens WHERE purpose = \(bind: token.purpose.rawValue) AND user_id = \(bind: user.db)
                    """).run()
            } else {
                try await db.raw("""
                    DELETE FROM one_time_tokens WHERE purpose = \(bind: token.purpose.rawValue) AND user_id IS NULL
                    """).run()
            }
            try await db.raw("""
                INSERT INTO one_time_tokens (secret_hash, purpose, user_id, created_at, expires_at)
                VALUES (\(bind: secretHash), \(bind: token.purpose.rawValue), \(bind: token.userID?.db), \(bind: now), \(bind: token.expiresAt))
                """).run()
        }
    }

    public func oneTimeToken(secretHash: String, now: Date) async throws -> OneTimeToken? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT * FROM one_time_tokens WHERE secret_hash = \(bind: secretHash) AND expires_at > \(bind: now)
                """).first() else { return nil }
            guard let purpose = OneTimePurpose(rawValue: try row.decode(column: "purpose", as: String.self)) else { return nil }
            return OneTimeToken(purpose: purpose, userID: try row.optionalID("user_id"),
                                expiresAt: try row.decode(column: "expires_at", as: Date.self))
        }
    }

    public func consumeOneTimeToken(secretHash: String, now: Date) async throws -> OneTimeToken? {
        try await database.write { db in
            guard let row = try await db.raw("""
                DELETE FROM one_time_tokens WHERE secret_hash = \(bind: secretHash) AND expires_at > \(bind: now)
                RETURNING purpose, user_id, expires_at
                """).first() else { return nil }
            guard let purpose = OneTimePurpose(rawValue: try row.decode(column: "purpose", as: String.self)) else { return nil }
            return OneTimeToken(purpose: purpose, userID: try row.optionalID("user_id"),
                                expiresAt: try row.decode(column: "expires_at", as: Date.self))
        }
    }

    static func token(from row: Row) throws -> APIToken {
        APIToken(
            id: try row.id("id"),
            userID: try row.id("user_id"),
            name: try row.decode(column: "name", as: String.self),
            readOnly: try row.decode(column: "read_only", as: Bool.self),
            hint: try row.decode(column: "hint", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self)
        )
    }
}
