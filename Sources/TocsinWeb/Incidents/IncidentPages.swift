import Foundation
import HTTPTypes
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Incidents: the list with the fire on top, and one incident with its alerts, who has it, who is on call,
/// what it mutes, and the changes made shortly before it began.
struct IncidentPages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }

    /// Seconds between the open-incident list's refreshes (an HTTP `Refresh`, so no script is needed).
    static let listRefreshSeconds = 30

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/incidents") { request, context in try await list(request, context) }
        router.get("/incidents/:id") { request, context in try await detail(request, context) }
        router.get("/incidents/:id/resolve") { request, context in try await confirmResolve(request, context) }
        router.get("/incidents/:id/timeline") { request, context in try await timelinePage(request, context) }
        for (action, status) in [("acknowledge", IncidentStatus.acknowledged), ("resolve", .resolved)] {
            router.post("/incidents/:id/\(action)") { request, context in
                let me = try context.require(.respond)
                let form = try await Form.read(request, context: context)
                let id = try context.id()
                do {
                    _ = try await env.incidents.apply(status, to: id, by: me.id)
                } catch DomainError.conflict {
                    // Someone else was quicker: the incident's page says who, and when.
                    return Response.seeOther("/incidents/\(id.db)?already=\(status.rawValue)")
                }
                return Response.seeOther(form["from"] == "list" ? "/incidents" : "/incidents/\(id.db)")
            }
        }
        router.post("/incidents/:id/reopen") { _, context in
            let me = try context.require(.respond)
            let id = try context.id()
            do {
                _ = try await env.incidents.reopen(id, by: me.id)
            } catch DomainError.conflict {
                return Response.seeOther("/incidents/\(id.db)?already=open")
            }
            return Response.seeOther("/incidents/\(id.db)")
        }
        router.post("/incidents/:id/severity") { request, context in
            let me = try context.require(.respond)
            let form = try await Form.read(request, context: context)
            let id = try context.id()
            _ = try await env.incidents.setSeverity(try Incidents.severity(form["severity"]), of: id, by: me.id)
            return Response.seeOther("/incidents/\(id.db)")
        }
    }

    static func badge(_ status: IncidentStatus) -> HTML {
        "<span class=\"status status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    static func badge(_ severity: IncidentSeverity) -> HTML {
        "<span class=\"sev sev-\(severity.rawValue.lowercased())\">\(severity.rawValue)</span>"
    }

    /// Acknowledge (straight away) and resolve (after a confirmation page) for a responder; nothing for others.
    static func actions(_ incident: Incident, me: User, csrf: String, fromList: Bool) -> HTML {
        guard me.role.allows(.respond) else { return "" }
        var buttons: [HTML] = []
        let from: HTML = fromList ? "<input type=\"hidden\" name=\"from\" value=\"list\">" : ""
        if incident.status == .triggered {
            buttons.append("""
            <form method="post" action="/incidents/\(incident.id.db)/acknowledge" class="inline">\(Pages.csrfField(csrf))\(from)<button type="submit">Acknowledge</button></form>
            """)
        }
        if incident.status != .resolved {
            buttons.append("<a class=\"button secondary\" href=\"/incidents/\(incident.id.db)/resolve\">Resolve…</a>")
        } else if !fromList {
            buttons.append("""
            <form method="post" action="/incidents/\(incident.id.db)/reopen" class="inline">\(Pages.csrfField(csrf))<button type="submit" class="secondary">Reopen</button></form>
            """)
        }
        return buttons.joined(separator: " ")
    }

    /// A responder changes the severity: a select and a button, on the incident's page.
    static func severityForm(_ incident: Incident, me: User, csrf: String) -> HTML {
        guard me.role.allows(.respond) else { return "" }
        let options = IncidentSeverity.allCases.map { severity -> HTML in
            "<option value=\"\(severity.rawValue)\"\(severity == incident.severity ? HTML(" selected") : HTML.empty)>\(severity.rawValue)</option>"
        }
        return """
        <form method="post" action="/incidents/\(incident.id.db)/severity" class="inline-field">\(Pages.csrfField(csrf))
          <label for="severity">Severity</label> <select id="severity" name="severity">\(options.joined(separator: ""))</select> <button type="submit" class="secondary">Set</button></form>
        """
    }

    func list(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let statusText = request.query("status") ?? "open"
        var filter = IncidentFilter(serviceID: try request.queryID("service_id"))
        switch statusText {
        case "open": filter.openOnly = true
        case "all": break
        default:
            guard let status = IncidentStatus(rawValue: statusText) else {
                throw DomainError.invalid("status", "must be open, triggered, acknowledged, resolved or all")
            }
            filter.status = status
        }
        let page = try await store.incidents(filter, page: try request.pageRequest)
        let services = try await store.services(ids: Array(Set(page.items.flatMap(\.serviceIDs))))
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.name) })
        let now = env.now()
        let csrf = context.principal?.csrfToken ?? ""
        let rows = page.items.map { incident -> HTML in
            let serviceLinks = incident.serviceIDs.map { id -> HTML in "<a href=\"/services/\(id.db)\">\(names[id] ?? id.db)</a>" }
            let age = incident.resolvedAt.map { "lasted " + Ages.duration($0.timeIntervalSince(incident.createdAt)) } ?? Ages.duration(now.timeIntervalSince(incident.createdAt))
            return """
            <tr class="incident-\(incident.status.rawValue)"><td data-label="Incident"><a href="/incidents/\(incident.id.db)">#\(incident.number) \(incident.title)</a></td>
            <td data-label="Severity">\(Self.badge(incident.severity))</td><td data-label="Status">\(Self.badge(incident.status))</td>
            <td data-label="Age" title="\(Pages.formatDate(incident.createdAt, timeZone: me.timeZone))">\(age)</td>
            <td data-label="Services">\(serviceLinks.joined(separator: ", "))</td><td data-label="Alerts">\(incident.alertCount)</td>
            <td data-label="Act">\(Self.actions(incident, me: me, csrf: csrf, fromList: true))</td></tr>
            """
        }
        let tabs = [("open", "Open"), ("triggered", "Triggered"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved"), ("all", "All")]
            .map { value, label -> HTML in
                let current: HTML = value == statusText ? " aria-current=\"page\"" : ""
                return "<a href=\"/incidents?status=\(value)\"\(current)>\(label)</a>"
            }
        let empty = statusText == "open" ? "Nothing is open. All quiet." : "No incidents here."
        let table: HTML = page.items.isEmpty ? "<p class=\"card muted\">\(empty)</p>" : """
            <table class="cards"><thead><tr><th>Incident</th><th>Severity</th><th>Status</th><th>Age</th><th>Services</th><th>Alerts</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let order = statusText == "open" ? "Worst first, then the one open longest." : "Newest first."
        let html = Pages.layout("Incidents", principal: context.principal, section: .incidents, """
        <div class="actions"><h1>Incidents</h1><a class="button secondary" href="/alerts">Alerts</a> <a class="button secondary" href="/reports/noise">Noise report</a> <a class="button secondary" href="/silences">Silences</a></div>
        <nav class="tabs" aria-label="Filter by status">\(tabs)</nav>
        <p class="muted">\(order) \(statusText == "open" ? "This page refreshes itself every \(Self.listRefreshSeconds) seconds." : "")</p>
        \(table)
        \(Pages.pager(page, path: "/incidents", query: ["status": statusText, "service_id": request.query("service_id") ?? ""]))
        """)
        var response = Pages.response(html)
        if statusText == "open" { response.headers[.refresh] = String(Self.listRefreshSeconds) }
        return response
    }

    private func loadIncident(_ context: TocsinRequestContext) async throws -> Incident {
        let id = try context.id()
        guard let incident = try await store.incident(id: id) else { throw DomainError.notFound("There is no incident with id \(id.db).") }
        return incident
    }

    func confirmResolve(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        _ = try context.require(.respond)
        let incident = try await loadIncident(context)
        let body: HTML = incident.status == .resolved ? """
            <p class="notice">#\(incident.number) is already resolved.</p>
            <p><a href="/incidents/\(incident.id.db)">Back to the incident</a></p>
            """ : """
            <div class="card stack">
              <p>Resolving closes the incident and every alert still open in it. If the problem is only mitigated, keep it open
              and acknowledge it instead; a new alert with the same key after this opens a new incident.</p>
              <form method="post" action="/incidents/\(incident.id.db)/resolve" class="actions">
                \(Pages.csrfField(context.principal?.csrfToken ?? ""))
                <button type="submit" class="danger">Yes, resolve #\(incident.number)</button>
                <a class="button secondary" href="/incidents/\(incident.id.db)">Cancel</a>
              </form>
            </div>
            """
        let html = Pages.layout("Resolve #\(incident.number)", principal: context.principal, section: .incidents, """
        <p><a href="/incidents/\(incident.id.db)">← #\(incident.number) \(incident.title)</a></p>
        <h1>Resolve #\(incident.number) \(incident.title)?</h1>
        \(body)
        """)
        return Pages.response(html)
    }

    func detail(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let incident = try await loadIncident(context)
        let id = incident.id
        let now = env.now()
        let alertPage = try await store.alerts(AlertFilter(incidentID: id), page: try request.pageRequest)
        let services = try await store.services(ids: incident.serviceIDs)
        let (changes, names) = try await env.incidents.recentChanges(of: incident)
        let people = try await store.users(ids: [incident.acknowledgedBy, incident.resolvedBy].compactMap { $0 })
        let who = Dictionary(people.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let when = { (date: Date?) -> String in date.map { Pages.formatDate($0, timeZone: me.timeZone) } ?? "—" }
        func byWhom(_ date: Date?, _ person: UUID?) -> String {
            guard let date else { return "—" }
            let name = person.flatMap { who[$0] } ?? (person == nil ? "its alerts (the monitoring tool)" : "a person since removed")
            return "by \(name), \(when(date)) (\(Ages.ago(date, now: now)))"
        }
        let notice: HTML
        switch request.query("already") {
        case "acknowledged", "resolved":
            let state = incident.resolvedAt != nil ? "resolved" : "acknowledged"
            let text = state == "resolved" ? byWhom(incident.resolvedAt, incident.resolvedBy) : byWhom(incident.acknowledgedAt, incident.acknowledgedBy)
            notice = "<p class=\"notice\" role=\"status\">Already \(state) \(text). Nothing was changed.</p>"
        case "open":
            notice = "<p class=\"notice\" role=\"status\">#\(incident.number) is not resolved: someone reopened it already. Nothing was changed.</p>"
        default:
            notice = try await reportNotice(request, incident: incident)
        }
        let serviceLinks = services.map { s -> HTML in "<a href=\"/services/\(s.id.db)\">\(s.name)</a> <span class=\"tier tier-\(s.tier)\">Tier \(s.tier)</span>" }
        let muting = try await mutedByThis(incident, me: me, now: now)
        let onCallNow = try await onCall(for: services, now: now, timeZone: me.timeZone)
        let alertCards = alertPage.items.map { AlertContent.card($0, timeZone: me.timeZone, now: now) }
        let timeline = try await store.incidentTimeline(incidentID: id, page: PageRequest(limit: Self.timelineShown))
        let paging = try await pagingSection(incident, me: me, now: now)
        let wholeTimeline: HTML = timeline.total > timeline.items.count
            ? "<p class=\"muted\">The first \(timeline.items.count) of \(timeline.total) events. <a href=\"/incidents/\(id.db)/timeline\">The whole timeline</a></p>" : ""
        let html = Pages.layout("#\(incident.number) \(incident.title)", principal: context.principal, section: .incidents, """
        <p><a href="/incidents">← Incidents</a></p>
        \(notice)
        <h1>#\(incident.number) \(incident.title)</h1>
        <div class="actions">\(Self.badge(incident.severity)) \(Self.badge(incident.status)) \(Self.actions(incident, me: me, csrf: context.principal?.csrfToken ?? "", fromList: false))
          \(me.role.allows(.respond) ? silenceLink(incident, alert: alertPage.items.first) : HTML.empty)
          \(Self.severityForm(incident, me: me, csrf: context.principal?.csrfToken ?? ""))</div>
        <div class="card"><dl class="facts">
          <dt>Services</dt><dd>\(serviceLinks.joined(separator: ", "))</dd>
          <dt>Opened</dt><dd>\(when(incident.createdAt)) (\(Ages.ago(incident.createdAt, now: now)))</dd>
          <dt>Detected by</dt><dd>\(incident.detectionSource.rawValue)</dd>
          <dt>Acknowledged</dt><dd>\(byWhom(incident.acknowledgedAt, incident.acknowledgedBy))</dd>
          <dt>Resolved</dt><dd>\(byWhom(incident.resolvedAt, incident.resolvedBy))</dd>
          <dt>On call now</dt><dd>\(onCallNow)</dd>
        </dl></div>
        \(muting)
        \(paging)
        <h2>Timeline</h2>
        \(Self.timelineList(timeline.items, timeZone: me.timeZone))
        \(wholeTimeline)
        <h2>Alerts (\(alertPage.total))</h2>
        \(alertCards)
        \(Pages.pager(alertPage, path: "/incidents/\(id.db)", query: [:]))
        <h2>Changes in the hour before</h2>
        \(changes.isEmpty ? HTML("<p class=\"muted\">No deploys or configuration changes were recorded on these services or their dependencies.</p>")
            : HTML("<ul>\(changes.map { change -> HTML in Self.changeItem(change, serviceName: names[change.serviceID], when: when(change.occurredAt)) })</ul>"))
        """)
        return Pages.response(html)
    }

    static let timelineShown = 50
    static let notificationsShown = 50

    /// Where paging stands: the escalation (and loudly, when it ran out unacknowledged) and each notification with
    /// what became of it or why it waits. No addresses.
    func pagingSection(_ incident: Incident, me: User, now: Date) async throws -> HTML {
        let escalation = try await store.escalation(incidentID: incident.id)
        let notes = try await store.notifications(incidentID: incident.id)
        guard escalation != nil || !notes.isEmpty else { return "" }
        var parts: [HTML] = []
        if let escalation {
            let levels = max(1, escalation.policy.levels.count)
            switch escalation.state {
            case .active:
                let level = escalation.step % levels + 1
                let due = escalation.dueAt.map { $0 <= now ? "now" : "in " + Ages.duration($0.timeIntervalSince(now)) } ?? "—"
                parts.append("<p>Escalating by <strong>\(escalation.policy.name)</strong>: level \(level) of \(levels) is paged \(due) unless someone acknowledges.</p>")
            case .stopped:
                parts.append("<p class=\"muted\">Escalation by \(escalation.policy.name) stopped.</p>")
            case .exhausted:
                let still = incident.status == .triggered
                parts.append(still
                    ? "<div class=\"alert\" role=\"alert\"><strong>Nobody acknowledged.</strong> Every level of \(escalation.policy.name) was paged; the team was told. This incident is unacknowledged until someone acts.</div>"
                    : "<p class=\"muted\">Escalation by \(escalation.policy.name) ran out before anyone acknowledged.</p>")
            }
        }
        if !notes.isEmpty {
            let names = Dictionary(try await store.users(ids: notes.compactMap(\.userID).uniqued()).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let rows = notes.prefix(Self.notificationsShown).map { n -> HTML in
                let state: String
                switch n.status {
                case .sent:
                    state = (n.deliveredAt.map { "delivered " + Ages.ago($0, now: now) } ?? "sent " + (n.sentAt.map { Ages.ago($0, now: now) } ?? ""))
                        + (n.bundleID != nil ? ", in one message with others" : "") + (n.lastError.map { "; not delivered: \($0)" } ?? "")
                case .queued:
                    state = n.dueAt > now ? "due in \(Ages.duration(n.dueAt.timeIntervalSince(now)))"
                        + (n.lastError.map { " (retrying after: \($0))" } ?? n.holdReason.map { " (\($0))" } ?? "") : "due now"
                case .sending: state = "sending"
                case .failed: state = "failed: \(n.lastError ?? "?")"
                case .cancelled: state = "not sent: \(n.lastError ?? "?")"
                }
                return """
                <tr class="note-\(n.status.rawValue)"><td data-label="Person">\(n.userID.flatMap { names[$0] } ?? "a removed user")</td><td data-label="Channel">\(n.channel.rawValue)</td>
                <td data-label="For">\(PagingPages.purpose(n.purpose))</td><td data-label="Status">\(state)</td></tr>
                """
            }
            let more: HTML = notes.count > Self.notificationsShown
                ? "<p class=\"muted\">The first \(Self.notificationsShown) of \(notes.count) notifications; all of them in <code>GET /api/v1/incidents/\(incident.id.db)/notifications</code>.</p>" : ""
            parts.append("""
            <div class="scroll-x"><table class="notifications"><thead><tr><th>Person</th><th>Channel</th><th>For</th><th>Status</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(more)
            """)
        }
        parts.append("<p class=\"muted\"><a href=\"/paging/queue\">Everything waiting to be sent, and why</a></p>")
        return "<h2>Paging</h2>\n\(parts)"
    }

    /// What happened, oldest first: each event's time and its sentence.
    static func timelineList(_ events: [IncidentEvent], timeZone: String) -> HTML {
        guard !events.isEmpty else { return "<p class=\"muted\">Nothing recorded yet.</p>" }
        let machine = ISO8601DateFormatter()
        return "<ol class=\"timeline-events\">\(events.map { event -> HTML in "<li data-kind=\"\(event.kind.rawValue)\"><time datetime=\"\(machine.string(from: event.at))\">\(Pages.formatDate(event.at, timeZone: timeZone))</time> \(event.body)</li>" })</ol>"
    }

    func timelinePage(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let incident = try await loadIncident(context)
        let page = try await store.incidentTimeline(incidentID: incident.id, page: try request.pageRequest)
        let html = Pages.layout("Timeline of #\(incident.number)", principal: context.principal, section: .incidents, """
        <p><a href="/incidents/\(incident.id.db)">← #\(incident.number) \(incident.title)</a></p>
        <h1>Timeline of #\(incident.number)</h1>
        \(Self.timelineList(page.items, timeZone: me.timeZone))
        \(Pages.pager(page, path: "/incidents/\(incident.id.db)/timeline", query: [:]))
        """)
        return Pages.response(html)
    }

    static func changeItem(_ change: ChangeRecord, serviceName: String?, when: String) -> HTML {
        let links = change.links.map { link -> HTML in " <a href=\"\(url: link.href)\" rel=\"noopener noreferrer\">\(link.text ?? "link")</a>" }
        return "<li><strong>\(when)</strong> · \(serviceName ?? "service") · \(change.summary)\(change.source.map { " (\($0)) " } ?? "")\(links)</li>"
    }

    /// "Silence alerts like this": the silence form filled with the first alert's source and summary, on its service.
    private func silenceLink(_ incident: Incident, alert: Alert?) -> HTML {
        guard let alert else { return "" }
        var lines = ["dedup_key=\(alert.dedupKey)"]
        if let name = alert.labels["alertname"] { lines = ["alertname=\(name)"] + alert.labels.filter { ["cluster", "instance", "job"].contains($0.key) }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
        var components = URLComponents()
        components.path = "/silences"
        components.queryItems = [
            URLQueryItem(name: "matchers", value: lines.joined(separator: "\n")),
            URLQueryItem(name: "service_id", value: alert.serviceID.db),
            URLQueryItem(name: "comment", value: "Known problem, handled in incident #\(incident.number)"),
        ]
        return "<a class=\"button secondary\" href=\"\(url: components.string ?? "/silences")\">Silence alerts like this</a>"
    }

    /// Who is on call now for the incident's services: the schedules of each service's owning team.
    private func onCall(for services: [Service], now: Date, timeZone: String) async throws -> HTML {
        let teams = Set(services.compactMap(\.teamID))
        guard !teams.isEmpty else { return "<span class=\"muted\">No owning team, so no schedule to ask.</span>" }
        var schedules: [OnCallSchedule] = []
        for team in teams.sorted(by: { $0.db < $1.db }) { schedules += try await store.allSchedules(ScheduleFilter(teamID: team)) }
        guard !schedules.isEmpty else { return "<span class=\"muted\">The owning team has no on-call schedule.</span>" }
        let entries = try await env.onCall.at(now, schedules)
        let people = Dictionary(try await store.users(ids: entries.map(\.userID)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let items = schedules.map { schedule -> HTML in
            let here = entries.filter { $0.schedule.id == schedule.id }
            let names: HTML = here.isEmpty ? "<strong class=\"warning-text\">nobody (a gap)</strong>" : here.map { entry -> HTML in
                let person = people[entry.userID]
                return "<a href=\"/users/\(entry.userID.db)\">\(person?.name ?? "someone")</a> <small>until \(Pages.formatDate(entry.end, timeZone: timeZone))</small>"
            }.joined(separator: ", ")
            return "<li><a href=\"/schedules/\(schedule.id.db)\">\(schedule.name)</a>: \(names)</li>"
        }
        return "<ul class=\"plain\">\(items)</ul>"
    }

    /// The alerts this incident's inhibition is muting on dependent services; the ones that would have been more
    /// severe than this incident come first, marked, since they may be a bigger fire than this one.
    private func mutedByThis(_ incident: Incident, me: User, now: Date) async throws -> HTML {
        // Counted per service and severity in the database, so every muted alert worse than this incident is
        // counted however many there are; 20 are listed, the worse ones first.
        let summary = try await store.mutedSummary(byIncidentID: incident.id)
        let total = summary.reduce(0) { $0 + $1.count }
        guard total > 0 else { return "" }
        let services = Dictionary(try await store.services(ids: Array(Set(summary.map(\.serviceID)))).map { ($0.id, $0) },
                                  uniquingKeysWith: { first, _ in first })
        func wouldBe(_ serviceID: UUID, _ severity: AlertSeverity) -> IncidentSeverity {
            services[serviceID].map { SeverityMatrix.standard.severity(for: severity, tier: $0.tier, overrides: $0.severityOverrides) } ?? .sev4
        }
        func wouldBe(_ alert: Alert) -> IncidentSeverity { wouldBe(alert.serviceID, alert.severity) }
        let worseGroups = summary.filter { wouldBe($0.serviceID, $0.severity) > incident.severity }
            .sorted { wouldBe($0.serviceID, $0.severity) > wouldBe($1.serviceID, $1.severity) }
        let worseCount = worseGroups.reduce(0) { $0 + $1.count }
        var ordered: [Alert] = []
        for group in worseGroups where ordered.count < 20 {
            let filter = AlertFilter(serviceID: group.serviceID, mutedByIncidentID: incident.id, severities: [group.severity])
            ordered += try await store.alerts(filter, page: PageRequest(limit: 20 - ordered.count)).items
        }
        if ordered.count < 20 {
            let shown = Set(ordered.map(\.id))
            let rest = try await store.alerts(AlertFilter(mutedByIncidentID: incident.id), page: PageRequest(limit: 20 + ordered.count)).items
            ordered += rest.filter { !shown.contains($0.id) && wouldBe($0) <= incident.severity }.prefix(20 - ordered.count)
        }
        let items = ordered.map { alert -> HTML in
            let service = services[alert.serviceID]
            let severity = wouldBe(alert)
            let worse = severity > incident.severity
            let flag: HTML = worse ? " <strong class=\"sev sev-sev1\">would be \(severity.rawValue)</strong>" : ""
            return """
            <li\(worse ? HTML(" class=\"worse\"") : HTML.empty)>\(flag) <a href="/services/\(alert.serviceID.db)">\(service?.name ?? "service")</a>:
            \(alert.summary.isEmpty ? alert.dedupKey : alert.summary) <small>(\(alert.severity.rawValue), \(alert.status.rawValue), \(Ages.ago(alert.lastSeenAt, now: now)))</small></li>
            """
        }
        let more: HTML = total > ordered.count ? " Showing \(ordered.count) of \(total)." : ""
        let box = worseCount == 0 ? "warning" : "alert"
        return """
        <section class="\(box)" aria-labelledby="muting-title">
          <h2 id="muting-title">Muting \(total) alert\(total == 1 ? "" : "s") on services that depend on this one</h2>
          <p>While this incident is open, new alerts on dependent services page nobody.\(worseCount == 0 ? HTML.empty : HTML(" <strong>\(worseCount) of them would be more severe than this incident: look at them now.</strong>"))\(more)
          <a href="/alerts?muted_by_incident_id=\(incident.id.db)">See every alert it mutes</a>.</p>
          <ul>\(items)</ul>
        </section>
        """
    }

    /// What happened to the report a person just filed, when they arrive here from the report form.
    private func reportNotice(_ request: Request, incident: Incident) async throws -> HTML {
        guard let text = request.query("report"), let alertID = UUID(uuidString: text),
              let alert = try await store.alert(id: alertID), alert.incidentID == incident.id else { return "" }
        let opened = request.query("opened") == "1"
        let what = opened ? "Your report opened incident #\(incident.number)." : "Your report joined incident #\(incident.number), which was already open."
        return "<p class=\"notice\" role=\"status\">\(what)\(alert.groupingReason.map { " (\($0))" } ?? "")</p>"
    }
}

extension HTTPField.Name {
    /// Reloads the page after N seconds; browsers honour it like the equivalent meta tag.
    static let refresh = Self("Refresh")!
}
