import Foundation
import Hummingbird
import TocsinCore

/// A service's noise control: its maintenance windows and its event rules, to read for everyone and to
/// change for those who manage the catalog. The same rules as the API apply; only the forms differ.
struct NoiseControlPages {
    let env: WebEnvironment
    var store: any TocsinStore { env.store }

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/services/:id/noise-control") { request, context in
            try await page(request, context, windowForm: FormView(values: ["kind": "weekly", "start": "02:00", "end": "04:00"]), ruleForm: FormView())
        }
        router.post("/services/:id/maintenance-windows") { request, context in try await addWindow(request, context) }
        router.post("/services/:id/maintenance-windows/:window_id/delete") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            let serviceID = try context.id()
            try await store.deleteMaintenanceWindow(id: try context.id("window_id"), serviceID: serviceID)
            return Response.seeOther("/services/\(serviceID.db)/noise-control")
        }
        router.post("/services/:id/event-rules") { request, context in try await addRule(request, context) }
        router.post("/services/:id/event-rules/:rule_id/delete") { request, context in
            try await changeRules(request, context) { rules, index in rules.remove(at: index) }
        }
        router.post("/services/:id/event-rules/:rule_id/up") { request, context in
            try await changeRules(request, context) { rules, index in if index > 0 { rules.swapAt(index, index - 1) } }
        }
    }

    static let severities: [(value: String, label: String)] = AlertSeverity.allCases.map { ($0.rawValue, $0.rawValue) }

    static func describe(_ schedule: MaintenanceWindow.Schedule, timeZone: String) -> String {
        switch schedule {
        case .once(let start, let end):
            return "once, \(Pages.formatDate(start, timeZone: timeZone)) – \(Pages.formatDate(end, timeZone: timeZone))"
        case .weekly(let days, let startMinute, let endMinute, let zone):
            let names = days.sorted().map { MaintenanceWindow.dayNames[$0 - 1].capitalized }.joined(separator: ", ")
            func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
            let overnight = endMinute < startMinute ? " (ends the next day)" : ""
            return "every \(names), \(clock(startMinute))–\(clock(endMinute)) \(zone)\(overnight)"
        }
    }

    static func describe(_ action: EventRule.Action, names: [UUID: String]) -> String {
        switch action {
        case .drop: return "drop the event"
        case .setSeverity(let severity): return "set severity to \(severity.rawValue)"
        case .route(let target): return "route to \(names[target] ?? "a deleted service")"
        }
    }

    func page(_ request: Request, _ context: TocsinRequestContext, windowForm: FormView, ruleForm: FormView,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = try context.require(.read)
        let serviceID = try context.id()
        guard let service = try await store.service(id: serviceID) else { throw DomainError.notFound("There is no service with id \(serviceID.db).") }
        let windows = try await store.maintenanceWindows(serviceID: serviceID)
        let rules = try await store.eventRules(serviceID: serviceID)
        let others = try await Page.all { try await store.services(ServiceFilter(), page: $0) }.filter { $0.id != serviceID }
        let names = Dictionary(uniqueKeysWithValues: others.map { ($0.id, $0.name) })
        let manage = me.role.allows(.manageCatalog)
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        let base = "/services/\(serviceID.db)"
        let now = env.now()

        let windowRows = windows.map { window -> HTML in
            let remove: HTML = manage
                ? "<form method=\"post\" action=\"\(url: "\(base)/maintenance-windows/\(window.id.db)/delete")\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Delete</button></form>"
                : ""
            let state: HTML = window.isActive(at: now) ? "<strong>in progress</strong>" : ""
            return """
            <tr><td data-label="Name">\(window.name)</td><td data-label="When">\(Self.describe(window.schedule, timeZone: me.timeZone))</td>\
            <td data-label="">\(state)</td><td data-label="">\(remove)</td></tr>
            """
        }
        let windowTable: HTML = windows.isEmpty ? "<p class=\"muted\">No maintenance windows.</p>" : """
        <table><thead><tr><th>Name</th><th>When</th><th></th><th></th></tr></thead><tbody>\(windowRows)</tbody></table>
        """
        let dayBoxes = MaintenanceWindow.dayNames.map { windowForm.checkbox("days", $0.capitalized, value: $0, named: "Days") }
        var zoneForm = windowForm
        if zoneForm.value("time_zone").isEmpty { zoneForm.values["time_zone"] = [me.timeZone] }
        let windowFormHTML: HTML = manage ? """
        <h3>New maintenance window</h3>
        \(windowForm.banner(above: """
        <form method="post" action="\(url: "\(base)/maintenance-windows")" class="stack card">
          \(csrf)
          \(windowForm.input("name", "Name", required: true, hint: "Shown on every alert it mutes, e.g. \"Weekly database maintenance\"."))
          \(windowForm.select("kind", "Repeats", options: [("weekly", "Every week"), ("once", "Once")]))
          <fieldset><legend>Every week</legend>
            <div class="checks">\(dayBoxes)</div>\(windowForm.errorText("days"))
            \(windowForm.input("start", "From (local time)", type: "time"))
            \(windowForm.input("end", "Until (local time)", type: "time", hint: "An end before the start runs past midnight."))
            \(zoneForm.select("time_zone", "Time zone", options: FormView.timeZoneOptions))
          </fieldset>
          <fieldset><legend>Once (in your time zone, \(me.timeZone))</legend>
            \(windowForm.input("starts_at", "From", type: "datetime-local"))
            \(windowForm.input("ends_at", "Until", type: "datetime-local"))
          </fieldset>
          <button type="submit">Add window</button>
        </form>
        """))
        """ : ""

        let ruleRows = rules.enumerated().map { index, rule -> HTML in
            let conditions = rule.conditions.map { "\($0.name)\($0.op.rawValue)\($0.value)" }.joined(separator: ", ")
            let buttons: HTML = manage ? """
            \(index > 0 ? HTML("<form method=\"post\" action=\"\(url: "\(base)/event-rules/\(rule.id.db)/up")\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Move up</button></form>") : HTML.empty)
            <form method="post" action="\(url: "\(base)/event-rules/\(rule.id.db)/delete")" class="inline">\(csrf)<button type="submit" class="secondary">Delete</button></form>
            """ : ""
            return """
            <tr><td data-label="#">\(index + 1)</td><td data-label="When every condition holds"><code>\(conditions)</code></td>\
            <td data-label="Then">\(Self.describe(rule.action, names: names))</td><td data-label="">\(buttons)</td></tr>
            """
        }
        let ruleTable: HTML = rules.isEmpty ? "<p class=\"muted\">No event rules: every event is kept as sent.</p>" : """
        <table><thead><tr><th>#</th><th>When every condition holds</th><th>Then</th><th></th></tr></thead><tbody>\(ruleRows)</tbody></table>
        """
        let actions: [(value: String, label: String)] = [("drop", "Drop the event"), ("set_severity", "Set the severity"), ("route", "Route to another service")]
        let ruleFormHTML: HTML = manage ? """
        <h3>New event rule</h3>
        \(ruleForm.banner(above: """
        <form method="post" action="\(url: "\(base)/event-rules")" class="stack card">
          \(csrf)
          \(ruleForm.textarea("conditions", "Conditions", hint: "One per line, all must hold: label=value, label!=value, label=~regex or label!~regex. Fields: summary, source, severity, dedup_key, component, group, class."))
          \(ruleForm.select("action", "Then", options: actions))
          \(ruleForm.select("severity", "Severity (to set)", options: Self.severities))
          \(ruleForm.select("route_to", "Service (to route to)", options: [("", "—")] + others.map { ($0.id.db, $0.name) }))
          <button type="submit">Add rule</button>
        </form>
        """))
        """ : ""

        let html = Pages.layout("Noise control: \(service.name)", principal: context.principal, section: .services, """
        <p><a href="\(url: base)">← \(service.name)</a></p>
        <h1>Noise control: \(service.name)</h1>
        <p class="lead">Muted alerts are still kept and listed with the reason; they open no incident and page no one.
        Silences, which span services, are on <a href="/silences">their own page</a>.</p>
        <h2>Maintenance windows</h2>
        \(windowTable)
        \(windowFormHTML)
        <h2>Event rules</h2>
        <p>Rules act on machine triggers in order; the first whose conditions all hold decides.</p>
        \(ruleTable)
        \(ruleFormHTML)
        """)
        return Pages.response(html, status: status)
    }

    /// A `datetime-local` value ("2026-11-23T02:00") read in the viewer's time zone.
    static func localDateTime(_ text: String, timeZone: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Instants.isPlausible(date) ? date : nil }
        }
        return nil
    }

    func addWindow(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.manageCatalog)
        let serviceID = try context.id()
        let form = try await Form.read(request, context: context)
        do {
            var v = Validator()
            let name = (form["name"] ?? "").trimmed
            MaintenanceWindow.validName(name, &v)
            let schedule: MaintenanceWindow.Schedule
            if form["kind"] == "once" {
                func instant(_ field: String) -> Date? {
                    let text = form[field] ?? ""
                    guard let date = Self.localDateTime(text, timeZone: me.timeZone) else {
                        v.add(field, text.isEmpty ? "is required" : "must be a date and time")
                        return nil
                    }
                    return date
                }
                schedule = MaintenanceWindow.once(starts: instant("starts_at"), ends: instant("ends_at"), &v)
            } else {
                schedule = MaintenanceWindow.weekly(days: form.all("days"), start: form["start"], end: form["end"], timeZone: form["time_zone"], &v)
            }
            try v.throwIfInvalid()
            try await store.createMaintenanceWindow(MaintenanceWindow(id: UUID(), serviceID: serviceID, name: name, schedule: schedule,
                                                                      createdAt: env.now()))
            return Response.seeOther("/services/\(serviceID.db)/noise-control")
        } catch let error as DomainError {
            return try await page(request, context, windowForm: FormView(form: form, error: error), ruleForm: FormView(), status: .unprocessableContent)
        }
    }

    func addRule(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let serviceID = try context.id()
        let form = try await Form.read(request, context: context)
        do {
            var v = Validator()
            var conditions: [AlertMatcher] = []
            do {
                conditions = try SilencePages.parseMatchers(form["conditions"] ?? "")
            } catch DomainError.validation(let fields) {
                for field in fields { v.add("conditions", field.reason) }
            }
            if conditions.isEmpty && v.errors.isEmpty { v.add("conditions", "must have at least one condition") }
            var action: EventRule.Action = .drop
            switch form["action"] {
            case "set_severity":
                if let severity = (form["severity"]).flatMap(AlertSeverity.init(rawValue:)) { action = .setSeverity(severity) }
                else { v.add("severity", "choose the severity to set") }
            case "route":
                if let target = (form["route_to"]).flatMap(UUID.init(uuidString:)) { action = .route(target) }
                else { v.add("route_to", "choose the service to route to") }
            case "drop": action = .drop
            default: v.add("action", "choose what the rule does")
            }
            try v.throwIfInvalid()
            let rule = EventRule(id: UUID(), conditions: conditions, action: action)
            _ = try await store.updateEventRules(serviceID: serviceID, now: env.now()) { $0 + [rule] }
            return Response.seeOther("/services/\(serviceID.db)/noise-control")
        } catch let error as DomainError {
            var view = FormView(form: form, error: error)
            // The API's field names ("rules[3].conditions[0].value") belong to the one conditions box here.
            view.errors = view.errors.map { error in
                guard error.field.hasPrefix("rules") else { return error }
                return FieldError(error.field.contains("route_to") ? "route_to" : "conditions", error.reason)
            }
            return try await page(request, context, windowForm: FormView(values: ["kind": "weekly"]), ruleForm: view, status: .unprocessableContent)
        }
    }

    /// Deletes or moves one rule, named by its id so a stale page cannot change the wrong one.
    private func changeRules(_ request: Request, _ context: TocsinRequestContext,
                             _ change: @escaping @Sendable (inout [EventRule], Int) -> Void) async throws -> Response {
        _ = try context.require(.manageCatalog)
        _ = try await Form.read(request, context: context)
        let serviceID = try context.id()
        let ruleID = try context.id("rule_id")
        _ = try await store.updateEventRules(serviceID: serviceID, now: env.now()) { current in
            var rules = current
            guard let index = rules.firstIndex(where: { $0.id == ruleID }) else {
                throw DomainError.notFound("That rule is gone; the page was out of date.")
            }
            change(&rules, index)
            return rules
        }
        return Response.seeOther("/services/\(serviceID.db)/noise-control")
    }
}
