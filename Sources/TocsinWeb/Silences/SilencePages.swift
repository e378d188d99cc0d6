import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Silences: those in force and recently ended, a form to make one, and a button to end one.
struct SilencePages {
    let env: WebEnvironment

    static let durations: [(value: String, label: String)] = [
        ("30", "30 minutes"), ("60", "1 hour"), ("120", "2 hours"), ("240", "4 hours"), ("720", "12 hours"), ("1440", "1 day"), ("10080", "1 week"),
    ]

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/silences") { request, context in
            // "Silence alerts like this" on an incident links here with the form filled in.
            let prefill = ["matchers", "service_id", "comment"].reduce(into: ["duration": "60"]) { values, name in
                if let value = request.query(name) { values[name] = value }
            }
            return try await list(request, context, view: FormView(values: prefill))
        }
        router.post("/silences") { request, context in try await create(request, context) }
        router.post("/silences/:id/end") { request, context in
            _ = try context.require(.respond)
            _ = try await Form.read(request, context: context)
            _ = try await env.store.expireSilence(id: try context.id(), now: env.now())
            return Response.seeOther("/silences")
        }
    }

    /// One matcher per line: `name=value`, `name!=value`, `name=~regex` or `name!~regex`.
    static func parseMatchers(_ text: String) throws -> [AlertMatcher] {
        var v = Validator()
        var matchers: [AlertMatcher] = []
        let lines = text.split(whereSeparator: \.isNewline).map({ String($0).trimmed }).filter({ !$0.isEmpty })
        try Silence.checkMatcherCount(lines.count)
        for (index, line) in lines.enumerated() {
            // The operator is the first one in the line (the longer at the same place), so a value may contain "=".
            let found = AlertMatcher.Operator.allCases.compactMap { op in line.range(of: op.rawValue).map { (op, $0) } }
                .min { a, b in a.1.lowerBound != b.1.lowerBound ? a.1.lowerBound < b.1.lowerBound : a.0.rawValue.count > b.0.rawValue.count }
            guard let (op, range) = found else {
                v.add("matchers", "line \(index + 1) needs one of =, !=, =~, !~ (e.g. env=staging)")
                continue
            }
            matchers.append(AlertMatcher(name: String(line[..<range.lowerBound]).trimmed, op: op, value: String(line[range.upperBound...]).trimmed))
        }
        try v.throwIfInvalid()
        return matchers
    }

    func list(_ request: Request, _ context: TocsinRequestContext, view: FormView, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.require(.read)
        let now = env.now()
        let silences = try await env.store.silences(activeAt: nil)
        let services = try await Page.all { try await env.store.services(ServiceFilter(), page: $0) }
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.name) })
        let people = try await env.store.users(ids: Array(Set(silences.compactMap(\.createdBy))))
        let who = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0.name) })
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        func rows(_ items: [Silence], active: Bool) -> [HTML] {
            items.map { silence -> HTML in
                let matchers = silence.matchers.map { "\($0.name)\($0.op.rawValue)\($0.value)" }.joined(separator: ", ")
                let end: HTML = active && me.role.allows(.respond)
                    ? "<form method=\"post\" action=\"/silences/\(silence.id.db)/end\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">End now</button></form>"
                    : ""
                return """
                <tr><td data-label="Matchers"><code>\(matchers)</code></td><td data-label="Service">\(silence.serviceID.flatMap { names[$0] } ?? "every service")</td>
                <td data-label="Why">\(silence.comment)</td><td data-label="By">\(silence.createdBy.flatMap { who[$0] } ?? "—")</td>
                <td data-label="When">\(Pages.formatDate(silence.startsAt, timeZone: me.timeZone)) – \(Pages.formatDate(silence.endsAt, timeZone: me.timeZone))</td>
                <td data-label="">\(end)</td></tr>
                """
            }
        }
        let active = silences.filter { $0.isActive(at: now) }
        let scheduled = silences.filter { $0.startsAt > now }
        let ended = silences.filter { $0.endsAt <= now }.prefix(20)
        let head: HTML = "<thead><tr><th>Matchers</th><th>Service</th><th>Why</th><th>By</th><th>When</th><th></th></tr></thead>"
        let form: HTML = me.role.allows(.respond) ? """
        <h2>New silence</h2>
        \(view.banner(above: """
        <form method="post" action="/silences" class="stack card">
          \(csrf)
          \(view.textarea("matchers", "Matchers", hint: "One per line: label=value, label!=value, label=~regex or label!~regex. Fields: summary, source, severity, dedup_key, component, group, class."))
          \(view.select("service_id", "Service", options: [("", "Every service")] + services.map { ($0.id.db, $0.name) }))
          \(view.select("duration", "For", options: Self.durations))
          \(view.input("comment", "Why", required: true, hint: "Shown on every alert it mutes."))
          <button type="submit">Silence</button>
        </form>
        """))
        """ : ""
        let html = Pages.layout("Silences", principal: context.principal, section: .silences, """
        <h1>Silences</h1>
        <p class="lead">Muted alerts are still kept and <a href="/alerts?muted=true&amp;mute_kind=silence">listed, with the reason</a>; they open no incident while the silence lasts.</p>
        <h2>In force</h2>
        \(active.isEmpty ? HTML("<p class=\"muted\">No silence is in force.</p>") : HTML("<table>\(head)<tbody>\(rows(active, active: true))</tbody></table>"))
        \(scheduled.isEmpty ? HTML.empty : HTML("<h2>Scheduled</h2><table>\(head)<tbody>\(rows(scheduled, active: true))</tbody></table>"))
        \(form)
        <h2>Recently ended</h2>
        \(ended.isEmpty ? HTML("<p class=\"muted\">None.</p>") : HTML("<table>\(head)<tbody>\(rows(Array(ended), active: false))</tbody></table>"))
        """)
        return Pages.response(html, status: status)
    }

    func create(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.respond)
        let form = try await Form.read(request, context: context)
        do {
            var v = Validator()
            var matchers: [AlertMatcher] = []
            do { matchers = try Self.parseMatchers(form["matchers"] ?? "") } catch DomainError.validation(let fields) { v.merge(fields) }
            let minutes = Int(form["duration"] ?? "") ?? 0
            v.check(Self.durations.contains { $0.value == String(minutes) }, "duration", "choose how long the silence lasts")
            let serviceText = form["service_id"] ?? ""
            let serviceID = UUID(uuidString: serviceText)
            v.check(serviceText.isEmpty || serviceID != nil, "service_id", "is not a known service")
            try v.throwIfInvalid()
            let now = env.now()
            _ = try await Silences.create(in: env.store, serviceID: serviceID, matchers: matchers, startsAt: now,
                                          endsAt: now.addingTimeInterval(Double(minutes) * 60), by: me.id, comment: form["comment"] ?? "", now: now)
            return Response.seeOther("/silences")
        } catch let error as DomainError {
            var view = FormView(form: form, error: error)
            // Matcher field names like "matchers[0].value" belong to the one matchers box.
            view.errors = view.errors.map { FieldError($0.field.hasPrefix("matchers") ? "matchers" : $0.field, $0.reason) }
            return try await list(request, context, view: view, status: .unprocessableContent)
        }
    }
}
