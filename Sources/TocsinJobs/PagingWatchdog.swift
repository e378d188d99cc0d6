import Foundation
import Logging
import TocsinCore

/// Escalations never fail silently: every 15 seconds, a step overdue by more than a minute, a message stuck with a
/// sender that stopped answering, or a channel's queue falling behind is logged (a warning naming the counts), counted
/// for `/metrics`, and shown on the queue page.
public struct PagingWatchdog: Sendable {
    public static let grace: TimeInterval = 60

    let store: any TocsinStore
    let observer: (any PagingObserver)?
    let logger: Logger

    public init(store: any TocsinStore, observer: (any PagingObserver)?, logger: Logger) {
        self.store = store
        self.observer = observer
        self.logger = logger
    }

    @discardableResult
    public func run(now: Date) async throws -> PagingHealth {
        let health = try await store.pagingHealth(now: now, grace: Self.grace)
        observer?.checked(health)
        if !health.isHealthy {
            let queues = health.overdueQueued.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue): \($0.value)" }.joined(separator: ", ")
            logger.warning("paging is behind", metadata: [
                "overdue_steps": "\(health.overdueSteps)", "oldest_step_late_seconds": "\(Int(health.oldestStepLateness))",
                "stuck_sending": "\(health.stuckSending)", "overdue_queued": "\(queues)",
            ])
        }
        return health
    }
}

extension PagingWatchdog: PeriodicJob {
    public var name: String { "paging watchdog" }
    public var interval: Duration { .seconds(15) }
    public func runOnce(now: Date) async throws { try await run(now: now) }
}
