import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Services and teams.
struct CatalogPages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }
    var catalog: Catalog { env.catalog }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/services") { request, context in try await serviceList(request, context) }
        router.get("/services/new") { request, context in try await serviceForm(request, context, service: nil, view: FormView(values: ["tier": "3"])) }
        router.post("/services/new") { request, context in try await saveService(request, context, id: nil) }
        router.get("/services/:id") { request, context in try await serviceDetail(request, context, report: FormView(), keyForm: FormView()) }
        router.get("/services/:id/edit") { request, context in
            let service = try await loadService(context)
            return try await serviceForm(request, context, service: service, view: Self.view(of: service))
        }
        router.post("/services/:id/edit") { request, context in try await saveService(request, context, id: try context.id()) }
        router.post("/services/:id/delete") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            try await store.deleteService(id: try context.id())
            return Response.seeOther("/services")
        }
        router.get("/teams") { request, context in try await teamList(request, context) }
        router.get("/teams/new") { request, context in try await teamForm(request, context, team: nil, view: FormView()) }
        router.post("/teams/new") { request, context in try await saveTeam(request, context, id: nil) }
        router.get("/teams/:id") { request, context in try await teamDetail(request, context) }
        router.get("/teams/:id/edit") { request, context in
            let team = try await loadTeam(context)
            var view = FormView(values: ["name": team.name, "description": team.description])
            view.values["member_ids"] = team.memberIDs.map(\.db)
            return try await teamForm(request, context, team: team, view: view)
        }
        router.post("/teams/:id/edit") { request, context in try await saveTeam(request, context, id: try context.id()) }
        router.post("/teams/:id/delete") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            try await store.deleteTeam(id: try context.id())
            return Response.seeOther("/teams")
        }
    }

    // MARK: Services

    private func loadService(_ context: TocsinRequestContext) async throws -> Service {
        _ = try context.require(.read)
        let id = try context.id()
        guard let service = try await store.service(id: id) else { throw DomainError.notFound("There is no service with id \(id.db).") }
        return service
    }

    private func allTeams() async throws -> [Team] {
        try await Page.all { try await store.teams(query: nil, page: $0) }
    }

    private func allServices() async throws -> [Service] {
        try await Page.all { try await store.services(ServiceFilter(), page: $0) }
    }

    func serviceList(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let teamFilter = request.query("team_id") ?? ""
        let tierFilter = request.query("tier") ?? ""
        let query = request.query("q") ?? ""
        let filter = ServiceFilter(teamID: UUID(uuidString: teamFilter), tier: Int(tierFilter), query: query)
        let page = try await store.services(filter, page: try request.pageRequest)
        let teams = try await allTeams()
        let teamNames = Dictionary(uniqueKeysWithValues: teams.map { ($0.id, $0.name) })
        let health = try await store.serviceHealth(serviceIDs: page.items.map(\.id))
        let rows = page.items.map { s -> HTML in
            let team: HTML = s.teamID.flatMap { id in teamNames[id].map { name -> HTML in "<a href=\"/teams/\(id.db)\">\(name)</a>" } } ?? "<span class=\"muted\">—</span>"
            return """
            <tr><td data-label="Service"><a href="/services/\(s.id.db)">\(s.name)</a><br><small>\(s.description.count > 120 ? String(s.description.prefix(119)) + "…" : s.description)</small></td>
            <td data-label="Status">\(Self.status(health[s.id], serviceID: s.id))</td>
            <td data-label="Tier"><span class="tier tier-\(s.tier)">Tier \(s.tier)</span></td><td data-label="Team">\(team)</td><td data-label="Depends on">\(s.dependsOn.count)</td></tr>
            """
        }
        let view = FormView(values: ["q": query, "team_id": teamFilter, "tier": tierFilter])
        let newButton: HTML = me.role.allows(.manageCatalog) ? "<a class=\"button\" href=\"/services/new\">New service</a>" : ""
        let table: HTML = page.items.isEmpty
            ? "<p class=\"card muted\">No services yet.\(me.role.allows(.manageCatalog) ? HTML(" Create the first one to attach alerts and incidents to.") : HTML.empty)</p>"
            : "<table class=\"cards\"><thead><tr><th>Service</th><th>Status</th><th>Tier</th><th>Team</th><th>Depends on</th></tr></thead><tbody>\(rows)</tbody></table>"
        let html = Pages.layout("Services", principal: context.principal, section: .services, """
        <div class="actions"><h1>Services</h1>\(newButton)</div>
        <form method="get" action="/services" class="filters" role="search">
          <input name="q" value="\(query)" placeholder="Name contains…" aria-label="Name contains">
          \(view.select("team_id", "Team", options: [("", "Any team")] + teams.map { ($0.id.db, $0.name) }))
          \(view.select("tier", "Tier", options: [("", "Any tier"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3"), ("4", "Tier 4")]))
          <button type="submit" class="secondary">Filter</button>
        </form>
        \(table)
        \(Pages.pager(page, path: "/services", query: ["q": query, "team_id": teamFilter, "tier": tierFilter]))
        """)
        return Pages.response(html)
    }

    /// "Operational", or the open incidents (worst severity, how many unacknowledged) and muted alerts, linked.
    static func status(_ health: ServiceHealth?, serviceID: UUID) -> HTML {
        guard let health, health.openIncidents + health.mutedAlerts > 0 else { return "<span class=\"status status-resolved\">operational</span>" }
        var parts: [HTML] = []
        if health.openIncidents > 0 {
            let worst: HTML = health.worst.map { IncidentPages.badge($0) } ?? ""
            let waiting: HTML = health.unacknowledged > 0 ? ", \(health.unacknowledged) unacknowledged" : ""
            parts.append("\(worst) <a href=\"/incidents?status=open&amp;service_id=\(serviceID.db)\">\(health.openIncidents) open incident\(health.openIncidents == 1 ? "" : "s")</a>\(waiting)")
        }
        if health.mutedAlerts > 0 {
            parts.append("<a href=\"/alerts?service_id=\(serviceID.db)&amp;muted=true&amp;status=open\">\(health.mutedAlerts) muted alert\(health.mutedAlerts == 1 ? "" : "s")</a>")
        }
        return parts.joined(separator: "<br>")
    }

    func serviceDetail(_ request: Request, _ context: TocsinRequestContext, report: FormView, keyForm: FormView) async throws -> Response {
        let service = try await loadService(context)
        let me = try context.require(.read)
        let now = env.now()
        let health = try await store.serviceHealth(serviceIDs: [service.id])[service.id]
        let openIncidents = try await store.incidents(IncidentFilter(serviceID: service.id, openOnly: true), page: PageRequest(limit: 10))
        let muted = try await store.alerts(AlertFilter(serviceID: service.id, muted: true, openOnly: true), page: PageRequest(limit: 10))
        let keys = try await store.integrationKeys(serviceID: service.id)
        let csrf = context.principal?.csrfToken ?? ""
        let reportNotice = try await Self.reportNotice(request, serviceID: service.id, store: store)
        let dependsOn = try await store.services(ids: service.dependsOn)
        let dependents = try await store.dependents(of: service.id)
        let team = try await service.teamID.asyncMap { try await store.team(id: $0) } ?? nil
        let links = service.links.map { link -> HTML in "<li><a href=\"\(url: link.url)\" rel=\"noopener noreferrer\">\(link.title)</a></li>" }
        let manage: HTML = me.role.allows(.manageCatalog) ? """
        <div class="actions">
          <a class="button secondary" href="/services/\(service.id.db)/edit">Edit</a>
          <form method="post" action="/services/\(service.id.db)/delete" class="inline">\(Pages.csrfField(context.principal?.csrfToken ?? ""))<button type="submit" class="danger">Delete</button></form>
        </div>
        """ : ""
        let teamHTML: HTML = team.map { "<a href=\"/teams/\($0.id.db)\">\($0.name)</a>" } ?? "<span class=\"muted\">No owning team</span>"
        let policy = try await service.escalationPolicyID.asyncMap { try await store.escalationPolicy(id: $0) } ?? nil
        let policyHTML: HTML = policy.map { "<a href=\"/escalation-policies/\($0.id.db)\">\($0.name)</a>" }
            ?? "<strong class=\"warning-text\">None: incidents on this service page nobody.</strong>"
        func list(_ services: [Service], empty: String) -> HTML {
            services.isEmpty ? "<p class=\"muted\">\(empty)</p>"
                : "<ul>\(services.map { s -> HTML in "<li><a href=\"/services/\(s.id.db)\">\(s.name)</a> <span class=\"tier tier-\(s.tier)\">Tier \(s.tier)</span></li>" })</ul>"
        }
        let html = Pages.layout(service.name, principal: context.principal, section: .services, """
        <p><a href="/services">← Services</a></p>
        \(reportNotice)
        <h1>\(service.name)</h1>
        <p class="lead">\(service.description.isEmpty ? "No description." : service.description)</p>
        \(manage)
        <div class="card"><p><strong>Now:</strong> \(Self.status(health, serviceID: service.id))</p>
        \(Self.openIncidentList(openIncidents, serviceID: service.id, now: now))
        \(Self.mutedList(muted, serviceID: service.id, now: now))</div>
        \(me.role.allows(.respond) ? ProblemReports.form(serviceID: service.id, view: report, csrf: csrf) : HTML.empty)
        <div class="card"><dl class="facts">
          <dt>Tier</dt><dd><span class="tier tier-\(service.tier)">Tier \(service.tier)</span></dd>
          <dt>Team</dt><dd>\(teamHTML)</dd>
          <dt>Escalation policy</dt><dd>\(policyHTML)</dd>
          <dt>Alert grouping</dt><dd>\(Self.describe(service.alertGrouping))</dd>
          <dt>Flapping</dt><dd>\(service.flapDetection.map { "muted after more than \($0.changes) state changes in \($0.windowMinutes) minutes" } ?? "not detected")</dd>
          <dt>People's reports</dt><dd>\(service.inhibitReports ? "muted like alerts while a dependency has an open incident" : "never muted by a dependency's incident")</dd>
          <dt>Noise control</dt><dd><a href="/services/\(service.id.db)/noise-control">Maintenance windows and event rules</a></dd>
          <dt>Id</dt><dd><code>\(service.id.db)</code></dd>
          <dt>Updated</dt><dd>\(Pages.formatDate(service.updatedAt, timeZone: me.timeZone))</dd>
        </dl></div>
        \(IntegrationKeyPages.section(service, keys: keys, me: me, csrf: csrf, view: keyForm, timeZone: me.timeZone))
        <h2>Links</h2>
        \(links.isEmpty ? HTML("<p class=\"muted\">No links.</p>") : HTML("<ul>\(links)</ul>"))
        <h2>Dependencies</h2>
        \(DependencyDiagram.render(service: service, dependsOn: dependsOn, dependents: dependents))
        <h3>Depends on</h3>
        \(list(dependsOn, empty: "Depends on no other service."))
        <h3>Used by</h3>
        \(list(dependents, empty: "No service depends on this one."))
        """)
        return Pages.response(html)
    }

    static func openIncidentList(_ page: Page<Incident>, serviceID: UUID, now: Date) -> HTML {
        guard !page.items.isEmpty else { return "" }
        let items = page.items.map { i -> HTML in
            "<li>\(IncidentPages.badge(i.severity)) \(IncidentPages.badge(i.status)) <a href=\"/incidents/\(i.id.db)\">#\(i.number) \(i.title)</a> <small>\(Ages.ago(i.createdAt, now: now))</small></li>"
        }
        let more: HTML = page.total > page.items.count ? "<li><a href=\"/incidents?status=open&amp;service_id=\(serviceID.db)\">all \(page.total) open incidents</a></li>" : ""
        return "<h3>Open incidents</h3><ul class=\"plain\">\(items)\(more)</ul>"
    }

    /// Open alerts that paged nobody, with why: inhibition can hide a real fire behind a dependency's incident.
    static func mutedList(_ page: Page<Alert>, serviceID: UUID, now: Date) -> HTML {
        guard !page.items.isEmpty else { return "" }
        let items = page.items.map { a -> HTML in
            let by: HTML = a.mutedByIncidentID.map { " · <a href=\"/incidents/\($0.db)\">the muting incident</a>" } ?? ""
            return "<li><strong>\(a.severity.rawValue)</strong> \(a.summary.isEmpty ? a.dedupKey : a.summary) <small>— \(a.mutedReason ?? "muted")\(by), \(Ages.ago(a.lastSeenAt, now: now))</small></li>"
        }
        return """
        <h3>Muted alerts (\(page.total))</h3>
        <p class="muted">These paged nobody. <a href="/alerts?service_id=\(serviceID.db)&amp;muted=true&amp;status=open">See them all</a>.</p>
        <ul class="plain">\(items)</ul>
        """
    }

    /// What happened to a report filed from this page that opened no incident: muted, and why.
    static func reportNotice(_ request: Request, serviceID: UUID, store: any TocsinStore) async throws -> HTML {
        guard let text = request.query("report"), let id = UUID(uuidString: text), let alert = try await store.alert(id: id),
              alert.serviceID == serviceID else { return "" }
        if let incident = alert.incidentID {
            return "<p class=\"notice\" role=\"status\">Your report is in <a href=\"/incidents/\(incident.db)\">its incident</a>.</p>"
        }
        return """
        <div class="alert" role="status"><p><strong>Your report was recorded, but it opened no incident and paged nobody:</strong>
        \(alert.mutedReason ?? "it was muted").</p>
        <p>It is listed under <a href="/alerts?service_id=\(serviceID.db)&amp;muted=true">muted alerts</a>. If this is a separate problem, tell the responders directly.</p></div>
        """
    }

    static func view(of service: Service) -> FormView {
        var view = FormView(values: [
            "name": service.name, "description": service.description, "tier": String(service.tier),
            "team_id": service.teamID?.db ?? "",
            "escalation_policy_id": service.escalationPolicyID?.db ?? "",
            "links": service.links.map { "\($0.title) | \($0.url)" }.joined(separator: "\n"),
            "grouping_mode": service.alertGrouping.mode,
            "grouping_window_minutes": AlertGroupingJSON(service.alertGrouping).windowMinutes.map(String.init) ?? "",
            "grouping_labels": AlertGroupingJSON(service.alertGrouping).labels.joined(separator: ", "),
            "inhibit_reports": service.inhibitReports ? "on" : "",
        ])
        view.values["depends_on"] = service.dependsOn.map(\.db)
        return view
    }

    func serviceForm(_ request: Request, _ context: TocsinRequestContext, service: Service?, view: FormView,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let teams = try await allTeams()
        let candidates = try await allServices().filter { $0.id != service?.id }
        let policies = try await Page.all { try await store.escalationPolicies(EscalationPolicyFilter(), page: $0) }
        let title = service.map { "Edit \($0.name)" } ?? "New service"
        let action = service.map { "/services/\($0.id.db)/edit" } ?? "/services/new"
        let html = Pages.layout(title, principal: context.principal, section: .services, """
        <p><a href="\(url: service.map { "/services/\($0.id.db)" } ?? "/services")">← Back</a></p>
        <h1>\(title)</h1>
        \(view.banner(above: """
        <form method="post" action="\(url: action)" class="stack card">
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          \(view.input("name", "Name", required: true))
          \(view.textarea("description", "Description"))
          \(view.select("tier", "Tier", options: [("1", "Tier 1 — most critical"), ("2", "Tier 2"), ("3", "Tier 3"), ("4", "Tier 4 — least critical")]))
          \(view.select("team_id", "Owning team", options: [("", "No team")] + teams.map { ($0.id.db, $0.name) }))
          \(view.select("escalation_policy_id", "Escalation policy", options: [("", "None: incidents page nobody")] + policies.map { ($0.id.db, $0.name) },
                        hint: "Who is paged when an incident opens here. Policies are made under Escalation."))
          \(view.select("depends_on", "Depends on", options: candidates.map { ($0.id.db, $0.name) }, multiple: true,
                        hint: "Services this one needs to work. Hold Ctrl or ⌘ to choose several."))
          \(view.textarea("links", "Links", hint: "One per line: Title | https://…  (dashboards, repositories, runbooks)"))
          \(view.select("grouping_mode", "Alert grouping", options: [("per_alert", "One incident per alert"),
                        ("time_window", "Alerts within a time window join the open incident"),
                        ("labels", "Alerts sharing label values join the same incident")]))
          \(view.input("grouping_window_minutes", "Window (minutes)", type: "number", hint: "For time-window grouping, 1 to 1440."))
          \(view.input("grouping_labels", "Grouping labels", hint: "For label grouping, comma-separated, e.g. alertname, cluster."))
          \(view.checkbox("inhibit_reports", "Mute people's reports too while a dependency has an open incident",
                          hint: "Off by default: a report from a person always opens or joins an incident unless a silence or maintenance window covers it."))
          <button type="submit">\(service == nil ? "Create service" : "Save changes")</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    /// `Title | URL` per line; a line without a title uses the URL as its title.
    static func parseLinks(_ text: String) -> [ServiceLink] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: "|", maxSplits: 1).map { String($0).trimmed }
            guard let first = parts.first, !first.isEmpty else { return nil }
            return parts.count == 2 ? ServiceLink(title: parts[0], url: parts[1]) : ServiceLink(title: first, url: first)
        }
    }

    func saveService(_ request: Request, _ context: TocsinRequestContext, id: UUID?) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let form = try await Form.read(request, context: context)
        var errors = Validator()
        let tier = Int(form["tier"] ?? "")
        if tier == nil { errors.add("tier", "must be 1, 2, 3 or 4") }
        let teamText = form["team_id"] ?? ""
        let team = UUID(uuidString: teamText)
        if !teamText.isEmpty && team == nil { errors.add("team_id", "is not a known team") }
        let policyText = form["escalation_policy_id"] ?? ""
        let policy = UUID(uuidString: policyText)
        if !policyText.isEmpty && policy == nil { errors.add("escalation_policy_id", "is not a known escalation policy") }
        var grouping: AlertGrouping?
        do {
            grouping = try AlertGrouping.parse(mode: form["grouping_mode"] ?? "per_alert",
                                               windowMinutes: Int(form["grouping_window_minutes"] ?? ""),
                                               labels: (form["grouping_labels"] ?? "").split(separator: ",").map(String.init))
        } catch DomainError.validation(let fields) {
            // The form names its fields grouping_mode, grouping_window_minutes, grouping_labels.
            errors.merge(fields.map { FieldError($0.field.replacingOccurrences(of: "alert_grouping.", with: "grouping_"), $0.reason) })
        }
        var input = ServiceInput(name: form["name"] ?? "", description: form["description"] ?? "", teamID: .set(team), tier: tier,
                                 links: Self.parseLinks(form["links"] ?? ""),
                                 dependsOn: try form.ids("depends_on"), alertGrouping: grouping)
        input.inhibitReports = form["inhibit_reports"] == "on"
        input.escalationPolicyID = .set(policy)
        do {
            try errors.throwIfInvalid()
            let saved = if let id { try await catalog.updateService(id: id, input) } else { try await catalog.createService(input) }
            return .seeOther("/services/\(saved.id.db)")
        } catch let error as DomainError where !Self.isNotFound(error) {
            let current = if let id { try await store.service(id: id) } else { Service?.none }
            return try await serviceForm(request, context, service: current, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }

    static func describe(_ grouping: AlertGrouping) -> String {
        switch grouping {
        case .perAlert: return "one incident per alert"
        case .timeWindow(let minutes): return "alerts within \(minutes) minutes join the open incident"
        case .sharedLabels(let names): return "alerts sharing \(names.joined(separator: ", ")) join the same incident"
        }
    }

    static func isNotFound(_ error: DomainError) -> Bool {
        if case .notFound = error { return true }
        return false
    }

    // MARK: Teams

    private func loadTeam(_ context: TocsinRequestContext) async throws -> Team {
        _ = try context.require(.read)
        let id = try context.id()
        guard let team = try await store.team(id: id) else { throw DomainError.notFound("There is no team with id \(id.db).") }
        return team
    }

    func teamList(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let query = request.query("q") ?? ""
        let page = try await store.teams(query: query, page: try request.pageRequest)
        let rows = page.items.map { t -> HTML in
            "<tr><td data-label=\"Team\"><a href=\"/teams/\(t.id.db)\">\(t.name)</a><br><small>\(t.description)</small></td><td data-label=\"Members\">\(t.memberIDs.count)</td></tr>"
        }
        let newButton: HTML = me.role.allows(.manageCatalog) ? "<a class=\"button\" href=\"/teams/new\">New team</a>" : ""
        let table: HTML = page.items.isEmpty ? "<p class=\"card muted\">No teams yet.</p>"
            : "<table><thead><tr><th>Team</th><th>Members</th></tr></thead><tbody>\(rows)</tbody></table>"
        let html = Pages.layout("Teams", principal: context.principal, section: .teams, """
        <div class="actions"><h1>Teams</h1>\(newButton)</div>
        <form method="get" action="/teams" class="filters" role="search">
          <input name="q" value="\(query)" placeholder="Name contains…" aria-label="Name contains">
          <button type="submit" class="secondary">Filter</button>
        </form>
        \(table)
        \(Pages.pager(page, path: "/teams", query: ["q": query]))
        """)
        return Pages.response(html)
    }

    func teamDetail(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let team = try await loadTeam(context)
        let me = try context.require(.read)
        let members = try await store.users(ids: team.memberIDs)
        let services = try await Page.all { try await store.services(ServiceFilter(teamID: team.id), page: $0) }
        let manage: HTML = me.role.allows(.manageCatalog) ? """
        <div class="actions">
          <a class="button secondary" href="/teams/\(team.id.db)/edit">Edit</a>
          <form method="post" action="/teams/\(team.id.db)/delete" class="inline">\(Pages.csrfField(context.principal?.csrfToken ?? ""))<button type="submit" class="danger">Delete</button></form>
        </div>
        """ : ""
        let memberList: HTML = members.isEmpty ? "<p class=\"muted\">No members.</p>"
            : "<ul>\(members.map { u -> HTML in "<li><a href=\"/users/\(u.id.db)\">\(u.name)</a> <small>\(u.role.rawValue)</small></li>" })</ul>"
        let serviceList: HTML = services.isEmpty ? "<p class=\"muted\">This team owns no services.</p>"
            : "<ul>\(services.map { s -> HTML in "<li><a href=\"/services/\(s.id.db)\">\(s.name)</a> <span class=\"tier tier-\(s.tier)\">Tier \(s.tier)</span></li>" })</ul>"
        let html = Pages.layout(team.name, principal: context.principal, section: .teams, """
        <p><a href="/teams">← Teams</a></p>
        <h1>\(team.name)</h1>
        <p class="lead">\(team.description)</p>
        \(manage)
        <h2>Members</h2>
        \(memberList)
        <h2>Services</h2>
        \(serviceList)
        """)
        return Pages.response(html)
    }

    func teamForm(_ request: Request, _ context: TocsinRequestContext, team: Team?, view: FormView, status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let people = try await Page.all { try await store.users(UserFilter(), page: $0) }
        let title = team.map { "Edit \($0.name)" } ?? "New team"
        let action = team.map { "/teams/\($0.id.db)/edit" } ?? "/teams/new"
        let html = Pages.layout(title, principal: context.principal, section: .teams, """
        <p><a href="\(url: team.map { "/teams/\($0.id.db)" } ?? "/teams")">← Back</a></p>
        <h1>\(title)</h1>
        \(view.banner(above: """
        <form method="post" action="\(url: action)" class="stack card">
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          \(view.input("name", "Name", required: true))
          \(view.textarea("description", "Description"))
          \(view.select("member_ids", "Members", options: people.map { ($0.id.db, "\($0.name) <\($0.email)>") }, multiple: true,
                        hint: "Hold Ctrl or ⌘ to choose several."))
          <button type="submit">\(team == nil ? "Create team" : "Save changes")</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    func saveTeam(_ request: Request, _ context: TocsinRequestContext, id: UUID?) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let form = try await Form.read(request, context: context)
        let input = TeamInput(name: form["name"] ?? "", description: form["description"] ?? "",
                              memberIDs: try form.ids("member_ids"))
        do {
            let saved = if let id { try await catalog.updateTeam(id: id, input) } else { try await catalog.createTeam(input) }
            return .seeOther("/teams/\(saved.id.db)")
        } catch let error as DomainError where !Self.isNotFound(error) {
            let current = if let id { try await store.team(id: id) } else { Team?.none }
            return try await teamForm(request, context, team: current, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }
}
