import Foundation
import HTTPTypes
import NIOCore
import Testing
import TocsinCore
@testable import TocsinWeb

func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TocsinIngestTests/Payloads/\(name).json")
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite("Webhook and Opsgenie endpoints")
struct WebhookEndpointTests {
    func key(_ app: TestApp, type: String) async throws -> (token: String, key: String) {
        let (_, token) = try await app.user("Ann", role: .admin)
        let service = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"API","tier":2}"#).json["id"]?.stringValue)
        let key = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                     json: #"{"type":"\#(type)"}"#).json["key"]?.stringValue)
        return (token, key)
    }

    @Test("an Alertmanager notification opens one alert per fingerprint and its resolution closes them")
    func alertmanager() async throws {
        try await TestApp.run { app in
            let (token, key) = try await key(app, type: "alertmanager")
            let firing = try await app.request(.post, "/integrations/alertmanager/\(key)", json: try fixture("alertmanager-firing"))
            #expect(firing.status == .accepted && firing.json["alerts"] == 2)
            try await app.request(.post, "/integrations/alertmanager/\(key)", json: try fixture("alertmanager-firing"))
            let alerts = try await app.request(.get, "/api/v1/alerts", token: token)
            #expect(alerts.json["pagination"]?["total"] == 2)
            #expect(alerts.json["data"]?.arrayValue?.allSatisfy { $0["occurrences"] == 2 } == true, "repeats are deduplicated")
            #expect(try await app.request(.get, "/api/v1/incidents?status=triggered", token: token).json["pagination"]?["total"] == 2)

            #expect(try await app.request(.post, "/integrations/alertmanager/\(key)", json: try fixture("alertmanager-resolved")).status == .accepted)
            #expect(try await app.request(.get, "/api/v1/incidents?status=resolved", token: token).json["pagination"]?["total"] == 2)
        }
    }

    @Test("bad keys are 404 and bad notifications 422, so Alertmanager does not retry them")
    func refusals() async throws {
        try await TestApp.run { app in
            let (token, key) = try await key(app, type: "alertmanager")
            #expect(try await app.request(.post, "/integrations/alertmanager/nope", json: try fixture("alertmanager-firing")).status == .notFound)
            #expect(try await app.request(.post, "/integrations/grafana/\(key)", json: try fixture("grafana-firing")).status == .notFound,
                    "an Alertmanager key does not take Grafana's format")
            let bad = try await app.request(.post, "/integrations/alertmanager/\(key)", json: #"{"alerts":[{"status":"firing","labels":{}}]}"#)
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["alerts[0].labels"])
            #expect(try await app.request(.get, "/api/v1/alerts", token: token).json["pagination"]?["total"] == 0)
        }
    }

    @Test("the rate limit counts the alerts a notification carries, not the request: a big one is taken, and then the key waits")
    func rateLimitCountsAlerts() async throws {
        try await TestApp.run { app in
            let (token, _) = try await key(app, type: "alertmanager")
            let service = try #require(try await app.request(.get, "/api/v1/services", token: token).json["data"]?[at: 0]?["id"]?.stringValue)
            let limited = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                             json: #"{"type":"alertmanager","rate_limit_per_minute":3}"#).json["key"]?.stringValue)
            let firing = try fixture("alertmanager-firing")  // two alerts
            #expect(try await app.request(.post, "/integrations/alertmanager/\(limited)", json: firing).status == .accepted, "2 of 3")
            #expect(try await app.request(.post, "/integrations/alertmanager/\(limited)", json: firing).status == .accepted, "4 of 3: overdrawn, but taken")
            let refused = try await app.request(.post, "/integrations/alertmanager/\(limited)", json: firing)
            #expect(refused.status == .tooManyRequests, "counted per request, this would be the third of three and pass")
        }
    }

    @Test("Grafana posts or puts its webhook")
    func grafana() async throws {
        try await TestApp.run { app in
            let (token, key) = try await key(app, type: "grafana")
            #expect(try await app.request(.put, "/integrations/grafana/\(key)", json: try fixture("grafana-firing")).status == .accepted)
            let alert = try #require(try await app.request(.get, "/api/v1/alerts", token: token).json["data"]?.arrayValue?.first)
            #expect(alert["summary"] == "Disk on db-1 is 93% full" && alert["severity"] == "warning")
        }
    }

    @Test("Opsgenie: create with a GenieKey, acknowledge and close by alias, in Opsgenie's answers")
    func opsgenie() async throws {
        try await TestApp.run { app in
            let (token, key) = try await key(app, type: "opsgenie")
            let genie: HTTPFields = [.authorization: "GenieKey \(key)"]
            let created = try await app.request(.post, "/v2/alerts", json: try fixture("opsgenie-alertmanager"), headers: genie)
            #expect(created.status == .accepted && created.json["result"] == "Request will be processed")
            #expect(created.json["requestId"]?.stringValue?.count == 36)
            let alias = "6f1c0e0a3c5e4d3b9f6e2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"
            let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: token).json["data"]?.arrayValue?.first)
            #expect(incident["severity"] == "SEV2", "P1 on a tier-2 service")
            let id = try #require(incident["id"]?.stringValue)

            #expect(try await app.request(.post, "/v2/alerts/\(alias)/acknowledge?identifierType=alias", json: "{}", headers: genie).status == .accepted)
            #expect(try await app.request(.get, "/api/v1/incidents/\(id)", token: token).json["status"] == "acknowledged")
            let closed = try await app.request(.post, "/v2/alerts/\(alias)/close?identifierType=alias",
                                               json: #"{"user":"Alertmanager","source":"am","note":"Resolved"}"#, headers: genie)
            #expect(closed.status == .accepted)
            #expect(try await app.request(.get, "/api/v1/incidents/\(id)", token: token).json["status"] == "resolved")

            let anonymous = try await app.request(.post, "/v2/alerts", json: #"{"message":"m"}"#)
            #expect(anonymous.status == .unauthorized && anonymous.json["message"]?.stringValue?.hasPrefix("Could not authenticate") == true)
            let invalid = try await app.request(.post, "/v2/alerts", json: #"{"message":""}"#, headers: genie)
            #expect(invalid.status == .unprocessableContent && invalid.json["errors"]?["message"] == "Message can not be empty.")
        }
    }
}

