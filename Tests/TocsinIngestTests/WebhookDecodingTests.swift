import Foundation
import Testing
import TocsinCore
@testable import TocsinIngest

@Suite("Alertmanager and Grafana webhooks")
struct WebhookDecodingTests {
    @Test("one event per alert, keyed by fingerprint, with labels, annotations and links")
    func firing() throws {
        let events = try AlertmanagerWebhook.decode(try payload("alertmanager-firing"), flavor: .alertmanager)
        #expect(events.count == 2)
        let first = events[0]
        #expect(first.action == .trigger && first.dedupKey == "a1b2c3d4e5f60718")
        #expect(first.summary == "p99 latency above 2s on api-1")
        #expect(first.severity == .critical && first.source == "api-1:9100" && first.eventClass == "HighLatency")
        #expect(first.labels["job"] == "api")
        #expect(first.details["group_labels"]?["alertname"] == "HighLatency")
        #expect(first.details["annotations"]?["runbook_url"] == "https://wiki.example.com/latency")
        #expect(first.links.map(\.text) == ["Source", "Alertmanager"])
        #expect(first.occurredAt == ISO8601.parse("2026-11-23T10:00:00Z"))
        // Without a summary annotation the alert name and labels tell what it is.
        #expect(events[1].summary == "HighLatency (instance=api-2:9100, job=api, severity=critical)")
    }

