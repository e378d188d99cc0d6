import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("PagerDuty Events API v2 endpoint")
struct PagerDutyEndpointTests {
    /// An admin, a service and a PagerDuty integration key on it.
    func setUp(_ app: TestApp, rateLimit: Int? = nil) async throws -> (token: String, serviceID: String, routingKey: String) {
        let (_, token) = try await app.user("Ann", role: .admin)
        let service = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Ledger","tier":1}"#)
        let serviceID = try #require(service.json["id"]?.stringValue)
        let limit = rateLimit.map { #","rate_limit_per_minute":\#($0)"# } ?? ""
        let key = try await app.request(.post, "/api/v1/services/\(serviceID)/integration-keys", token: token, json: #"{"type":"pagerduty"\#(limit)}"#)
        #expect(key.status == .created)
        let routingKey = try #require(key.json["key"]?.stringValue)
        #expect(routingKey.count == 32)
        return (token, serviceID, routingKey)
    }

    func event(_ routingKey: String, _ action: String, dedupKey: String? = "disk/db-1", severity: String = "critical") -> String {
        let dedup = dedupKey.map { #","dedup_key":"\#($0)""# } ?? ""
        return #"{"routing_key":"\#(routingKey)","event_action":"\#(action)"\#(dedup),"payload":{"summary":"Disk full on db-1","source":"db-1","severity":"\#(severity)"}}"#
    }

    @Test("trigger, repeat, acknowledge, resolve: 202 each time, one alert, the incident follows")
    func lifecycle() async throws {
        try await TestApp.run { app in
            let (token, serviceID, key) = try await setUp(app)
            let first = try await app.request(.post, "/v2/enqueue", json: event(key, "trigger"))
            #expect(first.status == .accepted)
            #expect(first.json == ["status": "success", "message": "Event processed", "dedup_key": "disk/db-1"])
            try await app.request(.post, "/v2/enqueue", json: event(key, "trigger"))

            let alerts = try await app.request(.get, "/api/v1/alerts?service_id=\(serviceID)", token: token)
            #expect(alerts.json["pagination"]?["total"] == 1)
            let alert = try #require(alerts.json["data"]?.arrayValue?.first)
            #expect(alert["occurrences"] == 2 && alert["status"] == "triggered" && alert["severity"] == "critical")
            #expect(alert["dedup_key"] == "disk/db-1" && alert["muted_reason"] == .null)
            let incidents = try await app.request(.get, "/api/v1/incidents?service_id=\(serviceID)", token: token)
            let incident = try #require(incidents.json["data"]?.arrayValue?.first)
            #expect(incident["severity"] == "SEV1" && incident["status"] == "triggered" && incident["alert_count"] == 1)
            #expect(incident["service_ids"] == [.string(serviceID)] && incident["title"] == "Disk full on db-1")

            #expect(try await app.request(.post, "/v2/enqueue", json: event(key, "acknowledge")).status == .accepted)
            let id = try #require(incident["id"]?.stringValue)
            #expect(try await app.request(.get, "/api/v1/incidents/\(id)", token: token).json["status"] == "acknowledged")
            #expect(try await app.request(.post, "/v2/enqueue", json: event(key, "resolve")).status == .accepted)
            #expect(try await app.request(.get, "/api/v1/incidents/\(id)", token: token).json["status"] == "resolved")
            // Resolving an already resolved key is accepted and dropped.
            #expect(try await app.request(.post, "/v2/enqueue", json: event(key, "resolve")).status == .accepted)
        }
    }

    @Test("a trigger without a dedup key gets one, returned in the answer")
    func generatedKey() async throws {
        try await TestApp.run { app in
            let (token, _, key) = try await setUp(app)
            let reply = try await app.request(.post, "/v2/enqueue", json: event(key, "trigger", dedupKey: nil))
            #expect(reply.status == .accepted)
            let dedup = try #require(reply.json["dedup_key"]?.stringValue)
            #expect(dedup.count == 32)
            let alerts = try await app.request(.get, "/api/v1/alerts", token: token)
            #expect(alerts.json["data"]?.arrayValue?.first?["dedup_key"] == .string(dedup))
        }
    }

    @Test("invalid events get PagerDuty's 400 with every error; unknown and revoked keys too")
    func invalid() async throws {
        try await TestApp.run { app in
            let (token, serviceID, key) = try await setUp(app)
            let bad = try await app.request(.post, "/v2/enqueue", json: #"{"routing_key":"\#(key)","event_action":"trigger","payload":{"source":"x","severity":"bad"}}"#)
            #expect(bad.status == .badRequest)
            #expect(bad.json["status"] == "invalid event" && bad.json["message"] == "Event object is invalid")
            #expect(bad.json["errors"] == ["'payload.summary' is missing or blank", "'payload.severity' must be one of critical, error, warning, info"])

            let unknown = try await app.request(.post, "/v2/enqueue", json: event("0123456789abcdef0123456789abcdef", "trigger"))
            #expect(unknown.status == .badRequest && unknown.json["errors"] == ["Invalid routing key"])

            let keys = try await app.request(.get, "/api/v1/services/\(serviceID)/integration-keys", token: token)
            #expect(!keys.text.contains(key), "the key is never listed")
            let keyID = try #require(keys.json["data"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(keys.json["data"]?.arrayValue?.first?.objectValue?.keys.contains("mapping") == false, "only generic keys carry a mapping")
            #expect(try await app.request(.delete, "/api/v1/services/\(serviceID)/integration-keys/\(keyID)", token: token).status == .noContent)
            #expect(try await app.request(.post, "/v2/enqueue", json: event(key, "trigger")).status == .badRequest)
            #expect(try await app.request(.get, "/api/v1/alerts", token: token).json["pagination"]?["total"] == 0, "nothing was stored")
        }
    }

    @Test("events over 512 KB get 413; a key over its rate gets 429 with Retry-After")
    func limits() async throws {
        // Mid-minute and fixed: the limit counts per clock minute, and a slow run must not cross into the next one.
        let clock = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 30)
        try await TestApp.run(now: { clock }) { app in
            let (_, _, key) = try await setUp(app, rateLimit: 3)
            let huge = #"{"routing_key":"\#(key)","event_action":"trigger","payload":{"summary":"s","source":"a","severity":"info","custom_details":{"blob":""# + String(repeating: "x", count: 600_000) + #""}}}"#
            #expect(try await app.request(.post, "/v2/enqueue", json: huge).status == .contentTooLarge)
            for _ in 0..<3 { #expect(try await app.request(.post, "/v2/enqueue", json: event(key, "trigger")).status == .accepted) }
            let throttled = try await app.request(.post, "/v2/enqueue", json: event(key, "trigger"))
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.json["status"] == "throttle event")
            #expect(throttled.headers[.retryAfter] == "60")
        }
    }

    @Test("change events are recorded and never open an incident")
    func changeEvents() async throws {
        try await TestApp.run { app in
            let (token, _, key) = try await setUp(app)
            let reply = try await app.request(.post, "/v2/change/enqueue", json: #"{"routing_key":"\#(key)","payload":{"summary":"Deployed v2","source":"ci"}}"#)
            #expect(reply.status == .accepted && reply.json["status"] == "success")
            #expect(try await app.request(.get, "/api/v1/incidents", token: token).json["pagination"]?["total"] == 0)
            let missing = try await app.request(.post, "/v2/change/enqueue", json: #"{"routing_key":"\#(key)","payload":{}}"#)
            #expect(missing.status == .badRequest && missing.json["errors"] == ["'payload.summary' is missing or blank"])
        }
    }

    @Test("responders acknowledge and resolve incidents; observers cannot; a key's type is checked")
    func incidentActions() async throws {
        try await TestApp.run { app in
            let (token, serviceID, key) = try await setUp(app)
            let (_, responder) = try await app.user("Rita", role: .responder)
            let (_, observer) = try await app.user("Otto", role: .observer)
            try await app.request(.post, "/v2/enqueue", json: event(key, "trigger"))
            let id = try #require(try await app.request(.get, "/api/v1/incidents", token: token).json["data"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await app.request(.post, "/api/v1/incidents/\(id)/acknowledge", token: observer).status == .forbidden)
            let acked = try await app.request(.post, "/api/v1/incidents/\(id)/acknowledge", token: responder)
            #expect(acked.status == .ok && acked.json["status"] == "acknowledged")
            #expect(try await app.request(.post, "/api/v1/incidents/\(id)/acknowledge", token: responder).status == .conflict)
            #expect(try await app.request(.post, "/api/v1/incidents/\(id)/resolve", token: responder).json["status"] == "resolved")
            let alert = try await app.request(.get, "/api/v1/alerts?incident_id=\(id)", token: token)
            #expect(alert.json["data"]?.arrayValue?.first?["status"] == "resolved")

            let badType = try await app.request(.post, "/api/v1/services/\(serviceID)/integration-keys", token: token, json: #"{"type":"nagios"}"#)
            #expect(badType.status == .unprocessableContent && badType.errorFields == ["type"])
            let amKey = try #require(try await app.request(.post, "/api/v1/services/\(serviceID)/integration-keys", token: token,
                                                           json: #"{"type":"alertmanager"}"#).json["key"]?.stringValue)
            #expect(try await app.request(.post, "/v2/enqueue", json: event(amKey, "trigger")).json["errors"] == ["Invalid routing key"],
                    "an Alertmanager-webhook key does not take PagerDuty events")
        }
    }
}

@Suite("Alert grouping API")
struct AlertGroupingAPITests {
    @Test("a service's grouping is set by PATCH, shown on GET, checked field by field, and explains each alert")
    func grouping() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let created = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Web"}"#)
            #expect(created.json["alert_grouping"] == ["mode": "per_alert", "window_minutes": .null, "labels": []])
            let id = try #require(created.json["id"]?.stringValue)
            let bad = try await app.request(.patch, "/api/v1/services/\(id)", token: token, json: #"{"alert_grouping":{"mode":"time_window","window_minutes":0}}"#)
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["alert_grouping.window_minutes"])
            let set = try await app.request(.patch, "/api/v1/services/\(id)", token: token, json: #"{"alert_grouping":{"mode":"time_window","window_minutes":5}}"#)
            #expect(set.json["alert_grouping"]?["window_minutes"] == 5)

            let key = try #require(try await app.request(.post, "/api/v1/services/\(id)/integration-keys", token: token,
                                                         json: #"{"type":"pagerduty"}"#).json["key"]?.stringValue)
            for dedup in ["one", "two"] {
                try await app.request(.post, "/v2/enqueue", json: #"{"routing_key":"\#(key)","event_action":"trigger","dedup_key":"\#(dedup)","payload":{"summary":"\#(dedup)","source":"s","severity":"error"}}"#)
            }
            let incidents = try await app.request(.get, "/api/v1/incidents", token: token)
            #expect(incidents.json["pagination"]?["total"] == 1 && incidents.json["data"]?.arrayValue?.first?["alert_count"] == 2)
            let reasons = try await app.request(.get, "/api/v1/alerts", token: token).json["data"]?.arrayValue?.compactMap { $0["grouping_reason"]?.stringValue }
            #expect(reasons?.contains("arrived within 5 minutes of incident #1 opening") == true)
        }
    }
}

@Suite("Noise control API")
struct NoiseControlAPITests {
    @Test("silences: created by responders with a reason, refused without matchers or with a broken pattern, ended by DELETE")
    func silences() async throws {
        try await TestApp.run { app in
            let (rita, token) = try await app.user("Rita", role: .responder)
            let (_, observer) = try await app.user("Otto", role: .observer)
            let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let body = #"{"matchers":[{"name":"env","op":"=","value":"staging"}],"ends_at":"\#(until)","comment":"load test"}"#
            #expect(try await app.request(.post, "/api/v1/silences", token: observer, json: body).status == .forbidden)
            let created = try await app.request(.post, "/api/v1/silences", token: token, json: body)
            #expect(created.status == .created && created.json["active"] == .bool(true) && created.json["created_by"] == .string(rita.id.db))
            let bad = try await app.request(.post, "/api/v1/silences", token: token,
                                            json: #"{"matchers":[{"name":"env","op":"=~","value":"("}],"ends_at":"soon","comment":" "}"#)
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["ends_at"])
            let empty = try await app.request(.post, "/api/v1/silences", token: token,
                                              json: #"{"matchers":[{"name":"env","op":"=~","value":"("}],"ends_at":"\#(until)","comment":" "}"#)
            #expect(empty.errorFields == ["matchers[0].value", "comment"])
            #expect(try await app.request(.get, "/api/v1/silences?active=true", token: token).json["data"]?.arrayValue?.count == 1)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await app.request(.delete, "/api/v1/silences/\(id)", token: token).json["active"] == .bool(false))
            #expect(try await app.request(.get, "/api/v1/silences?active=true", token: token).json["data"]?.arrayValue?.count == 0)
        }
    }

    @Test("maintenance windows: once or weekly, checked field by field")
    func windows() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let service = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"DB"}"#).json["id"]?.stringValue)
            let weekly = try await app.request(.post, "/api/v1/services/\(service)/maintenance-windows", token: token,
                                               json: #"{"name":"Patching","days":["sun"],"start":"02:00","end":"04:00","time_zone":"Europe/Berlin"}"#)
            #expect(weekly.status == .created && weekly.json["days"] == ["sun"] && weekly.json["start"] == "02:00")
            let bad = try await app.request(.post, "/api/v1/services/\(service)/maintenance-windows", token: token,
                                            json: #"{"name":"","days":["someday"],"start":"25:00","end":"04:00","time_zone":"Mars"}"#)
            #expect(bad.errorFields == ["name", "days", "start", "time_zone"])
            let once = try await app.request(.post, "/api/v1/services/\(service)/maintenance-windows", token: token,
                                             json: #"{"name":"Migration","starts_at":"2027-01-01T02:00:00Z","ends_at":"2027-01-01T01:00:00Z"}"#)
            #expect(once.errorFields == ["ends_at"])
            let empty = try await app.request(.post, "/api/v1/services/\(service)/maintenance-windows", token: token,
                                              json: #"{"name":"Migration","starts_at":"","ends_at":""}"#)
            #expect(empty.status == .unprocessableContent && empty.errorFields == ["starts_at", "ends_at"])
            let listed = try await app.request(.get, "/api/v1/services/\(service)/maintenance-windows", token: token)
            let id = try #require(listed.json["data"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await app.request(.delete, "/api/v1/services/\(service)/maintenance-windows/\(id)", token: token).status == .noContent)
        }
    }
}

@Suite("Flap detection API")
struct FlapDetectionAPITests {
    @Test("on by default, changed or turned off by PATCH, checked field by field")
    func settings() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let created = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Web"}"#)
            #expect(created.json["flap_detection"] == ["changes": 4, "window_minutes": 15])
            let id = try #require(created.json["id"]?.stringValue)
            let bad = try await app.request(.patch, "/api/v1/services/\(id)", token: token, json: #"{"flap_detection":{"changes":1,"window_minutes":5}}"#)
            #expect(bad.errorFields == ["flap_detection.changes"])
            #expect(try await app.request(.patch, "/api/v1/services/\(id)", token: token, json: #"{"flap_detection":null}"#).json["flap_detection"] == .null)
        }
    }
}

@Suite("Event rules API")
struct EventRulesAPITests {
    @Test("rules are replaced as a list, read back in order, and checked field by field")
    func rules() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let a = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"A"}"#).json["id"]?.stringValue)
            let b = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"B"}"#).json["id"]?.stringValue)
            let put = try await app.request(.put, "/api/v1/services/\(a)/event-rules", token: token, json: """
                {"rules":[{"conditions":[{"name":"env","value":"dev"}],"action":"drop"},
                          {"conditions":[{"name":"team","op":"=","value":"b"}],"action":"route","route_to":"\(b)"}]}
                """)
            #expect(put.status == .ok)
            let read = try await app.request(.get, "/api/v1/services/\(a)/event-rules", token: token)
            #expect(read.json["rules"]?.arrayValue?.map { $0["action"] } == ["drop", "route"])
            #expect(read.json["rules"]?.arrayValue?.last?["route_to"] == .string(b))
            let bad = try await app.request(.put, "/api/v1/services/\(a)/event-rules", token: token, json: """
                {"rules":[{"conditions":[],"action":"drop"},{"conditions":[{"name":"x","value":"y"}],"action":"explode"},
                          {"conditions":[{"name":"x","value":"y"}],"action":"route","route_to":"\(a)"}]}
                """)
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["rules[1].action"])
            let selfRoute = try await app.request(.put, "/api/v1/services/\(a)/event-rules", token: token, json: """
                {"rules":[{"conditions":[],"action":"drop"},{"conditions":[{"name":"x","value":"y"}],"action":"route","route_to":"\(a)"}]}
                """)
            #expect(selfRoute.errorFields == ["rules[0].conditions", "rules[1].route_to"])
            #expect(try await app.request(.get, "/api/v1/services/\(a)/event-rules", token: token).json["rules"]?.arrayValue?.count == 2,
                    "refused changes leave the rules as they were")
        }
    }
}

