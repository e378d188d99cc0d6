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

    private let entries = Mutex<[String: Entry]>([:])

    func key(secretHash: String, load: () async throws -> IntegrationKey?) async rethrows -> IntegrationKey? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[secretHash] }), now - entry.fetchedAt < Self.lifetime { return entry.key }
        guard let key = try await load() else {
            entries.withLock { _ = $0.removeValue(forKey: secretHash) }
            return nil
        }
        entries.withLock { table in
            if table.count >= Self.capacity { table.removeAll() }
            table[secretHash] = Entry(key: key, fetchedAt: now)
        }
        return key
    }

    func forget(where matches: (IntegrationKey) -> Bool) {
        entries.withLock { table in table = table.filter { !matches($0.value.key) } }
    }
}
