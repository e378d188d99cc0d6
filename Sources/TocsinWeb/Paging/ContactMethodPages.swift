import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// "My contact methods and rules" (`/me/contact-methods`), and an admin's view of anyone's
/// (`/users/{id}/contact-methods`): the methods, verifying them, a test page through each, and the notification
/// rules read as sentences. The same use cases, permissions and limits as the API.
struct ContactMethodPages {
    let env: WebEnvironment
    var store: any TocsinStore { env.store }
    var contacts: ContactMethods { env.contactMethods }

    /// Whose page it is, and who is looking.
    struct Owner {
        var person: User
        var actor: User
        var base: String
        var isSelf: Bool { person.id == actor.id }
    }

    /// What the page shows besides the methods and rules: a notice, the forms' states and answers.
    struct State {
        var notice: HTML = ""
        var addForm = FormView(values: ["type": "email"])
        var ruleForm = FormView(values: ["urgency": "high", "delay_minutes": "0"])
        /// The verification form of one method, with what was wrong with its code.
        var codeForms: [UUID: FormView] = [:]
        /// The change form of one method (address and label), open, with what was wrong.
        var editForms: [UUID: FormView] = [:]
        var status: HTTPResponse.Status = .ok
    }

    static let kinds: [(value: String, label: String)] = [
        ("email", "E-mail"), ("sms", "SMS"), ("voice", "Voice call"), ("push", "Push (ntfy)"), ("slack", "Slack direct message"),
        ("teams", "Microsoft Teams (workflow URL)"), ("webhook", "Webhook (signed POST)"),
    ]

    func register(_ router: Router<TocsinRequestContext>) {
        routes(router, "/me/contact-methods") { context in
            let actor = try context.require(.read)
            return Owner(person: actor, actor: actor, base: "/me/contact-methods")
        }
        routes(router, "/users/:id/contact-methods") { context in
            let actor = try context.require(.read)
            let id = try context.id()
            guard ContactMethods.mayManage(id, actor: actor) else {
                throw DomainError.forbidden("People see and manage their own contact methods and rules; admins manage anyone's.")
            }
            guard let person = try await store.user(id: id) else { throw DomainError.notFound("There is no person with id \(id.db).") }
            return Owner(person: person, actor: actor, base: "/users/\(id.db)/contact-methods")
        }
    }