@Suite("Severity overrides")
struct SeverityOverrideTests {
    @Test("a service chooses the SEV an event severity opens; the rest follow the table")
    func overrides() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let service = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Payments","tier":4}"#).json["id"]?.stringValue)
            let bad = try await app.request(.patch, "/api/v1/services/\(service)", token: token, json: #"{"severity_overrides":{"fatal":"SEV1","warning":"SEV9"}}"#)
            #expect(bad.status == .unprocessableContent && Set(bad.errorFields) == ["severity_overrides.fatal", "severity_overrides.warning"])
            let set = try await app.request(.patch, "/api/v1/services/\(service)", token: token, json: #"{"severity_overrides":{"warning":"SEV1"}}"#)
            #expect(set.json["severity_overrides"] == ["warning": "SEV1"])
            let key = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                         json: #"{"type":"pagerduty"}"#).json["key"]?.stringValue)
            for (dedup, severity) in [("w", "warning"), ("c", "critical")] {
                try await app.request(.post, "/v2/enqueue", json: #"{"routing_key":"\#(key)","event_action":"trigger","dedup_key":"\#(dedup)","payload":{"summary":"\#(dedup)","source":"s","severity":"\#(severity)"}}"#)
            }
            let incidents = try await app.request(.get, "/api/v1/incidents", token: token).json["data"]?.arrayValue ?? []
            let byTitle = Dictionary(uniqueKeysWithValues: incidents.compactMap { i in i["title"]?.stringValue.map { ($0, i["severity"]) } })
            #expect(byTitle["w"] == "SEV1", "the override")
            #expect(byTitle["c"] == "SEV3", "critical on a tier-4 service, from the table")
        }
    }
}
