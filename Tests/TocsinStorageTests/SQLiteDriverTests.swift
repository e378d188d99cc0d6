import Foundation
import Testing
import TocsinTestSupport
@testable import TocsinStorage

/// Tocsin's own SQLite driver: values as stored, the statement cache, the settings it verifies, and waiting for
/// another process's write lock.
@Suite("SQLite driver")
struct SQLiteDriverTests {
    /// A database on a new file, closed and removed after `body`.
    private func withDatabase(_ body: (Database, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-driver-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/test.db"
        let database = try await Database.open(.sqlite(path: path), logger: TestDatabase.logger)
        do {
            try await body(database, path)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    @Test("values come back as they were bound: empty and non-ASCII text, 64-bit extremes, instants, flags, NULL, bytes")
    func roundTrip() async throws {
        try await withDatabase { database, path in
            let at = Date(timeIntervalSince1970: 1_795_000_000.123456)
            let none: String? = nil
            try await database.write { db in
                try await db.raw("CREATE TABLE t (a TEXT, b TEXT, c INTEGER, d INTEGER, e REAL, f INTEGER, g TEXT, h BLOB)").run()
                try await db.raw("""
                    INSERT INTO t VALUES (\(bind: ""), \(bind: "Ünïcødé ✓ 🚨"), \(bind: Int.max), \(bind: Int.min), \(bind: at),
                                          \(bind: true), \(bind: none), \(bind: [UInt8]([0, 1, 255])))
                    """).run()
            }
            let row = try #require(try await database.read { db in try await db.raw("SELECT * FROM t").first() })
            #expect(try row.decode(column: "a", as: String.self) == "", "an empty string is not NULL")
            #expect(try row.decode(column: "b", as: String.self) == "Ünïcødé ✓ 🚨")
            #expect(try row.decode(column: "c", as: Int.self) == Int.max)
            #expect(try row.decode(column: "d", as: Int.self) == Int.min)
            #expect(try row.decode(column: "e", as: Date.self) == at)
            #expect(try row.decode(column: "f", as: Bool.self) == true)
            #expect(try row.decode(column: "g", as: String?.self) == nil)
            #expect(try row.decodeNil(column: "g"))
            #expect(try row.decode(column: "h", as: Data.self) == Data([0, 1, 255]))
            #expect(row.allColumns == ["a", "b", "c", "d", "e", "f", "g", "h"])
            // A mismatch is an error the caller sees, never a trap.
            #expect(throws: RowDecodingError.self) { try row.decode(column: "b", as: Int.self) }
            #expect(throws: RowDecodingError.self) { try row.decode(column: "g", as: String.self) }
            #expect(throws: RowDecodingError.self) { try row.decode(column: "missing", as: String.self) }
        }
    }

    @Test("a statement is prepared once and reused; the cache keeps at most its capacity, least recently used out first")
    func statementCache() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        try connection.run("CREATE TABLE n (v INTEGER)", [])
        for v in 0..<50 { try connection.run("INSERT INTO n VALUES (?1)", [.integer(Int64(v))]) }
        #expect(connection.cachedStatementCount == 2, "one statement per distinct text, whatever the values")
        let capacity = SQLiteConnection.statementCacheCapacity
        for k in 0..<(capacity + 40) {
            var seen: [DatabaseValue] = []
            try connection.run("SELECT COUNT(*) + \(k) AS c FROM n", []) { _, values in seen = values }
            #expect(seen == [.integer(Int64(50 + k))])
        }
        #expect(connection.cachedStatementCount == capacity)
        // The insert was used long ago and went out; it is prepared again on demand and still right.
        try connection.run("INSERT INTO n VALUES (?1)", [.integer(99)])
        #expect(try connection.scalar("SELECT COUNT(*) FROM n") == .integer(51))
    }

    @Test("two statements in one call are refused before either runs; a wrong number of values too")
    func oneStatementPerCall() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        try connection.run("CREATE TABLE n (v INTEGER)", [])
        #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO n VALUES (1); INSERT INTO n VALUES (2)", []) }
        #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO n VALUES (?1)", []) }
        #expect(throws: SQLiteError.self) { try connection.run("SELEC 1", []) }
        #expect(try connection.scalar("SELECT COUNT(*) FROM n") == .integer(0))
        // A failed step leaves the statement reset and usable.
        try connection.run("CREATE UNIQUE INDEX n_v ON n (v)", [])
        try connection.run("INSERT INTO n VALUES (?1)", [.integer(1)])
        let duplicate = #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO n VALUES (?1)", [.integer(1)]) }
        #expect(duplicate?.isConstraint == true)
        try connection.run("INSERT INTO n VALUES (?1)", [.integer(2)])
        #expect(try connection.scalar("SELECT COUNT(*) FROM n") == .integer(2))
    }

    @Test("every connection runs with WAL, synchronous=FULL and foreign keys, read back (the writer keeps temporary data in memory); a file that cannot have WAL is refused")
    func settingsVerified() async throws {
        try await withDatabase { database, path in
            for _ in 0..<SQLiteBackend.readerCount {
                let (mode, synchronous, keys) = try await database.read { db in
                    (try await db.raw("PRAGMA journal_mode").first(decodingColumn: "journal_mode", as: String.self),
                     try await db.raw("PRAGMA synchronous").first(decodingColumn: "synchronous", as: Int.self),
                     try await db.raw("PRAGMA foreign_keys").first(decodingColumn: "foreign_keys", as: Int.self))
                }
                #expect(mode == "wal" && synchronous == 2 && keys == 1)
            }
            let (writerSynchronous, writerTempStore) = try await database.write { db in
                (try await db.raw("PRAGMA synchronous").first(decodingColumn: "synchronous", as: Int.self),
                 try await db.raw("PRAGMA temp_store").first(decodingColumn: "temp_store", as: Int.self))
            }
            #expect(writerSynchronous == 2)
            // 2 = MEMORY: an ingestion batch's statement journals stay off the disk (no temporary file per batch).
            #expect(writerTempStore == 2)
        }
        // An in-memory database has no WAL: the durability promise cannot be kept, so it is refused, saying why.
        let refused = #expect(throws: DatabaseSettingError.self) { try SQLiteBackend.configured(SQLiteConnection(path: ":memory:")) }
        #expect(refused?.description.contains("journal_mode=WAL") == true)
    }

    @Test("a failed write rolls back all of it and leaves the writer ready for the next")
    func rollback() async throws {
        try await withDatabase { database, path in
            try await database.write { db in try await db.raw("CREATE TABLE n (v INTEGER NOT NULL)").run() }
            await #expect(throws: (any Error).self) {
                try await database.write { db in
                    try await db.raw("INSERT INTO n VALUES (1)").run()
                    let missing: Int? = nil
                    try await db.raw("INSERT INTO n VALUES (\(bind: missing))").run()
                }
            }
            try await database.write { db in try await db.raw("INSERT INTO n VALUES (2)").run() }
            let values = try await database.read { db in try await db.raw("SELECT v FROM n").all(decodingColumn: "v", as: Int.self) }
            #expect(values == [2])
        }
    }

    @Test("a write waits for another process's write lock instead of failing, and then commits")
    func waitsForAnotherWriter() async throws {
        try await withDatabase { database, path in
            try await database.write { db in try await db.raw("CREATE TABLE n (v INTEGER)").run() }
            // Another handle on the file, as the CLI would hold: it takes the write lock and keeps it for a while.
            let other = try SQLiteConnection(path: path)
            try other.run("BEGIN IMMEDIATE", [])
            try other.run("INSERT INTO n VALUES (1)", [])
            let started = Date()
            async let written: Void = database.write { db in try await db.raw("INSERT INTO n VALUES (2)").run() }
            try await Task.sleep(for: .milliseconds(400))
            try other.run("COMMIT", [])
            try await written
            #expect(Date().timeIntervalSince(started) >= 0.35, "it waited for the lock")
            let values = try await database.read { db in try await db.raw("SELECT v FROM n ORDER BY v").all(decodingColumn: "v", as: Int.self) }
            #expect(values == [1, 2])
        }
    }
}
