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
