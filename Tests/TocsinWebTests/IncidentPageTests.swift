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
            let (_, token) = try await app.accounts.createToken(for: observer, name: "t", readOnly: true)
            let changes = try await app.request(.get, "/api/v1/incidents/\(id.db)/changes", token: token)
            #expect(changes.json["data"]?.arrayValue?.map { $0["summary"] } == ["Deployed checkout v7"], "the API shows the same hour as the page")
            #expect(changes.json["data"]?.arrayValue?.first?["service_name"] == "Checkout")
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

@Suite("Noise report API and page")
struct NoiseReportAPITests {
    @Test("alerts that resolve on their own count as noise; ones a person resolved do not")
    func report() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Ann", role: .responder)
            let service = try ServiceInput(name: "Flappy").created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let now = Date()
            for key in ["a", "b", "c"] {
                _ = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: key), serviceID: service.id, integrationKeyID: nil,
                                               now: now.addingTimeInterval(-3600))
            }
            _ = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "a"), serviceID: service.id, integrationKeyID: nil, now: now.addingTimeInterval(-3000))
            for key in ["a", "b"] {
                _ = try await app.store.ingest(AlertEvent(action: .resolve, dedupKey: key), serviceID: service.id, integrationKeyID: nil, now: now.addingTimeInterval(-1800))
            }
            let open = try #require(try await app.store.alerts(AlertFilter(serviceID: service.id, status: .triggered), page: PageRequest()).items.first)
            #expect(try await app.request(.post, "/api/v1/incidents/\(open.incidentID!.db)/resolve", token: token).status == .ok)

            let reply = try await app.request(.get, "/api/v1/reports/noise?service_id=\(service.id.db)", token: token)
            #expect(reply.status == .ok)
            let noise = try #require(reply.json["services"]?.arrayValue?.first)
            #expect(noise["alerts"] == 3 && noise["occurrences"] == 4)
            #expect(noise["auto_resolved_share"] == .number(0.667))
            #expect(reply.json["noisiest_keys"]?.arrayValue?.first?["dedup_key"] == "a")
            #expect(noise["per_day"]?.arrayValue?.count ?? 0 >= 7)

            let bad = try await app.request(.get, "/api/v1/reports/noise?from=yesterday&to=2026-01-01T00:00:00Z", token: token)
            #expect(bad.status == .unprocessableContent && bad.errorFields.contains("from"))
            let tooLong = try await app.request(.get, "/api/v1/reports/noise?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", token: token)
            #expect(tooLong.errorFields == ["to"])

            let cookies = try await app.signIn(email: user.email)
            let page = try await app.page("/reports/noise", cookies: cookies)
            #expect(page.status == .ok && page.text.contains("Flappy") && page.text.contains("67 %"))
        }
    }
}

@Suite("Silence pages")
struct SilencePageTests {
    @Test("a responder silences from the page, the silence mutes, and ending it is one click")
    func flow() async throws {
        try await TestApp.run { app in
            let (rita, _) = try await app.user("Rita", role: .responder)
            let service = try ServiceInput(name: "Batch").created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let cookies = try await app.signIn(email: rita.email)
            let page = try await app.page("/silences", cookies: cookies)
            #expect(page.status == .ok && page.text.contains("No silence is in force."))
            let bad = try await app.submit("/silences", fields: [("_csrf", page.csrf!), ("matchers", "just words\ninstance=~("), ("duration", "60"),
                                                                 ("comment", "")], cookies: cookies)
            #expect(bad.status == .unprocessableContent && bad.text.contains("line 1 needs one of"))
            let made = try await app.submit("/silences", fields: [("_csrf", page.csrf!), ("matchers", "job=nightly\nenv!=prod"),
                                                                  ("service_id", service.id.db), ("duration", "120"), ("comment", "rerun <today>")],
                                            cookies: cookies)
            #expect(made.status == .seeOther)
            let silence = try #require(try await app.store.silences(activeAt: Date()).first)
            #expect(silence.matchers == [AlertMatcher(name: "job", op: .equal, value: "nightly"), AlertMatcher(name: "env", op: .notEqual, value: "prod")])
            #expect(silence.createdBy == rita.id && silence.serviceID == service.id)
            let outcome = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "j", labels: ["job": "nightly", "env": "staging"]),
                                                     serviceID: service.id, integrationKeyID: nil, now: Date())
            #expect(outcome.incidentID == nil)

