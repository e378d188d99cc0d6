import Foundation
import HTTPTypes
import Synchronization
import Testing
import TocsinCore
import TocsinJobs
import TocsinUseCases
@testable import TocsinWeb

@Suite("Schedules and on-call API")
struct ScheduleAPITests {
    @Test("instants before a zone kept whole-minute offsets are written in UTC: RFC 3339 offsets have no seconds")
    func localMeanTime() throws {
        let iso = ISO8601DateFormatter()
        let early = try #require(iso.date(from: "1905-06-01T12:00:00Z"))
        #expect(early.iso8601(in: "Africa/Abidjan") == "1905-06-01T12:00:00Z", "Abidjan kept local mean time, -00:16:08, until 1912")
        let now = try #require(iso.date(from: "2026-07-01T12:00:00Z"))
        #expect(now.iso8601(in: "Europe/Amsterdam") == "2026-07-01T14:00:00+02:00")
    }

    /// Monday 23 November 2026, 12:00 UTC (13:00 in Berlin).
    static let monday = Date(timeIntervalSince1970: 1_795_435_200)

    func fits(_ operation: String, _ reply: TestApp.Reply, _ status: String) {
        #expect(String(reply.status.code) == status, "\(operation): \(reply.text)")
        guard let schema = OpenAPITests.responseSchema(operation, status) else {
            Issue.record("\(operation) \(status) is not documented")
            return
        }
        let problems = SchemaCheck.problems(reply.json, against: schema, root: OpenAPITests.document)
        #expect(problems.isEmpty, "\(operation) \(status): \(problems)")
    }

    @Test("an on-call question whose answer would pass the limit is refused with the reason, not cut or built whole")
    func tooManyShifts() async throws {
        try await TestApp.run(now: { Self.monday }) { app in
            let (ann, admin) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            for name in ["Hourly A", "Hourly B", "Hourly C"] {
                let body = #"{"name": "\#(name)", "time_zone": "UTC", "layers": [{"start": "2026-01-01T00:00", "rotation": {"length": 1, "unit": "hour"}, "members": ["\#(ann.id.db)", "\#(ben.id.db)"]}]}"#
                #expect(try await app.request(.post, "/api/v1/schedules", token: admin, json: body).status == .created)
            }
            // Three hourly rotations over a year: 26,352 shifts, over the 20,000 one answer holds.
            let year = try await app.request(.get, "/api/v1/oncalls?since=2027-01-01T00:00:00Z&until=2027-12-31T00:00:00Z", token: admin)
            #expect(year.status == .unprocessableContent && year.errorFields == ["until"], "\(year.text)")
            let month = try await app.request(.get, "/api/v1/oncalls?since=2027-01-01T00:00:00Z&until=2027-01-31T00:00:00Z", token: admin)
            #expect(month.status == .ok && month.json["data"]?.arrayValue?.count == 3 * 30 * 24)
        }
    }

