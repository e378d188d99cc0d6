import Synchronization

/// A fixed set of connections handed out one caller at a time; callers beyond the set wait in order.
final class ConnectionPool<Connection: Sendable>: Sendable {
    private struct State {
        var idle: [Connection]
        var inUse = 0
        var waiters: [CheckedContinuation<Connection, any Error>] = []
        var closed = false
    }

    private let state: Mutex<State>

    init(connections: [Connection]) {
        state = Mutex(State(idle: connections))
    }

    func withConnection<T>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    private func acquire() async throws -> Connection {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Connection, any Error>? = state.withLock { state in
                if state.closed { return .failure(PoolClosedError()) }
                if let connection = state.idle.popLast() {
                    state.inUse += 1
                    return .success(connection)
                }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func release(_ connection: Connection) {
        let waiter: CheckedContinuation<Connection, any Error>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.inUse -= 1
            state.idle.append(connection)
            return nil
        }
        waiter?.resume(returning: connection)
    }

    var stats: DatabasePoolStats {
        state.withLock { DatabasePoolStats(inUse: $0.inUse, idle: $0.idle.count, waiting: $0.waiters.count) }
    }

    /// Waits for every connection to come back, then hands them all to the caller to close.
    func drain(expected: Int) async -> [Connection] {
        var drained: [Connection] = []
        while drained.count < expected {
            if let connection = try? await acquire() {
                drained.append(connection)
            } else {
                break
            }
        }
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: PoolClosedError()) }
        return drained
    }
}

struct PoolClosedError: Error, CustomStringConvertible {
    var description: String { "the database is closed" }
}