    @Test("a large envelope is not copied whole into each of many alerts: parts are cut, saying so")
    func envelopeBounded() throws {
        let big = String(repeating: "é", count: 50_000)
        let alerts = (0..<1000).map { #"{"status":"firing","labels":{"alertname":"A\#($0)","job":"x"}}"# }.joined(separator: ",")
        let body = #"{"receiver":"tocsin","groupKey":"\#(big)","externalURL":"http://am:9093","groupLabels":{"job":"\#(big)"},"alerts":[\#(alerts)]}"#
        let events = try AlertmanagerWebhook.decode(Data(body.utf8), flavor: .alertmanager)
        #expect(events.count == 1000)
        let details = try #require(events.first?.details.objectValue)
        let key = try #require(details["group_key"]?.stringValue)
        #expect(key.utf8.count <= AlertmanagerWebhook.envelopePartBytes && key.hasSuffix("(cut: 100000 bytes)"))
        #expect(details["group_labels"]?.stringValue?.contains("not copied") == true)
        #expect(details["receiver"] == "tocsin" && details["external_url"] == "http://am:9093")
    }

    @Test("resolved alerts resolve")
    func resolved() throws {
        let events = try AlertmanagerWebhook.decode(try payload("alertmanager-resolved"), flavor: .alertmanager)
        #expect(events.map(\.action) == [.resolve, .resolve])
    }

    @Test("Grafana's extras become links, an image and details")
    func grafana() throws {
        let event = try #require(try AlertmanagerWebhook.decode(try payload("grafana-firing"), flavor: .grafana).first)
        #expect(event.summary == "Disk on db-1 is 93% full" && event.severity == .warning && event.client == "Grafana")
        #expect(event.links.map(\.text) == ["Source", "Dashboard", "Panel", "Grafana"])
        #expect(event.images.first?.src == "https://grafana.example.com/public/img/disk.png")
        #expect(event.details["valueString"] == "[ var='B' value=93.1 ]")
    }

    @Test("malformed notifications name the problem")
    func malformed() {
        let missing = #expect(throws: AlertmanagerWebhook.Invalid.self) { try AlertmanagerWebhook.decode(Data(#"{"version":"4"}"#.utf8), flavor: .alertmanager) }
        #expect(missing?.errors == [FieldError("alerts", "is required and must be an array")])
        let status = #expect(throws: AlertmanagerWebhook.Invalid.self) {
            try AlertmanagerWebhook.decode(Data(#"{"alerts":[{"status":"pending","labels":{"a":"b"}}]}"#.utf8), flavor: .alertmanager)
        }
        #expect(status?.errors == [FieldError("alerts[0].status", "must be firing or resolved")])
    }

    @Test("without a fingerprint the label set is the key, whatever its order")
    func fingerprint() {
        #expect(AlertmanagerWebhook.fingerprintOf(["a": "1", "b": "2"]) == AlertmanagerWebhook.fingerprintOf(["b": "2", "a": "1"]))
        #expect(AlertmanagerWebhook.fingerprintOf(["a": "1"]) != AlertmanagerWebhook.fingerprintOf(["a": "2"]))
    }
}

@Suite("Opsgenie alerts")
struct OpsgenieDecodingTests {
    @Test("what Alertmanager's opsgenie_configs sends: alias is the key, P1 is critical, details become labels")
    func alertmanagerCreate() throws {
        let event = try OpsgenieAlerts.decodeCreate(try payload("opsgenie-alertmanager"))
        #expect(event.dedupKey.count == 64 && event.summary == "[FIRING:1] DiskFull db-1" && event.severity == .critical)
        #expect(event.labels["instance"] == "db-1")
        #expect(event.details["tags"] == ["prod", "db"])
    }

    @Test("message is required; priority must be P1–P5; long messages are cut to 130")
    func rules() throws {
        let empty = #expect(throws: OpsgenieAlerts.Invalid.self) { try OpsgenieAlerts.decodeCreate(Data(#"{"message":" "}"#.utf8)) }
        #expect(empty?.errors == ["message": "Message can not be empty."])
        let priority = #expect(throws: OpsgenieAlerts.Invalid.self) { try OpsgenieAlerts.decodeCreate(Data(#"{"message":"m","priority":"P9"}"#.utf8)) }
        #expect(priority?.errors["priority"] != nil)
        let long = try OpsgenieAlerts.decodeCreate(Data(#"{"message":"\#(String(repeating: "m", count: 200))"}"#.utf8))
        #expect(long.summary.count == 130 && long.severity == .error && !long.dedupKey.isEmpty)
    }
}

@Suite("Generic webhook")
struct GenericWebhookTests {
    @Test("JSON Pointers walk objects and arrays, with ~1 and ~0 escapes")
    func pointers() throws {
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":{"b/c":[10,{"d~e":"x"}]},"n":3}"#.utf8))
        #expect(doc.at(pointer: "/a/b~1c/0")?.scalarText == "10")
        #expect(doc.at(pointer: "/a/b~1c/1/d~0e") == "x")
        #expect(doc.at(pointer: "/a/missing") == nil && doc.at(pointer: "/a/b~1c/9") == nil && doc.at(pointer: "nope") == nil)
        #expect(doc.at(pointer: "") == doc)
    }

    @Test("a mapping reads summary, key, severity, status and source from anywhere in the body")
    func mapping() throws {
        let mapping = GenericMapping(summary: "/check/title", dedupKey: "/check/id", severity: "/check/level", status: "/check/state",
                                     source: "/host", resolvedValues: ["OK"], severityMap: ["P1": "critical"])
        let body = Data(#"{"host":"web-3","check":{"id":42,"title":"HTTP 500s","level":"P1","state":"CRITICAL"}}"#.utf8)
        let event = try mapping.event(from: body)
        #expect(event.action == .trigger && event.dedupKey == "42" && event.summary == "HTTP 500s" && event.severity == .critical)
        #expect(event.source == "web-3" && event.details["host"] == "web-3")
        let ok = try mapping.event(from: Data(#"{"check":{"id":42,"title":"HTTP 500s","state":"OK"}}"#.utf8))
        #expect(ok.action == .resolve && ok.dedupKey == "42")
    }

    @Test("without a summary the body is refused; without a key one is derived from summary and source")
    func defaults() throws {
        #expect(throws: DomainError.invalid("body", "has no summary at /summary")) { try GenericMapping().event(from: Data(#"{"x":1}"#.utf8)) }
        let a = try GenericMapping().event(from: Data(#"{"summary":"Queue backlog","source":"q1"}"#.utf8))
        let b = try GenericMapping().event(from: Data(#"{"summary":"Queue backlog","source":"q1","extra":true}"#.utf8))
        #expect(a.dedupKey == b.dedupKey && a.severity == .error)
        #expect(throws: DomainError.self) { try GenericMapping(summary: "title", severityMap: ["x": "huge"]).validate() }
    }
}
