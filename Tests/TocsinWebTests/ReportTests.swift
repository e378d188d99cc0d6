import Foundation
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Problem reports")
struct ReportTests {
    @Test("a responder reports a customer's problem by API: an alert and an incident marked as found by a customer")
    func api() async throws {
        try await TestApp.run { app in
            let (rita, token) = try await app.user("Rita", role: .responder)
            let (_, observer) = try await app.user("Otto", role: .observer)
            let service = try ServiceInput(name: "Checkout", tier: 2).created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let body = #"{"summary":"Customers cannot pay by card","details":"Ticket 4411","reporter":"ACME support"}"#
            let created = try await app.request(.post, "/api/v1/services/\(service.id.db)/reports", token: token, json: body)
            #expect(created.status == .created && created.json["detection_source"] == "customer")
            let incidentID = try #require(created.json["incident_id"]?.stringValue)
            let incident = try await app.request(.get, "/api/v1/incidents/\(incidentID)", token: token)
            #expect(incident.json["detection_source"] == "customer" && incident.json["severity"] == "SEV2")
            let alert = try #require(try await app.request(.get, "/api/v1/alerts?incident_id=\(incidentID)", token: token).json["data"]?.arrayValue?.first)
            #expect(alert["source"] == "ACME support" && alert["details"]?["report"] == "Ticket 4411")

            let insider = try await app.request(.post, "/api/v1/services/\(service.id.db)/reports", token: token,
                                                 json: #"{"summary":"Admin panel slow","source":"internal"}"#)
            #expect(insider.json["detection_source"] == "internal")
            let mine = try #require(try await app.request(.get, "/api/v1/alerts?incident_id=\(insider.json["incident_id"]!.stringValue!)",
                                                          token: token).json["data"]?.arrayValue?.first)
            #expect(mine["source"] == .string(rita.name), "the reporter defaults to whoever files it")

            let bad = try await app.request(.post, "/api/v1/services/\(service.id.db)/reports", token: token,
                                            json: #"{"summary":" ","source":"monitoring","severity":"huge"}"#)
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["summary", "source", "severity"])
            #expect(try await app.request(.post, "/api/v1/services/\(service.id.db)/reports", token: observer, json: body).status == .forbidden)
        }
    }

    @Test("the form on a service page opens the incident and shows it")
    func form() async throws {
        try await TestApp.run { app in
            let (rita, _) = try await app.user("Rita", role: .responder)
            let service = try ServiceInput(name: "Search").created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let cookies = try await app.signIn(email: rita.email)
            let page = try await app.page("/services/\(service.id.db)", cookies: cookies)
            #expect(page.text.contains("action=\"/services/\(service.id.db)/reports\""))
            let bad = try await app.submit("/services/\(service.id.db)/reports", fields: [("_csrf", page.csrf!), ("summary", "")], cookies: cookies)
            #expect(bad.status == .unprocessableContent && bad.text.contains("must not be blank"))
            let filed = try await app.submit("/services/\(service.id.db)/reports", fields: [
                ("_csrf", page.csrf!), ("summary", "Search returns nothing"), ("source", "internal"), ("severity", "warning"),
            ], cookies: cookies)
            #expect(filed.status == .seeOther)
            let location = try #require(filed.headers[.location])
            #expect(location.hasPrefix("/incidents/"))
            #expect(try await app.page(location, cookies: cookies).text.contains("Search returns nothing"))
        }
    }
}

@Suite("Report regressions")
struct ReportRegressionTests {
    @Test("event rules for machines do not drop a person's report")
    func dropRule() async throws {
        try await TestApp.run { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (_, token) = try await app.user("Rita", role: .responder)
            let service = try #require(try await app.request(.post, "/api/v1/services", token: admin, json: #"{"name":"Shop"}"#).json["id"]?.stringValue)
            #expect(try await app.request(.put, "/api/v1/services/\(service)/event-rules", token: admin,
                                          json: #"{"rules":[{"conditions":[{"name":"env","op":"!=","value":"prod"}],"action":"drop"}]}"#).status == .ok)
            let filed = try await app.request(.post, "/api/v1/services/\(service)/reports", token: token, json: #"{"summary":"Checkout broken"}"#)
            #expect(filed.status == .created && filed.json["incident_id"] != .null)
        }
    }
}