    @Test("an admin creates a follow-the-sun schedule; /oncalls answers the final timeline in order, clipped, with the zone's offsets")
    func createAndAsk() async throws {
        try await TestApp.run(now: { Self.monday }) { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            let (cat, _) = try await app.user("Cat", role: .responder)
            let (dan, _) = try await app.user("Dan", role: .responder)
            let body = """
            {"name": "Platform", "time_zone": "Europe/Berlin", "layers": [
              {"name": "Around the clock", "start": "2026-11-02T09:00", "rotation": {"length": 1, "unit": "week"}, "members": ["\(dan.id.db)"]},
              {"name": "EMEA", "start": "2026-11-02T09:00", "rotation": {"length": 1, "unit": "day"}, "members": ["\(ben.id.db)"],
               "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]},
              {"name": "AMER", "time_zone": "America/New_York", "start": "2026-11-02T09:00", "rotation": {"length": 1, "unit": "week"},
               "members": ["\(cat.id.db)"], "restrictions": [{"days": ["monday", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]}
            ]}
            """
            let created = try await app.request(.post, "/api/v1/schedules", token: admin, json: body)
            fits("POST /api/v1/schedules", created, "201")
            let id = try #require(created.json["id"]?.stringValue)
            let ical = try #require(created.json["ical_url"]?.stringValue)
            #expect(ical.hasPrefix("https://tocsin.example.com/calendar/schedules/\(id)/") && ical.hasSuffix(".ics"))
            #expect(created.json["layers"]?[at: 2]?["time_zone"]?.stringValue == "America/New_York")
            #expect(created.json["layers"]?[at: 2]?["restrictions"]?[at: 0]?["days"] == ["mon", "tue", "wed", "thu", "fri"])
            fits("GET /api/v1/schedules/{id}", try await app.request(.get, "/api/v1/schedules/\(id)", token: admin), "200")
            let listed = try await app.request(.get, "/api/v1/schedules?user_id=\(cat.id.db)", token: admin)
            fits("GET /api/v1/schedules", listed, "200")
            #expect(listed.json["data"]?[at: 0]?["ical_url"]?.stringValue == ical, "the list gives each schedule the same link as its own answer")

            let day = try await app.request(.get, "/api/v1/oncalls?schedule_id=\(id)&since=2026-11-23T00:00:00Z&until=2026-11-24T00:00:00Z", token: admin)
            fits("GET /api/v1/oncalls", day, "200")
            let rows = day.json["data"]?.arrayValue ?? []
            #expect(rows.map { $0["user_id"]?.stringValue } == [dan.id.db, ben.id.db, cat.id.db, dan.id.db])
            #expect(rows.map { $0["start"]?.stringValue } == ["2026-11-23T01:00:00+01:00", "2026-11-23T09:00:00+01:00",
                                                            "2026-11-23T15:00:00+01:00", "2026-11-23T23:00:00+01:00"])
            #expect(rows.last?["end"]?.stringValue == "2026-11-24T01:00:00+01:00")

            // Without until: who is on call now (13:00 Berlin), with the whole of that shift.
            let now = try await app.request(.get, "/api/v1/oncalls?schedule_id=\(id)", token: admin)
            #expect(now.json["data"]?.arrayValue?.count == 1)
            #expect(now.json["data"]?[at: 0]?["user_id"]?.stringValue == ben.id.db)
            #expect(now.json["data"]?[at: 0]?["start"]?.stringValue == "2026-11-23T09:00:00+01:00")
            #expect(now.json["data"]?[at: 0]?["end"]?.stringValue == "2026-11-23T15:00:00+01:00")

