import Foundation
import Logging
import ServiceLifecycle
import TocsinCore

/// A piece of background work done again and again: hand-offs now, paging next. `runOnce(now:)` does one pass;
/// tests call it with a clock they move by hand.
public protocol PeriodicJob: Sendable {
    var name: String { get }
    var interval: Duration { get }
    func runOnce(now: Date) async throws
    /// Signalled when there is work before the next interval (nil: the job only runs at its interval).
    var wakeup: Wakeup? { get }
}

extension PeriodicJob {
    public var wakeup: Wakeup? { nil }
}

/// Runs every job at its interval until the server shuts down. The first pass of each runs before the server
/// takes requests (`TocsinApplication.make` in TocsinApp); a failed pass is logged and tried again at the next interval.
public struct JobService: ServiceLifecycle.Service {
    /// The least time between two passes of a job that was woken.
    static let wokenSpacing: Duration = .milliseconds(50)

    let jobs: [any PeriodicJob]
    let now: @Sendable () -> Date
    let logger: Logger

    public init(jobs: [any PeriodicJob], now: @escaping @Sendable () -> Date, logger: Logger) {
        self.jobs = jobs
        self.now = now
        self.logger = logger
    }

    public func firstPass() async {
        for job in jobs { await pass(job) }
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for job in jobs {
                        group.addTask {
                            let clock = ContinuousClock()
                            // When the last pass that was woken (not a tick) started.
                            var lastWoken: ContinuousClock.Instant?
                            while true {
                                if let wakeup = job.wakeup {
                                    let woken = await wakeup.wait(upTo: job.interval)
                                    // Woken often (a storm opens incidents in every batch), a job still runs at most
                                    // every `wokenSpacing`, so its own transactions never crowd out ingestion's. A tick
                                    // does not count: the first wake after a quiet spell runs at once.
                                    if woken, let lastWoken, case let since = clock.now - lastWoken, since < Self.wokenSpacing {
                                        try await Task.sleep(for: Self.wokenSpacing - since)
                                    }
                                    try Task.checkCancellation()
                                    lastWoken = woken ? clock.now : nil
                                } else {
                                    try await Task.sleep(for: job.interval)
                                }
                                await pass(job)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    private func pass(_ job: any PeriodicJob) async {
        do {
            try await job.runOnce(now: now())
        } catch {
            logger.warning("background job failed; trying again shortly", metadata: ["job": "\(job.name)", "error": "\(error)"])
        }
    }
}

extension HandoffRecorder: PeriodicJob {
    public var name: String { "on-call hand-offs" }
    public var interval: Duration { HandoffRecorder.runEvery }
    public func runOnce(now: Date) async throws { _ = try await record(now: now) }
}
