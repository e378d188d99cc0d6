import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TocsinCore
import TocsinUseCases

/// `POST /callbacks/slack/interactions`, the Slack app's Interactivity Request URL: a press of Acknowledge, Resolve or
/// Escalate on a page. The request must carry Slack's signature (`X-Slack-Signature: v0=<hex HMAC-SHA256 under the
/// signing secret over "v0:<X-Slack-Request-Timestamp>:<body>">`) from the last five minutes. The presser acts as
/// the person whose verified Slack contact method is their member id; they are told what came of it (to them only),
/// and the message itself is rewritten by `ChatMessageRefresher`.
struct SlackCallbacks {
    let env: WebEnvironment
    static let bodyLimit = 64 * 1024
    static let freshness: TimeInterval = 300

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/callbacks/slack/interactions") { request, _ in
            guard let secret = env.slackSigningSecret else { throw DomainError.notFound("no such endpoint") }
            let raw = String(buffer: try await JSONBody.collect(request, limit: Self.bodyLimit))
            guard let stamp = request.headers[HTTPField.Name("X-Slack-Request-Timestamp")!], stamp.utf8.count <= 12, let seconds = Int(stamp),
                  abs(env.now().timeIntervalSince1970 - TimeInterval(seconds)) <= Self.freshness,
                  let sent = request.headers[HTTPField.Name("X-Slack-Signature")!],
                  Secrets.constantTimeEquals(Self.signature(secret: secret, timestamp: stamp, body: raw), sent) else {
                throw DomainError.forbidden("the request is not signed by this Tocsin's Slack app, or is more than five minutes old")
            }
            let form = try Form(raw)
            guard let text = form["payload"], let payload = try? JSONValue.parse(Data(text.utf8)),
                  payload["type"]?.stringValue == "block_actions", let pressed = payload["actions"]?.arrayValue?.first,
                  let actionID = pressed["action_id"]?.stringValue, actionID.hasPrefix("tocsin_"),
                  let action = IncidentAction(rawValue: String(actionID.dropFirst("tocsin_".count))),
                  let incidentID = pressed["value"]?.stringValue.flatMap(UUID.init(uuidString:)),
                  let member = payload["user"]?["id"]?.stringValue
            else {
                // Other interactions (a shortcut, a modal) are not Tocsin's; Slack only needs the 200.
                return Response(status: .ok)
            }
            let answer = try await act(action, incidentID: incidentID, member: member)
            if let responseURL = payload["response_url"]?.stringValue, let respond = env.slackRespond {
                // Slack wants its 200 within three seconds: the answer to the person goes after it.
                Task { await respond(responseURL, answer) }
            }
            return Response(status: .ok)
        }
    }

    private func act(_ action: IncidentAction, incidentID: UUID, member: String) async throws -> String {
        let owners = Set(try await env.store.verifiedContactMethods(kind: .slack, address: member).map(\.userID))
        guard owners.count == 1, let userID = owners.first, let user = try await env.store.user(id: userID), user.role.allows(.respond) else {
            return "Tocsin does not know you: add your Slack member id as a verified contact method (a responder's) to act from Slack."
        }
        guard let incident = try await env.store.incident(id: incidentID) else { return "That incident no longer exists." }
        let via = ContactMethod.Kind.slack.actionVia
        do {
            switch action {
            case .acknowledge: _ = try await env.store.setIncidentStatus(id: incidentID, to: .acknowledged, by: user.id, via: via, now: env.now())
            case .resolve: _ = try await env.store.setIncidentStatus(id: incidentID, to: .resolved, by: user.id, via: via, now: env.now())
            case .escalate: _ = try await env.store.escalateIncident(id: incidentID, toLevel: nil, by: user.id, via: via, now: env.now())
            }
        } catch DomainError.conflict(let message, _) {
            return "#\(incident.number) not changed: \(message)."
        }
        switch action {
        case .acknowledge: return "You acknowledged #\(incident.number). Escalation stops."
        case .resolve: return "You resolved #\(incident.number)."
        case .escalate: return "#\(incident.number) escalated: the next level is being paged."
        }
    }

    /// `v0=<hex HMAC-SHA256(secret, "v0:<timestamp>:<body>")>`, as Slack signs its requests.
    static func signature(secret: String, timestamp: String, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("v0:\(timestamp):\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "v0=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