            // Ben hands the afternoon to Dan; the answer follows at once.
            let (_, benToken) = try await app.user("Ben2", role: .responder)
            let override = try await app.request(.post, "/api/v1/schedules/\(id)/overrides", token: benToken,
                                                 json: #"{"user_id":"\#(dan.id.db)","start":"2026-11-23T12:00:00Z","end":"2026-11-23T14:00:00Z"}"#)
            fits("POST /api/v1/schedules/{id}/overrides", override, "201")
            #expect(override.json["start"]?.stringValue == "2026-11-23T13:00:00+01:00")
            let after = try await app.request(.get, "/api/v1/oncalls?schedule_id=\(id)&user_id=\(dan.id.db)&since=2026-11-23T00:00:00Z&until=2026-11-24T00:00:00Z", token: admin)
            #expect(after.json["data"]?.arrayValue?.map { $0["start"]?.stringValue } == ["2026-11-23T01:00:00+01:00", "2026-11-23T13:00:00+01:00",
                                                                                       "2026-11-23T23:00:00+01:00"])
            fits("GET /api/v1/schedules/{id}/overrides", try await app.request(.get, "/api/v1/schedules/\(id)/overrides", token: admin), "200")
            // Someone in no layer, covering from exactly the instant asked about, is found by user_id.
            let (eve, _) = try await app.user("Eve", role: .responder)
            #expect(try await app.request(.post, "/api/v1/schedules/\(id)/overrides", token: admin,
                                          json: #"{"user_id":"\#(eve.id.db)","start":"2026-11-24T12:00:00Z","end":"2026-11-24T13:00:00Z"}"#).status == .created)
            let blank = try await app.request(.post, "/api/v1/schedules/\(id)/overrides", token: admin,
                                              json: #"{"user_id":"\#(eve.id.db)","start":"","end":"0001-01-01T00:00:00Z"}"#)
            #expect(blank.status == .unprocessableContent && blank.errorFields == ["start", "end"], "an empty or out-of-range instant is refused, not trusted")
            let eveNow = try await app.request(.get, "/api/v1/oncalls?user_id=\(eve.id.db)&since=2026-11-24T12:00:00Z", token: admin)
            #expect(eveNow.json["data"]?[at: 0]?["start"]?.stringValue == "2026-11-24T13:00:00+01:00")
            let overrideID = try #require(override.json["id"]?.stringValue)
            #expect(try await app.request(.delete, "/api/v1/schedules/\(id)/overrides/\(overrideID)", token: benToken).status == .noContent)

            let revoked = try await app.request(.post, "/api/v1/schedules/\(id)/calendar-feed/revoke", token: admin)
            fits("POST /api/v1/schedules/{id}/calendar-feed/revoke", revoked, "200")
            #expect(revoked.json["ical_url"]?.stringValue != ical)
        }
    }

    @Test("bad schedules and questions get 422 naming each field; responders override but do not edit schedules; observers only read")
    func refusals() async throws {
        try await TestApp.run(now: { Self.monday }) { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (ben, responder) = try await app.user("Ben", role: .responder)
            let (_, observer) = try await app.user("Olive", role: .observer)
            let bad = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "", "time_zone": "Mars/Base", "layers": [{"start": "2026-11-31T09:00", "rotation": {"length": 1, "unit": "fortnight"},
                 "members": ["\(UUID().uuidString)"], "restrictions": [{"days": ["funday"], "start": "9am", "end": "25:00"}]}]}
                """)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["layers[0].start", "layers[0].rotation.unit", "layers[0].restrictions[0].days",
                                             "layers[0].restrictions[0].start", "layers[0].restrictions[0].end"])
            let badTop = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "", "time_zone": "Mars/Base", "layers": [{"start": "2026-11-30T09:00", "rotation": {"length": 0, "unit": "day"}, "members": []}]}
                """)
            #expect(Set(badTop.errorFields) == ["name", "time_zone", "layers[0].rotation.length", "layers[0].members"])
            let valid = #"{"name": "Ops", "time_zone": "UTC", "layers": [{"start": "2026-11-30T09:00", "rotation": {"length": 1, "unit": "day"}, "members": ["\#(ben.id.db)"]}]}"#
            #expect(try await app.request(.post, "/api/v1/schedules", token: responder, json: valid).status == .forbidden)
            let created = try await app.request(.post, "/api/v1/schedules", token: admin, json: valid)
            #expect(created.status == .created)
            #expect(try await app.request(.post, "/api/v1/schedules", token: admin, json: valid).status == .conflict)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await app.request(.post, "/api/v1/schedules/\(id)/overrides", token: observer,
                                          json: #"{"user_id":"\#(ben.id.db)","start":"2026-11-23T12:00:00Z","end":"2026-11-23T14:00:00Z"}"#).status == .forbidden)
            let backwards = try await app.request(.post, "/api/v1/schedules/\(id)/overrides", token: responder,
                                                  json: #"{"user_id":"\#(ben.id.db)","start":"2026-11-23T14:00:00Z","end":"2026-11-23T12:00:00Z"}"#)
            #expect(backwards.status == .unprocessableContent && backwards.errorFields == ["end"])
            let tooLong = try await app.request(.get, "/api/v1/oncalls?since=2026-01-01T00:00:00Z&until=2027-06-01T00:00:00Z", token: observer)
            #expect(tooLong.status == .unprocessableContent && tooLong.errorFields == ["until"])
            #expect(try await app.request(.get, "/api/v1/oncalls?since=yesterday", token: observer).errorFields == ["since"])
            #expect(try await app.request(.get, "/api/v1/oncalls?since=2026-12-01T12:00:00Z", token: observer).json["data"]?[at: 0]?["user_id"]?.stringValue == ben.id.db)
            let replaced = try await app.request(.put, "/api/v1/schedules/\(id)", token: admin, json: valid.replacingOccurrences(of: "\"Ops\"", with: "\"Ops 2\""))
            #expect(replaced.status == .ok && replaced.json["name"]?.stringValue == "Ops 2")
            #expect(try await app.request(.delete, "/api/v1/users/\(ben.id.db)", token: admin).status == .conflict)
            #expect(try await app.request(.delete, "/api/v1/schedules/\(id)", token: admin).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/schedules/\(id)", token: admin).status == .notFound)
        }
    }
}

