import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Escalation policies: the list, each policy with who it would page if an incident opened now, and the editor
/// (levels as an ordered list, targets chosen by name). Everyone signed in reads; admins and owners change them.
struct EscalationPolicyPages {
    let env: WebEnvironment
    var store: any TocsinStore { env.store }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/escalation-policies") { request, context in try await list(request, context) }
        router.get("/escalation-policies/new") { _, context in
            _ = try context.require(.manageCatalog)
            return try await page(context, policy: nil, draft: EscalationPolicyDraft(), view: EscalationPolicyDraft().view)
        }
        router.post("/escalation-policies/new") { request, context in try await submit(request, context, id: nil) }
        router.get("/escalation-policies/:id") { _, context in
            let policy = try await load(context)
            let draft = EscalationPolicyDraft(policy)
            return try await page(context, policy: policy, draft: draft, view: draft.view)
        }
        router.post("/escalation-policies/:id") { request, context in try await submit(request, context, id: try context.id()) }
        router.get("/escalation-policies/:id/delete") { _, context in
            _ = try context.require(.manageCatalog)
            return try await confirmDelete(context, policy: try await load(context), refusal: nil)
        }
        router.post("/escalation-policies/:id/delete") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            let policy = try await load(context)
            do {
                try await store.deleteEscalationPolicy(id: policy.id)
            } catch DomainError.conflict(let reason, _) {
                return try await confirmDelete(context, policy: policy, refusal: reason)
            }
            return Response.seeOther("/escalation-policies")
        }
    }

    private func load(_ context: TocsinRequestContext) async throws -> EscalationPolicy {
        _ = try context.require(.read)
        let id = try context.id()
        guard let policy = try await store.escalationPolicy(id: id) else { throw DomainError.notFound("There is no escalation policy with id \(id.db).") }
        return policy
    }

    private func allServices() async throws -> [Service] {
        try await Page.all { try await store.services(ServiceFilter(), page: $0) }
    }

    // MARK: The list

    func list(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let query = request.query("q") ?? ""
        let teamFilter = request.query("team_id") ?? ""
        let page = try await store.escalationPolicies(EscalationPolicyFilter(teamID: UUID(uuidString: teamFilter), query: query),
                                                      page: try request.pageRequest)
        let teams = try await Page.all { try await store.teams(query: nil, page: $0) }
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let using = Dictionary(grouping: try await allServices().filter { $0.escalationPolicyID != nil }, by: { $0.escalationPolicyID ?? UUID() })
        let rows = page.items.map { p -> HTML in
            let services = using[p.id] ?? []
            let serviceList: HTML = services.isEmpty ? "<span class=\"muted\">none: it pages nobody</span>"
                : services.map { s -> HTML in "<a href=\"/services/\(s.id.db)\">\(s.name)</a>" }.joined(separator: ", ")
            return """
            <tr><td data-label="Policy"><a href="/escalation-policies/\(p.id.db)">\(p.name)</a></td>
            <td data-label="Team">\(teamNames[p.teamID].map { HTML("<a href=\"/teams/\(p.teamID.db)\">\($0)</a>") } ?? "—")</td>
            <td data-label="Levels">\(p.levels.count)</td>
            <td data-label="Runs">\(p.repeatCount == 0 ? "once" : "\(p.repeatCount + 1) times")</td>
            <td data-label="Services">\(serviceList)</td></tr>
            """
        }
        let view = FormView(values: ["team_id": teamFilter])
        let newButton: HTML = me.role.allows(.manageCatalog) ? "<a class=\"button\" href=\"/escalation-policies/new\">New policy</a>" : ""
        let table: HTML = page.items.isEmpty
            ? "<p class=\"card muted\">No escalation policies\(query.isEmpty && teamFilter.isEmpty ? " yet" : " match"). A service pages nobody until it has one.</p>"
            : "<table><thead><tr><th>Policy</th><th>Team</th><th>Levels</th><th>Runs</th><th>Services</th></tr></thead><tbody>\(rows)</tbody></table>"
        let html = Pages.layout("Escalation policies", principal: context.principal, section: .escalation, """
        <div class="actions"><h1>Escalation policies</h1>\(newButton)</div>
        <p class="lead">Who is paged, in what order, when an incident opens on a service and nobody acknowledges.</p>
        <form method="get" action="/escalation-policies" class="filters" role="search">
          <input name="q" value="\(query)" placeholder="Name contains…" aria-label="Name contains">
          \(view.select("team_id", "Team", options: [("", "Any team")] + teams.map { ($0.id.db, $0.name) }))
          <button type="submit" class="secondary">Filter</button>
        </form>
        \(table)
        \(Pages.pager(page, path: "/escalation-policies", query: ["q": query, "team_id": teamFilter]))
        """)
        return Pages.response(html)
    }

    // MARK: One policy: the preview and the editor

    /// The policy page: what it is, who it would page now, and for those who may change it, the form. A new policy
    /// (`policy` nil) shows the form first; the preview follows the draft as edited, saved or not.
    func page(_ context: TocsinRequestContext, policy: EscalationPolicy?, draft: EscalationPolicyDraft, view: FormView,
              edited: Bool = false, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.require(.read)
        let now = env.now()
        let manage = me.role.allows(.manageCatalog)
        let sketch = draft.sketch(of: policy, now: now)
        let turn = try await policy.asyncMap { try await store.nextEscalationTurn(policyID: $0.id) } ?? 0
        let preview = try await EscalationPreview.make(sketch, turn: turn, store: store, now: now)
        let team = try await store.team(id: sketch.teamID)
        let services = try await policy.asyncMap { p in try await allServices().filter { $0.escalationPolicyID == p.id } } ?? []
        let title = policy?.name ?? "New escalation policy"
        let previewHeading: HTML = edited ? "If an incident opened now <small class=\"muted\">(with your changes, not saved yet)</small>" : "If an incident opened now"
        // A blank new form has nothing to preview yet (and "reaches nobody" would only be noise).
        let previewHTML: HTML = sketch.levels.allSatisfy(\.targets.isEmpty) && policy == nil ? "" : """
        <section aria-labelledby="preview"><h2 id="preview">\(previewHeading)</h2>
        \(Self.render(preview, team: team, viewer: me))</section>
        """
        let facts: HTML = policy.map { p in
            let serviceList: HTML = services.isEmpty
                ? "<strong class=\"warning-text\">No service uses it: it pages nobody until one does.</strong>"
                : services.map { s -> HTML in "<a href=\"/services/\(s.id.db)\">\(s.name)</a>" }.joined(separator: ", ")
            return """
            <div class="card"><dl class="facts">
              <dt>Team</dt><dd>\(team.map { HTML("<a href=\"/teams/\($0.id.db)\">\($0.name)</a>") } ?? "—")</dd>
              <dt>Runs</dt><dd>\(p.repeatCount == 0 ? "once through its levels" : "through its levels \(p.repeatCount + 1) times")</dd>
              <dt>Used by</dt><dd>\(serviceList)</dd>
            </dl></div>
            """
        } ?? ""
        let editor: HTML = manage ? try await form(context, policy: policy, draft: draft, view: view) : ""
        let deleteLink: HTML = manage && policy != nil
            ? "<p><a class=\"button secondary\" href=\"/escalation-policies/\(policy?.id.db ?? "")/delete\">Delete this policy…</a></p>" : ""
        // A new policy: the form first. A saved one: what it does first, then the form to change it.
        let body: HTML = policy == nil ? "\(editor)\(previewHTML)" : """
        \(facts)\(previewHTML)\(manage ? HTML("<h2 id=\"edit\">Change it</h2>") : HTML.empty)\(editor)\(deleteLink)
        """
        let html = Pages.layout(title, principal: context.principal, section: .escalation, """
        <p><a href="/escalation-policies">← Escalation policies</a></p>
        <h1>\(title)</h1>
        \(policy.map { p in p.description.isEmpty ? HTML.empty : HTML("<p class=\"lead\">\(p.description)</p>") } ?? "")
        \(body)
        """)
        return Pages.response(html, status: status)
    }

    /// Each level as a card: when it fires, whom each target reaches now and how, and anyone who cannot be reached.
    static func render(_ preview: EscalationPreview, team: Team?, viewer: User) -> HTML {
        var warnings: [HTML] = []
        for index in preview.silentLevels {
            warnings.append("<li><strong>Level \(index + 1) reaches nobody right now.</strong></li>")
        }
        let unreachable = preview.unreachable
        if !unreachable.isEmpty {
            warnings.append("<li><strong>\(ReachText.list(unreachable.map(\.name))) \(unreachable.count == 1 ? "has" : "have") no verified contact method</strong>: \(unreachable.count == 1 ? "a page cannot reach them" : "pages cannot reach them").</li>")
        }
        let warningHTML: HTML = warnings.isEmpty ? "" : "<div class=\"alert\" role=\"alert\"><ul class=\"plain\">\(warnings)</ul></div>"
        func person(_ p: EscalationPreview.Person, until: Date? = nil) -> HTML {
            let name: HTML = "<a href=\"/users/\(p.user.id.db)\">\(p.user.name)</a>"
            // A shift that lasts past the calculation's reach has no end to tell.
            let shift: HTML = until.flatMap { $0 < preview.at.addingTimeInterval(OnCallQueries.instantReach - 60) ? $0 : nil }
                .map { " <small class=\"muted\">on call until \(Pages.formatDate($0, timeZone: viewer.timeZone))</small>" } ?? ""
            guard let how = ReachText.phrase(p.pages) else {
                let fix: HTML = ContactMethods.mayManage(p.user.id, actor: viewer)
                    ? " <a href=\"\(url: p.user.id == viewer.id ? "/me/contact-methods" : "/users/\(p.user.id.db)/contact-methods")\">add one</a>" : ""
                return "\(name)\(shift) <strong class=\"unreachable\">UNREACHABLE</strong> <small>no verified contact method\(fix)</small>"
            }
            // Low urgency (a service may give its incidents that) only where it differs.
            let low: HTML = ReachText.phrase(p.lowUrgencyPages).flatMap { $0 == how ? nil : HTML(" <small class=\"muted\">low urgency: \($0)</small>") } ?? ""
            return "\(name)\(shift): <span class=\"how\">\(how)</span>\(low)"
        }
        let levels = preview.levels.map { level -> HTML in
            let targets = level.targets.map { t -> HTML in
                let missing: HTML = "<strong class=\"unreachable\">no longer exists</strong>"
                switch t.target.kind {
                case .user:
                    return "<li><span class=\"kind\">Person</span> \(t.paged.first.map { person($0) } ?? missing)</li>"
                case .schedule:
                    let name: HTML = t.name.map { HTML("<a href=\"/schedules/\(t.target.id.db)\">\($0)</a>") } ?? missing
                    let who: HTML = t.paged.isEmpty ? "<li><strong class=\"unreachable\">Nobody is on call now</strong></li>"
                        : "\(t.paged.map { p -> HTML in "<li>\(person(p, until: t.onCallUntil[p.user.id]))</li>" })"
                    return "<li><span class=\"kind\">Schedule</span> \(name), whoever is on call:<ul class=\"people\">\(who)</ul></li>"
                case .team:
                    guard let teamName = t.name else { return "<li><span class=\"kind\">Team</span> \(missing)</li>" }
                    let name: HTML = "<a href=\"/teams/\(t.target.id.db)\">\(teamName)</a>"
                    if t.target.teamMode == .roundRobin {
                        let next: HTML = t.paged.first.map { "<li>next: \(person($0))</li>" } ?? "<li><strong class=\"unreachable\">The team has no members</strong></li>"
                        let others = t.rotation.filter { $0.user.id != t.paged.first?.user.id }
                        let rest: HTML = others.isEmpty ? "" : "<li class=\"muted\">then in turn: \(others.map { p -> HTML in person(p) }.joined(separator: "; "))</li>"
                        return "<li><span class=\"kind\">Team</span> \(name), one member per incident in turn:<ul class=\"people\">\(next)\(rest)</ul></li>"
                    }
                    let who: HTML = t.paged.isEmpty ? "<li><strong class=\"unreachable\">The team has no members</strong></li>"
                        : "\(t.paged.map { p -> HTML in "<li>\(person(p))</li>" })"
                    return "<li><span class=\"kind\">Team</span> \(name), every member:<ul class=\"people\">\(who)</ul></li>"
                }
            }
            let isLast = level.index == preview.levels.count - 1
            let then = !isLast ? "then level \(level.index + 2)" : level.firesAt.count > 1 ? "then level 1 again (until the last pass)" : "then the policy runs out"
            let empty: HTML = level.targets.isEmpty ? "<li class=\"muted\">No targets chosen.</li>" : ""
            return """
            <li class="level card"><h3>Level \(level.index + 1) <small class="muted">\(ReachText.minutes(level.firesAt))</small></h3>
            <ul class="targets">\(targets)\(empty)</ul>
            <p class="muted">Waits \(level.delayMinutes) minute\(level.delayMinutes == 1 ? "" : "s") for an acknowledgement, \(then).</p></li>
            """
        }
        let runsOut: HTML = "<p>Nobody acknowledged after \(preview.runsOutAt) minutes: the policy runs out and \(team.map { HTML("the team <a href=\"/teams/\($0.id.db)\">\($0.name)</a>") } ?? "its team") is told, every member at once.</p>"
        return """
        \(warningHTML)
        <ol class="levels">\(levels)</ol>
        \(runsOut)
        <p class="muted">Worked out for \(Pages.formatDate(preview.at, timeZone: viewer.timeZone)) with each person's rules for a high-urgency incident (and a low-urgency one where they differ), as the engine would page them.</p>
        """
    }

    /// The editor. Its buttons other than Save redraw it changed (nothing is saved); Save is also the form's
    /// default, so Enter in a field saves.
    func form(_ context: TocsinRequestContext, policy: EscalationPolicy?, draft: EscalationPolicyDraft, view: FormView) async throws -> HTML {
        let teams = try await Page.all { try await store.teams(query: nil, page: $0) }
        let users = try await Page.all { try await store.users(UserFilter(), page: $0) }
        let schedules = try await env.onCall.allSchedules()
        let action = policy.map { "/escalation-policies/\($0.id.db)" } ?? "/escalation-policies/new"
        // A person's e-mail only where two share a name.
        let names = Dictionary(grouping: users, by: \.name)
        let groups: [(label: String, options: [(value: String, label: String)])] = [
            ("Schedules: whoever is on call", schedules.map { ("schedule:" + $0.id.db, $0.name) }),
            ("People", users.map { ("user:" + $0.id.db, (names[$0.name]?.count ?? 0) > 1 ? "\($0.name) (\($0.email))" : $0.name) }),
            ("Teams: every member", teams.map { ("team:" + $0.id.db, "\($0.name), every member") }),
            ("Teams: one member in turn (round robin)", teams.map { ("team_rr:" + $0.id.db, "\($0.name), one in turn") }),
        ]
        let known = Set(groups.flatMap { $0.options.map(\.value) })
        func choice(_ name: String, chosen: String, label: String, blank: String?) -> HTML {
            let optionGroups = groups.filter { !$0.options.isEmpty }.map { group -> HTML in
                let options = group.options.map { o -> HTML in
                    "<option value=\"\(o.value)\"\(o.value == chosen ? HTML(" selected") : HTML.empty)>\(o.label)</option>"
                }
                return "<optgroup label=\"\(group.label)\">\(options)</optgroup>"
            }
            let first: HTML = blank.map { "<option value=\"\">\($0)</option>" } ?? ""
            let unknown: HTML = chosen.isEmpty || known.contains(chosen) ? "" : "<option value=\"\(chosen)\" selected>Unknown choice</option>"
            return "<select name=\"\(name)\" aria-label=\"\(label)\">\(first)\(unknown)\(optionGroups)</select>"
        }
        let count = draft.levels.count
        let fieldsets = draft.levels.enumerated().map { i, level -> HTML in
            let field = "levels[\(i)]"
            view.record("\(field).targets", "Targets", named: "Targets of level \(i + 1)")
            let rows = level.targets.enumerated().map { j, value -> HTML in
                """
                <div class="target-row">\(choice("\(field).targets", chosen: value, label: "Level \(i + 1), target \(j + 1)", blank: nil))\
                <button type="submit" name="action" value="remove_target:\(i):\(j)" class="secondary" formnovalidate>Remove</button></div>
                """
            }
            let spare: HTML = level.targets.count < EscalationPolicy.maximumTargetsPerLevel ? """
            <div class="target-row">\(choice("\(field).targets", chosen: "", label: "Level \(i + 1), add a target", blank: "Add a person, schedule or team…"))\
            <button type="submit" name="action" value="add_target:\(i)" class="secondary" formnovalidate>Add</button></div>
            """ : ""
            let up: HTML = i > 0 ? "<button type=\"submit\" name=\"action\" value=\"up:\(i)\" class=\"secondary\" formnovalidate>Move up</button>" : ""
            let down: HTML = i + 1 < count ? "<button type=\"submit\" name=\"action\" value=\"down:\(i)\" class=\"secondary\" formnovalidate>Move down</button>" : ""
            return """
            <fieldset class="level" id="level-\(i + 1)"><legend>Level \(i + 1)</legend>
              <div class="targets" id="\(field).targets"><span class="label">Page</span>\(rows)\(spare)\(view.errorText("\(field).targets"))</div>
              \(view.input("\(field).delay_minutes", "Then wait for an acknowledgement (minutes)", type: "number",
                           hint: i + 1 < count ? "Before level \(i + 2) is paged. 1 to 1440." : "Before the policy starts again or runs out. 1 to 1440.",
                           named: "Wait after level \(i + 1)"))
              <div class="actions">\(up)\(down)<button type="submit" name="action" value="remove_level:\(i)" class="secondary" formnovalidate>Remove level \(i + 1)</button></div>
            </fieldset>
            """
        }
        let addLevel: HTML = count < EscalationPolicy.maximumLevels
            ? "<button type=\"submit\" name=\"action\" value=\"add_level\" class=\"secondary\" formnovalidate>Add a level</button>" : ""
        let repeats = (0...EscalationPolicy.maximumRepeat).map { n -> (value: String, label: String) in
            (String(n), n == 0 ? "No: run the levels once" : "Yes, \(n) more time\(n == 1 ? "" : "s") (\(n + 1) passes in all)")
        }
        return view.banner(above: """
        <form method="post" action="\(url: action)" class="stack card policy">
          <button type="submit" name="action" value="save" class="default-action" tabindex="-1" aria-hidden="true">Save</button>
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          <input type="hidden" name="levels" value="\(String(count))">
          \(view.input("name", "Name", required: true))
          \(view.input("description", "Description (optional)"))
          \(view.select("team_id", "Team", options: [("", "Choose the team that answers its pages…")] + teams.map { ($0.id.db, $0.name) },
                        hint: "Told when the policy runs out with nobody acknowledging."))
          \(view.select("repeat", "Start again after the last level?", options: repeats))
          <h3>Levels, in order</h3>
          <p class="muted">Each level pages its targets at once, then waits for an acknowledgement before the next one.</p>
          \(fieldsets)
          <div class="actions">\(addLevel)</div>
          <div class="actions"><button type="submit" name="action" value="save">\(policy == nil ? "Create policy" : "Save changes")</button></div>
        </form>
        """)
    }

    func submit(_ request: Request, _ context: TocsinRequestContext, id: UUID?) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let form = try await Form.read(request, context: context)
        let existing = try await id.asyncMap { try await store.escalationPolicy(id: $0) } ?? nil
        if id != nil && existing == nil { throw DomainError.notFound("There is no escalation policy with that id.") }
        var draft = EscalationPolicyDraft(form: form)
        let action = form["action"] ?? "save"
        if action != "save" {
            draft.apply(action)
            return try await page(context, policy: existing, draft: draft, view: draft.view, edited: true)
        }
        do {
            let input = try draft.input(changing: existing, now: env.now())
            let saved = if let id { try await env.catalog.updateEscalationPolicy(id: id, input) } else { try await env.catalog.createEscalationPolicy(input) }
            return Response.seeOther("/escalation-policies/\(saved.id.db)")
        } catch let error as DomainError where !CatalogPages.isNotFound(error) {
            var view = FormView(form: form, error: error)
            view.values = draft.view.values
            return try await page(context, policy: existing, draft: draft, view: view, edited: true,
                                  status: error.isConflict ? .conflict : .unprocessableContent)
        }
    }

    // MARK: Delete

    func confirmDelete(_ context: TocsinRequestContext, policy: EscalationPolicy, refusal: String?) async throws -> Response {
        let services = try await allServices().filter { $0.escalationPolicyID == policy.id }
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        let serviceList: HTML = "<ul>\(services.map { s -> HTML in "<li><a href=\"/services/\(s.id.db)/edit\">\(s.name)</a></li>" })</ul>"
        let body: HTML
        if let refusal {
            body = """
            <div class="alert" role="alert"><p><strong>Not deleted:</strong> \(refusal).</p>\(services.isEmpty ? HTML.empty : serviceList)</div>
            <p><a href="/escalation-policies/\(policy.id.db)">← Back to the policy</a></p>
            """
        } else if !services.isEmpty {
            body = """
            <div class="alert" role="alert"><p>These services use it. Give each of them another policy first:</p>\(serviceList)</div>
            <p><a href="/escalation-policies/\(policy.id.db)">← Back to the policy</a></p>
            """
        } else {
            body = """
            <p class="lead">No service uses it. Incidents already escalating by it keep their copy and go on.</p>
            <form method="post" action="/escalation-policies/\(policy.id.db)/delete" class="actions">\(csrf)
            <button type="submit" class="danger">Delete \(policy.name)</button> <a href="/escalation-policies/\(policy.id.db)">Keep it</a></form>
            """
        }
        let html = Pages.layout("Delete \(policy.name)", principal: context.principal, section: .escalation, """
        <p><a href="/escalation-policies">← Escalation policies</a></p>
        <h1>Delete \(policy.name)?</h1>
        \(body)
        """)
        return Pages.response(html, status: refusal == nil ? .ok : .conflict)
    }
}

extension DomainError {
    var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}
