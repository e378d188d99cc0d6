import Foundation
import HTTPTypes
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Sign-in, sign-out, first-owner setup and accepting an invitation.
struct AuthPages {
    let env: WebEnvironment

    var accounts: Accounts { env.accounts }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/login") { request, context in try await loginPage(request, context) }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in try await logout(request, context) }
        router.get("/setup") { request, context in try await setupPage(request, context) }
        router.post("/setup") { request, context in try await setup(request, context) }
        router.get("/invite") { request, context in try await invitePage(request, context) }
        router.post("/invite") { request, context in try await acceptInvite(request, context) }
    }

    /// Where signing in lands without a `next`: the incidents, what someone paged at night came for.
    static let landing = "/incidents"

    /// Only paths on this server, so a crafted link cannot send someone elsewhere after sign-in.
    static func safeNext(_ next: String?) -> String {
        // Browsers drop tabs and newlines and read backslashes as slashes, so "/\t/evil" would become
        // "//evil": accept only plain path characters, and never a second leading slash.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~?=&%+")
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.count <= 2000, next.allSatisfy(allowed.contains)
        else { return landing }
        return next
    }

    private func sessionCookie(_ secret: String) -> Cookie {
        Cookie(name: AuthMiddleware.sessionCookie, value: secret, maxAge: Int(env.sessionLifetime), path: "/",
               secure: env.secureCookies, httpOnly: true, sameSite: .lax)
    }

    private func loginForm(_ request: Request, _ context: TocsinRequestContext, view: FormView, status: HTTPResponse.Status = .ok) -> Response {
        let (csrf, cookie) = CSRF.token(for: request, context: context, secure: env.secureCookies)
        let next = Self.safeNext(request.query("next") ?? view.value("next"))
        let html = Pages.layout("Sign in", principal: nil, """
        <h1>Sign in to Tocsin</h1>
        \(view.banner(above: """
        <form method="post" action="/login" class="stack card">
          \(Pages.csrfField(csrf))
          <input type="hidden" name="next" value="\(next)">
          \(view.input("email", "E-mail", type: "email", required: true, autocomplete: "username"))
          \(view.input("password", "Password", type: "password", required: true, autocomplete: "current-password", keepValue: false))
          <button type="submit">Sign in</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status, cookies: cookie.map { [$0] } ?? [])
    }

    func loginPage(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        if context.principal != nil { return .seeOther(Self.safeNext(request.query("next"))) }
        if try await env.store.countUsers() == 0 {
            let html = Pages.layout("Set up Tocsin", principal: nil, """
            <h1>Tocsin is not set up yet</h1>
            <p class="lead">Open the setup link that <code>tocsin serve</code> printed when it started, or create the first owner with
            <code>tocsin user create --role owner</code>.</p>
            """)
            return Pages.response(html)
        }
        return loginForm(request, context, view: FormView())
    }

    func login(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let form = try await Form.read(request, context: context)
        do {
            let (user, secret, _) = try await accounts.signIn(
                email: form["email"] ?? "", password: form["password"] ?? "", throttle: env.signInThrottle,
                address: context.remoteAddress, sessionLifetime: env.sessionLifetime)
            env.logger.info("signed in", metadata: ["user": "\(user.id.db)"])
            var response = Response.seeOther(Self.safeNext(form["next"]))
            response.setCookie(sessionCookie(secret))
            return response
        } catch let error as DomainError {
            var status = HTTPResponse.Status.unauthorized
            var headers: [(HTTPField.Name, String)] = []
            if case .rateLimited(_, let seconds) = error {
                status = .tooManyRequests
                headers.append((.retryAfter, String(seconds)))
            }
            var response = loginForm(request, context, view: FormView(form: form, error: error), status: status)
            for (name, value) in headers { response.headers[name] = value }
            return response
        }
    }

    func logout(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        _ = try await Form.read(request, context: context)
        if case .session(_, let hash)? = context.principal?.credential {
            try await env.store.deleteSession(secretHash: hash)
        }
        var response = Response.seeOther("/login")
        response.setCookie(Cookie(name: AuthMiddleware.sessionCookie, value: "", maxAge: 0, path: "/",
                                  secure: env.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: Setup

    private func validSetupToken(_ secret: String?) async throws -> Bool {
        guard let secret, !secret.isEmpty,
              let token = try await env.store.oneTimeToken(secretHash: Secrets.hash(secret), now: env.now())
        else { return false }
        return token.purpose == .setup
    }

    private func setupForm(_ request: Request, _ context: TocsinRequestContext, token: String, view: FormView,
                           status: HTTPResponse.Status = .ok) -> Response {
        let (csrf, cookie) = CSRF.token(for: request, context: context, secure: env.secureCookies)
        var view = view
        if view.value("time_zone").isEmpty { view.values["time_zone"] = ["UTC"] }
        let html = Pages.layout("Set up Tocsin", principal: nil, """
        <h1>Welcome to Tocsin</h1>
        <p class="lead">Create the first account. It will be an <strong>owner</strong>: it can add people, teams and services.</p>
        \(view.banner(above: """
        <form method="post" action="/setup" class="stack card">
          \(Pages.csrfField(csrf))
          <input type="hidden" name="token" value="\(token)">
          \(view.input("name", "Your name", required: true, autocomplete: "name"))
          \(view.input("email", "E-mail", type: "email", required: true, autocomplete: "username"))
          \(view.select("time_zone", "Time zone", options: FormView.timeZoneOptions))
          \(view.input("password", "Password", type: "password", required: true, hint: "At least \(UserRules.minimumPasswordLength) characters.", autocomplete: "new-password", keepValue: false))
          \(view.input("password_confirm", "Password again", type: "password", required: true, autocomplete: "new-password", keepValue: false))
          <button type="submit">Create owner account</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status, cookies: cookie.map { [$0] } ?? [])
    }

    private func setupUnavailable(alreadyDone: Bool) -> Response {
        let html: HTML = alreadyDone
            ? "<h1>Tocsin is already set up</h1><p class=\"lead\">An account exists. <a href=\"/login\">Sign in</a> instead.</p>"
            : "<h1>This setup link is not valid</h1><p class=\"lead\">It may have expired or been replaced. Restart <code>tocsin serve</code> to print a new one.</p>"
        return Pages.response(Pages.layout("Setup", principal: nil, html), status: alreadyDone ? .gone : .forbidden)
    }

    func setupPage(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        if try await env.store.countUsers() > 0 { return setupUnavailable(alreadyDone: true) }
        let token = request.query("token") ?? ""
        guard try await validSetupToken(token) else { return setupUnavailable(alreadyDone: false) }
        return setupForm(request, context, token: token, view: FormView())
    }

    func setup(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let form = try await Form.read(request, context: context)
        if try await env.store.countUsers() > 0 { return setupUnavailable(alreadyDone: true) }
        let token = form["token"] ?? ""
        guard try await validSetupToken(token) else { return setupUnavailable(alreadyDone: false) }
        do {
            try Self.checkConfirmation(form)
            let owner = NewUser(name: form["name"] ?? "", email: form["email"] ?? "", timeZone: form["time_zone"],
                                role: Role.owner.rawValue, password: form["password"] ?? "")
            _ = try owner.normalized()
            // Spend the link before creating the account: two submissions at once cannot make two owners.
            guard try await env.store.consumeOneTimeToken(secretHash: Secrets.hash(token), now: env.now())?.purpose == .setup,
                  try await env.store.countUsers() == 0
            else { return setupUnavailable(alreadyDone: try await env.store.countUsers() > 0) }
            let (user, _) = try await accounts.createUser(owner, by: nil)
            let (secret, _) = try await accounts.openSession(for: user, lifetime: env.sessionLifetime)
            env.logger.notice("first owner created", metadata: ["user": "\(user.id.db)"])
            var response = Response.seeOther("/services")
            response.setCookie(sessionCookie(secret))
            return response
        } catch let error as DomainError {
            return setupForm(request, context, token: token, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }

    static func checkConfirmation(_ form: Form) throws {
        var v = Validator()
        UserRules.checkPassword(form["password"] ?? "", field: "password", into: &v)
        v.check(form["password"] == form["password_confirm"], "password_confirm", "does not match the password")
        try v.throwIfInvalid()
    }

    // MARK: Invitations

    private func invitedUser(_ secret: String?) async throws -> User? {
        guard let secret, !secret.isEmpty,
              let token = try await env.store.oneTimeToken(secretHash: Secrets.hash(secret), now: env.now()),
              token.purpose == .invitation, let id = token.userID,
              let user = try await env.store.user(id: id), !user.hasPassword
        else { return nil }
        return user
    }

    private func inviteForm(_ request: Request, _ context: TocsinRequestContext, user: User, token: String, view: FormView,
                            status: HTTPResponse.Status = .ok) -> Response {
        let (csrf, cookie) = CSRF.token(for: request, context: context, secure: env.secureCookies)
        let html = Pages.layout("Choose a password", principal: nil, """
        <h1>Welcome, \(user.name)</h1>
        <p class="lead">Choose a password for <strong>\(user.email)</strong> to finish setting up your Tocsin account.</p>
        \(view.banner(above: """
        <form method="post" action="/invite" class="stack card">
          \(Pages.csrfField(csrf))
          <input type="hidden" name="token" value="\(token)">
          \(view.input("password", "Password", type: "password", required: true, hint: "At least \(UserRules.minimumPasswordLength) characters.", autocomplete: "new-password", keepValue: false))
          \(view.input("password_confirm", "Password again", type: "password", required: true, autocomplete: "new-password", keepValue: false))
          <button type="submit">Set password and sign in</button>
        </form>
        """))
        """)
        return Pages.response(html, status: status, cookies: cookie.map { [$0] } ?? [])
    }

    private var invalidInvitation: Response {
        Pages.response(Pages.layout("Invitation", principal: nil, """
        <h1>This invitation is not valid</h1>
        <p class="lead">It may have expired or been replaced by a newer one. Ask an administrator for a new link.</p>
        """), status: .forbidden)
    }

    func invitePage(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let token = request.query("token") ?? ""
        guard let user = try await invitedUser(token) else { return invalidInvitation }
        return inviteForm(request, context, user: user, token: token, view: FormView())
    }

    func acceptInvite(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let form = try await Form.read(request, context: context)
        let token = form["token"] ?? ""
        guard var user = try await invitedUser(token) else { return invalidInvitation }
        do {
            try Self.checkConfirmation(form)
            let hash = try await env.passwords.hash(form["password"] ?? "")
            guard let spent = try await env.store.consumeOneTimeToken(secretHash: Secrets.hash(token), now: env.now()),
                  spent.purpose == .invitation, spent.userID == user.id
            else { return invalidInvitation }
            user = try await env.store.updateUser(id: user.id) { current in
                // Only an account still without a password takes one from an invitation.
                guard !current.hasPassword else { throw DomainError.conflict("this account already has a password") }
                var changed = current
                changed.passwordHash = hash
                changed.updatedAt = env.now()
                return changed
            }
            let (secret, _) = try await accounts.openSession(for: user, lifetime: env.sessionLifetime)
            var response = Response.seeOther(Self.landing)
            response.setCookie(sessionCookie(secret))
            return response
        } catch let error as DomainError {
            return inviteForm(request, context, user: user, token: token, view: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }
}