extension JSONValue {
    /// The element at `i` of an array, nil past its end.
    subscript(at i: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(i) else { return nil }
        return items[i]
    }
}

@Suite("Calendar feeds")
struct CalendarFeedTests {
    @Test("a schedule's and a person's feeds list the final shifts; a wrong or revoked link is a 404; only they or an admin see a person's link")
    func feeds() async throws {
        try await TestApp.run(now: { ScheduleAPITests.monday }) { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (ben, benToken) = try await app.user("Ben", role: .responder)
            let (cat, catToken) = try await app.user("Cat", role: .responder)
            let created = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "Platform, EU", "time_zone": "Europe/Berlin", "layers": [{"start": "2026-11-02T09:00", "rotation": {"length": 1, "unit": "week"},
                 "members": ["\(ben.id.db)", "\(cat.id.db)"]}]}
                """)
            let link = try #require(created.json["ical_url"]?.stringValue)
            let path = String(link.dropFirst("https://tocsin.example.com".count))
            let feed = try await app.request(.get, path)
            #expect(feed.status == .ok && feed.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(feed.text.contains("X-WR-CALNAME:On call: Platform\\, EU"))
            #expect(feed.text.contains("SUMMARY:Ben on call (Platform\\, EU)") && feed.text.contains("SUMMARY:Cat on call (Platform\\, EU)"))
            // The week handed over on 23 Nov at 09:00 Berlin (08:00 UTC) is one event, named for whoever the API says has it.
            let week = try await app.request(.get, "/api/v1/oncalls?since=2026-11-23T08:00:00Z&until=2026-11-30T08:00:00Z", token: admin)
            let who = try #require(week.json["data"]?[at: 0]?["user_id"]?.stringValue)
            #expect(feed.text.contains("DTSTART:20261123T080000Z\r\nDTEND:20261130T080000Z\r\nSUMMARY:\(who == ben.id.db ? "Ben" : "Cat") on call"))

            #expect(try await app.request(.get, path.replacingOccurrences(of: ".ics", with: "x.ics")).status == .notFound)
            #expect(try await app.request(.get, "/calendar/schedules/\(UUID().uuidString.lowercased())/abc.ics").status == .notFound)
            _ = try await app.request(.post, "/api/v1/schedules/\(try #require(created.json["id"]?.stringValue))/calendar-feed/revoke", token: admin)
            #expect(try await app.request(.get, path).status == .notFound, "a revoked link stops working")

            let mine = try await app.request(.get, "/api/v1/users/\(ben.id.db)/calendar-feed", token: benToken)
            #expect(mine.status == .ok)
            #expect(try await app.request(.get, "/api/v1/users/\(ben.id.db)/calendar-feed", token: catToken).status == .forbidden)
            #expect(try await app.request(.get, "/api/v1/users/\(ben.id.db)/calendar-feed", token: admin).json == mine.json)
            let personal = String(try #require(mine.json["ical_url"]?.stringValue).dropFirst("https://tocsin.example.com".count))
            let benFeed = try await app.request(.get, personal)
            #expect(benFeed.status == .ok && benFeed.text.contains("SUMMARY:On call: Platform\\, EU") && benFeed.text.contains("On call: Ben"))
            let events = benFeed.text.components(separatedBy: "BEGIN:VEVENT").count - 1
            #expect(events >= 7, "every other week over about 15 weeks")
            #expect(try await app.request(.post, "/api/v1/users/\(ben.id.db)/calendar-feed/revoke", token: benToken).status == .ok)
            #expect(try await app.request(.get, personal).status == .notFound)
        }
    }
}

@Suite("On-call burden report")
struct OnCallBurdenReportTests {
    @Test("a team's members with their hours, outside working hours and weekends; those over their share are marked; the page shows it")
    func burden() async throws {
        // Monday 7 December 2026 00:00 UTC: two whole weeks after the rotation began.
        try await TestApp.run(now: { Date(timeIntervalSince1970: 1_796_601_600) }) { app in
            let (ann, admin) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            let (cat, _) = try await app.user("Cat", role: .responder)
            let (dan, _) = try await app.user("Dan", role: .responder)
            let team = try await app.request(.post, "/api/v1/teams", token: admin,
                                             json: #"{"name":"SRE","member_ids":["\#(ben.id.db)","\#(cat.id.db)","\#(dan.id.db)"]}"#)
            let teamID = try #require(team.json["id"]?.stringValue)
            #expect(try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "SRE", "time_zone": "UTC", "layers": [{"start": "2026-11-23T00:00", "rotation": {"length": 1, "unit": "week"},
                 "members": ["\(ben.id.db)", "\(cat.id.db)"]}]}
                """).status == .created)
            let reply = try await app.request(.get, "/api/v1/reports/oncall-burden?team_id=\(teamID)&since=2026-11-23T00:00:00Z", token: admin)
            ScheduleAPITests().fits("GET /api/v1/reports/oncall-burden", reply, "200")
            let rows = reply.json["data"]?.arrayValue ?? []
            #expect(rows.map { $0["name"]?.stringValue } == ["Ben", "Cat", "Dan"])
            #expect(rows.map { $0["hours_on_call"] } == [168, 168, 0])
            #expect(rows.map { $0["over_share"] } == [true, true, false])
            #expect(reply.json["mean_hours_on_call"] == 112)
            #expect(reply.json["total"]?["hours_on_call"] == 336 && reply.json["total"]?["shifts"] == 2, "the team's load: two weeks, two shifts")
            // Everyone here works in UTC (the default zone): a week is 40 working hours, 48 weekend hours and 7 nights of 9 hours.
            #expect(rows.first?["time_zone"]?.stringValue == "UTC")
            #expect(rows.first?["hours_outside_working_hours"] == 128 && rows.first?["hours_weekend"] == 48 && rows.first?["hours_night"] == 63)
            #expect(try await app.request(.get, "/api/v1/reports/oncall-burden?since=2026-01-01T00:00:00Z", token: admin).errorFields == ["until"])

            let cookies = try await app.signIn(email: ann.email)
            let page = try await app.page("/reports/oncall?team_id=\(teamID)&days=28", cookies: cookies)
            #expect(page.status == .ok && page.text.contains("<td data-label=\"Person\">Dan</td><td data-label=\"Hours on call\">0.0</td>") && page.text.contains("more than their share"))
            #expect(page.text.contains("All listed (3)</th><td data-label=\"Hours on call\">336.0</td>"))
        }
    }
}

