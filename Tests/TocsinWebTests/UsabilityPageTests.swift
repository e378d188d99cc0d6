import Foundation
import HTTPTypes
import Testing
import TocsinCore
import TocsinUseCases
@testable import TocsinWeb

/// What the engineer woken at night relies on: landing on the incidents, reaching every page from the bar, tables
/// that keep their column names on a phone, a timeline that says who is which colour, and forms that speak plainly.
@Suite("Usability of the pages")
struct UsabilityPageTests {
    static let now = ScheduleAPITests.monday

    /// An admin, two responders (one with a long name), a team, a service with an open incident, a silence and a
    /// schedule with a long layer name, an hourly layer and an override.
    struct World {
        var ann: User
        var ben: User
        var cat: User
        var schedule: UUID
        var cookies: [String: String]
    }

    static func world(_ app: TestApp) async throws -> World {
        let (ann, admin) = try await app.user("Ann", role: .admin)
        let (ben, _) = try await app.user("Ben", role: .responder)
        let (cat, _) = try await app.accounts.createUser(
            NewUser(name: "Catherine Worthington", email: "cat@example.com", role: Role.responder.rawValue, password: "correct horse battery"), by: nil)
        #expect(try await app.request(.post, "/api/v1/teams", token: admin,
                                      json: #"{"name":"SRE","member_ids":["\#(ben.id.db)","\#(cat.id.db)"]}"#).status == .created)
        let service = try ServiceInput(name: "Checkout", tier: 1).created(id: UUID(), now: now)
        try await app.store.createService(service)
        _ = try await app.store.ingest(AlertEvent(action: .trigger, dedupKey: "cpu", summary: "CPU hot", severity: .critical),
                                       serviceID: service.id, integrationKeyID: nil, now: now.addingTimeInterval(-600))
        try await app.store.createSilence(Silence(id: UUID(), serviceID: service.id, matchers: [AlertMatcher(name: "env", op: .equal, value: "staging")],
                                                  startsAt: now, endsAt: now.addingTimeInterval(3600), createdBy: ann.id, comment: "staging noise",
                                                  createdAt: now))
        let made = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
            {"name": "Web", "time_zone": "UTC", "layers": [
              {"name": "Weekday business hours for the European web shop", "start": "2026-11-16T09:00", "rotation": {"length": 1, "unit": "week"},
               "members": ["\(ben.id.db)", "\(cat.id.db)"]},
              {"name": "Hourly", "start": "2026-11-23T00:00", "rotation": {"length": 1, "unit": "hour"}, "members": ["\(cat.id.db)", "\(ben.id.db)"]}]}
            """)
        let schedule = try #require(made.json["id"]?.stringValue.flatMap(UUID.init(uuidString:)), "\(made.text)")
        try await app.store.createOverride(ScheduleOverride(id: UUID(), scheduleID: schedule, userID: ann.id, replacesUserID: nil,
                                                            start: now.addingTimeInterval(3600), end: now.addingTimeInterval(7200),
                                                            createdBy: ann.id, createdAt: now))
        return World(ann: ann, ben: ben, cat: cat, schedule: schedule, cookies: try await app.signIn(email: ann.email))
    }

    /// The text of the page's error banner, or "" when it has none.
    static func banner(_ html: String) -> String {
        guard let start = html.range(of: "<div class=\"alert\" role=\"alert\">"),
              let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.upperBound..<end.lowerBound])
    }

    /// What a person reads: the markup without its tags.
    static func visible(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("signing in lands on the incidents, or on a safe next page when one was asked for")
    func signInLandsOnIncidents() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let (ann, _) = try await app.user("Ann", role: .responder)
            for (next, expected) in [("", "/incidents"), ("/services?tier=1", "/services?tier=1"), ("//evil.example", "/incidents")] {
                let login = try await app.page("/login")
                let reply = try await app.submit("/login", fields: [("_csrf", try #require(login.csrf)), ("email", ann.email),
                                                                    ("password", "correct horse battery"), ("next", next)],
                                                 cookies: ["tocsin_csrf": try #require(login.cookie("tocsin_csrf"))])
                #expect(reply.status == .seeOther && reply.headers[.location] == expected, "next=\(next)")
            }
        }
    }

    @Test("the bar reaches every page a responder needs and marks the one open")
    func navigation() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let (ann, _) = try await app.user("Ann", role: .responder)
            let cookies = try await app.signIn(email: ann.email)
            let links = ["/incidents": "Incidents", "/alerts": "Alerts", "/oncall": "On call", "/services": "Services", "/silences": "Silences",
                         "/teams": "Teams", "/users": "People", "/my/shifts": "My shifts", "/reports/oncall": "On-call burden",
                         "/reports/noise": "Noise report"]
            for (path, label) in links {
                let page = try await app.page(path, cookies: cookies)
                #expect(page.status == .ok, "\(path)")
                let nav = try #require(page.text.components(separatedBy: "<nav class=\"top\" aria-label=\"Main\">").dropFirst().first?
                    .components(separatedBy: "</nav>").first)
                for (other, otherLabel) in links {
                    #expect(nav.contains("<a href=\"\(other)\"\(other == path ? " aria-current=\"page\"" : "")>\(otherLabel)</a>"), "\(other) on \(path)")
                }
                #expect(Self.count("aria-current", in: nav) == 1, "only \(label) is marked on \(path)")
            }
        }
    }

    @Test("every table cell carries its column's name, so a row read as a card on a phone keeps its labels")
    func tableCellsKeepTheirLabels() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let pages = ["/incidents", "/alerts", "/services", "/teams", "/users", "/silences", "/oncall", "/schedules/\(world.schedule.db)",
                         "/reports/oncall", "/reports/noise", "/my/shifts", "/account"]
            for path in pages {
                let page = try await app.page(path, cookies: world.cookies)
                #expect(page.status == .ok, "\(path)")
                let cells = Self.count("<td", in: page.text)
                #expect(cells > 0, "\(path) has a table")
                #expect(Self.count("<td data-label=\"", in: page.text) == cells, "\(path): a cell without data-label")
            }
            let css = try await app.page("/assets/tocsin.css").text
            #expect(css.contains("content: attr(data-label)"))
        }
    }

    @Test("the on-call burden report ends with a totals row over everyone listed")
    func burdenTotals() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let page = try await app.page("/reports/oncall?days=7", cookies: world.cookies)
            let total = try #require(page.text.components(separatedBy: "<tr class=\"total\">").dropFirst().first?.components(separatedBy: "</tr>").first)
            let report = try await app.env.reports.onCallBurden(teamID: nil, from: Self.now.addingTimeInterval(-7 * 86_400), to: Self.now)
            #expect(report.rows.count >= 2)
            #expect(total.contains("All listed (\(report.rows.count))"))
            #expect(total.contains("<td data-label=\"Hours on call\">\(String(format: "%.1f", report.total.onCall / 3600))</td>"))
            #expect(report.total.onCall > 0 && report.total.onCall == report.rows.reduce(0) { $0 + $1.burden.onCall })
        }
    }

    @Test("the timeline names its colours, gives every bar its person in a tooltip, shows layer names whole and says it scrolls")
    func timeline() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let page = try await app.page("/schedules/\(world.schedule.db)", cookies: world.cookies).text
            let legend = try #require(page.components(separatedBy: "<ul class=\"legend\"").dropFirst().first?.components(separatedBy: "</ul>").first)
            for name in ["Ann", "Ben", "Catherine Worthington"] { #expect(legend.contains("\(name)</li>"), "\(name) in the legend") }
            #expect(Self.count("<li>", in: legend) == 3, "one entry per person")
            #expect(page.contains("<title>Catherine Worthington: 2026-11-23 00:00 GMT – 2026-11-23 01:00 GMT</title>"), "an hour-long bar names its person")
            #expect(!page.contains("…"), "nothing cut")
            // The long layer name is drawn whole, over as many lines as it needs.
            let drawn = page.components(separatedBy: "<tspan").dropFirst().compactMap { $0.components(separatedBy: ">").dropFirst().first?
                .components(separatedBy: "</tspan").first }
            #expect(drawn.joined(separator: " ") == "Weekday business hours for the European web shop")
            #expect(page.contains("scroll sideways"))
        }
        #expect(ScheduleTimeline.fitted("Catherine Worthington", width: 400) == "Catherine Worthington")
        #expect(ScheduleTimeline.fitted("Catherine Worthington", width: 80) == "Catherine")
        #expect(ScheduleTimeline.fitted("Catherine Worthington", width: 30) == "CW")
        #expect(ScheduleTimeline.fitted("Catherine Worthington", width: 4) == nil)
        #expect(ScheduleTimeline.wrapped("Weekday business hours", perLine: 10) == ["Weekday", "business", "hours"])
        #expect(ScheduleTimeline.wrapped("Supercalifragilistic", perLine: 8) == ["Supercal", "ifragili", "stic"])
    }

    @Test("adding a layer redraws the form with one more empty fieldset, keeps what was typed and saves nothing; never past the limit")
    func addLayer() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let blank = try await app.page("/schedules/new", cookies: world.cookies)
            #expect(Self.count("<fieldset", in: blank.text) == 1 && blank.text.contains("name=\"add_layer\""))
            let csrf = try #require(blank.csrf)
            let before = try await app.store.schedules(ScheduleFilter(), page: PageRequest()).total
            let added = try await app.submit("/schedules/new", fields: [
                ("_csrf", csrf), ("layers", "1"), ("name", "Payments"), ("time_zone", "Europe/Berlin"),
                ("layer0_name", "Days"), ("layer0_members", "ben@example.com\ncat@example.com"), ("layer0_start", "2026-11-23T09:00"),
                ("layer0_length", "2"), ("layer0_unit", "day"), ("add_layer", "1"),
            ], cookies: world.cookies)
            #expect(added.status == .ok)
            #expect(Self.count("<fieldset", in: added.text) == 2 && added.text.contains("<fieldset id=\"layer-2\">"))
            #expect(added.text.contains("value=\"Payments\"") && added.text.contains("value=\"Days\"") && added.text.contains("ben@example.com\ncat@example.com"))
            #expect(added.text.contains("<option value=\"Europe/Berlin\" selected>") && added.text.contains("<option value=\"day\" selected>"))
            #expect(added.text.contains("name=\"layers\" value=\"2\""))
            #expect(Self.banner(added.text).isEmpty, "no errors for a form not yet saved")
            #expect(try await app.store.schedules(ScheduleFilter(), page: PageRequest()).total == before)

            let most = try await app.submit("/schedules/new", fields: [("_csrf", csrf), ("layers", "9999"), ("name", "Big"), ("add_layer", "1")],
                                            cookies: world.cookies)
            #expect(most.status == .ok && Self.count("<fieldset", in: most.text) == OnCallSchedule.maximumLayers + SchedulePages.spareLayers)
            #expect(!most.text.contains("name=\"add_layer\""), "no button past the limit")
        }
    }

    @Test("form errors are told in the form's words, never by internal field names")
    func errorsInTheFormsWords() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let csrf = try #require(try await app.page("/schedules/new", cookies: world.cookies).csrf)
            let bad = try await app.submit("/schedules/new", fields: [
                ("_csrf", csrf), ("layers", "2"), ("name", "Payments"), ("time_zone", "UTC"),
                ("layer0_members", "x@y.example"), ("layer0_start", "2026-11-23T09:00"), ("layer0_length", "1"), ("layer0_unit", "week"),
                ("layer1_members", "ben@example.com"), ("layer1_start", "2026-11-23T09:00"), ("layer1_length", "0"), ("layer1_unit", "week"),
            ], cookies: world.cookies)
            #expect(bad.status == .unprocessableContent)
            let banner = Self.banner(bad.text)
            #expect(banner.contains("<a href=\"#layer0_members\">Members of layer 1</a>: nobody has the e-mail address x@y.example"), "\(banner)")
            #expect(!Self.visible(banner).contains("layer0_") && !Self.visible(banner).contains("layers["))

            // The schedule's own check names "layers[1].rotation.length"; the form says which layer and which field.
            let second = try await app.submit("/schedules/new", fields: [
                ("_csrf", csrf), ("layers", "2"), ("name", "Payments"), ("time_zone", "UTC"),
                ("layer0_members", "ben@example.com"), ("layer0_start", "2026-11-23T09:00"), ("layer0_length", "1"), ("layer0_unit", "week"),
                ("layer1_members", "ben@example.com"), ("layer1_start", "2026-11-23T09:00"), ("layer1_length", "0"), ("layer1_unit", "week"),
            ], cookies: world.cookies)
            let secondBanner = Self.banner(second.text)
            #expect(second.status == .unprocessableContent && secondBanner.contains(">Shift length of layer 2</a>: "), "\(secondBanner)")
            #expect(!Self.visible(secondBanner).contains("layer1_") && !Self.visible(secondBanner).contains("layers["))

            // An override that ends before it starts.
            let schedulePage = try await app.page("/schedules/\(world.schedule.db)", cookies: world.cookies)
            let override = try await app.submit("/schedules/\(world.schedule.db)/overrides", fields: [
                ("_csrf", try #require(schedulePage.csrf)), ("user_id", world.ben.id.db), ("start", "2026-11-24T10:00"), ("end", "2026-11-24T09:00"),
            ], cookies: world.cookies)
            #expect(Self.banner(override.text).contains(">Until</a>: must be after the start"), "\(Self.banner(override.text))")

            // A page refused for a bad query says which setting, in words.
            let refused = try await app.page("/reports/oncall?days=5", cookies: world.cookies)
            #expect(refused.status == .unprocessableContent && refused.text.contains("<li>Days: must be 7, 28 or 90</li>") && !refused.text.contains("<code>days</code>"))
            #expect(FormView.spoken("team_id") == "Team" && FormView.spoken("links[0].url") == "Links, 1: url")
        }
    }

    @Test("a checkbox comes first and its label beside it, inside one clickable label")
    func checkboxes() async throws {
        try await TestApp.run(now: { Self.now }) { app in
            let world = try await Self.world(app)
            let account = try await app.page("/account", cookies: world.cookies)
            #expect(account.text.contains("<label class=\"check\"><input type=\"checkbox\" name=\"read_only\" value=\"1\"> <span>Read-only</span></label>"))
            let service = try await app.page("/services/new", cookies: world.cookies)
            #expect(service.text.contains("<label class=\"check\"><input type=\"checkbox\" name=\"inhibit_reports\" value=\"on\"> <span>Mute people"))
        }
    }
}
