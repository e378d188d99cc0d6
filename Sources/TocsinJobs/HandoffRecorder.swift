import Foundation
import Logging
import TocsinCore
import TocsinUseCases

/// Notices the start and end of every shift as they happen and records them (paging will tell the person too).
/// Run every half minute by the server; each run covers the time since the last one, at most a week of it.
/// Several servers may run it at once: each hand-off is stored once and the cursor only moves forward.
public struct HandoffRecorder: Sendable {
    public static let cursor = "oncall-handoffs"
    public static let runEvery: Duration = .seconds(30)
    static let maximumCatchUp: TimeInterval = 7 * 86_400

    let store: any TocsinStore
    let logger: Logger

    public init(store: any TocsinStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// One pass at `now`: what the background job does every half minute. Returns the hand-offs it recorded;
    /// the first run only starts the clock.
    @discardableResult
    public func record(now: Date) async throws -> [Handoff] {
        guard let since = try await store.jobCursor(Self.cursor) else {
            try await store.recordHandoffs([], cursor: Self.cursor, through: now, now: now)
            return []
        }
        guard now > since else { return [] }
        let through = min(now, since.addingTimeInterval(Self.maximumCatchUp))
        let queries = OnCallQueries(store: store)
        let schedules = try await queries.allSchedules()
        let overrides = Dictionary(grouping: try await store.overrides(scheduleIDs: schedules.map(\.id), from: since.addingTimeInterval(-86_400),
                                                                          to: through.addingTimeInterval(86_400)), by: \.scheduleID)
        // A day either side, so the clipped ends of the computed interval are not taken for hand-offs.
        let calculator = OnCallCalculator(from: since.addingTimeInterval(-86_400), to: through.addingTimeInterval(86_400))
        var handoffs: [Handoff] = []
        for schedule in schedules {
            handoffs += Handoff.within(calculator.timeline(schedule, overrides: overrides[schedule.id] ?? []), scheduleID: schedule.id,
                                       from: since, to: through)
        }
        // Only those this server recorded: another server running the job at the same moment logs the rest.
        let recorded = try await store.recordHandoffs(handoffs, cursor: Self.cursor, through: through, now: now)
        for handoff in recorded {
            logger.info("on-call hand-off", metadata: ["schedule_id": "\(handoff.scheduleID.db)", "user_id": "\(handoff.userID.db)",
                                                           "kind": "\(handoff.kind.rawValue)", "at": "\(handoff.at)"])
        }
        return recorded
    }
}
