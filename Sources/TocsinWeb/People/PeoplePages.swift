import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// People (users) and one's own account: profile, password and API tokens.
struct PeoplePages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }
    var accounts: Accounts { env.accounts }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/users") { request, context in try await userList(request, context) }
        router.get("/users/new") { request, context in try await newUserForm(request, context, view: FormView(values: ["role": "responder", "time_zone": "UTC"])) }
        router.post("/users/new") { request, context in try await createUser(request, context) }
        router.get("/users/:id") { request, context in try await userDetail(request, context, notice: nil) }
        router.get("/users/:id/edit") { request, context in
            let user = try await loadUser(context)
            return try editUserForm(request, context, user: user,
                                    view: FormView(values: ["name": user.name, "email": user.email, "time_zone": user.timeZone, "role": user.role.rawValue]))
        }
        router.post("/users/:id/edit") { request, context in try await updateUser(request, context) }
        router.post("/users/:id/delete") { request, context in
            let me = try context.require(.manageUsers)
            _ = try await Form.read(request, context: context)
            try await accounts.deleteUser(id: try context.id(), by: me)
            return Response.seeOther("/users")
        }
        router.post("/users/:id/invitation") { request, context in
            let me = try context.require(.manageUsers)
            _ = try await Form.read(request, context: context)
            let user = try await loadUser(context)
            let secret = try await accounts.reinvite(user, by: me)
            return try await userDetail(request, context, notice: invitationNotice(secret))
        }
        router.get("/account") { request, context in try await accountPage(request, context, view: FormView(), notice: nil) }
        router.post("/account/tokens") { request, context in try await createToken(request, context) }
        router.post("/account/tokens/:id/delete") { request, context in
            let me = try context.require(.read)
            _ = try await Form.read(request, context: context)
            let id = try context.id()
            guard let token = try await store.token(id: id), token.userID == me.id else { throw DomainError.notFound("There is no such token.") }
            try await store.deleteToken(id: id)
            return Response.seeOther("/account")
        }
    }

    private func loadUser(_ context: TocsinRequestContext) async throws -> User {
        _ = try context.require(.read)
        let id = try context.id()
        guard let user = try await store.user(id: id) else { throw DomainError.notFound("There is no person with id \(id.db).") }
        return user
    }

    private func invitationNotice(_ secret: String) -> HTML {
        """
        <div class="notice" role="status"><p>Send this invitation link to the person. It works once, for \(Int(Accounts.invitationLifetime / 86400)) days:</p>
        <p class="secret" id="invitation-link">\(env.link("/invite?token=" + secret))</p></div>
        """
    }

    func userList(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let query = request.query("q") ?? ""
        let role = request.query("role") ?? ""
        let page = try await store.users(UserFilter(role: Role.parse(role), query: query), page: try request.pageRequest)
        let rows = page.items.map { u -> HTML in
            let pending: HTML = u.hasPassword ? "" : " <small class=\"muted\">(invited)</small>"
            return """
            <tr><td data-label="Name"><a href="/users/\(u.id.db)">\(u.name)</a>\(pending)</td><td data-label="E-mail">\(u.email)</td>\
            <td data-label="Role">\(u.role.rawValue)</td><td data-label="Time zone">\(u.timeZone)</td></tr>
            """
        }
        let newButton: HTML = me.role.allows(.manageUsers) ? "<a class=\"button\" href=\"/users/new\">Add person</a>" : ""
        let view = FormView(values: ["role": role])
        let html = Pages.layout("People", principal: context.principal, section: .users, """
        <div class="actions"><h1>People</h1>\(newButton)</div>
        <form method="get" action="/users" class="filters" role="search">
          <input name="q" value="\(query)" placeholder="Name or e-mail contains…" aria-label="Name or e-mail contains">
          \(view.select("role", "Role", options: [("", "Any role")] + Role.allCases.map { ($0.rawValue, $0.rawValue) }))
          <button type="submit" class="secondary">Filter</button>
        </form>
        <table><thead><tr><th>Name</th><th>E-mail</th><th>Role</th><th>Time zone</th></tr></thead><tbody>\(rows)</tbody></table>
        \(Pages.pager(page, path: "/users", query: ["q": query, "role": role]))
        """)
        return Pages.response(html)
    }

    func userDetail(_ request: Request, _ context: TocsinRequestContext, notice: HTML?, shown: User? = nil) async throws -> Response {
        let user: User
        if let shown { user = shown } else { user = try await loadUser(context) }
        let me = try context.require(.read)
        let teams = try await store.teams(memberID: user.id)
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        var actions: [HTML] = []
        if me.id == user.id || me.role.allows(.manageUsers) {
            actions.append("<a class=\"button secondary\" href=\"/users/\(user.id.db)/edit\">Edit</a>")
            let path = me.id == user.id ? "/me/contact-methods" : "/users/\(user.id.db)/contact-methods"
            actions.append("<a class=\"button secondary\" href=\"\(url: path)\">Contact methods and rules</a>")
        }
        if me.role.allows(.manageUsers) {
            if !user.hasPassword {
                actions.append("<form method=\"post\" action=\"/users/\(user.id.db)/invitation\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">New invitation link</button></form>")
            }
            if me.id != user.id {
                actions.append("<form method=\"post\" action=\"/users/\(user.id.db)/delete\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"danger\">Remove</button></form>")
            }
        }
        let teamList: HTML = teams.isEmpty ? "<p class=\"muted\">Not on any team.</p>"
            : "<ul>\(teams.map { t -> HTML in "<li><a href=\"/teams/\(t.id.db)\">\(t.name)</a></li>" })</ul>"
        let html = Pages.layout(user.name, principal: context.principal, section: .users, """
        <p><a href="/users">← People</a></p>
        <h1>\(user.name)</h1>
        \(notice ?? "")
        <div class="actions">\(actions)</div>
        <div class="card"><dl class="facts">
          <dt>E-mail</dt><dd>\(user.email)</dd>
          <dt>Role</dt><dd>\(user.role.rawValue)</dd>
          <dt>Time zone</dt><dd>\(user.timeZone)</dd>
          <dt>Account</dt><dd>\(user.hasPassword ? "active" : "invited, no password yet")</dd>
        </dl></div>
        <h2>Teams</h2>
        \(teamList)
        """)
        return Pages.response(html)
    }

    private func roleOptions(for actor: User) -> [(value: String, label: String)] {
        Role.allCases.filter { actor.role.allows(.manageOwners) || $0 != .owner }.map { ($0.rawValue, $0.rawValue) }
    }

    func newUserForm(_ request: Request, _ context: TocsinRequestContext, view: FormView, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.require(.manageUsers)
        let html = Pages.layout("Add person", principal: context.principal, section: .users, """
        <p><a href="/users">← People</a></p>
        <h1>Add a person</h1>
        \(view.banner(above: """
        <form method="post" action="/users/new" class="stack card">
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          \(view.input("name", "Name", required: true))
          \(view.input("email", "E-mail", type: "email", required: true))
          \(view.select("role", "Role", options: roleOptions(for: me), hint: "Observers can only look; responders act on incidents; admins manage people and services."))
          \(view.select("time_zone", "Time zone", options: FormView.timeZoneOptions))
          \(view.input("password", "Password (optional)", type: "password", hint: "Leave empty to get an invitation link that lets them choose one.", autocomplete: "new-password", keepValue: false))
          <button type="submit">Add person</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    func createUser(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.manageUsers)
        let form = try await Form.read(request, context: context)
        let password = form["password"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let (user, invitation) = try await accounts.createUser(
                NewUser(name: form["name"] ?? "", email: form["email"] ?? "", timeZone: form["time_zone"], role: form["role"], password: password),
                by: me)
            guard let invitation else { return Response.seeOther("/users/\(user.id.db)") }
            return try await userDetail(request, context, notice: invitationNotice(invitation), shown: user)
        } catch let error as DomainError {
            return try await newUserForm(request, context, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }

    func editUserForm(_ request: Request, _ context: TocsinRequestContext, user: User, view: FormView, status: HTTPResponse.Status = .ok) throws -> Response {
        let me = try context.require(.read)
        guard me.id == user.id || me.role.allows(.manageUsers) else { throw DomainError.forbidden("You can only edit your own profile.") }
        let adminFields: HTML = me.role.allows(.manageUsers) ? """
        \(view.input("email", "E-mail", type: "email", required: true))
        \(view.select("role", "Role", options: roleOptions(for: me)))
        """ : ""
        let html = Pages.layout("Edit \(user.name)", principal: context.principal, section: me.id == user.id ? .account : .users, """
        <p><a href="/users/\(user.id.db)">← Back</a></p>
        <h1>Edit \(user.name)</h1>
        \(view.banner(above: """
        <form method="post" action="/users/\(user.id.db)/edit" class="stack card">
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          \(view.input("name", "Name", required: true))
          \(adminFields)
          \(view.select("time_zone", "Time zone", options: FormView.timeZoneOptions))
          \(view.input("password", "New password", type: "password", hint: "Leave empty to keep the current one. Changing it signs out every session.", autocomplete: "new-password", keepValue: false))
          <button type="submit">Save changes</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    func updateUser(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let user = try await loadUser(context)
        let form = try await Form.read(request, context: context)
        let admin = me.role.allows(.manageUsers)
        let changes = UserChanges(
            name: form["name"], email: admin ? form["email"] : nil, timeZone: form["time_zone"],
            role: admin && form["role"] != user.role.rawValue ? form["role"] : nil,
            password: form["password"].flatMap { $0.isEmpty ? nil : $0 })
        do {
            _ = try await accounts.updateUser(id: user.id, changes: changes, by: me)
            if changes.password != nil && me.id == user.id { return Response.seeOther("/login") }
            return Response.seeOther("/users/\(user.id.db)")
        } catch let error as DomainError where !CatalogPages.isNotFound(error) {
            return try editUserForm(request, context, user: user, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }

    // MARK: Account

    func accountPage(_ request: Request, _ context: TocsinRequestContext, view: FormView, notice: HTML?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.require(.read)
        let tokens = try await store.tokens(userID: me.id)
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        let rows = tokens.map { t -> HTML in
            let used = t.lastUsedAt.map { Pages.formatDate($0, timeZone: me.timeZone) } ?? "never"
            return """
            <tr><td data-label="Name">\(t.name)</td><td data-label="Starts with"><code>\(t.hint)…</code></td>\
            <td data-label="Access">\(t.readOnly ? "read-only" : "read and write")</td><td data-label="Last used">\(used)</td>
            <td data-label=""><form method="post" action="/account/tokens/\(t.id.db)/delete" class="inline">\(csrf)<button type="submit" class="secondary">Revoke</button></form></td></tr>
            """
        }
        let table: HTML = tokens.isEmpty ? "<p class=\"muted\">No API tokens.</p>"
            : "<table><thead><tr><th>Name</th><th>Starts with</th><th>Access</th><th>Last used</th><th></th></tr></thead><tbody>\(rows)</tbody></table>"
        let readOnlyNote: HTML = me.role.allows(.respond) ? "" : "<small>As an observer, your tokens can only read.</small>"
        let verified = try await store.contactMethods(userID: me.id).filter(\.isVerified).count
        let paging: HTML = verified == 0 ? """
        <div class="alert" role="alert"><p><strong>Tocsin cannot page you yet:</strong> you have no verified contact method.
        <a href="/me/contact-methods">Add one and verify it</a>.</p></div>
        """ : """
        <p>Pages reach you through \(verified) verified contact method\(verified == 1 ? "" : "s"). <a href="/me/contact-methods">My contact methods and rules</a>: add or verify one, choose when each is used, and send yourself a test page.</p>
        """
        let html = Pages.layout("Your account", principal: context.principal, section: .account, """
        <h1>Your account</h1>
        <div class="card"><dl class="facts">
          <dt>Name</dt><dd>\(me.name)</dd><dt>E-mail</dt><dd>\(me.email)</dd><dt>Role</dt><dd>\(me.role.rawValue)</dd><dt>Time zone</dt><dd>\(me.timeZone)</dd>
        </dl><p><a href="/users/\(me.id.db)/edit">Edit profile or change password</a></p></div>
        <h2>When you are paged</h2>
        \(paging)
        <h2>API tokens</h2>
        <p class="muted">Send a token as <code>Authorization: Bearer &lt;token&gt;</code> to <code>/api/v1</code>. It is shown once, when created.</p>
        \(notice ?? "")
        \(table)
        \(view.banner(above: """
        <form method="post" action="/account/tokens" class="stack card">
          \(csrf)
          \(view.input("name", "Token name", required: true, hint: "What will use it, e.g. \"deploy script\"."))
          \(view.checkbox("read_only", "Read-only", value: "1"))
          \(readOnlyNote)
          <button type="submit">Create token</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    func createToken(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let form = try await Form.read(request, context: context)
        do {
            let (_, secret) = try await accounts.createToken(for: me, name: form["name"] ?? "", readOnly: form["read_only"] != nil)
            let notice: HTML = """
            <div class="notice" role="status"><p>Your new token. Copy it now: it will not be shown again.</p><p class="secret" id="new-token">\(secret)</p></div>
            """
            return try await accountPage(request, context, view: FormView(), notice: notice, status: .created)
        } catch let error as DomainError {
            return try await accountPage(request, context, view: FormView(form: form, error: error), notice: nil, status: .unprocessableContent)
        }
    }
}
