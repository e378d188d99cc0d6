import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases
import TocsinIngest

/// `GET /api/v1/reports/noise` and the page `/reports/noise`.
struct NoiseReports {
    let env: WebEnvironment

    struct Query {
        var from: Date
        var to: Date
        var serviceID: UUID?
    }

    /// `from` and `to` (ISO 8601) default to the last seven days; at most 92 days.
    func query(_ request: Request) throws -> Query {
        var v = Validator()
        let now = env.now()
        let to = v.instant(request.query("to"), "to") ?? now
        let from = v.instant(request.query("from"), "from") ?? to.addingTimeInterval(-7 * 86400)
        v.checkInterval(from, to, startField: "from", endField: "to", maximumDays: Reports.noiseMaximumDays)
        let service = try request.queryID("service_id")
        try v.throwIfInvalid()
        return Query(from: from, to: to, serviceID: service)
    }

    func report(_ q: Query, timeZone: String) async throws -> NoiseReport {
        try await env.reports.noise(serviceID: q.serviceID, from: q.from, to: q.to, timeZone: timeZone)
    }

    struct ReportJSON: Encodable {
        struct Day: Encodable {
            var date: String
            var alerts: Int
        }

        struct ServiceJSON: Encodable {
            var serviceID: String
            var alerts: Int
            var occurrences: Int
            var muted: Int
            /// Rounded to three places; null when nothing resolved.
            @Nullable var autoResolvedShare: Double?
            var perDay: [Day]

            enum CodingKeys: String, CodingKey {
                case alerts, occurrences, muted
                case serviceID = "service_id", autoResolvedShare = "auto_resolved_share", perDay = "per_day"
            }
        }

        struct KeyJSON: Encodable {
            var serviceID: String
            var dedupKey: String
            var alerts: Int
            var occurrences: Int

            enum CodingKeys: String, CodingKey {
                case alerts, occurrences
                case serviceID = "service_id", dedupKey = "dedup_key"
            }
        }

        var from: Date
        var to: Date
        var timeZone: String
        var services: [ServiceJSON]
        var noisiestKeys: [KeyJSON]

        enum CodingKeys: String, CodingKey {
            case from, to, services
            case timeZone = "time_zone", noisiestKeys = "noisiest_keys"
        }

        init(report: NoiseReport, timeZone: String) {
            (from, to, self.timeZone) = (report.from, report.to, timeZone)
            services = report.services.map { s in
                ServiceJSON(serviceID: s.serviceID.db, alerts: s.alerts, occurrences: s.occurrences, muted: s.muted,
                            autoResolvedShare: s.autoResolvedShare.map { ($0 * 1000).rounded() / 1000 },
                            perDay: s.perDay.map { Day(date: $0.day, alerts: $0.alerts) })
            }
            noisiestKeys = report.noisiestKeys.map {
                KeyJSON(serviceID: $0.serviceID.db, dedupKey: $0.dedupKey, alerts: $0.alerts, occurrences: $0.occurrences)
            }
        }
    }

    func registerAPI(_ api: APIRegistrar) {
        api.on(.get, "reports/noise") { request, context in
            let me = try context.require(.read)
            let zone = request.query("time_zone") ?? me.timeZone
            guard TimeZone(identifier: zone) != nil else { throw DomainError.invalid("time_zone", "is not a known IANA time zone") }
            return try JSONBody.response(ReportJSON(report: try await report(try query(request), timeZone: zone), timeZone: zone))
        }
    }

    func registerPages(_ router: Router<TocsinRequestContext>) {
        router.get("/reports/noise") { request, context in
            let me = try context.require(.read)
            let q = try query(request)
            let report = try await report(q, timeZone: me.timeZone)
            let services = try await env.store.services(ids: report.services.map(\.serviceID) + report.noisiestKeys.map(\.serviceID))
            let names = Dictionary(services.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let rows = report.services.map { s -> HTML in
                let share = s.autoResolvedShare.map { "\(Int(($0 * 100).rounded())) %" } ?? "—"
                return """
                <tr><td data-label="Service"><a href="/services/\(s.serviceID.db)">\(names[s.serviceID] ?? s.serviceID.db)</a></td><td data-label="Alerts">\(s.alerts)</td>
                <td data-label="Occurrences">\(s.occurrences)</td><td data-label="Auto-resolved">\(share)</td>
                <td data-label="Muted">\(s.muted == 0 ? HTML("0") : HTML("<a href=\"/alerts?service_id=\(s.serviceID.db)&amp;muted=true\">\(s.muted)</a>"))</td>
                <td data-label="Per day">\(Self.bars(s.perDay))</td></tr>
                """
            }
            let keyRows = report.noisiestKeys.map { k -> HTML in
                """
                <tr><td data-label="Dedup key"><code>\(k.dedupKey)</code></td><td data-label="Service">\(names[k.serviceID] ?? k.serviceID.db)</td>\
                <td data-label="Alerts">\(k.alerts)</td><td data-label="Occurrences">\(k.occurrences)</td></tr>
                """
            }
            let period = "\(Pages.formatDate(q.from, timeZone: me.timeZone)) – \(Pages.formatDate(q.to, timeZone: me.timeZone))"
            let html = Pages.layout("Noise report", principal: context.principal, section: .noise, """
            <h1>Alert noise</h1>
            <p class="lead">\(period). Auto-resolved: alerts that resolved themselves with nobody acknowledging them, pages nobody needed.</p>
            \(report.services.isEmpty ? HTML("<p class=\"card muted\">No alerts in this period.</p>") : """
            <table><thead><tr><th>Service</th><th>Alerts</th><th>Occurrences</th><th>Auto-resolved</th><th>Muted</th><th>Per day</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <h2>Noisiest dedup keys</h2>
            <table><thead><tr><th>Dedup key</th><th>Service</th><th>Alerts</th><th>Occurrences</th></tr></thead><tbody>\(keyRows)</tbody></table>
            """)
            """)
            return Pages.response(html)
        }
    }

    /// A small bar chart of alerts per day, drawn on the server.
    static func bars(_ days: [(day: String, alerts: Int)]) -> HTML {
        let peak = max(1, days.map(\.alerts).max() ?? 1)
        let width = max(1, days.count) * 6
        let rects = days.enumerated().map { index, day -> HTML in
            let height = Int((Double(day.alerts) / Double(peak) * 24).rounded())
            return "<rect x=\"\(index * 6)\" y=\"\(24 - height)\" width=\"5\" height=\"\(height)\" fill=\"#b3261e\"><title>\(day.day): \(day.alerts)</title></rect>"
        }
        return "<svg width=\"\(width)\" height=\"24\" viewBox=\"0 0 \(width) 24\" role=\"img\" aria-label=\"alerts per day\">\(rects)</svg>"
    }
}
