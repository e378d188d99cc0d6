import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLite in WAL mode: one writer connection (SQLite allows one writer at a time anyway, and a
/// shared connection cannot carry concurrent transactions) and a few readers.
final class SQLiteBackend: DatabaseBackend {
    static let readerCount = 4

    let writer: ConnectionPool<SQLiteConnection>
    let readers: ConnectionPool<SQLiteConnection>
    /// One thread per connection, owned by this database. SQLite's busy handler sleeps on the
    /// connection's thread while another handle holds the write lock; on a shared pool those sleepers
    /// could take every thread and starve the connection that holds the lock.
    let threads: NIOThreadPool

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threads: NIOThreadPool) {
        self.writer = ConnectionPool(connections: [writer])
        self.readers = ConnectionPool(connections: readers)
        self.threads = threads
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let threads = NIOThreadPool(numberOfThreads: readerCount + 1)
        threads.start()
        var opened: [SQLiteConnection] = []
        do {
            for _ in 0...readerCount {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: threads, logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                ).get()
                opened.append(connection)
                try await configure(connection)
            }
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threads.shutdownGracefully()
            throw error
        }
        return SQLiteBackend(writer: opened[0], readers: Array(opened.dropFirst()), threads: threads)
    }

    /// Set on every connection: sqlite-kit has no hook for it, and the default busy handler never gives up.
    private static func configure(_ connection: SQLiteConnection) async throws {
        for pragma in [
            "PRAGMA busy_timeout = 10000",
            "PRAGMA journal_mode = WAL",
            // FULL: a commit survives power loss, the promise behind "202 only after commit".
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
        ] {
            _ = try await connection.query(pragma)
        }
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.withConnection { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    func write<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.withConnection { connection in
            // IMMEDIATE takes the write lock now, so another process (the CLI) waits instead of failing mid-way.
            try await connection.sql(queryLogLevel: .trace).inTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    var stats: DatabasePoolStats {
        let w = writer.stats
        let r = readers.stats
        return DatabasePoolStats(inUse: w.inUse + r.inUse, idle: w.idle + r.idle, waiting: w.waiting + r.waiting)
    }

    func close() async {
        // Every connection must be closed before release, or sqlite-nio traps in debug builds.
        for connection in await writer.drain(expected: 1) { try? await connection.close() }
        for connection in await readers.drain(expected: Self.readerCount) { try? await connection.close() }
        try? await threads.shutdownGracefully()
    }
}
