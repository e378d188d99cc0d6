import Foundation
import Hummingbird
import TocsinCore

/// Every alert, filtered by service, status and whether (and why) it was muted: nothing that was muted is out of sight.
struct AlertPages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/alerts") { request, context in try await list(request, context) }
    }

    /// The filter the page and `GET /api/v1/alerts` share: `service_id`, `incident_id`, `status` (or `open`),
    /// `muted` (true/false), `mute_kind`, `muted_by_incident_id`.
    static func filter(_ request: Request) throws -> AlertFilter {
        var v = Validator()
        var filter = AlertFilter()
        do { filter.serviceID = try request.queryID("service_id") } catch DomainError.validation(let fields) { v.merge(fields) }
        do { filter.incidentID = try request.queryID("incident_id") } catch DomainError.validation(let fields) { v.merge(fields) }
        do { filter.mutedByIncidentID = try request.queryID("muted_by_incident_id") } catch DomainError.validation(let fields) { v.merge(fields) }
        if let status = request.query("status"), !status.isEmpty {
            if status == "open" { filter.openOnly = true } else if let parsed = AlertStatus(rawValue: status) { filter.status = parsed } else {
                v.add("status", "must be open, triggered, acknowledged or resolved")
            }
        }
        if let muted = request.query("muted"), !muted.isEmpty {
            switch muted {
            case "true": filter.muted = true
            case "false": filter.muted = false
            default: v.add("muted", "must be true or false")
            }
        }
        if let kind = request.query("mute_kind"), !kind.isEmpty {
            if let parsed = MuteKind(rawValue: kind) { filter.muteKind = parsed } else {
                v.add("mute_kind", "must be one of \(MuteKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        try v.throwIfInvalid()
        return filter
    }

    func list(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let filter = try Self.filter(request)
        let page = try await store.alerts(filter, page: try request.pageRequest)
        let services = try await Page.all { try await store.services(ServiceFilter(), page: $0) }
        let names = Dictionary(services.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let incidentIDs = Set(page.items.compactMap(\.incidentID) + page.items.compactMap(\.mutedByIncidentID))
        let incidents = try await incidentNumbers(Array(incidentIDs))
        let now = env.now()
        let rows = page.items.map { alert in Self.row(alert, serviceName: names[alert.serviceID], incidents: incidents, timeZone: me.timeZone, now: now) }
        let query: [String: String] = [
            "service_id": request.query("service_id") ?? "", "status": request.query("status") ?? "",
            "muted": request.query("muted") ?? "", "mute_kind": request.query("mute_kind") ?? "",
            "incident_id": request.query("incident_id") ?? "", "muted_by_incident_id": request.query("muted_by_incident_id") ?? "",
        ]
        let view = FormView(values: query)
        let muteOptions = [("", "Any reason")] + MuteKind.allCases.map { ($0.rawValue, Self.label($0)) }
        let table: HTML = page.items.isEmpty ? "<p class=\"card muted\">No alerts match.</p>" : """
        <table class="cards"><thead><tr><th>Alert</th><th>Service</th><th>Severity</th><th>Status</th><th>Muted</th><th>Seen</th><th>Incident</th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """
        let html = Pages.layout("Alerts", principal: context.principal, section: .alerts, """
        <div class="actions"><h1>Alerts</h1></div>
        <p class="muted">Every alert Tocsin received, newest first. A muted alert paged nobody; the reason says why.</p>
        <form method="get" action="/alerts" class="filters" role="search">
          \(view.select("service_id", "Service", options: [("", "Any service")] + services.map { ($0.id.db, $0.name) }))
          \(view.select("status", "Status", options: [("", "Any status"), ("open", "Open"), ("triggered", "Triggered"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")]))
          \(view.select("muted", "Muted", options: [("", "Muted or not"), ("true", "Muted only"), ("false", "Not muted")]))
          \(view.select("mute_kind", "Why muted", options: muteOptions))
          <button type="submit" class="secondary">Filter</button>
        </form>
        <p class="muted">\(page.total) alert\(page.total == 1 ? "" : "s").</p>
        \(table)
        \(Pages.pager(page, path: "/alerts", query: query))
        """)
        return Pages.response(html)
    }

    /// Incident numbers by id, for links.
    func incidentNumbers(_ ids: [UUID]) async throws -> [UUID: Int] {
        Dictionary(try await store.incidents(ids: ids).map { ($0.id, $0.number) }, uniquingKeysWith: { first, _ in first })
    }

    static func label(_ kind: MuteKind) -> String {
        switch kind {
        case .maintenance: return "Maintenance window"
        case .silence: return "Silence"
        case .inhibited: return "Inhibited by a dependency"
        case .flapping: return "Flapping"
        }
    }

    static func row(_ alert: Alert, serviceName: String?, incidents: [UUID: Int], timeZone: String, now: Date) -> HTML {
        let muted: HTML = alert.mutedReason.map { reason -> HTML in
            let by: HTML = alert.mutedByIncidentID.flatMap { id in incidents[id].map { "<br><a href=\"/incidents/\(id.db)\">muting incident #\($0)</a>" } } ?? ""
            return "<span class=\"status status-muted\">muted</span> \(reason)\(by)"
        } ?? "<span class=\"muted\">no</span>"
        let incident: HTML = alert.incidentID.map { id in "<a href=\"/incidents/\(id.db)\">#\(incidents[id].map(String.init) ?? "?")</a>" }
            ?? "<span class=\"muted\">none</span>"
        return """
        <tr><td data-label="Alert">\(alert.summary.isEmpty ? alert.dedupKey : alert.summary)<br><small class="muted">\(alert.source) · key <code>\(alert.dedupKey)</code></small></td>
        <td data-label="Service"><a href="/services/\(alert.serviceID.db)">\(serviceName ?? alert.serviceID.db)</a></td>
        <td data-label="Severity">\(alert.severity.rawValue)</td><td data-label="Status">\(alert.status.rawValue)</td>
        <td data-label="Muted">\(muted)</td>
        <td data-label="Seen">\(alert.occurrences)× · first \(Ages.ago(alert.firstSeenAt, now: now)), last \(Ages.ago(alert.lastSeenAt, now: now))</td>
        <td data-label="Incident">\(incident)</td></tr>
        """
    }
}
