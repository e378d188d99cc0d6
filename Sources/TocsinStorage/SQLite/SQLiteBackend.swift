import Foundation
import NIOPosix

/// SQLite in WAL mode on the system library: one writer connection (SQLite allows one writer at a time anyway, and a
/// shared connection cannot carry concurrent transactions) and a few readers.
///
/// Statements run on the caller's thread (see `SQLiteConnection`). Two steps may block and run on a thread of
/// this backend's own instead, so they never hold one of Swift's few cooperative threads: a `BEGIN IMMEDIATE`
/// that finds another process (the CLI) holding the write lock and must wait for it, and `COMMIT`, whose
/// `fsync` is the cost of the durability promise. A write therefore suspends once, for its commit.
final class SQLiteBackend: DatabaseBackend {
    static let readerCount = 4
    /// How long a write waits for another process's write lock, and a read for a lock during WAL recovery.
    static let busyTimeoutMilliseconds: Int32 = 10_000

    let writer: ConnectionPool<SQLiteConnection>
    let readers: ConnectionPool<SQLiteConnection>
    /// Where commits and lock waits run.
    let thread: NIOThreadPool

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], thread: NIOThreadPool) {
        self.writer = ConnectionPool(connections: [writer])
        self.readers = ConnectionPool(connections: readers)
        self.thread = thread
    }

    static func open(path: String) async throws -> SQLiteBackend {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            // Opening may run recovery of a crashed WAL and wait for locks: on the backend's thread.
            let connections = try await thread.runIfActive {
                try (0...readerCount).map { _ in try configured(SQLiteConnection(path: path)) }
            }
            // The writer waits for nobody inside the process; a lock held by another process is waited for on `thread`.
            connections[0].setBusyTimeout(milliseconds: 0)
            return SQLiteBackend(writer: connections[0], readers: Array(connections.dropFirst()), thread: thread)
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
    }

    /// The settings every connection needs, each verified: durability is a promise, not a hope.
    static func configured(_ connection: SQLiteConnection) throws -> SQLiteConnection {
        connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
        guard case .text(let mode) = try connection.scalar("PRAGMA journal_mode = WAL"), mode.lowercased() == "wal" else {
            throw DatabaseSettingError("SQLite could not use write-ahead logging (journal_mode=WAL) for this database file; "
                + "put the data directory on a local file system")
        }
        // FULL: a commit survives power loss, the promise behind "202 only after commit". Set after the journal
        // mode, and read back.
        _ = try connection.scalar("PRAGMA synchronous = FULL")
        guard try connection.scalar("PRAGMA synchronous") == .integer(2) else {
            throw DatabaseSettingError("SQLite refused synchronous=FULL; Tocsin will not answer events it cannot promise are on disk")
        }
        // A multi-row statement keeps a statement journal (to undo itself if it fails half-way); past 64 KiB it
        // would spill to a new temporary file, created and unlinked in every ingestion batch. In memory instead.
        _ = try connection.scalar("PRAGMA temp_store = MEMORY")
        _ = try connection.scalar("PRAGMA foreign_keys = ON")
        guard try connection.scalar("PRAGMA foreign_keys") == .integer(1) else {
            throw DatabaseSettingError("this SQLite library has no foreign key support (foreign_keys=ON is refused)")
        }
        return connection
    }

    func read<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        try await readers.withConnection { connection in
            try await body(SQLiteSession(connection: connection))
        }
    }

    func write<T: Sendable>(_ body: (any DatabaseSession) async throws -> T) async throws -> T {
        try await writer.withConnection { connection in
            try await begin(connection)
            do {
                let result = try await body(SQLiteSession(connection: connection))
                try await thread.runIfActive { try connection.run("COMMIT", []) }
                return result
            } catch {
                // After a failed COMMIT the transaction may still be open; a rollback with none open is harmless.
                try? connection.run("ROLLBACK", [])
                throw error
            }
        }
    }

    /// IMMEDIATE takes the write lock now, so another process waits for it instead of failing mid-way. Tried at once
    /// on the caller's thread; only when another process holds the lock does the wait move to the backend's thread.
    private func begin(_ connection: SQLiteConnection) async throws {
        do {
            try connection.run("BEGIN IMMEDIATE", [])
        } catch let error as SQLiteError where error.isBusy {
            try await thread.runIfActive {
                connection.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
                defer { connection.setBusyTimeout(milliseconds: 0) }
                try connection.run("BEGIN IMMEDIATE", [])
            }
        }
    }

    var stats: DatabasePoolStats {
        let w = writer.stats
        let r = readers.stats
        return DatabasePoolStats(inUse: w.inUse + r.inUse, idle: w.idle + r.idle, waiting: w.waiting + r.waiting)
    }

    func close() async {
        // Waits for every connection to come back; each closes when the last reference to it goes.
        _ = await writer.drain(expected: 1)
        _ = await readers.drain(expected: Self.readerCount)
        try? await thread.shutdownGracefully()
    }
}

/// A database that cannot keep Tocsin's promises is refused at start, with what to do about it.
struct DatabaseSettingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
