import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// On-call pages: who is on call now across schedules, each schedule's timeline with its overrides, the
/// schedule form, and a person's own shifts with their calendar link.
struct SchedulePages {
    let env: WebEnvironment
    var store: any TocsinStore { env.store }
    var queries: OnCallQueries { env.onCall }

    /// How many layer fieldsets the form offers beyond those a schedule has.
    static let spareLayers = 1

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/oncall") { _, context in try await overview(context) }
        router.get("/my/shifts") { _, context in try await myShifts(context) }
        router.post("/my/calendar-feed/revoke") { request, context in
            let me = try context.require(.read)
            _ = try await Form.read(request, context: context)
            _ = try await env.calendarFeeds.revoke(.users, me.id)
            return Response.seeOther("/my/shifts")
        }
        router.get("/schedules/new") { _, context in
            try await form(context, schedule: nil, view: FormView(values: ["time_zone": try context.require(.manageCatalog).timeZone]))
        }
        router.post("/schedules/new") { request, context in try await save(request, context, id: nil) }
        router.get("/schedules/:id") { request, context in try await detail(request, context, overrideForm: FormView()) }
        router.get("/schedules/:id/edit") { _, context in
            let schedule = try await load(context)
            return try await form(context, schedule: schedule, view: try await Self.view(of: schedule, store: store))
        }
        router.post("/schedules/:id/edit") { request, context in try await save(request, context, id: try context.id()) }
        router.post("/schedules/:id/delete") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            try await store.deleteSchedule(id: try context.id())
            return Response.seeOther("/oncall")
        }
        router.post("/schedules/:id/overrides") { request, context in try await addOverride(request, context) }
        router.post("/schedules/:id/overrides/:override_id/delete") { request, context in
            _ = try context.require(.respond)
            _ = try await Form.read(request, context: context)
            let id = try context.id()
            try await store.deleteOverride(id: try context.id("override_id"), scheduleID: id)
            return Response.seeOther("/schedules/\(id.db)")
        }
    }

    private func load(_ context: TocsinRequestContext) async throws -> OnCallSchedule {
        _ = try context.require(.read)
        let id = try context.id()
        guard let schedule = try await store.schedule(id: id) else { throw DomainError.notFound("There is no schedule with id \(id.db).") }
        return schedule
    }

    private func names(_ ids: some Sequence<UUID>) async throws -> [UUID: String] {
        Dictionary(uniqueKeysWithValues: try await store.users(ids: Array(Set(ids))).map { ($0.id, $0.name) })
    }

    private func allUsers() async throws -> [User] {
        try await Page.all { try await store.users(UserFilter(), page: $0) }
    }

    /// Midnight of the viewer's day containing `date`.
    static func startOfDay(_ date: Date, timeZone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: date)
    }

    // MARK: Overview and my shifts

    func overview(_ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let schedules = try await queries.allSchedules()
        let now = env.now()
        let current = try await queries.at(now, schedules)
        let who = try await names(current.map(\.userID))
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams(ids: Array(Set(schedules.compactMap(\.teamID)))).map { ($0.id, $0.name) })
        let rows = schedules.map { schedule -> HTML in
            let here = current.filter { $0.schedule.id == schedule.id }
            let lines = here.map { entry -> HTML in
                "<div>\(who[entry.userID] ?? "Unknown") <span class=\"muted\">until \(Pages.formatDate(entry.end, timeZone: me.timeZone))</span></div>"
            }
            let people: HTML = here.isEmpty ? "<strong>Nobody</strong>" : "\(lines)"
            return """
            <tr><td data-label="Schedule"><a href="/schedules/\(schedule.id.db)">\(schedule.name)</a></td>
            <td data-label="Team">\(schedule.teamID.flatMap { teams[$0] } ?? "—")</td>
            <td data-label="Time zone">\(schedule.timeZone)</td><td data-label="On call now">\(people)</td></tr>
            """
        }
        let create: HTML = me.role.allows(.manageCatalog) ? "<p><a class=\"button\" href=\"/schedules/new\">New schedule</a></p>" : ""
        let html = Pages.layout("On call", principal: context.principal, section: .oncall, """
        <h1>On call now</h1>
        <p class="lead">Every schedule and who answers it at this moment. <a href="/my/shifts">My shifts</a> · <a href="/reports/oncall">On-call burden</a></p>
        \(create)
        \(schedules.isEmpty ? HTML("<p class=\"muted\">No schedules yet.</p>") : HTML("""
        <table><thead><tr><th>Schedule</th><th>Team</th><th>Time zone</th><th>On call now</th></tr></thead><tbody>\(rows)</tbody></table>
        """))
        """)
        return Pages.response(html)
    }

    func myShifts(_ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.read)
        let now = env.now()
        let (from, to) = (Self.startOfDay(now, timeZone: me.timeZone), now.addingTimeInterval(30 * 86_400))
        let schedules = try await queries.schedules(ids: nil, userID: me.id, from: from, to: to)
        let shifts = try await queries.timeline(schedules, userID: me.id, from: from, to: to).filter { $0.end > now }
        let link = try await env.calendarFeeds.url(.users, me.id)
        let rows = shifts.map { entry -> HTML in
            let state: HTML = entry.start <= now ? "<strong>now</strong>" : ""
            return """
            <tr><td data-label="Schedule"><a href="/schedules/\(entry.schedule.id.db)">\(entry.schedule.name)</a></td>
            <td data-label="From">\(Pages.formatDate(entry.start, timeZone: me.timeZone))</td>
            <td data-label="Until">\(Pages.formatDate(entry.end, timeZone: me.timeZone))</td><td data-label="">\(state)</td></tr>
            """
        }
        let html = Pages.layout("My shifts", principal: context.principal, section: .shifts, """
        <p><a href="/oncall">← On call</a></p>
        <h1>My shifts</h1>
        <p class="lead">Your on-call time over the next 30 days, in \(me.timeZone), after every layer and override.</p>
        \(shifts.isEmpty ? HTML("<p class=\"muted\">You have no shifts in the next 30 days.</p>") : HTML("""
        <table><thead><tr><th>Schedule</th><th>From</th><th>Until</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
        """))
        <h2>In your calendar</h2>
        <p>Subscribe to this link in Google Calendar, Outlook or Apple Calendar. Anyone with the link sees your shifts; make a new one if it leaks.</p>
        <p><input type="text" readonly value="\(link)" aria-label="Your calendar link"></p>
        <form method="post" action="/my/calendar-feed/revoke">\(Pages.csrfField(context.principal?.csrfToken ?? ""))<button type="submit" class="secondary">Make a new link (the old one stops working)</button></form>
        """)
        return Pages.response(html)
    }

    // MARK: One schedule

    func detail(_ request: Request, _ context: TocsinRequestContext, overrideForm: FormView, status: HTTPResponse.Status = .ok) async throws -> Response {
        let schedule = try await load(context)
        let me = try context.require(.read)
        let now = env.now()
        let today = Self.startOfDay(now, timeZone: me.timeZone)
        var from = today
        if let text = request.query("from"), let day = LocalDateTime(parsing: text) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: me.timeZone) ?? TimeZone(identifier: "UTC")!
            from = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? today
        }
        let days = 14
        let to = from.addingTimeInterval(Double(days) * 86_400 + 3600)
        let overrides = try await store.overrides(scheduleIDs: [schedule.id], from: from, to: to)
        let calculator = OnCallCalculator(from: from, to: to)
        let final = calculator.timeline(schedule, overrides: overrides)
        var rows = schedule.layers.map { ScheduleTimeline.Row(label: $0.name, spans: calculator.layer($0, zone: $0.timeZone ?? schedule.timeZone)) }
        rows.append(ScheduleTimeline.Row(label: "Overrides", spans: overrides.map { OnCallSpan(userID: $0.userID, start: $0.start, end: $0.end) }))
        rows.append(ScheduleTimeline.Row(label: "Final", spans: final))
        let members = schedule.layers.flatMap(\.members) + overrides.flatMap { [$0.userID] + ($0.replacesUserID.map { [$0] } ?? []) }
        let everyone = try await allUsers()
        let who = Dictionary(uniqueKeysWithValues: everyone.map { ($0.id, $0.name) })
        let gaps = calculator.gaps(in: final).filter { $0.end > now }
        let gapHTML: HTML = gaps.isEmpty ? "" : """
        <div class="warning" role="status"><strong>Nobody is on call</strong> at these times:
        <ul>\(gaps.prefix(10).map { gap -> HTML in "<li>\(Pages.formatDate(gap.start, timeZone: me.timeZone)) – \(Pages.formatDate(gap.end, timeZone: me.timeZone))</li>" })</ul></div>
        """
        let csrf = Pages.csrfField(context.principal?.csrfToken ?? "")
        let manage: HTML = me.role.allows(.manageCatalog) ? """
        <div class="actions"><a class="button secondary" href="/schedules/\(schedule.id.db)/edit">Edit</a>
        <form method="post" action="/schedules/\(schedule.id.db)/delete" class="inline">\(csrf)<button type="submit" class="danger">Delete</button></form></div>
        """ : ""
        func day(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: me.timeZone)
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: date)
        }
        let overrideRows = overrides.map { o -> HTML in
            let remove: HTML = me.role.allows(.respond)
                ? "<form method=\"post\" action=\"/schedules/\(schedule.id.db)/overrides/\(o.id.db)/delete\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"secondary\">Remove</button></form>"
                : ""
            return """
            <tr><td data-label="Who covers">\(who[o.userID] ?? "Unknown")</td><td data-label="For">\(o.replacesUserID.map { who[$0] ?? "Unknown" } ?? "everyone")</td>
            <td data-label="When">\(Pages.formatDate(o.start, timeZone: me.timeZone)) – \(Pages.formatDate(o.end, timeZone: me.timeZone))</td>
            <td data-label="">\(remove)</td></tr>
            """
        }
        let people = [("", "—")] + everyone.filter { members.contains($0.id) || $0.role.allows(.respond) }.map { ($0.id.db, $0.name) }
        let overrideFormHTML: HTML = me.role.allows(.respond) ? """
        <h3>Add an override</h3>
        \(overrideForm.banner(above: """
        <form method="post" action="/schedules/\(schedule.id.db)/overrides" class="stack card">
          \(csrf)
          \(overrideForm.select("user_id", "Who covers", options: people))
          \(overrideForm.select("replaces_user_id", "For", options: [("", "Everyone (the whole schedule)")] + people.dropFirst(),
                                hint: "Choose a person to cover only their time; two overrides make a swap."))
          \(overrideForm.input("start", "From (your time, \(me.timeZone))", type: "datetime-local", required: true))
          \(overrideForm.input("end", "Until", type: "datetime-local", required: true))
          <button type="submit">Add override</button>
        </form>
        """))
        """ : ""
        let link = try await env.calendarFeeds.url(.schedules, schedule.id)
        let handoffs = try await store.handoffs(scheduleID: schedule.id, userID: nil, from: now.addingTimeInterval(-7 * 86_400), to: now.addingTimeInterval(1))
        let handoffRows = handoffs.suffix(10).reversed().map { h -> HTML in
            "<li>\(Pages.formatDate(h.at, timeZone: me.timeZone)): \(who[h.userID] ?? "Unknown") \(h.kind == .start ? "came on call" : "went off call")</li>"
        }
        let html = Pages.layout(schedule.name, principal: context.principal, section: .oncall, """
        <p><a href="/oncall">← On call</a></p>
        <h1>\(schedule.name)</h1>
        <p class="lead">\(schedule.description.isEmpty ? "Schedule in \(schedule.timeZone)." : schedule.description)</p>
        \(manage)
        \(gapHTML)
        <nav class="pager" aria-label="Weeks">
          <a href="/schedules/\(schedule.id.db)?from=\(day(from.addingTimeInterval(-7 * 86_400)))">← Week before</a>
          <a href="/schedules/\(schedule.id.db)">Today</a>
          <a href="/schedules/\(schedule.id.db)?from=\(day(from.addingTimeInterval(7 * 86_400)))">Week after →</a>
        </nav>
        <p class="muted">Two weeks from \(Pages.formatDate(from, timeZone: me.timeZone)), in your time zone. Later layers win where they cover the time; overrides win over all.</p>
        \(ScheduleTimeline.render(rows: rows, from: from, days: days, now: now, names: who, timeZone: me.timeZone))
        <h2>Layers</h2>
        <ol>\(schedule.layers.map { layer -> HTML in "<li>\(Self.describe(layer, scheduleZone: schedule.timeZone, names: who))</li>" })</ol>
        <h2>Overrides</h2>
        \(overrides.isEmpty ? HTML("<p class=\"muted\">No overrides in these two weeks.</p>") : HTML("""
        <table><thead><tr><th>Who covers</th><th>For</th><th>When</th><th></th></tr></thead><tbody>\(overrideRows)</tbody></table>
        """))
        \(overrideFormHTML)
        <h2>Recent hand-offs</h2>
        \(handoffs.isEmpty ? HTML("<p class=\"muted\">None recorded in the last seven days.</p>") : HTML("<ul>\(handoffRows)</ul>"))
        <h2>Calendar</h2>
        <p>The final timeline as a calendar feed: <input type="text" readonly value="\(link)" aria-label="Schedule calendar link"></p>
        """)
        return Pages.response(html, status: status)
    }

    static func describe(_ layer: ScheduleLayer, scheduleZone: String, names: [UUID: String]) -> String {
        let unit = layer.rotation.length == 1 ? layer.rotation.unit.rawValue : "\(layer.rotation.length) \(layer.rotation.unit.rawValue)s"
        let people = layer.members.map { names[$0] ?? "Unknown" }.joined(separator: ", ")
        let hours = layer.restrictions.isEmpty ? "all hours" : layer.restrictions.map(RestrictionText.format).joined(separator: "; ")
        return "\(layer.name): \(people), each for a \(unit), from \(layer.start) \(layer.timeZone ?? scheduleZone), \(hours)"
    }

    func addOverride(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let me = try context.require(.respond)
        let schedule = try await load(context)
        let form = try await Form.read(request, context: context)
        do {
            var v = Validator()
            let user = UUID(uuidString: form["user_id"] ?? "")
            if user == nil { v.add("user_id", "choose who covers") }
            let replaced = (form["replaces_user_id"]).flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
            let start = NoiseControlPages.localDateTime(form["start"] ?? "", timeZone: me.timeZone)
            let end = NoiseControlPages.localDateTime(form["end"] ?? "", timeZone: me.timeZone)
            if start == nil { v.add("start", "must be a date and time") }
            if end == nil { v.add("end", "must be a date and time") }
            try v.throwIfInvalid()
            let override = ScheduleOverride(id: UUID(), scheduleID: schedule.id, userID: user!, replacesUserID: replaced, start: start!, end: end!,
                                            createdBy: me.id, createdAt: env.now())
            try override.validate()
            try await store.createOverride(override)
            return Response.seeOther("/schedules/\(schedule.id.db)")
        } catch let error as DomainError {
            return try await detail(request, context, overrideForm: FormView(form: form, error: error), status: .unprocessableContent)
        }
    }

    // MARK: The form

    static func view(of schedule: OnCallSchedule, store: any TocsinStore) async throws -> FormView {
        let emails = Dictionary(uniqueKeysWithValues: try await store.users(ids: schedule.layers.flatMap(\.members)).map { ($0.id, $0.email) })
        var values: [String: String] = ["name": schedule.name, "description": schedule.description, "time_zone": schedule.timeZone,
                                        "team_id": schedule.teamID?.db ?? ""]
        for (i, layer) in schedule.layers.enumerated() {
            values["layer\(i)_name"] = layer.name
            values["layer\(i)_time_zone"] = layer.timeZone ?? ""
            values["layer\(i)_start"] = layer.start.description
            values["layer\(i)_length"] = String(layer.rotation.length)
            values["layer\(i)_unit"] = layer.rotation.unit.rawValue
            values["layer\(i)_members"] = layer.members.map { emails[$0] ?? $0.db }.joined(separator: "\n")
            values["layer\(i)_restrictions"] = layer.restrictions.map(RestrictionText.format).joined(separator: "\n")
        }
        values["layers"] = String(schedule.layers.count)
        return FormView(values: values)
    }

    func form(_ context: TocsinRequestContext, schedule: OnCallSchedule?, view: FormView, status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let teams = try await Page.all { try await store.teams(query: nil, page: $0) }
        let title = schedule.map { "Edit \($0.name)" } ?? "New schedule"
        let action = schedule.map { "/schedules/\($0.id.db)/edit" } ?? "/schedules/new"
        // The count comes back from the browser: clamped, so no value can draw more fieldsets than a schedule may hold.
        let asked = Int(view.value("layers")) ?? schedule?.layers.count ?? 0
        let count = min(max(asked, 0), OnCallSchedule.maximumLayers) + Self.spareLayers
        let zones = [("", "The schedule's")] + FormView.timeZoneOptions
        let units: [(value: String, label: String)] = [("week", "weeks"), ("day", "days"), ("hour", "hours")]
        let fieldsets = (0..<count).map { i -> HTML in
            var layerView = view
            if layerView.value("layer\(i)_length").isEmpty { layerView.values["layer\(i)_length"] = ["1"] }
            let of = "of layer \(i + 1)"
            return """
            <fieldset id="layer-\(i + 1)"><legend>Layer \(i + 1)\(i >= count - Self.spareLayers ? " (leave empty for none)" : "")</legend>
              \(layerView.input("layer\(i)_name", "Name", named: "Name \(of)"))
              \(layerView.textarea("layer\(i)_members", "People, in rotation order", hint: "One e-mail address per line.", named: "Members \(of)"))
              \(layerView.input("layer\(i)_start", "First hand-off (local)", type: "datetime-local", named: "First hand-off \(of)"))
              \(layerView.input("layer\(i)_length", "Each shift lasts", type: "number", named: "Shift length \(of)"))
              \(layerView.select("layer\(i)_unit", "Unit", options: units, named: "Shift unit \(of)"))
              \(layerView.select("layer\(i)_time_zone", "Time zone", options: zones, named: "Time zone \(of)"))
              \(layerView.textarea("layer\(i)_restrictions", "Only at these times (optional)",
                                   hint: "One per line, e.g. \"mon-fri 09:00-17:00\" or \"sat,sun 10:00-14:00\"; an end before the start runs past midnight.",
                                   named: "Times \(of)"))
            </fieldset>
            """
        }
        // A second submit button: redraws the form with one more empty layer, keeping what was typed. Save comes
        // first, so Enter in a field still saves.
        let addLayer: HTML = count - Self.spareLayers < OnCallSchedule.maximumLayers ? """
        <button type="submit" name="add_layer" value="1" class="secondary" formnovalidate formaction="\(url: action + "#layer-\(count + 1)")">Add another layer</button>
        """ : ""
        let html = Pages.layout(title, principal: context.principal, section: .oncall, """
        <p><a href="\(url: schedule.map { "/schedules/\($0.id.db)" } ?? "/oncall")">← Back</a></p>
        <h1>\(title)</h1>
        \(view.banner(above: """
        <form method="post" action="\(url: action)" class="stack card">
          \(Pages.csrfField(context.principal?.csrfToken ?? ""))
          <input type="hidden" name="layers" value="\(String(count))">
          \(view.input("name", "Name", required: true))
          \(view.input("description", "Description"))
          \(view.select("time_zone", "Time zone", options: FormView.timeZoneOptions))
          \(view.select("team_id", "Team", options: [("", "No team")] + teams.map { ($0.id.db, $0.name) }))
          <p class="muted">Layers are listed lowest first: a later layer wins wherever it covers the time.</p>
          \(fieldsets)
          <div class="actions"><button type="submit">Save</button>\(addLayer)</div>
        </form>
        """))
        """)
        return Pages.response(html, status: status)
    }

    /// How many layer fieldsets the sent form had besides the spare ones, clamped: the count comes from the browser.
    static func filledLayers(_ form: Form) -> Int {
        let sent = min(max(Int(form["layers"] ?? "") ?? 1, 0), OnCallSchedule.maximumLayers + spareLayers)
        return max(0, sent - spareLayers)
    }

    func save(_ request: Request, _ context: TocsinRequestContext, id: UUID?) async throws -> Response {
        _ = try context.require(.manageCatalog)
        let form = try await Form.read(request, context: context)
        let existing = try await id.asyncMap { try await store.schedule(id: $0) } ?? nil
        if id != nil && existing == nil { throw DomainError.notFound("There is no schedule with that id.") }
        if form["add_layer"] != nil {
            var view = FormView()
            view.values = form.values
            view.values["layers"] = [String(Self.filledLayers(form) + 1)]
            return try await self.form(context, schedule: existing, view: view)
        }
        do {
            let users = try await allUsers()
            let byEmail = Dictionary(users.map { ($0.email.lowercased(), $0.id) }, uniquingKeysWith: { first, _ in first })
            var v = Validator()
            var layers: [ScheduleLayer] = []
            let most = OnCallSchedule.maximumLayers + Self.spareLayers
            guard let count = Int(form["layers"] ?? ""), (0...most).contains(count) else {
                throw DomainError.validation([FieldError("layers", "must be a whole number from 0 to \(most)")])
            }
            for i in 0..<count {
                let field = { (name: String) in (form["layer\(i)_\(name)"] ?? "").trimmed }
                let memberLines = field("members").split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }
                if memberLines.isEmpty && field("start").isEmpty { continue }
                let at = "layer\(i)"
                var members: [UUID] = []
                for line in memberLines {
                    if let id = byEmail[line.lowercased()] { members.append(id) } else { v.add("\(at)_members", "nobody has the e-mail address \(line)") }
                }
                let start = LocalDateTime(parsing: field("start"))
                if start == nil { v.add("\(at)_start", "must be a date and time") }
                let unit = Rotation.Unit(rawValue: field("unit"))
                if unit == nil { v.add("\(at)_unit", "must be weeks, days or hours") }
                let length = Int(field("length"))
                if length == nil { v.add("\(at)_length", "must be a whole number") }
                var restrictions: [LayerRestriction] = []
                for line in field("restrictions").split(whereSeparator: \.isNewline).map({ String($0).trimmed }).filter({ !$0.isEmpty }) {
                    if let r = RestrictionText.parse(line) { restrictions.append(r) } else {
                        v.add("\(at)_restrictions", "\"\(line)\" is not like \"mon-fri 09:00-17:00\"")
                    }
                }
                let zone = field("time_zone")
                if let start, let unit, let length {
                    layers.append(ScheduleLayer(name: field("name").nonBlank ?? "Layer \(layers.count + 1)", timeZone: zone.isEmpty ? nil : zone,
                                                start: start, rotation: Rotation(length: length, unit: unit), members: members,
                                                restrictions: restrictions))
                }
            }
            try v.throwIfInvalid()
            let now = env.now()
            let teamText = form["team_id"] ?? ""
            let schedule = OnCallSchedule(id: id ?? UUID(), name: (form["name"] ?? "").trimmed, description: (form["description"] ?? "").trimmed,
                                          timeZone: form["time_zone"] ?? "UTC", teamID: UUID(uuidString: teamText), layers: layers,
                                          createdAt: existing?.createdAt ?? now, updatedAt: now)
            do {
                try schedule.validate()
            } catch DomainError.validation(let fields) {
                // "layers[1].rotation.length" belongs to the second layer's fieldset here.
                throw DomainError.validation(fields.map { error in
                    guard error.field.hasPrefix("layers["), let close = error.field.firstIndex(of: "]"),
                          let index = Int(error.field[error.field.index(error.field.startIndex, offsetBy: 7)..<close]) else { return error }
                    let rest = error.field[error.field.index(after: close)...]
                    let name = rest.hasPrefix(".rotation") ? "length" : rest.hasPrefix(".members") ? "members"
                        : rest.hasPrefix(".time_zone") ? "time_zone" : rest.hasPrefix(".restrictions") ? "restrictions" : "name"
                    return FieldError("layer\(index)_\(name)", error.reason)
                })
            }
            if id == nil { try await store.createSchedule(schedule) } else { try await store.updateSchedule(schedule) }
            return Response.seeOther("/schedules/\(schedule.id.db)")
        } catch let error as DomainError {
            var view = FormView(form: form, error: error)
            // A count out of range was refused: redraw one layer, not as many as it asked for.
            let inRange = Int(form["layers"] ?? "").map { (0...OnCallSchedule.maximumLayers + Self.spareLayers).contains($0) } ?? false
            view.values["layers"] = [inRange ? String(Self.filledLayers(form)) : "1"]
            return try await self.form(context, schedule: existing, view: view, status: .unprocessableContent)
        }
    }
}

