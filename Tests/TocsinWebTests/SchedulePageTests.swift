import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Schedule pages")
struct SchedulePageTests {
    @Test("forms offer every team and every service, not the first page of 200: the 201st is there")
    func the201st() async throws {
        try await TestApp.run(now: { ScheduleAPITests.monday }) { app in
            let (ann, _) = try await app.user("Ann", role: .admin)
            for n in 1...201 {
                try await app.store.createTeam(try TeamInput(name: String(format: "Team %03d", n)).created(id: UUID(), now: ScheduleAPITests.monday))
                try await app.store.createService(try ServiceInput(name: String(format: "Service %03d", n), tier: 3).created(id: UUID(), now: ScheduleAPITests.monday))
            }
            let cookies = try await app.signIn(email: ann.email)
            for path in ["/schedules/new", "/services/new"] {
                let page = try await app.page(path, cookies: cookies)
                #expect(page.text.contains(">Team 201</option>") && page.text.contains(">Team 001</option>"), "\(path) offers every team")
            }
            #expect(try await app.page("/silences", cookies: cookies).text.contains("Service 201"), "the silence form offers every service")
            #expect(try await app.page("/reports/oncall", cookies: cookies).text.contains("Team 201"), "the burden report's team filter too")
        }
    }

    @Test("counts, units and lengths the form sends back are checked, never trusted: no trap, no page of a million fieldsets")
    func hostileCounts() async throws {
        try await TestApp.run(now: { ScheduleAPITests.monday }) { app in
            let (ann, _) = try await app.user("Ann", role: .admin)
            let cookies = try await app.signIn(email: ann.email)
            let csrf = try #require(try await app.page("/schedules/new", cookies: cookies).csrf)
            let base: [(String, String)] = [("_csrf", csrf), ("name", "Night"), ("time_zone", "UTC")]
            for count in ["-1", "1000000", "99999999999999999999", "abc"] {
                // Before: -1 trapped on 0..<-1 and stopped the process; 1000000 drew a million fieldsets.
                let reply = try await app.submit("/schedules/new", fields: base + [("layers", count)], cookies: cookies)
                #expect(reply.status == .unprocessableContent, "layers=\(count)")
                #expect(reply.text.contains("must be a whole number from 0 to 21"), "layers=\(count)")
                #expect(reply.text.utf8.count < 200_000, "layers=\(count) answers \(reply.text.utf8.count) bytes")
            }
            let layer: [(String, String)] = [("layers", "1"), ("layer0_members", "ann@example.com"), ("layer0_start", "2026-11-16T09:00")]
            let unit = try await app.submit("/schedules/new", fields: base + layer + [("layer0_length", "1"), ("layer0_unit", "fortnight")], cookies: cookies)
            #expect(unit.status == .unprocessableContent && unit.text.contains("must be weeks, days or hours"), "an unknown unit is not taken as weeks")
            let length = try await app.submit("/schedules/new", fields: base + layer + [("layer0_length", "-5e9"), ("layer0_unit", "day")], cookies: cookies)
            #expect(length.status == .unprocessableContent && length.text.contains("must be a whole number"))
            #expect(try await app.store.schedules(ScheduleFilter(), page: PageRequest()).items.isEmpty, "nothing half-written")
            #expect(try await app.page("/schedules/new", cookies: cookies).status == .ok, "still serving")
        }
    }

