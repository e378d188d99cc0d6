import Foundation
import Synchronization
import TocsinCore

/// The repositories over SQL. One implementation serves SQLite and PostgreSQL.
public final class SQLStore: TocsinStore, Sendable {
    public let database: Database
    let batcher: IngestBatcher
    let integrationKeyCache = IntegrationKeyCache()
    let instanceSecrets = Mutex<[String: String]>([:])
    /// Signalled when the escalation engine has work now (an ingestion batch opened an incident, a responder asked to
    /// escalate), so it pages without waiting for its next tick.
    public let escalationWork = Wakeup()

    public init(database: Database) {
        self.database = database
        self.batcher = IngestBatcher(database: database, escalationWork: escalationWork)
    }

    public func ping() async throws {
        try await database.read { db in try await db.raw("SELECT 1 AS one").run() }
    }
}

/// Rules that span rows ("at least one owner", "no dependency cycle") are checked and written under one
/// lock per rule. SQLite's single writer already serialises them; PostgreSQL takes an advisory lock.
enum InvariantLock: Int64 {
    case owners = 7262818
    case serviceDependencies = 7262819
}

extension SQLStore {
    func lock(_ invariant: InvariantLock, _ db: any DatabaseSession) async throws {
        guard database.kind == .postgres else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: invariant.rawValue))").run()
    }

    /// Deletes a row that belongs to a service; a row of another service is as unknown as a missing one.
    func deleteServiceRow(_ table: String, id: UUID, serviceID: UUID, what: String) async throws {
        try await database.write { db in
            guard try await db.count("""
                SELECT COUNT(*) AS n FROM \(ident: table) WHERE id = \(bind: id.db) AND service_id = \(bind: serviceID.db)
                """) == 1 else { throw DomainError.notFound("\(what) \(id.db) not found on this service") }
            try await db.raw("DELETE FROM \(ident: table) WHERE id = \(bind: id.db)").run()
        }
    }

    /// Locks the rows read on PostgreSQL, so a read-modify-write is not lost to a concurrent one.
    var forUpdate: SQL { database.kind == .postgres ? " FOR UPDATE" : "" }
}

/// How a read row is held until the transaction ends, on PostgreSQL (SQLite has one writer: nothing to hold).
enum RowLock {
    case none
    /// Others may read and share it, but not delete or change it: what a row that will be referenced needs.
    case share
    /// Serialises the writers that check and then write about it (`FOR NO KEY UPDATE`: rows referring to it are still
    /// written beside it without waiting).
    case update
}

extension DatabaseSession {
    /// The ids not found in `table`; those found are held as `lock` says, on PostgreSQL, in id order (no deadlocks
    /// between two holders).
    func missingIDs(_ ids: [UUID], in table: String, lock: RowLock = .none) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        var query: SQL = "SELECT id FROM \(ident: table) WHERE id IN (\(binds: ids.map(\.db)))"
        if kind == .postgres {
            switch lock {
            case .none: break
            case .share: query = query + " ORDER BY id FOR SHARE"
            case .update: query = query + " ORDER BY id FOR NO KEY UPDATE"
            }
        }
        let found = Set(try await raw(query).all(decodingColumn: "id", as: String.self))
        return ids.filter { !found.contains($0.db) }
    }

    func count(_ query: SQL) async throws -> Int {
        try await raw(query).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
