import Foundation
import Testing
import TocsinCore
@testable import TocsinIngest

func payload(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Payloads"))
    return try Data(contentsOf: url)
}

@Suite("PagerDuty Events API v2")
struct PagerDutyEventsTests {
    @Test("a full trigger keeps every field")
    func trigger() throws {
        let event = try PagerDutyEvents.decodeEvent(try payload("pagerduty-trigger"))
        #expect(event.routingKey == "0123456789abcdef0123456789abcdef")
        let alert = event.alert
        #expect(alert.action == .trigger)
        #expect(alert.dedupKey == "disk-full/db-1")
        #expect(alert.summary == "Disk on db-1 is 97% full")
        #expect(alert.source == "db-1.prod.example.com")
        #expect(alert.severity == .critical)
        #expect(abs(alert.occurredAt!.timeIntervalSince1970 - 1_795_428_930.123) < 0.001)
        #expect(alert.component == "postgres" && alert.group == "prod-datastores" && alert.eventClass == "disk")
        #expect(alert.details["mount"] == "/var/lib/postgresql")
        #expect(alert.images == [AlertImage(src: "https://grafana.example.com/render/d/disk.png", href: "https://grafana.example.com/d/disk", alt: "disk usage")])
        #expect(alert.links == [AlertLink(href: "https://wiki.example.com/runbooks/disk-full", text: "Runbook")])
        #expect(alert.client == "Example Monitor" && alert.clientURL == "https://monitor.example.com")
        #expect(alert.detectionSource == .monitoring)
    }

    @Test("what Alertmanager's pagerduty_configs sends is accepted")
    func alertmanager() throws {
        let event = try PagerDutyEvents.decodeEvent(try payload("pagerduty-alertmanager"))
        #expect(event.alert.dedupKey.count == 64)
        #expect(event.alert.severity == .error)
        #expect(event.alert.client == "Alertmanager")
        #expect(event.alert.details["num_firing"] == "1")
    }

    @Test("resolve needs only the key and the dedup key")
    func resolve() throws {
        let event = try PagerDutyEvents.decodeEvent(try payload("pagerduty-resolve"))
        #expect(event.alert.action == .resolve && event.alert.dedupKey == "disk-full/db-1")
    }

    @Test("an invalid event lists every problem, in PagerDuty's words")
    func invalid() throws {
        let error = #expect(throws: PagerDutyEvents.Invalid.self) { try PagerDutyEvents.decodeEvent(try payload("pagerduty-invalid")) }
        #expect(error?.errors == [
            "'routing_key' is missing or blank",
            "'payload.summary' is missing or blank",
            "'payload.source' is missing or blank",
            "'payload.severity' must be one of critical, error, warning, info",
            "'payload.timestamp' must be an ISO 8601 date-time",
            "'links[0].href' is missing or blank",
            "'images[0].src' must be an https URL",
        ])
    }

    @Test("acknowledge and resolve need a dedup key; summaries and keys have limits", arguments: [
        (#"{"routing_key":"k","event_action":"resolve"}"#, "'dedup_key' is missing or blank"),
        (#"{"routing_key":"k","event_action":"snooze","dedup_key":"x"}"#, "'event_action' must be one of trigger, acknowledge, resolve"),
        (#"{"routing_key":"k","event_action":"trigger","payload":{"summary":"\#(String(repeating: "s", count: 1025))","source":"a","severity":"info"}}"#,
         "'payload.summary' must be at most 1024 characters"),
        (#"{"routing_key":"k","event_action":"trigger","dedup_key":"\#(String(repeating: "d", count: 256))","payload":{"summary":"s","source":"a","severity":"info"}}"#,
         "'dedup_key' must be at most 255 characters"),
        (#"{"routing_key":"k","event_action":"trigger"}"#, "'payload' is missing or not an object"),
        (#"[1,2]"#, "the event must be a JSON object"),
        (#"{"routing_key":"#, "the body is not valid JSON"),
    ])
    func rules(body: String, message: String) {
        let error = #expect(throws: PagerDutyEvents.Invalid.self) { try PagerDutyEvents.decodeEvent(Data(body.utf8)) }
        #expect(error?.errors.contains(message) == true, "\(String(describing: error?.errors))")
    }

    @Test("a trigger without a dedup key is valid; the receiver makes one")
    func noDedupKey() throws {
        let body = #"{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"a","severity":"warning"}}"#
        #expect(try PagerDutyEvents.decodeEvent(Data(body.utf8)).alert.dedupKey == "")
    }

    @Test("change events carry summary, source, time, details and links")
    func change() throws {
        let change = try PagerDutyEvents.decodeChange(try payload("pagerduty-change"))
        #expect(change.summary == "Deployed api v2.14.0")
        #expect(change.source == "ci.example.com")
        #expect(change.occurredAt == ISO8601.parse("2026-11-23T09:58:00Z"))
        #expect(change.details["commit"] == "4f0a7c7")
        #expect(change.links.first?.text == "Build 991")
    }
}

@Suite("Alert decisions")
struct AlertDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func alert(_ status: AlertStatus) -> Alert {
        var alert = Alert(id: UUID(), serviceID: UUID(), integrationKeyID: nil, content: AlertContent(dedupKey: "k"), incidentID: nil, now: now)
        alert.status = status
        return alert
    }

    @Test("trigger opens or repeats; acknowledge and resolve act on open alerts or are dropped")
    func decisions() {
        let trigger = AlertEvent(action: .trigger, dedupKey: "k")
        let ack = AlertEvent(action: .acknowledge, dedupKey: "k")
        let resolve = AlertEvent(action: .resolve, dedupKey: "k")
        #expect(AlertDecision.decide(trigger, open: nil) == .open)
        #expect(AlertDecision.decide(trigger, open: alert(.acknowledged)) == .repeatOccurrence)
        #expect(AlertDecision.decide(ack, open: alert(.triggered)) == .acknowledge)
        #expect(AlertDecision.decide(ack, open: nil) == .ignore("no open alert has the dedup key k"))
        #expect(AlertDecision.decide(ack, open: alert(.acknowledged)) == .ignore("the alert is already acknowledged"))
        #expect(AlertDecision.decide(resolve, open: alert(.acknowledged)) == .resolve)
        #expect(AlertDecision.decide(resolve, open: nil) == .ignore("no open alert has the dedup key k"))
    }

    @Test("critical on a tier-1 service is SEV1; info is never above SEV4", arguments: [
        (AlertSeverity.critical, 1, IncidentSeverity.sev1), (.critical, 4, .sev3), (.error, 1, .sev2), (.warning, 2, .sev3), (.info, 1, .sev4),
    ])
    func matrix(severity: AlertSeverity, tier: Int, expected: IncidentSeverity) {
        #expect(SeverityMatrix.standard.severity(for: severity, tier: tier) == expected)
    }
}