    @Test("an admin builds a schedule in the form; its page draws layers and the final line, warns of gaps, and takes overrides")
    func flow() async throws {
        try await TestApp.run(now: { ScheduleAPITests.monday }) { app in
            let (ann, _) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            let (cat, _) = try await app.user("Cat", role: .responder)
            let (olive, _) = try await app.user("Olive", role: .observer)
            let cookies = try await app.signIn(email: ann.email)
            let blank = try await app.page("/schedules/new", cookies: cookies)
            #expect(blank.status == .ok && blank.text.contains("Layer 1 (leave empty for none)"))
            let csrf = try #require(blank.csrf)

            let bad = try await app.submit("/schedules/new", fields: [
                ("_csrf", csrf), ("layers", "1"), ("name", "Web <script>"), ("time_zone", "UTC"),
                ("layer0_members", "ben@example.com\nnobody@example.com"), ("layer0_start", "2026-11-16T09:00"), ("layer0_length", "1"),
                ("layer0_unit", "week"), ("layer0_restrictions", "weekdays 9-5"),
            ], cookies: cookies)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("nobody has the e-mail address nobody@example.com") && bad.text.contains("is not like"))

            let made = try await app.submit("/schedules/new", fields: [
                ("_csrf", csrf), ("layers", "2"), ("name", "Web <script>"), ("time_zone", "UTC"),
                ("layer0_name", "Office"), ("layer0_members", "ben@example.com\ncat@example.com"), ("layer0_start", "2026-11-16T09:00"),
                ("layer0_length", "1"), ("layer0_unit", "week"), ("layer0_restrictions", "mon-fri 09:00-17:00"),
                ("layer1_members", ""), ("layer1_start", ""),
            ], cookies: cookies)
            #expect(made.status == .seeOther)
            let location = try #require(made.headers[.location])
            let schedule = try #require(try await app.store.schedules(ScheduleFilter(), page: PageRequest()).items.first)
            #expect(location == "/schedules/\(schedule.id.db)")
            #expect(schedule.layers.count == 1 && schedule.layers[0].members == [ben.id, cat.id])
            #expect(schedule.layers[0].restrictions == [LayerRestriction(days: [.mon, .tue, .wed, .thu, .fri], startMinute: 540, endMinute: 1020)])

            let page = try await app.page(location, cookies: cookies)
            #expect(page.status == .ok && page.text.contains("Web &lt;script&gt;") && !page.text.contains("<script>"))
            #expect(page.text.contains("<svg class=\"timeline\"") && page.text.contains(">Final</text>") && page.text.contains(">Office</text>"))
            #expect(page.text.contains("Nobody is on call"), "office hours only: nights and weekends are gaps")
            #expect(page.text.contains("Office: Ben, Cat, each for a week, from 2026-11-16T09:00 UTC, mon,tue,wed,thu,fri 09:00-17:00"))
            let edit = try await app.page("/schedules/\(schedule.id.db)/edit", cookies: cookies)
            #expect(edit.text.contains("ben@example.com\ncat@example.com") && edit.text.contains("mon,tue,wed,thu,fri 09:00-17:00"))

            // Monday 23 November 12:00 UTC: Cat's week (Ben had the week of 16 November).
            let overview = try await app.page("/oncall", cookies: cookies)
            #expect(overview.text.contains("<div>Cat <span class=\"muted\">until 2026-11-23 17:00"))

            let benCookies = try await app.signIn(email: ben.email)
            let benPage = try await app.page(location, cookies: benCookies)
            let covered = try await app.submit("/schedules/\(schedule.id.db)/overrides", fields: [
                ("_csrf", try #require(benPage.csrf)), ("user_id", ben.id.db), ("replaces_user_id", cat.id.db),
                ("start", "2026-11-23T13:00"), ("end", "2026-11-23T15:00"),
            ], cookies: benCookies)
            #expect(covered.status == .seeOther)
            let now = try await app.request(.get, "/api/v1/oncalls?schedule_id=\(schedule.id.db)&since=2026-11-23T14:00:00Z",
                                            token: try await app.user("Api", role: .observer).1)
            #expect(now.json["data"]?[at: 0]?["user_id"]?.stringValue == ben.id.db)
            let shifts = try await app.page("/my/shifts", cookies: benCookies)
            #expect(shifts.text.contains("2026-11-23 13:00") && shifts.text.contains("/calendar/users/\(ben.id.db)/"))
            #expect(try await app.submit("/my/calendar-feed/revoke", fields: [("_csrf", try #require(shifts.csrf))], cookies: benCookies).status == .seeOther)
            #expect(try await app.page("/my/shifts", cookies: benCookies).text != shifts.text)

            let oliveCookies = try await app.signIn(email: olive.email)
            let oliveView = try await app.page(location, cookies: oliveCookies)
            #expect(oliveView.status == .ok && !oliveView.text.contains("Add override"))
            #expect(try await app.submit("/schedules/new", fields: [("_csrf", oliveView.csrf ?? "")], cookies: oliveCookies).status == .forbidden)
        }
    }

    @Test("restriction lines: day lists, ranges that wrap the week, daily, overnight and the end of the day")
    func restrictionText() {
        #expect(RestrictionText.parse("mon-fri 09:00-17:00") == LayerRestriction(days: [.mon, .tue, .wed, .thu, .fri], startMinute: 540, endMinute: 1020))
        #expect(RestrictionText.parse("fri-mon 22:00-06:00")?.days == [.fri, .sat, .sun, .mon])
        #expect(RestrictionText.parse("sat,sun 00:00-24:00")?.endMinute == 1440)
        #expect(RestrictionText.parse("daily 08:00-20:00")?.days.count == 7)
        for bad in ["weekdays 9-5", "mon 09:00", "mon 09:00-09:00", "mon-xyz 09:00-10:00", "mon 25:00-26:00", ""] {
            #expect(RestrictionText.parse(bad) == nil, "\(bad)")
        }
        let r = LayerRestriction(days: [.sun, .mon, .sat], startMinute: 60, endMinute: 1440)
        #expect(RestrictionText.format(r) == "mon,sat,sun 01:00-24:00")
        #expect(RestrictionText.parse(RestrictionText.format(r)) == r)
    }
}
