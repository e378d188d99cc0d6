import Foundation
import Synchronization
import TocsinCore

/// Integration keys by secret hash, kept for a few seconds: every event names its key, and a storm of events
/// should not cost a database read each. A key deleted through this store is forgotten at once; one deleted
/// by another process sharing the database (another instance, the CLI) stops working within `lifetime`.
/// Unknown secrets are not kept, so guessing cannot fill the cache.
final class IntegrationKeyCache: Sendable {
    static let lifetime: Duration = .seconds(5)
    static let capacity = 10_000

    private struct Entry {
        var key: IntegrationKey
        var fetchedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Moves on at every deletion: a lookup that began before one does not keep what it read.
        var generation = 0
    }

    private let state = Mutex(State())

    func key(secretHash: String, load: () async throws -> IntegrationKey?) async rethrows -> IntegrationKey? {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[secretHash], $0.generation) }
        if let cached, now - cached.fetchedAt < Self.lifetime { return cached.key }
        guard let key = try await load() else {
            state.withLock { _ = $0.entries.removeValue(forKey: secretHash) }
            return nil
        }
        state.withLock { state in
            // Read before a deletion that has since been forgotten: answer with it this once, but keep nothing.
            guard state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll() }
            state.entries[secretHash] = Entry(key: key, fetchedAt: now)
        }
        return key
    }

    func forget(where matches: (IntegrationKey) -> Bool) {
        state.withLock { state in
            state.generation += 1
            state.entries = state.entries.filter { !matches($0.value.key) }
        }
    }
}
