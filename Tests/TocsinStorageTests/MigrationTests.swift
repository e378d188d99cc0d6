import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test("an upgrade from the previous schema keeps the data", arguments: TestBackend.available)
    func upgradeKeepsData(backend: TestBackend) async throws {
        let previous = Migrations.latestVersion - 1
        try await TestDatabase.with(backend, migrateUpTo: previous) { database in
            let migrator = Migrator(database: database)
            #expect(try await migrator.appliedVersions() == Array(1...previous))
            let store = SQLStore(database: database)
            let user = Seed.user("early", role: .owner)
            try await store.createUser(user)

            #expect(try await migrator.migrate() == Array((previous + 1)...Migrations.latestVersion))
            #expect(try await store.user(id: user.id) == user)
            try await store.createService(Seed.service("After upgrade"))
            #expect(try await migrator.migrate() == [], "running again changes nothing")
        }
    }

    @Test("incidents from before the event stream get their opening, acknowledgement and resolution back", arguments: TestBackend.available)
    func eventBackfill(backend: TestBackend) async throws {
        try await TestDatabase.with(backend, migrateUpTo: 12) { database in
            let store = SQLStore(database: database)
            let ana = Seed.user("ana", role: .responder)
            try await store.createUser(ana)
            let opened = Date(timeIntervalSince1970: 1_790_000_000)
            let (acked, resolved) = (opened.addingTimeInterval(120), opened.addingTimeInterval(900))
            let (first, second) = (UUID(), UUID())
            try await database.write { db in
                try await db.raw("""
                    INSERT INTO incidents (id, number, title, status, severity, detection_source, created_at, acknowledged_at, resolved_at,
                        updated_at, acknowledged_by, resolved_by) VALUES
                    (\(bind: first.uuidString.lowercased()), 1, 'Disk full', 'resolved', 'SEV2', 'monitoring', \(bind: opened), \(bind: acked), \(bind: resolved),
                        \(bind: resolved), \(bind: ana.id.uuidString.lowercased()), NULL),
                    (\(bind: second.uuidString.lowercased()), 2, 'Login slow', 'triggered', 'SEV3', 'customer', \(bind: opened), NULL, NULL, \(bind: opened), NULL, NULL)
                    """).run()
            }
            _ = try await Migrator(database: database).migrate()
            let timeline = try await store.incidentTimeline(incidentID: first, page: PageRequest())
            #expect(timeline.items.map(\.kind) == [.opened, .acknowledged, .resolved])
            #expect(timeline.items.map(\.at) == [opened, acked, resolved])
            #expect(timeline.items.map(\.body) == ["Opened as SEV2", "Acknowledged by Ana", "Resolved: all of its alerts resolved"])
            #expect(timeline.items[0].payload["reconstructed"] == "true")
            #expect(try await store.incidentTimeline(incidentID: second, page: PageRequest()).items.map(\.kind) == [.opened])
        }
    }

    @Test("a schema newer than the binary is refused", arguments: TestBackend.available)
    func newerSchema(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            try await database.write { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', \(bind: Date()))").run()
            }
            await #expect(throws: Migrator.SchemaTooNewError.self) { try await Migrator(database: database).migrate() }
        }
    }

    @Test("two processes migrating one database at once both succeed", arguments: TestBackend.available)
    func concurrentMigrators(backend: TestBackend) async throws {
        try await TestDatabase.withTwoHandles(backend) { first, second in
            async let a = Migrator(database: first).migrate()
            async let b = Migrator(database: second).migrate()
            let applied = try await a + b
            #expect(applied.sorted() == Array(1...Migrations.latestVersion), "each migration ran exactly once")
        }
    }

    @Test("a failed write leaves nothing behind", arguments: TestBackend.available)
    func rollback(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            await #expect(throws: Boom.self) {
                try await database.write { db in
                    try await db.raw("INSERT INTO teams (id, name, description, created_at, updated_at) VALUES ('t1', 'Half', '', \(bind: Date()), \(bind: Date()))").run()
                    throw Boom()
                }
            }
            let total = try await store.teams(query: nil, page: PageRequest()).total
            #expect(total == 0)
        }
    }
}

struct Boom: Error {}

@Suite("Database URLs")
struct DatabaseLocationTests {
    @Test("postgres URLs are read with their parts and TLS mode")
    func postgres() throws {
        let location = try DatabaseLocation.parse(url: "postgresql://tocsin:p%40ss@db.internal:5433/incidents?sslmode=require")
        #expect(location == .postgres(PostgresURL(host: "db.internal", port: 5433, username: "tocsin", password: "p@ss", database: "incidents", tls: .require)))
        #expect(!location.description.contains("p@ss"), "the password stays out of logs")
    }

    @Test("bad URLs name what is wrong", arguments: ["mysql://x@y/z", "postgres://host/db", "postgres://u@host/", "postgres://u@h/d?sslmode=maybe"])
    func invalid(url: String) {
        #expect(throws: DomainError.self) { try DatabaseLocation.parse(url: url) }
    }
}

@Suite("Sharing one database")
struct SharedDatabaseTests {
    /// What happens when `tocsin user create` runs beside `tocsin serve`: two handles, one database file.
    @Test("two handles on one database write at once without losing a row", arguments: TestBackend.available)
    func concurrentWriters(backend: TestBackend) async throws {
        try await TestDatabase.withTwoHandles(backend) { server, cli in
            try await Migrator(database: server).migrate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (handle, prefix) in [(server, "server"), (cli, "cli")] {
                    group.addTask {
                        let store = SQLStore(database: handle)
                        for i in 0..<40 { try await store.createUser(Seed.user("\(prefix)\(i)")) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await SQLStore(database: cli).countUsers() == 80)
        }
    }
}
