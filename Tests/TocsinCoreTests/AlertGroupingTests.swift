import Foundation
import Testing
@testable import TocsinCore

@Suite("Alert grouping")
struct AlertGroupingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let first = UUID(), second = UUID()

    func event(_ labels: [String: String]) -> AlertEvent {
        AlertEvent(action: .trigger, dedupKey: UUID().uuidString, labels: labels)
    }

    @Test("one incident per alert opens a new one every time")
    func perAlert() {
        let open = [OpenIncident(id: first, number: 1, createdAt: now, groupKey: nil)]
        #expect(GroupingDecision.decide(.perAlert, event: event([:]), open: open, now: now) == .open(groupKey: nil, reason: "the service opens one incident per alert"))
    }

    @Test("a time window joins the newest open incident opened within it")
    func window() {
        let open = [OpenIncident(id: first, number: 7, createdAt: now.addingTimeInterval(-240), groupKey: nil),
                    OpenIncident(id: second, number: 3, createdAt: now.addingTimeInterval(-3600), groupKey: nil)]
        #expect(GroupingDecision.decide(.timeWindow(minutes: 5), event: event([:]), open: open, now: now)
                == .join(first, reason: "arrived within 5 minutes of incident #7 opening"))
        #expect(GroupingDecision.decide(.timeWindow(minutes: 3), event: event([:]), open: open, now: now)
                == .open(groupKey: nil, reason: "no incident of the service opened in the last 3 minutes"))
    }

    @Test("label grouping joins the incident with the same values, in the chosen order")
    func labels() {
        let grouping = AlertGrouping.sharedLabels(["alertname", "cluster"])
        let open = [OpenIncident(id: first, number: 2, createdAt: now, groupKey: "alertname=HighLatency, cluster=eu")]
        #expect(GroupingDecision.decide(grouping, event: event(["cluster": "eu", "alertname": "HighLatency", "pod": "a"]), open: open, now: now)
                == .join(first, reason: "shares alertname=HighLatency, cluster=eu with incident #2"))
        #expect(GroupingDecision.decide(grouping, event: event(["alertname": "HighLatency", "cluster": "us"]), open: open, now: now)
                == .open(groupKey: "alertname=HighLatency, cluster=us", reason: "first open alert with alertname=HighLatency, cluster=us"))
        #expect(GroupingDecision.decide(grouping, event: event(["pod": "a"]), open: open, now: now)
                == .open(groupKey: nil, reason: "the alert has none of the grouping labels"))
    }

    @Test("settings are checked field by field")
    func parse() throws {
        #expect(throws: DomainError.validation([FieldError("alert_grouping.window_minutes", "must be from 1 to 1440")])) {
            try AlertGrouping.parse(mode: "time_window", windowMinutes: 0, labels: nil)
        }
        #expect(throws: DomainError.validation([FieldError("alert_grouping.labels", "must name at least one label")])) {
            try AlertGrouping.parse(mode: "labels", windowMinutes: nil, labels: [" ", ""])
        }
        #expect(throws: DomainError.self) { try AlertGrouping.parse(mode: "smart", windowMinutes: nil, labels: nil) }
        #expect(try AlertGrouping.parse(mode: "labels", windowMinutes: nil, labels: ["a", " a ", "b"]) == .sharedLabels(["a", "b"]))
    }
}
