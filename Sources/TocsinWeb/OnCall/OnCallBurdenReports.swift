import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `GET /api/v1/reports/oncall-burden` and the page `/reports/oncall`: hours on call per person (and for a
/// team's members), how much of it fell outside working hours, and who carries more than their share.
struct OnCallBurdenReports {
    let env: WebEnvironment

    static func hours(_ seconds: TimeInterval) -> Double { (seconds / 36).rounded() / 100 }

    func registerAPI(_ api: APIRegistrar) {
        api.on(.get, "reports/oncall-burden") { request, context in
            _ = try context.require(.read)
            let (from, to) = try APIRoutes.interval(request, now: env.now(), defaultLength: 28 * 86_400, endingNow: true, maximumDays: 92)
            let report = try await env.reports.onCallBurden(teamID: try request.queryID("team_id"), from: from, to: to)
            let rows: [JSONValue] = report.rows.map { row in
                let fields: [String: JSONValue] = [
                    "user_id": .string(row.user.id.db), "name": .string(row.user.name), "time_zone": .string(row.user.timeZone),
                    "hours_on_call": .number(Self.hours(row.burden.onCall)),
                    "hours_outside_working_hours": .number(Self.hours(row.burden.outsideWorkingHours)),
                    "hours_night": .number(Self.hours(row.burden.night)), "hours_weekend": .number(Self.hours(row.burden.weekend)),
                    "shifts": .number(Double(row.burden.shifts)), "over_share": .bool(report.overloaded.contains(row.user.id)),
                ]
                return .object(fields.merging(Self.pageFields(report.pages[row.user.id] ?? PageLoad(userID: row.user.id), perShift: report.pagesPerShift(row))) { a, _ in a })
            }
            let formatter = ISO8601DateFormatter()
            return try JSONBody.response([
                "since": .string(formatter.string(from: from)), "until": .string(formatter.string(from: to)),
                "mean_hours_on_call": .number((report.meanHours * 100).rounded() / 100), "data": .array(rows),
                "total": .object(([
                    "hours_on_call": .number(Self.hours(report.total.onCall)),
                    "hours_outside_working_hours": .number(Self.hours(report.total.outsideWorkingHours)),
                    "hours_night": .number(Self.hours(report.total.night)), "hours_weekend": .number(Self.hours(report.total.weekend)),
                    "shifts": .number(Double(report.total.shifts)),
                ] as [String: JSONValue]).merging(Self.pageFields(report.totalPages, perShift: report.total.shifts > 0
                    ? Double(report.totalPages.pages) / Double(report.total.shifts) : nil)) { a, _ in a }),
                "pages_cut": .bool(report.pagesCut),
            ] as JSONValue)
        }
    }

    /// A person's (or everyone's) pages in the report's fields.
    static func pageFields(_ load: PageLoad, perShift: Double?) -> [String: JSONValue] {
        [
            "pages": .number(Double(load.pages)), "pages_at_night": .number(Double(load.night)),
            "pages_outside_working_hours": .number(Double(load.outsideWorkingHours)), "incidents_paged": .number(Double(load.incidents)),
            "pages_per_shift": perShift.map { .number(($0 * 100).rounded() / 100) } ?? .null,
            "acknowledged": .number(Double(load.acknowledged)),
            "median_minutes_to_acknowledge": load.medianToAcknowledge.map { .number(($0 / 60 * 10).rounded() / 10) } ?? .null,
        ]
    }

    func registerPages(_ router: Router<TocsinRequestContext>) {
        router.get("/reports/oncall") { request, context in
            let me = try context.require(.read)
            let teamID = try request.queryID("team_id")
            let days = Int(request.query("days") ?? "") ?? 28
            guard [7, 28, 90].contains(days) else { throw DomainError.invalid("days", "must be 7, 28 or 90") }
            let now = env.now()
            let report = try await env.reports.onCallBurden(teamID: teamID, from: now.addingTimeInterval(-Double(days) * 86_400), to: now)
            let teams = try await Page.all { try await env.store.teams(query: nil, page: $0) }
            func h(_ seconds: TimeInterval) -> String { String(format: "%.1f", seconds / 3600) }
            func perShift(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
            func pageCells(_ load: PageLoad, perShift shift: Double?) -> HTML {
                """
                <td data-label="Pages">\(String(load.pages))</td><td data-label="Pages at night">\(String(load.night))</td>
                <td data-label="Pages per shift">\(perShift(shift))</td>
                <td data-label="Median to acknowledge">\(load.medianToAcknowledge.map { Ages.duration($0) } ?? "–")</td>
                """
            }
            let rows = report.rows.map { row -> HTML in
                let flag: HTML = report.overloaded.contains(row.user.id) ? "<strong>more than their share</strong>" : ""
                return """
                <tr><td data-label="Person">\(row.user.name)</td><td data-label="Hours on call">\(h(row.burden.onCall))</td>
                <td data-label="Outside working hours">\(h(row.burden.outsideWorkingHours))</td>
                <td data-label="Night">\(h(row.burden.night))</td><td data-label="Weekend">\(h(row.burden.weekend))</td>
                <td data-label="Shifts">\(String(row.burden.shifts))</td>
                \(pageCells(report.pages[row.user.id] ?? PageLoad(userID: row.user.id), perShift: report.pagesPerShift(row)))<td data-label="">\(flag)</td></tr>
                """
            }
            let teamOptions = teams.map { team -> HTML in
                "<option value=\"\(team.id.db)\"\(team.id == teamID ? HTML(" selected") : HTML.empty)>\(team.name)</option>"
            }
            let dayOptions = [7, 28, 90].map { d -> HTML in "<option value=\"\(String(d))\"\(d == days ? HTML(" selected") : HTML.empty)>last \(String(d)) days</option>" }
            let html = Pages.layout("On-call burden", principal: context.principal, section: .burden, """
            <p><a href="/oncall">← On call</a></p>
            <h1>On-call burden</h1>
            <p class="lead">Hours on call per person over the period (counted once where schedules overlap), and how much of it fell
            outside working hours (Monday to Friday, 09:00–17:00 in each person's own time zone), at night (22:00–07:00) or at weekends.
            Someone with more than 1.25 times the average is marked. Pages are the messages that asked them to act (several incidents
            bundled into one message count once); "at night" is 22:00–07:00 in their zone; the median runs from their first page for an
            incident to their own acknowledgement.</p>
            <form method="get" action="/reports/oncall" class="filters">
              <label for="team_id">Team</label><select id="team_id" name="team_id"><option value="">Everyone on call</option>\(teamOptions)</select>
              <label for="days">Period</label><select id="days" name="days">\(dayOptions)</select>
              <button type="submit">Show</button>
            </form>
            <p class="muted">\(Pages.formatDate(report.from, timeZone: me.timeZone)) – \(Pages.formatDate(report.to, timeZone: me.timeZone)); average \(String(format: "%.1f", report.meanHours)) h per person.</p>
            \(report.rows.isEmpty ? HTML("<p class=\"muted\">Nobody was on call in this period.</p>") : HTML("""
            <div class="scroll-x"><table><thead><tr><th>Person</th><th>Hours on call</th><th>Outside working hours</th><th>Night</th><th>Weekend</th><th>Shifts</th>
            <th>Pages</th><th>Pages at night</th><th>Pages per shift</th><th>Median to acknowledge</th><th></th></tr></thead>
            <tbody>\(rows)</tbody>
            <tfoot><tr class="total"><th scope="row" data-label="">All listed (\(report.rows.count))</th><td data-label="Hours on call">\(h(report.total.onCall))</td>
            <td data-label="Outside working hours">\(h(report.total.outsideWorkingHours))</td><td data-label="Night">\(h(report.total.night))</td>
            <td data-label="Weekend">\(h(report.total.weekend))</td><td data-label="Shifts">\(String(report.total.shifts))</td>
            \(pageCells(report.totalPages, perShift: report.total.shifts > 0 ? Double(report.totalPages.pages) / Double(report.total.shifts) : nil))<td data-label=""></td></tr></tfoot></table></div>
            \(report.pagesCut ? HTML("<p class=\"alert\" role=\"alert\">More than \(String(Reports.pagesRead)) pages were sent in this period; the page counts are cut there. Choose a shorter period or one team.</p>") : HTML.empty)
            """))
            """)
            return Pages.response(html)
        }
    }
}