    private func routes(_ router: Router<TocsinRequestContext>, _ base: String,
                        owner: @escaping @Sendable (TocsinRequestContext) async throws -> Owner) {
        router.get(RouterPath(base)) { _, context in try await page(context, try await owner(context), State()) }
        router.post(RouterPath(base + "/methods")) { request, context in
            let who = try await owner(context)
            let form = try await Form.read(request, context: context)
            var state = State()
            do {
                let (method, sent) = try await contacts.create(
                    for: who.person.id, ContactMethodInput(kind: form["type"] ?? "", address: form["address"] ?? "", label: form["label"] ?? ""),
                    verified: false, by: who.actor)
                let secret: HTML = method.signingSecret.map { """
                    <p>This webhook's messages are signed with this key (HMAC-SHA256, header <code>X-Tocsin-Signature</code>). Copy it now: it is not shown again.</p>
                    <p class="secret" id="signing-secret">\($0)</p>
                    """ } ?? ""
                state.notice = """
                <div class="\(sent ? "notice" : "warning")" role="status"><p>Added \(ReachText.kind(method.kind)) <code>\(method.address)</code>. \(Self.codeNews(sent))</p>\(secret)</div>
                """
                state.status = .created
            } catch let error as DomainError where !Self.isAccessError(error) {
                state.addForm = FormView(form: form, error: error)
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        router.post(RouterPath(base + "/:method_id/verify")) { request, context in
            let who = try await owner(context)
            let form = try await Form.read(request, context: context)
            let id = try context.id("method_id")
            var state = State()
            do {
                let method = try await contacts.verify(id, of: who.person.id, code: form["code"] ?? "", by: who.actor)
                state.notice = "<p class=\"notice\" role=\"status\">Verified: pages can reach \(who.isSelf ? "you" : who.person.name) by \(ReachText.kind(method.kind)) at <code>\(method.address)</code> now.</p>"
            } catch let error as DomainError where !Self.isAccessError(error) {
                var view = FormView(form: form, error: error)
                view.values["code"] = []
                state.codeForms[id] = view
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        router.post(RouterPath(base + "/:method_id/send-code")) { request, context in
            let who = try await owner(context)
            _ = try await Form.read(request, context: context)
            let id = try context.id("method_id")
            var state = State()
            do {
                let sent = try await contacts.resendCode(id, of: who.person.id, by: who.actor)
                state.notice = "<p class=\"\(sent ? "notice" : "warning")\" role=\"status\">\(Self.codeNews(sent))</p>"
            } catch let error as DomainError where !Self.isAccessError(error) {
                state.codeForms[id] = FormView(values: [:], errors: [], message: error.description)
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        router.post(RouterPath(base + "/:method_id/test")) { request, context in
            let who = try await owner(context)
            _ = try await Form.read(request, context: context)
            let id = try context.id("method_id")
            var state = State()
            do {
                let result = try await contacts.sendTestPage(id, of: who.person.id, by: who.actor)
                let method = try await store.contactMethod(id: id)
                let to: HTML = method.map { "\(ReachText.kind($0.kind)) <code>\($0.address)</code>" } ?? "the method"
                switch result {
                case .sent(let providerID):
                    state.notice = """
                    <p class="notice" role="status">Test page sent to \(to)\(providerID.map { HTML(" (provider id <code>\($0)</code>)") } ?? HTML(" (the provider gave no message id)")). Check that it arrived.</p>
                    """
                case .transient(let reason), .rateLimited(let reason, _):
                    state.notice = "<p class=\"alert\" role=\"alert\">The test page to \(to) did not go: \(reason). Try again in a minute.</p>"
                case .permanent(let reason):
                    state.notice = "<p class=\"alert\" role=\"alert\">The test page to \(to) failed: \(reason).</p>"
                }
            } catch let error as DomainError where !Self.isAccessError(error) {
                state.notice = "<p class=\"alert\" role=\"alert\">No test page was sent: \(error.description).</p>"
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        // A new address or label, keeping the method's rules; a new address is verified again before pages go there.
        router.post(RouterPath(base + "/:method_id/edit")) { request, context in
            let who = try await owner(context)
            let form = try await Form.read(request, context: context)
            let id = try context.id("method_id")
            var state = State()
            do {
                let before = try await store.contactMethod(id: id)
                let (method, sent) = try await contacts.update(id, of: who.person.id,
                                                               ContactMethodInput(address: form["address"] ?? "", label: form["label"] ?? ""), by: who.actor)
                state.notice = before?.address == method.address ? "<p class=\"notice\" role=\"status\">Saved.</p>" : """
                    <p class="\(sent ? "warning" : "alert")" role="status">Changed to <code>\(method.address)</code>: no pages go there until it is \
                    verified. \(Self.codeNews(sent))</p>
                    """
            } catch let error as DomainError where !Self.isAccessError(error) {
                state.editForms[id] = FormView(form: form, error: error)
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        router.post(RouterPath(base + "/:method_id/delete")) { request, context in
            let who = try await owner(context)
            _ = try await Form.read(request, context: context)
            try await store.deleteContactMethod(id: try context.id("method_id"), userID: who.person.id)
            return Response.seeOther(who.base)
        }
        router.post(RouterPath(base + "/rules")) { request, context in
            let who = try await owner(context)
            let form = try await Form.read(request, context: context)
            var state = State()
            do {
                var v = Validator()
                let methodText = form["contact_method_id"] ?? ""
                let method = UUID(uuidString: methodText)
                if !methodText.isEmpty && method == nil { v.add("contact_method_id", "is not one of the contact methods") }
                let delayText = (form["delay_minutes"] ?? "").trimmed
                let delay = delayText.isEmpty ? 0 : Int(delayText)
                if delay == nil { v.add("delay_minutes", "must be a whole number of minutes from 0 to 1440") }
                try v.throwIfInvalid()
                _ = try await contacts.createRule(for: who.person.id, contactMethodID: method, urgency: form["urgency"], delayMinutes: delay, by: who.actor)
                return Response.seeOther(who.base + "#rules")
            } catch let error as DomainError where !Self.isAccessError(error) {
                state.ruleForm = FormView(form: form, error: error)
                state.status = Self.status(of: error)
            }
            return try await page(context, who, state)
        }
        router.post(RouterPath(base + "/rules/:rule_id/delete")) { request, context in
            let who = try await owner(context)
            _ = try await Form.read(request, context: context)
            try await store.deleteNotificationRule(id: try context.id("rule_id"), userID: who.person.id)
            return Response.seeOther(who.base + "#rules")
        }
    }

    static func codeNews(_ sent: Bool) -> String {
        sent ? "A six-digit code was sent to it: enter it below to verify it."
            : "The verification code could not be sent (this channel may not be set up on this Tocsin; the reason is in the server's log). Ask for a new code later, or ask an admin."
    }

    /// Someone else's page, or a method or rule that is not there: the error page, not the form.
    static func isAccessError(_ error: DomainError) -> Bool {
        switch error {
        case .forbidden, .notFound, .unauthenticated: return true
        default: return false
        }
    }

    static func status(of error: DomainError) -> HTTPResponse.Status {
        switch error {
        case .conflict: return .conflict
        case .rateLimited: return .tooManyRequests
        default: return .unprocessableContent
        }
    }

    // MARK: The page

    func page(_ context: TocsinRequestContext, _ who: Owner, _ state: State) async throws -> Response {
        let methods = try await store.contactMethods(userID: who.person.id)
        let rules = try await store.notificationRules(userID: who.person.id)
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        let now = env.now()
        let you = who.isSelf ? "you" : who.person.name
        let byID = Dictionary(methods.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func describe(_ m: ContactMethod) -> String {
            let kind = ReachText.kind(m.kind)
            return kind.prefix(1).uppercased() + kind.dropFirst() + (m.label.isEmpty ? "" : " (\(m.label))")
        }

        // What the engine would do for each urgency, in one sentence each.
        let high = NotificationDraft.plan(for: who.person.id, rules: rules, methods: methods, urgency: .high, at: now)
        let low = NotificationDraft.plan(for: who.person.id, rules: rules, methods: methods, urgency: .low, at: now)
        let summary: HTML
        if let highText = ReachText.sentence(high) {
            let lowText = ReachText.sentence(low) ?? highText
            summary = """
            <div class="card"><p class="reach"><strong>High urgency:</strong> \(highText).</p><p class="reach"><strong>Low urgency:</strong> \(lowText).</p></div>
            """
        } else {
            summary = """
            <div class="alert" role="alert"><p><strong>Tocsin cannot page \(you)</strong>: \(who.isSelf ? "you have" : "they have") no verified contact method. Add one below and verify it with the code it receives.</p></div>
            """
        }

        let cards = methods.map { m -> HTML in
            let base = "\(who.base)/\(m.id.db)"
            let badge: HTML = m.isVerified ? "<span class=\"verified\">verified</span>" : "<span class=\"unverified\">not verified: no pages go here</span>"
            var forms: [HTML] = []
            if m.isVerified {
                forms.append("<form method=\"post\" action=\"\(url: base + "/test")\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Send \(who.isSelf ? "me" : "them") a test page</button></form>")
            }
            forms.append("<form method=\"post\" action=\"\(url: base + "/delete")\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Delete</button></form>")
            var verify: HTML = ""
            if !m.isVerified {
                let view = state.codeForms[m.id] ?? FormView()
                let message: HTML = view.message.map { "<p class=\"field-error\" role=\"alert\">\($0)</p>" } ?? ""
                verify = """
                <form method="post" action="\(url: base + "/verify")" class="inline-field">\(csrf)
                  <label for="code-\(m.id.db)">Code</label>
                  <input id="code-\(m.id.db)" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" value="\(view.value("code"))"\(view.errors.isEmpty ? HTML.empty : HTML(" aria-invalid=\"true\""))>
                  <button type="submit">Verify</button>
                </form>
                \(view.errors.isEmpty ? HTML.empty : HTML("<p class=\"field-error\" id=\"code-\(m.id.db)-error\">Code: \(view.errors.map(\.reason).joined(separator: "; "))</p>"))\(message)
                <form method="post" action="\(url: base + "/send-code")" class="inline">\(csrf)<button type="submit" class="link">Send a new code</button></form>
                """
            }
            // Changing the address or label keeps the method's rules (deleting and adding again would lose them).
            let change = state.editForms[m.id]
            let changeErrors: HTML = change.map { view in
                let lines = view.errors.map { "\($0.field == "label" ? "Label" : "Address"): \($0.reason)" } + (view.message.map { [$0] } ?? [])
                return "<p class=\"field-error\" role=\"alert\" id=\"edit-\(m.id.db)-error\">\(lines.joined(separator: "; "))</p>"
            } ?? ""
            let edit: HTML = """
            <details class="change"\(change == nil ? HTML.empty : HTML(" open"))>
              <summary>Change the address or label</summary>
              <form method="post" action="\(url: base + "/edit#method-" + m.id.db)" class="stack">\(csrf)
                \(changeErrors)
                <label for="address-\(m.id.db)">Address</label>
                <input id="address-\(m.id.db)" name="address" required value="\(change?.value("address") ?? m.address)"\(change == nil ? HTML.empty : HTML(" aria-describedby=\"edit-\(m.id.db)-error\""))>
                <small class="hint">A new address gets a code and takes pages once it is verified; the rules stay.</small>
                <label for="label-\(m.id.db)">Label (optional)</label>
                <input id="label-\(m.id.db)" name="label" value="\(change?.value("label") ?? m.label)">
                <button type="submit">Save</button>
              </form>
            </details>
            """
            return """
            <div class="card method" id="method-\(m.id.db)">
              <h3>\(describe(m)) \(badge)</h3>
              <div><code>\(m.address)</code></div>
              \(verify)
              <div class="actions">\(forms)</div>
              \(edit)
            </div>
            """
        }
        let methodList: HTML = methods.isEmpty ? "<p class=\"card muted\">No contact methods yet.</p>" : "\(cards)"

        let addForm = state.addForm
        let add: HTML = methods.count < ContactMethod.maximumPerUser ? """
        <h3>Add a contact method</h3>
        \(addForm.banner(above: """
        <form method="post" action="\(url: who.base + "/methods")" class="stack card">
          \(csrf)
          \(addForm.select("type", "Type", options: Self.kinds))
          \(addForm.input("address", "Address", required: true,
                          hint: "An e-mail address; a phone number in international form (+4915123456789); a Slack member id (U012AB3CD); an ntfy topic URL; or a URL for Teams and webhooks."))
          \(addForm.input("label", "Label (optional)", hint: "E.g. \"work phone\"."))
          <button type="submit">Add and send a code</button>
        </form>
        """))
        """ : "<p class=\"muted\">\(you == "you" ? "You have" : "They have") the most contact methods a person may have (\(ContactMethod.maximumPerUser)).</p>"

        func ruleList(_ urgency: Urgency) -> HTML {
            let mine = rules.filter { $0.urgency == urgency }.sorted { ($0.delayMinutes, $0.createdAt) < ($1.delayMinutes, $1.createdAt) }
            guard !mine.isEmpty else {
                return urgency == .high
                    ? "<p class=\"muted\">No high-urgency rules: every verified method is paged at once.</p>"
                    : "<p class=\"muted\">No low-urgency rules: low-urgency pages follow the high-urgency rules.</p>"
            }
            let items = mine.map { r -> HTML in
                let method = byID[r.contactMethodID]
                let skipped: HTML = method?.isVerified == true ? "" : " <span class=\"unverified\">skipped: not verified</span>"
                return """
                <li>\(r.delayMinutes == 0 ? "At once" : "After \(r.delayMinutes) minute\(r.delayMinutes == 1 ? "" : "s")"), by \(method.map(describe) ?? "a removed method")\
                \(method.map { HTML(" <code>\($0.address)</code>") } ?? HTML.empty)\(skipped)
                <form method="post" action="\(url: "\(who.base)/rules/\(r.id.db)/delete")" class="inline">\(csrf)<button type="submit" class="link">Delete</button></form></li>
                """
            }
            return "<ul class=\"plain\">\(items)</ul>"
        }
        let ruleForm = state.ruleForm
        let addRule: HTML = methods.isEmpty ? "<p class=\"muted\">Add a contact method first; a rule says when it is used.</p>" : """
        \(ruleForm.banner(above: """
        <form method="post" action="\(url: who.base + "/rules")" class="stack card">
          \(csrf)
          \(ruleForm.select("contact_method_id", "Contact method", options: methods.map { ($0.id.db, "\(describe($0)): \($0.address)\($0.isVerified ? "" : " (not verified)")") }))
          \(ruleForm.select("urgency", "For incidents of", options: [("high", "High urgency"), ("low", "Low urgency")]))
          \(ruleForm.input("delay_minutes", "After (minutes)", type: "number", hint: "0 for at once; up to 1440. Pages stop as soon as someone acknowledges."))
          <button type="submit">Add rule</button>
        </form>
        """))
        """
        let title = who.isSelf ? "My contact methods and rules" : "\(who.person.name): contact methods and rules"
        let back: HTML = who.isSelf ? "<p><a href=\"/account\">← Your account</a></p>" : "<p><a href=\"/users/\(who.person.id.db)\">← \(who.person.name)</a></p>"
        let html = Pages.layout(title, principal: context.principal, section: who.isSelf ? .account : .users, """
        \(back)
        <h1>\(title)</h1>
        <p class="lead">How Tocsin reaches \(you) when \(who.isSelf ? "you are" : "they are") paged. Pages go only to verified methods.</p>
        \(state.notice)
        \(summary)
        <h2>Contact methods</h2>
        \(methodList)
        \(add)
        <h2 id="rules">Notification rules</h2>
        <p class="muted">When each method is used after a page starts. Without rules, every verified method is paged at once.</p>
        <h3>High urgency</h3>
        \(ruleList(.high))
        <h3>Low urgency</h3>
        \(ruleList(.low))
        <h3>Add a rule</h3>
        \(addRule)
        """)
        return Pages.response(html, status: state.status)
    }
}
