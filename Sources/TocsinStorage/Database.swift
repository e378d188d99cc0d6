import Foundation
import Logging
import TocsinCore

public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// How busy the connections are, for `/metrics`.
public struct DatabasePoolStats: Sendable, Equatable {
    public var inUse: Int
    public var idle: Int
    public var waiting: Int

    public init(inUse: Int = 0, idle: Int = 0, waiting: Int = 0) {
        self.inUse = inUse
        self.idle = idle
        self.waiting = waiting
    }
}

protocol DatabaseBackend: Sendable {
    func read<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T
    var stats: DatabasePoolStats { get }
    func close() async
}

/// One SQL database, SQLite or PostgreSQL, behind one interface: reads run on any connection,
/// writes run in a transaction (on SQLite through a single writer connection).
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let location: DatabaseLocation
    let backend: any DatabaseBackend

    init(kind: DatabaseKind, location: DatabaseLocation, backend: any DatabaseBackend) {
        self.kind = kind
        self.location = location
        self.backend = backend
    }

    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        switch location {
        case .sqlite(let path):
            return Database(kind: .sqlite, location: location, backend: try await SQLiteBackend.open(path: path))
        case .postgres(let url):
            return Database(kind: .postgres, location: location, backend: try await PostgresBackend.open(url, logger: logger))
        }
    }

    public func read<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        do {
            return try await backend.read(body)
        } catch {
            throw ConstraintErrors.map(error)
        }
    }

    /// Runs `body` in one transaction: all of it is committed, or none of it.
    public func write<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        do {
            return try await backend.write(body)
        } catch {
            throw ConstraintErrors.map(error)
        }
    }

    public var stats: DatabasePoolStats { backend.stats }

    public func close() async {
        await backend.close()
    }

    /// Column types that differ between the two databases.
    public var types: SQLTypes { SQLTypes(kind: kind) }
}

public struct SQLTypes: Sendable {
    public let kind: DatabaseKind
    public var time: String { kind == .postgres ? "TIMESTAMPTZ" : "REAL" }
    public var bool: String { kind == .postgres ? "BOOLEAN" : "INTEGER" }
    public var bigint: String { kind == .postgres ? "BIGINT" : "INTEGER" }
}