@Suite("Generic webhook endpoint")
struct GenericWebhookEndpointTests {
    @Test("a generic key with its own mapping turns any JSON into alerts that trigger and resolve")
    func generic() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let service = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Cron"}"#).json["id"]?.stringValue)
            let created = try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token, json: """
                {"type":"generic","mapping":{"summary":"/job/name","dedup_key":"/job/id","status":"/result","resolved_values":["success"],"severity":"/prio","severity_map":{"high":"critical"}}}
                """)
            #expect(created.status == .created && created.json["mapping"]?["summary"] == "/job/name")
            let key = try #require(created.json["key"]?.stringValue)
            let failed = try await app.request(.post, "/integrations/generic/\(key)", json: #"{"job":{"id":"backup","name":"Nightly backup failed"},"result":"failure","prio":"high"}"#)
            #expect(failed.status == .accepted)
            let alert = try #require(try await app.request(.get, "/api/v1/alerts", token: token).json["data"]?.arrayValue?.first)
            #expect(alert["summary"] == "Nightly backup failed" && alert["dedup_key"] == "backup" && alert["severity"] == "critical")
            try await app.request(.post, "/integrations/generic/\(key)", json: #"{"job":{"id":"backup","name":"Nightly backup"},"result":"success"}"#)
            #expect(try await app.request(.get, "/api/v1/alerts", token: token).json["data"]?.arrayValue?.first?["status"] == "resolved")

            let missing = try await app.request(.post, "/integrations/generic/\(key)", json: #"{"result":"failure"}"#)
            #expect(missing.status == .unprocessableContent && missing.errorFields == ["body"])
            let badMapping = try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                   json: #"{"type":"generic","mapping":{"summary":"title"}}"#)
            #expect(badMapping.errorFields == ["mapping.summary"])
            let wrongType = try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                  json: #"{"type":"pagerduty","mapping":{}}"#)
            #expect(wrongType.errorFields == ["mapping"])
        }
    }
}
