import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio's connection pool; each write is one transaction on one connection.
final class PostgresBackend: DatabaseBackend {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let counters = Mutex(DatabasePoolStats())
    static let maximumConnections = 20

    let logger: Logger

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.runner = Task { await client.run() }
    }

    static func open(_ url: PostgresURL, logger: Logger) async throws -> PostgresBackend {
        let tls: PostgresClient.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password,
            database: url.database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        let backend = PostgresBackend(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        do {
            // Fail at start, with the server's reason, rather than on the first request.
            try await backend.read { db in try await db.raw("SELECT 1").run() }
        } catch {
            await backend.close()
            throw error
        }
        return backend
    }

    /// Counts callers waiting for and holding a connection, for `/metrics`.
    private func withTrackedConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        counters.withLock { $0.waiting += 1 }
        var entered = false
        do {
            return try await client.withConnection { connection in
                entered = true
                counters.withLock { $0.waiting -= 1; $0.inUse += 1 }
                defer { counters.withLock { $0.inUse -= 1 } }
                return try await body(connection)
            }
        } catch {
            if !entered { counters.withLock { $0.waiting -= 1 } }
            throw error
        }
    }

    func read<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        try await withTrackedConnection { connection in
            try await body(PostgresSession(connection: connection, logger: logger))
        }
    }

    /// BEGIN, the body, COMMIT; any error rolls everything back.
    func write<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        try await withTrackedConnection { connection in
            let session = PostgresSession(connection: connection, logger: logger)
            try await session.raw("BEGIN").run()
            do {
                let result = try await body(session)
                try await session.raw("COMMIT").run()
                return result
            } catch {
                try? await session.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    var stats: DatabasePoolStats {
        counters.withLock { s in
            DatabasePoolStats(inUse: max(0, s.inUse), idle: max(0, Self.maximumConnections - s.inUse), waiting: max(0, s.waiting))
        }
    }

    func close() async {
        runner.cancel()
        await runner.value
    }
}
