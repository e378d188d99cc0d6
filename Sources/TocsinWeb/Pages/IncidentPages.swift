import Foundation
import Hummingbird
import TocsinCore

/// Incidents: the list, and one incident with its alerts and the changes made shortly before it began.
struct IncidentPages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }

    /// How far back a change counts as context for an incident.
    static let changeWindow: TimeInterval = 3600

    /// Changes on the incident's services and on what they depend on, in the hour before it began,
    /// with the names of every service involved.
    static func recentChanges(of incident: Incident, _ store: any TocsinStore) async throws -> (changes: [ChangeRecord], names: [UUID: String]) {
        let services = try await store.services(ids: incident.serviceIDs)
        let related = Array(Set(incident.serviceIDs + services.flatMap(\.dependsOn)))
        let changes = try await store.changes(serviceIDs: related, from: incident.createdAt.addingTimeInterval(-changeWindow), to: incident.createdAt)
        let names = Dictionary(uniqueKeysWithValues: try await store.services(ids: related).map { ($0.id, $0.name) })
        return (changes, names)
    }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/incidents") { request, context in try await list(request, context) }
        router.get("/incidents/:id") { request, context in try await detail(request, context) }
        for (action, status) in [("acknowledge", IncidentStatus.acknowledged), ("resolve", .resolved)] {
            router.post("/incidents/:id/\(action)") { request, context in
                _ = try context.require(.respond)
                _ = try await Form.read(request, context: context)
                let id = try context.id()
                _ = try await store.setIncidentStatus(id: id, to: status, now: env.now())
                return Response.seeOther("/incidents/\(id.db)")
            }
        }
    }

    static func badge(_ status: IncidentStatus) -> HTML {
        "<span class=\"status status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    static func badge(_ severity: IncidentSeverity) -> HTML {
        "<span class=\"sev sev-\(severity.rawValue.lowercased())\">\(severity.rawValue)</span>"
    }

    func list(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let statusText = request.query("status") ?? "open"
        let filter = IncidentFilter(serviceID: UUID(uuidString: request.query("service_id") ?? ""),
                                    status: IncidentStatus(rawValue: statusText), openOnly: statusText == "open")
        let page = try await store.incidents(filter, page: try request.pageRequest)
        let services = try await store.services(ids: Array(Set(page.items.flatMap(\.serviceIDs))))
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.name) })
        let rows = page.items.map { incident -> HTML in
            let serviceLinks = incident.serviceIDs.map { id -> HTML in "<a href=\"/services/\(id.db)\">\(names[id] ?? id.db)</a>" }
            return """
            <tr><td><a href="/incidents/\(incident.id.db)">#\(incident.number) \(incident.title)</a></td>
            <td>\(Self.badge(incident.severity))</td><td>\(Self.badge(incident.status))</td>
            <td>\(serviceLinks.joined(separator: ", "))</td><td>\(incident.alertCount)</td>
            <td>\(Pages.formatDate(incident.createdAt, timeZone: me.timeZone))</td></tr>
            """
        }
        let tabs = [("open", "Open"), ("triggered", "Triggered"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved"), ("all", "All")]
            .map { value, label -> HTML in
                let current: HTML = value == statusText ? " aria-current=\"page\"" : ""
                return "<a href=\"/incidents?status=\(value)\"\(current)>\(label)</a>"
            }
        let table: HTML = page.items.isEmpty ? "<p class=\"card muted\">No incidents here.</p>"
            : "<table><thead><tr><th>Incident</th><th>Severity</th><th>Status</th><th>Services</th><th>Alerts</th><th>Opened</th></tr></thead><tbody>\(rows)</tbody></table>"
        let html = Pages.layout("Incidents", principal: context.principal, section: .incidents, """
        <div class="actions"><h1>Incidents</h1><a class="button secondary" href="/reports/noise">Noise report</a> <a class="button secondary" href="/silences">Silences</a></div>
        <nav class="tabs" aria-label="Filter by status">\(tabs)</nav>
        \(table)
        \(Pages.pager(page, path: "/incidents", query: ["status": statusText]))
        """)
        return Pages.response(html)
    }

    func detail(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let id = try context.id()
        guard let incident = try await store.incident(id: id) else { throw DomainError.notFound("There is no incident with id \(id.db).") }
        let alerts = try await store.alerts(AlertFilter(incidentID: id), page: PageRequest(limit: PageRequest.maximumLimit)).items
        let services = try await store.services(ids: incident.serviceIDs)
        let (changes, names) = try await Self.recentChanges(of: incident, store)
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        var actions: [HTML] = []
        if me.role.allows(.respond) {
            if incident.status == .triggered {
                actions.append("<form method=\"post\" action=\"/incidents/\(id.db)/acknowledge\" class=\"inline\">\(csrf)<button type=\"submit\">Acknowledge</button></form>")
            }
            if incident.status != .resolved {
                actions.append("<form method=\"post\" action=\"/incidents/\(id.db)/resolve\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Resolve</button></form>")
            }
        }
        let when = { (date: Date?) -> String in date.map { Pages.formatDate($0, timeZone: me.timeZone) } ?? "—" }
        let alertRows = alerts.map { alert -> HTML in
            let links = alert.links.map { link -> HTML in "<a href=\"\(url: link.href)\" rel=\"noopener noreferrer\">\(link.text ?? link.href)</a>" }
            let muted: HTML = alert.mutedReason.map { "<br><small class=\"muted\">Muted: \($0)</small>" } ?? ""
            let grouped: HTML = alert.groupingReason.map { "<br><small class=\"muted\">Grouped: \($0)</small>" } ?? ""
            return """
            <tr><td>\(alert.summary)<br><small class="muted">\(alert.source) · key <code>\(alert.dedupKey)</code></small>\(grouped)\(muted)</td>
            <td>\(alert.severity.rawValue)</td><td>\(alert.status.rawValue)</td><td>\(alert.occurrences)</td>
            <td>\(when(alert.firstSeenAt))<br><small>last \(when(alert.lastSeenAt))</small></td><td>\(links.joined(separator: " · "))</td></tr>
            """
        }
        let changeItems = changes.map { change -> HTML in
            let links = change.links.map { link -> HTML in " <a href=\"\(url: link.href)\" rel=\"noopener noreferrer\">\(link.text ?? "link")</a>" }
            return "<li><strong>\(when(change.occurredAt))</strong> · \(names[change.serviceID] ?? "service") · \(change.summary)\(change.source.map { " (\($0))" } ?? "")\(links)</li>"
        }
        let serviceLinks = services.map { s -> HTML in "<a href=\"/services/\(s.id.db)\">\(s.name)</a> <span class=\"tier tier-\(s.tier)\">Tier \(s.tier)</span>" }
        let html = Pages.layout("#\(incident.number) \(incident.title)", principal: context.principal, section: .incidents, """
        <p><a href="/incidents">← Incidents</a></p>
        <h1>#\(incident.number) \(incident.title)</h1>
        <div class="actions">\(Self.badge(incident.severity)) \(Self.badge(incident.status)) \(actions)</div>
        <div class="card"><dl class="facts">
          <dt>Services</dt><dd>\(serviceLinks.joined(separator: ", "))</dd>
          <dt>Detected by</dt><dd>\(incident.detectionSource.rawValue)</dd>
          <dt>Opened</dt><dd>\(when(incident.createdAt))</dd>
          <dt>Acknowledged</dt><dd>\(when(incident.acknowledgedAt))</dd>
          <dt>Resolved</dt><dd>\(when(incident.resolvedAt))</dd>
        </dl></div>
        <h2>Alerts</h2>
        <table><thead><tr><th>Alert</th><th>Severity</th><th>Status</th><th>Seen</th><th>First seen</th><th>Links</th></tr></thead><tbody>\(alertRows)</tbody></table>
        <h2>Changes in the hour before</h2>
        \(changes.isEmpty ? HTML("<p class=\"muted\">No deploys or configuration changes were recorded on these services or their dependencies.</p>") : HTML("<ul>\(changeItems)</ul>"))
        """)
        return Pages.response(html)
    }
}
