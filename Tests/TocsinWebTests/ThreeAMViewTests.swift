import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

/// What the responder woken at 3 AM sees: the fire on top, nothing muted out of sight, who has it, what to do.
@Suite("The 3 AM view")
struct ThreeAMViewTests {
    /// Tuesday 1 December 2026, 03:00 UTC.
    static let night = Date(timeIntervalSince1970: 1_796_094_000)

    /// A tier-1 web front end that depends on a tier-3 database; the database has an open incident.
    struct Outage {
        var web: Service
        var database: Service
        var databaseIncident: UUID
    }

    static func outage(_ app: TestApp, inhibitReports: Bool = false, suffix: String = "") async throws -> Outage {
        let database = try ServiceInput(name: "Database\(suffix)", tier: 3).created(id: UUID(), now: night)
        try await app.store.createService(database)
        var input = ServiceInput(name: "www\(suffix)", tier: 1, dependsOn: [database.id])
        input.inhibitReports = inhibitReports
        let web = try input.created(id: UUID(), now: night)
        try await app.store.createService(web)
        let incident = try #require(try await app.store.ingest(
            AlertEvent(action: .trigger, dedupKey: "db-slow", summary: "Database slow", severity: .warning),
            serviceID: database.id, integrationKeyID: nil, now: night.addingTimeInterval(-600)).incidentID)
        return Outage(web: web, database: database, databaseIncident: incident)
    }

    @Test("an alert muted by a dependency's incident is listed with why, and the inhibiting incident shows it prominently when it is worse")
    func mutedAlertsAreVisible() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (rita, token) = try await app.user("Rita", role: .responder)
            let outage = try await Self.outage(app)
            let muted = try await app.store.ingest(
                AlertEvent(action: .trigger, dedupKey: "www-down", summary: "www is DOWN from 3 of 3 probes", severity: .critical),
                serviceID: outage.web.id, integrationKeyID: nil, now: Self.night)
            #expect(muted.incidentID == nil, "inhibition muted it")

            let listed = try await app.request(.get, "/api/v1/alerts?service_id=\(outage.web.id.db)&muted=true", token: token)
            #expect(listed.status == .ok)
            let alert = try #require(listed.json["data"]?[at: 0])
            #expect(listed.json["data"]?.arrayValue?.count == 1)
            #expect(alert["muted_reason"]?.stringValue?.hasPrefix("inhibited: Database") == true)
            #expect(alert["mute_kind"] == "inhibited" && alert["muted_by_incident_id"]?.stringValue == outage.databaseIncident.db)
            #expect(try await app.request(.get, "/api/v1/alerts?service_id=\(outage.web.id.db)&muted=false", token: token).json["data"]?.arrayValue?.isEmpty == true)
            #expect(try await app.request(.get, "/api/v1/alerts?muted=maybe", token: token).errorFields == ["muted"])
            #expect(try await app.request(.get, "/api/v1/alerts?mute_kind=inhibited", token: token).json["pagination"]?["total"] == 1)

            let cookies = try await app.signIn(email: rita.email)
            let alerts = try await app.page("/alerts?muted=true", cookies: cookies)
            #expect(alerts.text.contains("www is DOWN from 3 of 3 probes") && alerts.text.contains("href=\"/incidents/\(outage.databaseIncident.db)\""))
            let incident = try await app.page("/incidents/\(outage.databaseIncident.db)", cookies: cookies)
            #expect(incident.text.contains("Muting 1 alert on services that depend on this one"))
            #expect(incident.text.contains("would be SEV1") && incident.text.contains("class=\"alert\""),
                    "a critical alert on a tier-1 service is worse than this SEV3 incident, so it is shown as an alarm")
            let service = try await app.page("/services/\(outage.web.id.db)", cookies: cookies)
            #expect(service.text.contains("Muted alerts (1)") && service.text.contains("www is DOWN from 3 of 3 probes"))
            let services = try await app.page("/services", cookies: cookies)
            #expect(services.text.contains("1 muted alert") && services.text.contains("1 open incident"))
        }
    }

    @Test("a worse muted alert behind many lesser ones is still counted and listed first")
    func worseBehindMany() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (rita, _) = try await app.user("Rita", role: .responder)
            let outage = try await Self.outage(app)
            for n in 1...25 {
                _ = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "info-\(n)", summary: "Info \(n)", severity: .info),
                                               serviceID: outage.web.id, integrationKeyID: nil, now: Self.night)
            }
            _ = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "down", summary: "www is DOWN", severity: .critical),
                                           serviceID: outage.web.id, integrationKeyID: nil, now: Self.night)
            let page = try await app.page("/incidents/\(outage.databaseIncident.db)", cookies: try await app.signIn(email: rita.email))
            #expect(page.text.contains("Muting 26 alerts") && page.text.contains("1 of them would be more severe"))
            #expect(page.text.contains("Showing 20 of 26."))
            let flagged = try #require(page.text.range(of: "would be SEV1")), down = try #require(page.text.range(of: "www is DOWN"))
            let firstInfo = try #require(page.text.range(of: "Info "))
            #expect(flagged.lowerBound < down.lowerBound && down.lowerBound < firstInfo.lowerBound, "the worse one comes first")
        }
    }

    @Test("a person's report is not muted by a dependency's incident unless the service says so, and the reporter is told what happened")
    func reportsAreHeard() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (rita, token) = try await app.user("Rita", role: .responder)
            let outage = try await Self.outage(app)
            let reply = try await app.request(.post, "/api/v1/services/\(outage.web.id.db)/reports", token: token,
                                              json: #"{"summary": "Customers cannot log in", "source": "customer"}"#)
            #expect(reply.status == .created && reply.json["outcome"] == "opened", "\(reply.text)")
            #expect(reply.json["incident_number"] != nil && reply.json["incident_number"] != .null && reply.json["muted_reason"] == .null)

            let cookies = try await app.signIn(email: rita.email)
            let page = try await app.page("/services/\(outage.web.id.db)", cookies: cookies)
            let posted = try await app.submit("/services/\(outage.web.id.db)/reports",
                                              fields: [("_csrf", try #require(page.csrf)), ("summary", "Checkout spins forever"), ("source", "customer")],
                                              cookies: cookies)
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/incidents/"))
            #expect(try await app.page(location, cookies: cookies).text.contains("Your report"))

            // The service chooses to mute reports too: the reporter learns it was muted, and why.
            let quiet = try await Self.outage(app, inhibitReports: true, suffix: " 2").web
            let quietPage = try await app.page("/services/\(quiet.id.db)", cookies: cookies)
            let mutedPost = try await app.submit("/services/\(quiet.id.db)/reports",
                                                 fields: [("_csrf", try #require(quietPage.csrf)), ("summary", "Slow"), ("source", "internal")],
                                                 cookies: cookies)
            let back = try #require(mutedPost.headers[.location])
            #expect(back.hasPrefix("/services/\(quiet.id.db)?report="))
            let told = try await app.page(back, cookies: cookies)
            #expect(told.text.contains("opened no incident and paged nobody") && told.text.contains("inhibited: Database"))
            let api = try await app.request(.post, "/api/v1/services/\(quiet.id.db)/reports", token: token, json: #"{"summary": "Still slow"}"#)
            #expect(api.json["outcome"] == "muted" && api.json["muted_reason"]?.stringValue?.hasPrefix("inhibited") == true)
        }
    }

    @Test("an admin connects monitoring from the service page: the key is shown once with a snippet, works, is listed by its hint and revoked")
    func integrationKeysFromThePage() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (adam, _) = try await app.user("Adam", role: .admin)
            let service = try ServiceInput(name: "Payments").created(id: UUID(), now: Self.night)
            try await app.store.createService(service)
            let cookies = try await app.signIn(email: adam.email)
            let page = try await app.page("/services/\(service.id.db)", cookies: cookies)
            #expect(page.text.contains("No monitoring tool sends alerts here yet"))
            let made = try await app.submit("/services/\(service.id.db)/integration-keys",
                                            fields: [("_csrf", try #require(page.csrf)), ("type", "pagerduty"), ("name", "prod curl")], cookies: cookies)
            #expect(made.status == .created)
            let secret = try #require(made.text.range(of: "id=\"integration-secret\">").map { String(made.text[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(secret.count >= 32)
            #expect(made.text.contains("https://tocsin.example.com/v2/enqueue") && made.text.contains("&quot;routing_key&quot;: &quot;\(secret)&quot;"))
            let event = #"{"routing_key": "\#(secret)", "event_action": "trigger", "payload": {"summary": "x", "source": "y", "severity": "error"}}"#
            #expect(try await app.request(.post, "/v2/enqueue", json: event).status == .accepted)

            let listed = try await app.page("/services/\(service.id.db)", cookies: cookies)
            #expect(listed.text.contains("prod curl") && listed.text.contains(String(secret.prefix(6))) && !listed.text.contains(secret))
            let keys = try await app.store.integrationKeys(serviceID: service.id)
            #expect(try await app.submit("/services/\(service.id.db)/integration-keys/\(keys[0].id.db)/revoke",
                                         fields: [("_csrf", try #require(listed.csrf))], cookies: cookies).status == .seeOther)
            #expect(try await app.request(.post, "/v2/enqueue", json: event).status == .badRequest, "a revoked key is refused")

            for type in ["alertmanager", "grafana"] {
                let made = try await app.submit("/services/\(service.id.db)/integration-keys",
                                                fields: [("_csrf", try #require(listed.csrf)), ("type", type)], cookies: cookies)
                #expect(made.text.contains("https://tocsin.example.com/integrations/\(type)/"))
            }
            let bad = try await app.submit("/services/\(service.id.db)/integration-keys",
                                           fields: [("_csrf", try #require(listed.csrf)), ("type", "carrier-pigeon")], cookies: cookies)
            #expect(bad.status == .unprocessableContent && bad.text.contains("must be one of"))
        }
    }

    @Test("open incidents: the worst first, then the oldest, with their age; acknowledged from the list; the list refreshes itself")
    func incidentList() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (rita, _) = try await app.user("Rita", role: .responder)
            let service = try ServiceInput(name: "API", tier: 1).created(id: UUID(), now: Self.night)
            try await app.store.createService(service)
            func open(_ key: String, _ severity: AlertSeverity, minutesAgo: Double) async throws -> UUID {
                try #require(try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: key, summary: "alert \(key)", severity: severity),
                                                        serviceID: service.id, integrationKeyID: nil,
                                                        now: Self.night.addingTimeInterval(-minutesAgo * 60)).incidentID)
            }
            let minor = try await open("minor", .warning, minutesAgo: 120)
            let oldFire = try await open("fire-old", .critical, minutesAgo: 12)
            let newFire = try await open("fire-new", .critical, minutesAgo: 3)
            let cookies = try await app.signIn(email: rita.email)
            let list = try await app.page("/incidents", cookies: cookies)
            let order = [oldFire, newFire, minor].map { list.text.range(of: "href=\"/incidents/\($0.db)\"")?.lowerBound }
            #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!, "SEV1s first, the older one on top")
            #expect(list.text.contains(">12 min<") && list.text.contains(">2 h<"))
            #expect(list.headers[.refresh] == "30")
            let acked = try await app.submit("/incidents/\(newFire.db)/acknowledge",
                                             fields: [("_csrf", try #require(list.csrf)), ("from", "list")], cookies: cookies)
            #expect(acked.headers[.location] == "/incidents")
            #expect(try await app.store.incident(id: newFire)?.acknowledgedBy == rita.id)
        }
    }

    @Test("acknowledging what someone else acknowledged lands on the incident saying who and when; resolving asks first")
    func secondAcknowledge() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (ana, anaToken) = try await app.user("Ana", role: .responder)
            let (ben, benToken) = try await app.user("Ben", role: .responder)
            let service = try ServiceInput(name: "API").created(id: UUID(), now: Self.night)
            try await app.store.createService(service)
            let id = try #require(try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "k"), serviceID: service.id,
                                                             integrationKeyID: nil, now: Self.night).incidentID)
            let benCookies = try await app.signIn(email: ben.email)
            let stale = try await app.page("/incidents/\(id.db)", cookies: benCookies)
            #expect(try await app.request(.post, "/api/v1/incidents/\(id.db)/acknowledge", token: anaToken).status == .ok)
            let second = try await app.submit("/incidents/\(id.db)/acknowledge", fields: [("_csrf", try #require(stale.csrf))], cookies: benCookies)
            let location = try #require(second.headers[.location])
            #expect(location == "/incidents/\(id.db)?already=acknowledged")
            let landed = try await app.page(location, cookies: benCookies)
            #expect(landed.text.contains("Already acknowledged by Ana"))
            let api = try await app.request(.post, "/api/v1/incidents/\(id.db)/acknowledge", token: benToken)
            #expect(api.status == .conflict && api.json["error"]?["message"]?.stringValue?.contains("by Ana at 2026-12-01T03:00:00Z") == true)

            let confirm = try await app.page("/incidents/\(id.db)/resolve", cookies: benCookies)
            #expect(confirm.status == .ok && confirm.text.contains("Yes, resolve #"))
            #expect(try await app.store.incident(id: id)?.status == .acknowledged, "asking changes nothing")
            _ = try await app.submit("/incidents/\(id.db)/resolve", fields: [("_csrf", try #require(confirm.csrf))], cookies: benCookies)
            let resolved = try #require(try await app.store.incident(id: id))
            #expect(resolved.status == .resolved && resolved.resolvedBy == ben.id && resolved.acknowledgedBy == ana.id)
            let page = try await app.page("/incidents/\(id.db)", cookies: benCookies)
            #expect(page.text.contains("by Ana") && page.text.contains("by Ben"))
        }
    }

    @Test("the incident page shows what the monitoring tool sent, who is on call for its services, and a prefilled silence")
    func incidentContent() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (admin, adminToken) = try await app.user("Adam", role: .admin)
            let (olga, _) = try await app.user("Olga", role: .responder)
            let team = try await app.request(.post, "/api/v1/teams", token: adminToken, json: #"{"name": "Platform", "member_ids": ["\#(olga.id.db)"]}"#)
            let teamID = try #require(team.json["id"]?.stringValue.flatMap(UUID.init(uuidString:)))
            let service = try ServiceInput(name: "API", teamID: .set(teamID)).created(id: UUID(), now: Self.night)
            try await app.store.createService(service)
            let schedule = """
            {"name": "Platform primary", "time_zone": "UTC", "team_id": "\(teamID.db)", "layers": [
              {"name": "Weekly", "start": "2026-11-30T09:00", "rotation": {"length": 1, "unit": "week"}, "members": ["\(olga.id.db)"]}]}
            """
            #expect(try await app.request(.post, "/api/v1/schedules", token: adminToken, json: schedule).status == .created)
            let event = AlertEvent(action: .trigger, dedupKey: "disk", summary: "Disk full", source: "db-1", severity: .error,
                                   component: "postgres", group: "storage", eventClass: "disk", labels: ["alertname": "DiskFull", "cluster": "eu-1"],
                                   details: ["free_bytes": 0, "mount": "/var/lib/postgresql"],
                                   links: [AlertLink(href: "https://grafana.example.com/d/disk", text: "Dashboard")])
            let id = try #require(try await app.store.ingest(event, serviceID: service.id, integrationKeyID: nil, now: Self.night).incidentID)
            let cookies = try await app.signIn(email: admin.email)
            let page = try await app.page("/incidents/\(id.db)", cookies: cookies)
            for shown in ["postgres", "storage", "disk", "alertname=DiskFull", "cluster=eu-1", "free_bytes", "/var/lib/postgresql",
                          "href=\"https://grafana.example.com/d/disk\"", "Platform primary", ">Olga</a>"] {
                #expect(page.text.contains(shown), "the page shows \(shown)")
            }
            let start = try #require(page.text.range(of: "href=\"/silences?")).lowerBound
            let link = String(page.text[start...].dropFirst("href=\"".count).prefix { $0 != "\"" })
            let silences = try await app.page(link.replacingOccurrences(of: "&amp;", with: "&"), cookies: cookies)
            #expect(silences.text.contains("alertname=DiskFull\ncluster=eu-1"), "the silence form is filled with the alert's labels")
            #expect(silences.text.contains("Known problem, handled in incident #"))
        }
    }

    @Test("bodies that cannot be read are refused with 400 and the reason; lists, forms and names have limits")
    func unreadableInput() async throws {
        try await TestApp.run(now: { Self.night }) { app in
            let (adam, token) = try await app.user("Adam", role: .admin)
            let notJSON = try await app.request(.post, "/api/v1/teams", token: token, json: "{\"name\": ")
            #expect(notJSON.status == .badRequest && notJSON.errorCode == "malformed_request" && notJSON.errorFields == ["body"])
            #expect(try await app.request(.post, "/api/v1/teams", token: token, json: "").status == .badRequest)
            let ids = Array(repeating: "\"\(UUID().uuidString)\"", count: 1001).joined(separator: ",")
            let long = try await app.request(.post, "/api/v1/teams", token: token, json: "{\"name\": \"x\", \"member_ids\": [\(ids)]}")
            #expect(long.status == .unprocessableContent && long.errorFields == ["member_ids"])
            for name in ["NUL\u{0}byte", "evil\u{202E}gpj.exe", "tab\there"] {
                let reply = try await app.request(.post, "/api/v1/services", token: token,
                                                  json: "{\"name\": \(JSONValue.string(name).jsonText)}")
                #expect(reply.status == .unprocessableContent && reply.errorFields == ["name"], "\(name.debugDescription): \(reply.text)")
            }
            #expect(try await app.request(.get, "/api/v1/services", token: token).json["data"]?.arrayValue?.isEmpty == true, "nothing half-written")

            let cookies = try await app.signIn(email: adam.email)
            let form = try await app.page("/services/new", cookies: cookies)
            let csrf = try #require(form.csrf)
            let flood = [("_csrf", csrf)] + Array(repeating: ("x", "1"), count: 2500)
            #expect(try await app.submit("/services/new", fields: flood, cookies: cookies).status == .badRequest)
            let nul = try await app.submit("/services/new", fields: [("_csrf", csrf), ("name", "NUL\u{0}byte"), ("tier", "3")], cookies: cookies)
            #expect(nul.status == .unprocessableContent && nul.text.contains("must not contain control characters (found U+0000)"))
        }
    }
}