            let listed = try await app.page("/silences", cookies: cookies)
            #expect(listed.text.contains("rerun &lt;today&gt;") && listed.text.contains("/silences/\(silence.id.db)/end"))
            #expect(try await app.submit("/silences/\(silence.id.db)/end", fields: [("_csrf", listed.csrf!)], cookies: cookies).status == .seeOther)
            #expect(try await app.store.silences(activeAt: Date()).isEmpty)
        }
    }
}

@Suite("Silence matcher lines")
struct SilenceMatcherLineTests {
    @Test("the first operator in a line splits it, so values may contain =", arguments: [
        ("summary=a!=b", AlertMatcher(name: "summary", op: .equal, value: "a!=b")),
        ("env!=prod", AlertMatcher(name: "env", op: .notEqual, value: "prod")),
        ("instance=~db-.*", AlertMatcher(name: "instance", op: .matches, value: "db-.*")),
        (" job !~ nightly|weekly ", AlertMatcher(name: "job", op: .notMatches, value: "nightly|weekly")),
    ])
    func parse(line: String, expected: AlertMatcher) throws {
        #expect(try SilencePages.parseMatchers(line) == [expected])
    }
}

@Suite("Open incidents")
struct OpenIncidentListTests {
    @Test("status=open lists unresolved incidents, oldest first within a severity, and pages like any list")
    func open() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Rita", role: .responder)
            let service = try ServiceInput(name: "Queue").created(id: UUID(), now: Date())
            try await app.store.createService(service)
            var ids: [UUID] = []
            for key in ["a", "b", "c"] {
                ids.append(try #require(try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: key), serviceID: service.id,
                                                                   integrationKeyID: nil, now: Date()).incidentID))
            }
            _ = try await app.store.setIncidentStatus(id: ids[2], to: .acknowledged, by: nil, now: Date())
            _ = try await app.store.setIncidentStatus(id: ids[0], to: .resolved, by: nil, now: Date())
            let open = try await app.request(.get, "/api/v1/incidents?status=open&limit=1", token: token)
            #expect(open.json["pagination"]?["total"] == 2 && open.json["pagination"]?["next_offset"] == 1)
            #expect(open.json["data"]?.arrayValue?.first?["id"] == .string(ids[1].db), "the oldest open one comes first")
            #expect(try await app.request(.get, "/api/v1/incidents?status=closed", token: token).errorFields == ["status"])
        }
    }
}

