import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Incident timeline")
struct IncidentTimelineTests {
    @Test("an alert opens an incident, a person acknowledges and resolves it through the API: the timeline says so, in order, paged")
    func contract() async throws {
        try await TestApp.run { app in
            let setup = PagerDutyEndpointTests()
            let (token, serviceID, key) = try await setup.setUp(app)
            let (rita, ritaToken) = try await app.user("Rita", role: .responder)
            #expect(try await app.request(.post, "/v2/enqueue", json: setup.event(key, "trigger", severity: "warning")).status == .accepted)
            #expect(try await app.request(.post, "/v2/enqueue", json: setup.event(key, "trigger", dedupKey: "other", severity: "critical")).status == .accepted)
            let incidents = try await app.request(.get, "/api/v1/incidents", token: token).json["data"]?.arrayValue ?? []
            let incident = try #require(incidents.first { $0["title"] == "Disk full on db-1" && $0["number"] == 1 }?["id"]?.stringValue)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/acknowledge", token: ritaToken).status == .ok)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/acknowledge", token: ritaToken).status == .conflict)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/resolve", token: ritaToken).status == .ok)

            let timeline = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: token)
            #expect(timeline.status == .ok)
            let problems = SchemaCheck.problems(timeline.json, against: try #require(OpenAPITests.responseSchema("GET /api/v1/incidents/{id}/timeline", "200")),
                                                root: OpenAPITests.document)
            #expect(problems.isEmpty, "\(problems)")
            let events = try #require(timeline.json["data"]?.arrayValue)
            #expect(events.map { $0["kind"]?.stringValue } == ["opened", "acknowledged", "resolved"], "a refused acknowledge records nothing")
            let keys = try await app.request(.get, "/api/v1/services/\(serviceID)/integration-keys", token: token).json["data"]?.arrayValue ?? []
            let keyID = try #require(keys.first?["id"]?.stringValue)
            #expect(events[0]["author"] == ["type": "integration", "id": .string(keyID), "name": "pagerduty"], "the key that sent the alert")
            #expect(events[1]["author"]?["type"] == "user" && events[1]["author"]?["id"]?.stringValue == rita.id.db)
            #expect(events[1]["body"] == "Acknowledged by Rita" && events[2]["body"] == "Resolved by Rita")
            let ids = events.compactMap { event -> Double? in if case .number(let n)? = event["id"] { return n } else { return nil } }
            #expect(ids == ids.sorted() && Set(ids).count == 3)

            let second = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline?limit=1&offset=1", token: token)
            #expect(second.json["data"]?[at: 0]?["kind"] == "acknowledged" && second.json["pagination"]?["total"] == 3)
            #expect(try await app.request(.get, "/api/v1/incidents/\(UUID().db)/timeline", token: token).status == .notFound)

            let cookies = try await app.signIn(email: rita.email)
            let page = try await app.page("/incidents/\(incident)", cookies: cookies)
            #expect(page.text.contains("<h2>Timeline</h2>") && page.text.contains("Acknowledged by Rita") && page.text.contains("Resolved by Rita"))
        }
    }

    @Test("a responder sets the severity and reopens a resolved incident, by the API and on the page; each is on the timeline, and a refused one records nothing")
    func severityAndReopen() async throws {
        try await TestApp.run { app in
            let setup = PagerDutyEndpointTests()
            let (token, _, key) = try await setup.setUp(app)
            let (rita, ritaToken) = try await app.user("Rita", role: .responder)
            let (_, observer) = try await app.user("Olga", role: .observer)
            #expect(try await app.request(.post, "/v2/enqueue", json: setup.event(key, "trigger", severity: "warning")).status == .accepted)
            let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: token).json["data"]?[at: 0]?["id"]?.stringValue)

            let raised = try await app.request(.patch, "/api/v1/incidents/\(incident)", token: ritaToken, json: #"{"severity":"SEV1"}"#)
            #expect(raised.status == .ok && raised.json["severity"] == "SEV1")
            let problems = SchemaCheck.problems(raised.json, against: try #require(OpenAPITests.responseSchema("PATCH /api/v1/incidents/{id}", "200")),
                                                root: OpenAPITests.document)
            #expect(problems.isEmpty, "\(problems)")
            #expect(try await app.request(.patch, "/api/v1/incidents/\(incident)", token: ritaToken, json: #"{"severity":"SEV1"}"#).status == .ok)
            let bad = try await app.request(.patch, "/api/v1/incidents/\(incident)", token: ritaToken, json: #"{"severity":"P1"}"#)
            #expect(bad.status.code == 422 && bad.json["error"]?["fields"]?[at: 0]?["field"] == "severity")
            #expect(try await app.request(.patch, "/api/v1/incidents/\(incident)", token: observer, json: #"{"severity":"SEV4"}"#).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reopen", token: ritaToken).status == .conflict, "it is not resolved")
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/resolve", token: ritaToken).status == .ok)
            let reopened = try await app.request(.post, "/api/v1/incidents/\(incident)/reopen", token: ritaToken)
            #expect(reopened.status == .ok && reopened.json["status"] == "triggered" && reopened.json["resolved_at"] == .null)
            #expect(reopened.json["acknowledged_at"] != .null, "the first acknowledgement still counts for the time to acknowledge")

            let cookies = try await app.signIn(email: rita.email)
            let page = try await app.page("/incidents/\(incident)", cookies: cookies)
            #expect(page.text.contains("name=\"severity\"") && page.text.contains("<option value=\"SEV1\" selected>"))
            #expect(try await app.submit("/incidents/\(incident)/severity", fields: [("_csrf", page.csrf!), ("severity", "SEV3")], cookies: cookies).status == .seeOther)
            #expect(try await app.submit("/incidents/\(incident)/severity", fields: [("_csrf", page.csrf!), ("severity", "high")], cookies: cookies).status.code == 422)
            #expect(try await app.submit("/incidents/\(incident)/resolve", fields: [("_csrf", page.csrf!)], cookies: cookies).status == .seeOther)
            let resolvedPage = try await app.page("/incidents/\(incident)", cookies: cookies)
            #expect(resolvedPage.text.contains("/incidents/\(incident)/reopen"), "a resolved incident offers Reopen")
            #expect(try await app.submit("/incidents/\(incident)/reopen", fields: [("_csrf", page.csrf!)], cookies: cookies).status == .seeOther)
            let twice = try await app.submit("/incidents/\(incident)/reopen", fields: [("_csrf", page.csrf!)], cookies: cookies)
            #expect(twice.status == .seeOther && twice.headers[.location]?.hasSuffix("?already=open") == true)

            let events = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: token).json["data"]?.arrayValue ?? []
            #expect(events.map { $0["kind"]?.stringValue ?? "" } == ["opened", "severity_changed", "resolved", "reopened", "severity_changed", "resolved", "reopened"],
                    "the same severity again and the refused commands record nothing")
            #expect(events[1]["body"]?.stringValue?.hasSuffix("→ SEV1 by Rita") == true)
            #expect(events[3]["body"] == "Reopened by Rita")
        }
    }

    @Test("an incident a person's report opens names that person as its author")
    func reportAuthor() async throws {
        try await TestApp.run { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (_, rita) = try await app.user("Rita", role: .responder)
            let service = try #require(try await app.request(.post, "/api/v1/services", token: admin, json: #"{"name":"Shop","tier":1}"#).json["id"]?.stringValue)
            let filed = try await app.request(.post, "/api/v1/services/\(service)/reports", token: rita, json: #"{"summary":"Checkout fails","source":"customer"}"#)
            let incident = try #require(filed.json["incident_id"]?.stringValue)
            let first = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).json["data"]?[at: 0]
            #expect(first?["author"]?["type"] == "user" && first?["author"]?["name"] == "Rita")
            #expect(first?["body"] == "Opened from a report by Rita as SEV2")
        }
    }

    @Test("alerts joining, a worse alert, a new alert after acknowledging and the alerts resolving are all recorded")
    func rollUp() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await TestApp.run(now: { now }) { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            var input = ServiceInput(name: "Shop", tier: 2)
            input.alertGrouping = .timeWindow(minutes: 30)
            let service = try input.created(id: UUID(), now: now)
            try await app.store.createService(service)
            func send(_ action: EventAction, _ key: String, _ severity: AlertSeverity) async throws -> UUID? {
                try await app.store.ingest(AlertEvent(action: action, dedupKey: key, summary: "\(key) down", severity: severity),
                                           serviceID: service.id, integrationKeyID: nil, now: now).incidentID
            }
            let id = try #require(try await send(.trigger, "a", .warning))
            _ = try await send(.trigger, "b", .critical)
            _ = try await send(.acknowledge, "a", .warning)
            _ = try await send(.acknowledge, "b", .critical)
            _ = try await send(.trigger, "c", .warning)
            for key in ["a", "b", "c"] { _ = try await send(.resolve, key, .warning) }
            let events = try await app.request(.get, "/api/v1/incidents/\(id.db)/timeline", token: token).json["data"]?.arrayValue ?? []
            let kinds = events.map { $0["kind"]?.stringValue ?? "" }
            #expect(kinds == ["opened", "alert_joined", "severity_changed", "acknowledged", "alert_joined", "retriggered", "resolved"], "\(kinds)")
            #expect(events.allSatisfy { $0["author"]?["type"] == "system" })
            let incident = try #require(try await app.store.incident(id: id))
            #expect(incident.status == .resolved && incident.severity == .sev2)
        }
    }
}
