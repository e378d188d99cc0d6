import Foundation
import Logging
import TocsinCore

/// Brings a database to the schema this binary expects. Safe to run from several processes at once:
/// SQLite's write lock and PostgreSQL's advisory lock let one of them work while the others wait.
public struct Migrator: Sendable {
    public let database: Database
    public let migrations: [Migration]

    public init(database: Database, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations
    }

    public struct SchemaTooNewError: Error, CustomStringConvertible {
        public let found: Int
        public let known: Int
        public var description: String {
            "the database schema is at version \(found), newer than this tocsin knows (\(known)); run a newer tocsin"
        }
    }

    /// Applies every pending migration (up to `target`) in one transaction; returns the versions applied.
    @discardableResult
    public func migrate(upTo target: Int? = nil, logger: Logger? = nil) async throws -> [Int] {
        let types = database.types
        let kind = database.kind
        let migrations = self.migrations
        return try await database.write { db in
            if kind == .postgres {
                // Held until commit; a second instance starting at the same moment waits here.
                try await db.raw("SELECT pg_advisory_xact_lock(7262817)").run()
            }
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at \(unsafeRaw: types.time) NOT NULL
                )
                """).run()
            let applied = Set(try await db.raw("SELECT version FROM schema_migrations").all(decodingColumn: "version", as: Int.self))
            let known = migrations.last?.version ?? 0
            if let newest = applied.max(), newest > known { throw SchemaTooNewError(found: newest, known: known) }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                if let target, migration.version > target { break }
                for statement in migration.statements(types) {
                    try await db.raw(SQL(unsafe: statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date()))
                    """).run()
                logger?.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }

    public func appliedVersions() async throws -> [Int] {
        try await database.read { db in
            try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all(decodingColumn: "version", as: Int.self)
        }
    }
}
