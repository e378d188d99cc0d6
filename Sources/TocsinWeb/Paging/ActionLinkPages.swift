import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/act/{token}`: the acknowledge, resolve and escalate links a notification carries (`ActionLinks`). The token is the
/// key, so no sign-in is needed and no CSRF token either (a forger would need the link itself).
///
/// - `GET` shows the incident as it is now and one button for the link's action: it never acts, so mail scanners and
///   link previews that fetch every URL acknowledge nothing.
/// - `POST` acts as the person the link was sent to, and answers with a page saying what happened (200), that
///   someone else got there first (409, naming them), that the link expired (410) or is not valid (404).
struct ActionLinkPages {
    let env: WebEnvironment

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/act/:token") { _, context in
            try await withLink(context) { token, grant, incident, user in page(token, grant, incident, user, outcome: nil) }
        }
        router.post("/act/:token") { _, context in
            try await withLink(context) { token, grant, incident, user in
                let via = grant.channel.actionVia
                do {
                    switch grant.action {
                    case .acknowledge, .resolve:
                        _ = try await env.store.setIncidentStatus(id: incident.id, to: grant.action == .acknowledge ? .acknowledged : .resolved,
                                                                  by: user.id, via: via, now: env.now())
                    case .escalate:
                        _ = try await env.store.escalateIncident(id: incident.id, toLevel: nil, by: user.id, via: via, now: env.now())
                    }
                } catch DomainError.conflict(let message, _) {
                    return page(token, grant, try await env.incidents.incident(incident.id), user, outcome: (false, "Not done: \(message)."))
                }
                let done: String
                switch grant.action {
                case .acknowledge: done = "Acknowledged. Escalation stops, and the others who were paged are told you have it."
                case .resolve: done = "Resolved."
                case .escalate: done = "Escalated: the next level of the escalation policy is being paged now."
                }
                return page(token, grant, try await env.incidents.incident(incident.id), user, outcome: (true, done))
            }
        }
    }

    /// Runs `body` with the link's grant, its incident and its person, or answers with the page that says why the
    /// link cannot be used.
    private func withLink(_ context: TocsinRequestContext,
                          _ body: (String, ActionLinks.Grant, Incident, User) async throws -> Response) async throws -> Response {
        let invalid = DomainError.notFound("this link is not valid; it may have been cut short when it was copied")
        guard let token = context.parameters.get("token") else { throw invalid }
        switch try await ActionLinks(store: env.store, publicURL: env.publicURL).verify(token, now: env.now()) {
        case .invalid:
            throw invalid
        case .valid(let grant) where grant.channel == .voice, .expired(let grant) where grant.channel == .voice:
            // A voice call's key is for its keypresses, not for a browser.
            _ = grant
            throw invalid
        case .expired(let grant):
            let content: HTML = """
            <h1>This link has expired</h1>
            <p class="lead">Links in notifications work for \(Int(ActionLinks.lifetime / 3600)) hours without signing in.</p>
            <p><a class="button" href="\(url: "/incidents/\(grant.incidentID.db)")">Sign in and open the incident</a></p>
            """
            return Pages.response(Pages.layout("Link expired", principal: nil, content), status: .gone)
        case .valid(let grant):
            guard let incident = try await env.store.incident(id: grant.incidentID) else { throw DomainError.notFound("the incident no longer exists") }
            guard let user = try await env.store.user(id: grant.userID), user.role.allows(.respond) else {
                throw DomainError.forbidden("the person this link was sent to can no longer act on incidents")
            }
            return try await body(token, grant, incident, user)
        }
    }

    private func page(_ token: String, _ grant: ActionLinks.Grant, _ incident: Incident, _ user: User, outcome: (ok: Bool, message: String)?) -> Response {
        let applicable: Bool
        switch grant.action {
        case .acknowledge, .escalate: applicable = incident.status == .triggered
        case .resolve: applicable = incident.status != .resolved
        }
        var parts: [HTML] = []
        if let outcome {
            parts.append(outcome.ok ? "<p class=\"notice\" role=\"status\">\(outcome.message)</p>" : "<p class=\"alert\" role=\"alert\">\(outcome.message)</p>")
        }
        parts.append("""
        <h1>#\(incident.number) \(incident.title)</h1>
        <p>\(IncidentPages.badge(incident.status)) \(IncidentPages.badge(incident.severity))</p>
        """)
        if outcome == nil {
            if applicable {
                let style: HTML = grant.action == .acknowledge ? "" : " class=\"secondary\""
                parts.append("""
                <form method="post" action="/act/\(token)">
                <p>\(user.name), this \(grant.action.label.lowercased())s incident #\(incident.number) as you.</p>
                <button type="submit"\(style)>\(grant.action.label) #\(incident.number)</button>
                </form>
                """)
            } else {
                parts.append("<p>Nothing to do: the incident is already \(incident.status.rawValue).</p>")
            }
        }
        parts.append("<p><a href=\"\(url: "/incidents/\(incident.id.db)")\">Open the incident</a> (needs signing in)</p>")
        return Pages.response(Pages.layout("#\(incident.number) \(grant.action.label)", principal: nil, "\(parts)"),
                              status: outcome.map { $0.ok ? .ok : .conflict } ?? .ok)
    }
}