@Suite("Noise control pages")
struct NoiseControlPageTests {
    @Test("an admin adds maintenance windows and event rules from the service's page; the rules act; observers only read")
    func flow() async throws {
        try await TestApp.run { app in
            let (adam, _) = try await app.user("Adam", role: .admin)
            _ = try await app.store.updateUser(id: adam.id) { var u = $0; u.timeZone = "Europe/Berlin"; return u }
            let (olive, _) = try await app.user("Olive", role: .observer)
            let service = try ServiceInput(name: "Payments <api>").created(id: UUID(), now: Date())
            try await app.store.createService(service)
            let ledger = try ServiceInput(name: "Ledger").created(id: UUID(), now: Date())
            try await app.store.createService(ledger)
            let base = "/services/\(service.id.db)"
            let cookies = try await app.signIn(email: adam.email)
            #expect(try await app.page(base, cookies: cookies).text.contains("\(base)/noise-control"))
            let page = try await app.page("\(base)/noise-control", cookies: cookies)
            #expect(page.status == .ok && page.text.contains("Noise control: Payments &lt;api&gt;") && page.text.contains("No event rules"))
            let csrf = try #require(page.csrf)

            let noDays = try await app.submit("\(base)/maintenance-windows", fields: [
                ("_csrf", csrf), ("name", "Patching"), ("kind", "weekly"), ("start", "02:00"), ("end", "02:00"), ("time_zone", "Europe/Berlin"),
            ], cookies: cookies)
            #expect(noDays.status == .unprocessableContent)
            #expect(noDays.text.contains("must list days") && noDays.text.contains("must differ from start"))
            #expect(try await app.store.maintenanceWindows(serviceID: service.id).isEmpty)

            #expect(try await app.submit("\(base)/maintenance-windows", fields: [
                ("_csrf", csrf), ("name", "Patching"), ("kind", "weekly"), ("days", "sun"), ("days", "wed"), ("start", "23:00"), ("end", "01:30"),
                ("time_zone", "America/New_York"),
            ], cookies: cookies).status == .seeOther)
            #expect(try await app.submit("\(base)/maintenance-windows", fields: [
                ("_csrf", csrf), ("name", "Failover drill"), ("kind", "once"), ("starts_at", "2026-12-01T09:00"), ("ends_at", "2026-12-01T10:30"),
            ], cookies: cookies).status == .seeOther)
            let windows = try await app.store.maintenanceWindows(serviceID: service.id)
            #expect(windows.map(\.schedule).contains(.weekly(days: [1, 4], startMinute: 23 * 60, endMinute: 90, timeZone: "America/New_York")))
            // Typed in the admin's own zone: 09:00 in Berlin in December is 08:00 UTC.
            #expect(windows.map(\.schedule).contains(.once(start: Date(timeIntervalSince1970: 1_796_112_000), end: Date(timeIntervalSince1970: 1_796_117_400))))
            let listed = try await app.page("\(base)/noise-control", cookies: cookies)
            #expect(listed.text.contains("every Sun, Wed, 23:00–01:30 America/New_York (ends the next day)"))
            #expect(listed.text.contains("once, 2026-12-01 09:00"))

            let badRule = try await app.submit("\(base)/event-rules", fields: [("_csrf", csrf), ("conditions", ""), ("action", "route"), ("route_to", "")],
                                               cookies: cookies)
            #expect(badRule.status == .unprocessableContent && badRule.text.contains("must have at least one condition")
                    && badRule.text.contains("choose the service to route to"))
            for fields in [
                [("conditions", "source=~canary-.*"), ("action", "drop")],
                [("conditions", "summary=~(?i)ledger.*"), ("action", "route"), ("route_to", ledger.id.db)],
                [("conditions", "severity=critical\nenv=staging"), ("action", "set_severity"), ("severity", "warning")],
            ] {
                #expect(try await app.submit("\(base)/event-rules", fields: [("_csrf", csrf)] + fields, cookies: cookies).status == .seeOther)
            }
            var rules = try await app.store.eventRules(serviceID: service.id)
            #expect(rules.map(\.action) == [.drop, .route(ledger.id), .setSeverity(.warning)])
            #expect(try await app.submit("\(base)/event-rules/\(rules[2].id.db)/up", fields: [("_csrf", csrf)], cookies: cookies).status == .seeOther)
            #expect(try await app.submit("\(base)/event-rules/\(rules[0].id.db)/delete", fields: [("_csrf", csrf)], cookies: cookies).status == .seeOther)
            rules = try await app.store.eventRules(serviceID: service.id)
            #expect(rules.map(\.action) == [.setSeverity(.warning), .route(ledger.id)])
            let routed = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "l", summary: "Ledger lag"), serviceID: service.id,
                                                    integrationKeyID: nil, now: Date())
            #expect(try await app.store.incident(id: try #require(routed.incidentID))?.serviceIDs == [ledger.id])

            let observer = try await app.signIn(email: olive.email)
            let readOnly = try await app.page("\(base)/noise-control", cookies: observer)
            #expect(readOnly.status == .ok && readOnly.text.contains("route to Ledger") && !readOnly.text.contains("Add rule"))
            #expect(try await app.submit("\(base)/event-rules", fields: [("_csrf", readOnly.csrf ?? ""), ("conditions", "a=b"), ("action", "drop")],
                                         cookies: observer).status == .forbidden)
            let windowID = try #require(windows.first?.id)
            #expect(try await app.submit("\(base)/maintenance-windows/\(windowID.db)/delete", fields: [("_csrf", csrf)], cookies: cookies).status == .seeOther)
            #expect(try await app.store.maintenanceWindows(serviceID: service.id).count == 1)
        }
    }
}