/// A restriction as people type it: "mon-fri 09:00-17:00", "sat,sun 10:00-14:00", "daily 22:00-06:00".
enum RestrictionText {
    static func parse(_ text: String) -> LayerRestriction? {
        let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        var days: Set<Weekday> = []
        for piece in parts[0].split(separator: ",") {
            if piece == "daily" || piece == "every" { days.formUnion(Weekday.allCases); continue }
            let range = piece.split(separator: "-")
            guard let first = range.first.flatMap({ Weekday(name: String($0)) }) else { return nil }
            if range.count == 1 { days.insert(first); continue }
            guard range.count == 2, let last = Weekday(name: String(range[1])) else { return nil }
            var day = first
            while true {
                days.insert(day)
                if day == last { break }
                day = Weekday(rawValue: day.rawValue % 7 + 1)!
            }
        }
        let times = parts[1].split(separator: "-")
        guard times.count == 2, let start = LayerRestriction.minutes(String(times[0])),
              let end = LayerRestriction.minutes(String(times[1]), allowEndOfDay: true), start != end, !days.isEmpty else { return nil }
        return LayerRestriction(days: days, startMinute: start, endMinute: end)
    }

    static func format(_ r: LayerRestriction) -> String {
        let days = r.days.count == 7 ? "daily" : r.days.sorted { ($0.rawValue + 5) % 7 < ($1.rawValue + 5) % 7 }.map(\.name).joined(separator: ",")
        return "\(days) \(LayerRestriction.clock(r.startMinute))-\(LayerRestriction.clock(r.endMinute))"
    }
}
