import Foundation
import Prometheus
import Synchronization
import TocsinCore

/// Paging in `/metrics`: notifications by channel and outcome, the wait from due to hand-off to the provider, the
/// time from an incident's opening to its first page, and what the watchdog finds.
public final class PagingMetrics: PagingObserver {
    let registry: PrometheusCollectorRegistry
    private let firstPage: ValueHistogram
    private let overdueSteps: Gauge
    private let oldestLateness: Gauge
    private let stuck: Gauge
    private let alarms: Counter

    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        firstPage = registry.makeValueHistogram(name: "tocsin_alert_to_first_page_seconds", labels: [], buckets: Self.buckets,
                                                help: "From an incident's opening to its first page handed to a provider.")
        overdueSteps = registry.makeGauge(name: "tocsin_escalation_steps_overdue", labels: [],
                                          help: "Escalation steps due more than a minute ago and not fired (watchdog).")
        oldestLateness = registry.makeGauge(name: "tocsin_escalation_oldest_step_late_seconds", labels: [],
                                            help: "How late the latest overdue escalation step is (watchdog).")
        stuck = registry.makeGauge(name: "tocsin_notifications_stuck_sending", labels: [],
                                   help: "Notifications held by a sender whose claim ran out more than a minute ago (watchdog).")
        alarms = registry.makeCounter(name: "tocsin_paging_watchdog_alarms_total", labels: [],
                                      help: "Watchdog checks that found paging behind.")
        // Every channel and outcome exists from the start, at zero, so a rate over them is defined before the first page.
        for kind in ContactMethod.Kind.allCases {
            for outcome in ["sent", "retry", "failed", "cancelled"] { _ = counter(kind, outcome) }
            _ = handoff(kind)
            overdue(kind).set(0.0)
        }
    }

    private func counter(_ channel: ContactMethod.Kind, _ outcome: String) -> Counter {
        registry.makeCounter(name: "tocsin_notifications_total", labels: [("channel", channel.rawValue), ("outcome", outcome)],
                             help: "Notifications finished, by channel and outcome (sent, retry, failed, cancelled).")
    }

    private func handoff(_ channel: ContactMethod.Kind) -> ValueHistogram {
        registry.makeValueHistogram(name: "tocsin_notification_handoff_seconds", labels: [("channel", channel.rawValue)], buckets: Self.buckets,
                                    help: "From a notification's due time to its hand-off to the provider.")
    }

    private func overdue(_ channel: ContactMethod.Kind) -> Gauge {
        registry.makeGauge(name: "tocsin_notifications_overdue", labels: [("channel", channel.rawValue)],
                           help: "Notifications due more than a minute ago and not sent, by channel (watchdog).")
    }

    public func finished(channel: ContactMethod.Kind, outcome: String, waited: TimeInterval?, sinceOpened: TimeInterval?) {
        counter(channel, outcome).increment()
        if let waited { handoff(channel).record(waited) }
        if let sinceOpened { firstPage.record(sinceOpened) }
    }

    public func checked(_ health: PagingHealth) {
        overdueSteps.set(Double(health.overdueSteps))
        oldestLateness.set(health.oldestStepLateness)
        stuck.set(Double(health.stuckSending))
        for kind in ContactMethod.Kind.allCases { overdue(kind).set(Double(health.overdueQueued[kind] ?? 0)) }
        if !health.isHealthy { alarms.increment() }
    }
}