@Suite("Hand-offs")
struct HandoffTests {
    @Test("the recorder notes each start and end once as time passes, starting from its first run; the API and the page list them")
    func recorder() async throws {
        let clock = Clock(Date(timeIntervalSince1970: 1_795_435_200)) // Monday 23 November 2026, 12:00 UTC
        try await TestApp.run(now: { clock.now }) { app in
            let (ann, admin) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            let (cat, _) = try await app.user("Cat", role: .responder)
            let created = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "Daily", "time_zone": "Europe/Berlin", "layers": [{"start": "2026-11-02T09:00", "rotation": {"length": 1, "unit": "day"},
                 "members": ["\(ben.id.db)", "\(cat.id.db)"]}]}
                """)
            let id = try #require(created.json["id"]?.stringValue)
            // The server's own job made its first pass before the server took requests: it started the clock.
            #expect(try await app.store.jobCursor(HandoffRecorder.cursor) == clock.now, "background jobs run under test as in the server")
            let recorder = HandoffRecorder(store: app.store, logger: app.env.logger)
            #expect(try await recorder.record(now: clock.now).isEmpty, "nothing has happened since")
            clock.advance(by: 2 * 86_400) // Wednesday 12:00 UTC: hand-offs on Tuesday and Wednesday at 08:00 UTC
            let noted = try await recorder.record(now: clock.now)
            #expect(noted.count == 4)
            #expect(Set(noted.map(\.at)) == [Date(timeIntervalSince1970: 1_795_507_200), Date(timeIntervalSince1970: 1_795_593_600)])
            #expect(try await recorder.record(now: clock.now).isEmpty, "nothing new at the same moment")
            #expect(try await app.store.recordHandoffs(noted, cursor: HandoffRecorder.cursor, through: clock.now, now: clock.now).isEmpty,
                    "offered again (as by a second server), nothing is recorded twice")
            let listed = try await app.request(.get, "/api/v1/schedules/\(id)/handoffs", token: admin)
            ScheduleAPITests().fits("GET /api/v1/schedules/{id}/handoffs", listed, "200")
            let rows = listed.json["data"]?.arrayValue ?? []
            #expect(rows.count == 4, "offered twice, stored once")
            #expect(rows.map { $0["at"]?.stringValue } == ["2026-11-24T09:00:00+01:00", "2026-11-24T09:00:00+01:00",
                                                         "2026-11-25T09:00:00+01:00", "2026-11-25T09:00:00+01:00"])
            #expect(rows.map { $0["kind"]?.stringValue } == ["end", "start", "end", "start"])
            let page = try await app.page("/schedules/\(id)", cookies: try await app.signIn(email: ann.email))
            #expect(page.text.contains("came on call") && page.text.contains("went off call"))
        }
    }
}

/// A clock a test moves by hand.
final class Clock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0.addTimeInterval(seconds) } }
}

@Suite("Calendar feed stability")
struct CalendarFeedStabilityTests {
    @Test("fetched a day later, a feed keeps each shift's UID and start, the one at the window's edge included")
    func stableUIDs() async throws {
        let clock = Clock(ScheduleAPITests.monday)
        try await TestApp.run(now: { clock.now }) { app in
            let (_, admin) = try await app.user("Ann", role: .admin)
            let (ben, _) = try await app.user("Ben", role: .responder)
            let (cat, _) = try await app.user("Cat", role: .responder)
            let created = try await app.request(.post, "/api/v1/schedules", token: admin, json: """
                {"name": "Weekly", "time_zone": "UTC", "layers": [{"start": "2026-10-05T09:00", "rotation": {"length": 1, "unit": "week"},
                 "members": ["\(ben.id.db)", "\(cat.id.db)"]}]}
                """)
            let path = String(try #require(created.json["ical_url"]?.stringValue).dropFirst("https://tocsin.example.com".count))
            func events(_ text: String) -> [String: String] {
                var out: [String: String] = [:]
                for block in text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "BEGIN:VEVENT").dropFirst() {
                    let lines = block.components(separatedBy: "\r\n")
                    if let uid = lines.first(where: { $0.hasPrefix("UID:") }), let start = lines.first(where: { $0.hasPrefix("DTSTART:") }) { out[uid] = start }
                }
                return out
            }
            let before = events(try await app.request(.get, path).text)
            clock.advance(by: 86_400)
            let after = events(try await app.request(.get, path).text)
            // The window starts 14 days back: 9 November 12:00, inside Cat's week that began on 9 November at 09:00
            // (Ben from 5 October, then Cat, Ben, Cat, Ben, Cat).
            #expect(before["UID:\(try #require(created.json["id"]?.stringValue))-\(cat.id.db)-1794214800@tocsin"] == "DTSTART:20261109T090000Z")
            for (uid, start) in before where after[uid] == nil {
                #expect(start < "DTSTART:20261110T120000Z", "only shifts that ended before the new window may drop out: \(uid)")
            }
            for (uid, start) in before where after[uid] != nil { #expect(after[uid] == start, "\(uid)") }
            #expect(before.count >= 14 && after.count >= 14)
        }
    }
}
