import Foundation
import SQLKit
import TocsinCore

/// The repositories over SQL. One implementation serves SQLite and PostgreSQL.
public final class SQLStore: TocsinStore, Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func ping() async throws {
        try await database.read { db in try await db.raw("SELECT 1 AS one").run() }
    }
}

extension SQLDatabase {
    /// The ids among `ids` that have no row in `table`.
    func missingIDs(_ ids: [UUID], in table: String) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        let found = Set(try await raw("SELECT id FROM \(ident: table) WHERE id IN (\(binds: ids.map(\.db)))")
            .all(decodingColumn: "id", as: String.self))
        return ids.filter { !found.contains($0.db) }
    }

    func count(_ query: SQLQueryString) async throws -> Int {
        try await raw(query).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
