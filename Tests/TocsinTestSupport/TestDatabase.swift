import Foundation
import Logging
import TocsinCore
import TocsinStorage

/// The databases a conformance test runs on: SQLite always, PostgreSQL when
/// `TOCSIN_TEST_DATABASE_URL` names a server (each test then gets a database of its own).
public enum TestBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    public static var available: [TestBackend] {
        ProcessInfo.processInfo.environment["TOCSIN_TEST_DATABASE_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

}


public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "tocsin-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh, empty database location of that kind, removed by `cleanup`.
    public static func freshLocation(_ backend: TestBackend) async throws -> (DatabaseLocation, cleanup: @Sendable () async -> Void) {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-test-\(UUID().uuidString)").path
            return (.sqlite(dataDirectory: directory), { try? FileManager.default.removeItem(atPath: directory) })
        case .postgres:
            let server = try PostgresURL.parse(ProcessInfo.processInfo.environment["TOCSIN_TEST_DATABASE_URL"] ?? "")
            let name = "tocsin_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = try await Database.open(.postgres(server), logger: logger)
            try await admin.read { db in try await db.raw("CREATE DATABASE \(ident: String(name))").run() }
            await admin.close()
            return (.postgres(server.with(database: String(name))), {
                guard let admin = try? await Database.open(.postgres(server), logger: logger) else { return }
                try? await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(ident: String(name)) WITH (FORCE)").run() }
                await admin.close()
            })
        }
    }

    /// Runs `body` with a migrated database of that kind, then closes and removes it.
    public static func with<T>(_ backend: TestBackend, migrateUpTo: Int? = nil, _ body: (Database) async throws -> T) async throws -> T {
        let (location, cleanup) = try await freshLocation(backend)
        let database = try await Database.open(location, logger: logger)
        do {
            try await Migrator(database: database).migrate(upTo: migrateUpTo)
            let result = try await body(database)
            await database.close()
            await cleanup()
            return result
        } catch {
            await database.close()
            await cleanup()
            throw error
        }
    }
}

extension TestDatabase {
    /// Two separate handles on one fresh database (like a server and a CLI process), closed on every path.
    public static func withTwoHandles(_ backend: TestBackend, _ body: (Database, Database) async throws -> Void) async throws {
        let (location, cleanup) = try await freshLocation(backend)
        let first = try await Database.open(location, logger: logger)
        let second: Database
        do { second = try await Database.open(location, logger: logger) } catch {
            await first.close()
            await cleanup()
            throw error
        }
        do {
            try await body(first, second)
        } catch {
            await first.close()
            await second.close()
            await cleanup()
            throw error
        }
        await first.close()
        await second.close()
        await cleanup()
    }
}

/// Named records for tests, so a story reads "alice on the payments team".
public enum Seed {
    public static func user(_ name: String, role: Role = .responder, at time: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> User {
        User(id: UUID(), name: name.capitalized, email: "\(name)@example.com", timeZone: "Europe/Berlin", role: role,
             passwordHash: nil, createdAt: time, updatedAt: time)
    }

    public static func service(_ name: String, tier: Int = 2, team: UUID? = nil, dependsOn: [UUID] = [],
                               at time: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> Service {
        Service(id: UUID(), name: name, description: "\(name) service", teamID: team, tier: tier, links: [],
                dependsOn: dependsOn, createdAt: time, updatedAt: time)
    }

    public static func team(_ name: String, members: [UUID] = [], at time: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> Team {
        Team(id: UUID(), name: name, description: "", memberIDs: members, createdAt: time, updatedAt: time)
    }
}
