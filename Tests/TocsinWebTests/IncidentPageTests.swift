import Foundation
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Incident pages")
struct IncidentPageTests {
    @Test("an incident shows its alerts and the change just before it, and a responder acknowledges and resolves it from the page")
    func detail() async throws {
        try await TestApp.run { app in
            let (responder, _) = try await app.user("Rita", role: .responder)
            let (observer, _) = try await app.user("Otto", role: .observer)
            let service = try ServiceInput(name: "Checkout", tier: 1).created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let now = Date()
            try await app.store.recordChange(ChangeRecord(id: UUID(), serviceID: service.id, summary: "Deployed checkout v7", source: "ci",
                                                          occurredAt: now.addingTimeInterval(-600), details: .null, links: [], createdAt: now),
                                             integrationKeyID: nil)
            try await app.store.recordChange(ChangeRecord(id: UUID(), serviceID: service.id, summary: "Old deploy", source: "ci",
                                                          occurredAt: now.addingTimeInterval(-7200), details: .null, links: [], createdAt: now),
                                             integrationKeyID: nil)
            let outcome = try await app.store.ingest(
                AlertEvent(action: .trigger, dedupKey: "5xx", summary: "<b>5xx</b> on checkout", source: "lb-1", severity: .critical,
                           links: [AlertLink(href: "javascript:alert(1)", text: "bad")]),
                serviceID: service.id, integrationKeyID: nil, now: now)
            let id = try #require(outcome.incidentID)

            let observerCookies = try await app.signIn(email: observer.email)
            let seen = try await app.page("/incidents/\(id.db)", cookies: observerCookies)
            #expect(seen.status == .ok)
            #expect(seen.text.contains("&lt;b&gt;5xx&lt;/b&gt; on checkout") && seen.text.contains("SEV1"))
            #expect(seen.text.contains("Deployed checkout v7") && !seen.text.contains("Old deploy"), "only the hour before counts")
            #expect(!seen.text.contains("javascript:"), "link targets are filtered")
            #expect(!seen.text.contains("/acknowledge\""), "observers get no buttons")
            #expect(try await app.submit("/incidents/\(id.db)/acknowledge", fields: [("_csrf", seen.csrf!)], cookies: observerCookies).status == .forbidden)

            let cookies = try await app.signIn(email: responder.email)
            let list = try await app.page("/incidents", cookies: cookies)
            #expect(list.text.contains("href=\"/incidents/\(id.db)\""))
            let page = try await app.page("/incidents/\(id.db)", cookies: cookies)
            #expect(try await app.submit("/incidents/\(id.db)/acknowledge", fields: [("_csrf", page.csrf!)], cookies: cookies).status == .seeOther)
            #expect(try await app.store.incident(id: id)?.status == .acknowledged)
            #expect(try await app.submit("/incidents/\(id.db)/resolve", fields: [("_csrf", page.csrf!)], cookies: cookies).status == .seeOther)
            #expect(try await app.store.incident(id: id)?.status == .resolved)
            let open = try await app.page("/incidents", cookies: cookies)
            #expect(!open.text.contains("href=\"/incidents/\(id.db)\""), "resolved incidents leave the open list")
            #expect(try await app.page("/incidents?status=resolved", cookies: cookies).text.contains("href=\"/incidents/\(id.db)\""))
        }
    }
}
