import Foundation
import Synchronization

/// PostgreSQL plans ingestion's key lookups from table statistics that autovacuum refreshes only about once a minute,
/// and only after a tenth of a table has changed. A storm on a young database outgrows them within seconds: the
/// planner, still believing `alerts` tiny, then reads every alert of the service for each batch instead of the keys'
/// index entries (measured: 1.4 ms instead of 0.07 ms per lookup at 5,000 alerts, and growing with the table), and
/// ingestion slows as the storm goes on. So ingestion asks for `ANALYZE` itself: after 1,000 events, then after
/// twice as many each time, up to a million (autovacuum keeps up from there), one at a time, off the ingestion path.
/// SQLite's planner prefers the index that matches the most equalities without statistics, so it needs none.
final class PlannerStatistics: Sendable {
    static let tables = ["alerts", "incidents", "incident_services", "incident_events"]
    static let firstThreshold = 1_000
    static let lastThreshold = 1_000_000

    private struct State {
        var events = 0
        var threshold = PlannerStatistics.firstThreshold
        var running = false
        var finished = 0
    }

    private let database: Database
    private let state = Mutex(State())

    init(database: Database) {
        self.database = database
    }

    /// How many refreshes have run to their end, whether or not the database took them, for tests.
    var refreshes: Int { state.withLock { $0.finished } }

    /// Counts events a committed batch applied, and starts a refresh when they pass the threshold.
    func applied(events: Int) {
        guard database.kind == .postgres else { return }
        let start = state.withLock { state -> Bool in
            guard state.threshold <= Self.lastThreshold else { return false }
            state.events += events
            guard state.events >= state.threshold, !state.running else { return false }
            (state.events, state.threshold, state.running) = (0, state.threshold * 2, true)
            return true
        }
        guard start else { return }
        Task.detached(priority: .background) { [self] in
            // A failure (the database going away) only means the planner waits for autovacuum.
            _ = try? await database.read { db in try await db.raw(SQL(unsafe: "ANALYZE " + Self.tables.joined(separator: ", "))).run() }
            state.withLock { state in
                state.running = false
                state.finished += 1
            }
        }
    }
}
