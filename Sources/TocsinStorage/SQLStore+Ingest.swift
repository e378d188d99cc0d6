import Foundation
import Synchronization
import TocsinCore

/// One caller's events: applied in order, all or none, answered after their transaction commits.
struct IngestRequest: Sendable {
    var events: [AlertEvent]
    var serviceID: UUID
    var integrationKeyID: UUID?
    var reportedBy: UUID?
    var now: Date
}

/// Group commit. Ingestions that arrive while a transaction runs wait for it and then share the next one,
/// so a storm of events costs one commit (one fsync) per batch instead of one per event, and each service's
/// settings are read once per batch. Nobody is answered before the transaction holding their events commits.
///
/// A lock, not an actor, guards the queue: a caller appends itself and waits once, for its answer, with no hop
/// onto an actor's executor first.
final class IngestBatcher: Sendable {
    /// A bound on one transaction, so a burst cannot build a transaction that holds the writer for long.
    static let maximumEventsPerTransaction = 500

    private struct Waiting: Sendable {
        var request: IngestRequest
        var continuation: CheckedContinuation<[IngestOutcome], any Error>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let database: Database
    private let queue = Mutex(Queue())
    private let settingsCache = IngestSettingsCache()
    let statistics: PlannerStatistics
    private let escalationWork: Wakeup

    init(database: Database, escalationWork: Wakeup) {
        self.database = database
        self.statistics = PlannerStatistics(database: database)
        self.escalationWork = escalationWork
    }

    func submit(_ request: IngestRequest) async throws -> [IngestOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            let startsDraining = queue.withLock { queue in
                queue.waiting.append(Waiting(request: request, continuation: continuation))
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startsDraining { Task(priority: .high) { await self.drain() } }
        }
    }

    private func drain() async {
        // While a batch runs, new arrivals queue up for the next one.
        while let batch = nextBatch() { await run(batch) }
    }

    /// The next batch, or nil when nobody waits, which ends the drain. Decided under the lock, so an arrival either
    /// joins a later batch of this drain or starts a drain of its own.
    private func nextBatch() -> [Waiting]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else {
                queue.draining = false
                return nil
            }
            var taken = 0
            var events = 0
            while taken < queue.waiting.count
                && (taken == 0 || events + queue.waiting[taken].request.events.count <= Self.maximumEventsPerTransaction) {
                events += queue.waiting[taken].request.events.count
                taken += 1
            }
            let batch = Array(queue.waiting.prefix(taken))
            queue.waiting.removeFirst(taken)
            return batch
        }
    }

    private func run(_ batch: [Waiting]) async {
        do {
            let outcomes = try await SQLStore.ingest(batch.map(\.request), database: database, settingsCache: settingsCache)
            // Committed: the engine is told before the senders are answered, so whoever sees a 202 can count on it.
            if outcomes.contains(where: { $0.contains(where: \.openedIncident) }) { escalationWork.signal() }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            statistics.applied(events: batch.reduce(0) { $0 + $1.request.events.count })
        } catch where batch.count > 1 {
            // One caller's failure must not fail the others: each gets a transaction of its own.
            for waiting in batch {
                do {
                    waiting.continuation.resume(returning: try await SQLStore.ingest([waiting.request], database: database, settingsCache: settingsCache)[0])
                } catch {
                    waiting.continuation.resume(throwing: error)
                }
            }
        } catch {
            batch[0].continuation.resume(throwing: error)
        }
    }
}

/// What ingestion reads about a service: read at most once per transaction, and kept between transactions by
/// `IngestSettingsCache` while the database's settings version stays the same.
struct IngestSettings: Sendable {
    var name: String
    var tier: Int
    var severityOverrides: [AlertSeverity: IncidentSeverity]
    var flaps: FlapDetection?
    var grouping: AlertGrouping
    var rules: [EventRule]
    /// Silences that may apply to the service (its own and global ones) during the batch.
    var silences: [Silence]
    var windows: [MaintenanceWindow]
    /// The services this one depends on: an open incident on one of them mutes this one's new alerts.
    var dependencies: [UUID]
    /// Whether a person's report is muted by a dependency's open incident too.
    var inhibitReports: Bool

    func incidentSeverity(for event: AlertEvent) -> IncidentSeverity {
        SeverityMatrix.standard.severity(for: event.severity, tier: tier, overrides: severityOverrides)
    }
}

extension SQLStore {
    // MARK: Ingestion

    public func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, reportedBy: UUID?, now: Date) async throws -> [IngestOutcome] {
        guard !events.isEmpty else { return [] }
        return try await batcher.submit(IngestRequest(events: events, serviceID: serviceID, integrationKeyID: integrationKeyID,
                                                      reportedBy: reportedBy, now: now))
    }

    /// Applies each request's events in order, all requests in one transaction.
    static func ingest(_ requests: [IngestRequest], database: Database, settingsCache: IngestSettingsCache) async throws -> [[IngestOutcome]] {
        let earliest = requests.map(\.now).min() ?? Date()
        return try await database.write { db in
            try await IngestTransaction(db: db, earliest: earliest, settingsCache: settingsCache).apply(requests)
        }
    }
}
