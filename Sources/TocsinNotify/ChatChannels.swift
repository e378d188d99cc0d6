import AsyncHTTPClient
import Foundation
import NIOCore
import TocsinCore

// MARK: Slack

/// `TOCSIN_SLACK_TOKEN` (a bot token, `xoxb-…`, with `chat:write`), `TOCSIN_SLACK_SIGNING_SECRET` (to check the
/// button presses Slack posts back) and `TOCSIN_SLACK_URL` (default `https://slack.com/api`).
public struct SlackSettings: Sendable, Equatable {
    public var token: String
    public var signingSecret: String
    public var apiURL: String

    public init(token: String, signingSecret: String, apiURL: String = "https://slack.com/api") {
        self.token = token
        self.signingSecret = signingSecret
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
    }
}

/// Pages as direct messages from the bot (`chat.postMessage` to the member id), with Acknowledge / Resolve /
/// Escalate buttons whose presses come back to `/callbacks/slack/interactions`. The provider message id is
/// `<channel>:<ts>`, which `update` rewrites when the incident changes.
public struct SlackChannel: NotificationChannel, ChatMessageUpdater {
    public let kind: ContactMethod.Kind = .slack
    /// Slack allows about one message a second per channel; several at once are fine across people.
    public let concurrency: Int
    let settings: SlackSettings
    let client: HTTPClient
    let timeout: TimeAmount

    public init(settings: SlackSettings, client: HTTPClient = WebhookChannel.client, concurrency: Int = 4, timeout: TimeAmount = .seconds(10)) {
        self.settings = settings
        self.client = client
        self.concurrency = concurrency
        self.timeout = timeout
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        let n = message.notification
        // A request to respond may concern an incident already acknowledged: the message says so, and offers what still makes sense.
        let status: IncidentStatus = n.purpose == .taken ? .triggered : message.status
        let view = ChatIncidentView(incidentID: n.incidentID, number: message.incidentNumber, title: message.incidentTitle, severity: message.severity,
                                     status: status,
                                     statusLine: n.purpose == .taken ? n.detail.map { $0.capitalizedFirst } : (status == .triggered ? nil : status.rawValue.capitalizedFirst),
                                     url: message.incidentURL)
        var body = Self.payload(view, buttons: n.purpose.asksToAct)
        body["channel"] = .string(n.address)
        return await call("chat.postMessage", body)
    }

    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        await call("chat.postMessage", ["channel": .string(method.address), "text": .string(note.line)])
    }

    /// Rewrites a message sent earlier (`<channel>:<ts>`) to show the incident as it is now.
    public func update(messageID: String, _ view: ChatIncidentView) async -> ChannelResult {
        let parts = messageID.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .permanent("not a Slack message id") }
        var body = Self.payload(view, buttons: true)
        body["channel"] = .string(parts[0])
        body["ts"] = .string(parts[1])
        return await call("chat.update", body)
    }

    /// Tells the person who pressed a button what came of it, visible to them only, through the interaction's
    /// `response_url`, which must be Slack's (`https://hooks.slack.com/…`) or on the configured API's host.
    public func respond(responseURL: String, text: String) async {
        guard let url = URLComponents(string: responseURL), let host = url.host?.lowercased(),
              host == "hooks.slack.com" && url.scheme == "https" || host == URLComponents(string: settings.apiURL)?.host?.lowercased()
        else { return }
        let body: JSONValue = .object(["response_type": "ephemeral", "replace_original": false, "text": .string(text)])
        _ = await HTTPDelivery.post(client, url: responseURL, body: body.jsonText, timeout: timeout)
    }

    /// `&`, `<` and `>` are Slack's markup; everything else is text.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public static func payload(_ view: ChatIncidentView, buttons: Bool) -> [String: JSONValue] {
        let severity = view.severity.map { "\($0.rawValue) · " } ?? ""
        let state = view.statusLine ?? (view.status == .triggered ? "Triggered: nobody has acknowledged it" : view.status.rawValue.capitalizedFirst)
        let headline = "#\(view.number) \(view.title)"
        var blocks: [JSONValue] = [
            .object(["type": "section", "text": .object(["type": "mrkdwn",
                                                          "text": .string("*<\(view.url)|\(escape(headline))>*\n\(severity)\(escape(state))")])]),
        ]
        if buttons, !view.actions.isEmpty {
            blocks.append(.object(["type": "actions", "block_id": "tocsin", "elements": .array(view.actions.map { action in
                var button: [String: JSONValue] = [
                    "type": "button", "action_id": .string("tocsin_\(action.rawValue)"), "value": .string(view.incidentID.db),
                    "text": .object(["type": "plain_text", "text": .string(action.label)]),
                ]
                if action == .acknowledge { button["style"] = "primary" }
                if action == .resolve && view.status == .triggered {
                    button["confirm"] = .object([
                        "title": .object(["type": "plain_text", "text": "Resolve?"]),
                        "text": .object(["type": "plain_text", "text": .string("Resolve #\(view.number)? Do it once the service is back.")]),
                        "confirm": .object(["type": "plain_text", "text": "Resolve"]), "deny": .object(["type": "plain_text", "text": "Cancel"]),
                    ])
                }
                return .object(button)
            })]))
        }
        return ["text": .string("[Tocsin] \(headline) — \(state)"), "blocks": .array(blocks), "unfurl_links": false]
    }

    func call(_ method: String, _ body: [String: JSONValue]) async -> ChannelResult {
        switch await HTTPDelivery.post(client, url: "\(settings.apiURL)/\(method)", contentType: "application/json; charset=utf-8",
                                       headers: [("Authorization", "Bearer \(settings.token)")], body: JSONValue.object(body).jsonText, timeout: timeout) {
        case .failure(let error):
            return HTTPDelivery.unreachable("Slack", error)
        case .success(let answer):
            guard answer.status == 200 else { return HTTPDelivery.result(answer, "Slack") }
            let json = (try? JSONValue.parse(Data(answer.body.utf8)))?.objectValue ?? [:]
            guard json["ok"] == .bool(true) else {
                let error = json["error"]?.stringValue ?? "an unknown error"
                // Slack's own trouble is worth waiting out; anything about the token, the person or the message is not.
                if ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"].contains(error) {
                    return .transient("Slack answered \(error)")
                }
                return .permanent("Slack refused it: \(error)")
            }
            let channel = json["channel"]?.stringValue ?? body["channel"]?.stringValue ?? "?"
            return .sent(providerMessageID: "\(channel):\(json["ts"]?.stringValue ?? "?")")
        }
    }
}

// MARK: Microsoft Teams

/// Pages to a Teams workflow ("Post to a chat when a webhook request is received"): an Adaptive Card with the
/// incident and the signed acknowledge / resolve / escalate links as buttons (Teams opens them in the browser,
/// where one more press acts). Workflows answer 202.
public struct TeamsChannel: NotificationChannel {
    public let kind: ContactMethod.Kind = .teams
    public let concurrency: Int
    let client: HTTPClient
    let timeout: TimeAmount
    /// The networks workflow addresses may be in.
    let destinations: DestinationGuard

    public init(client: HTTPClient = WebhookChannel.client, concurrency: Int = 4, timeout: TimeAmount = .seconds(10), destinations: DestinationGuard = .open) {
        self.destinations = destinations
        self.client = client
        self.concurrency = concurrency
        self.timeout = timeout
    }

    public static func card(_ message: OutgoingMessage) -> JSONValue {
        let n = message.notification
        let headline = "#\(message.incidentNumber) \(message.incidentTitle)"
        let line: String
        switch n.purpose {
        case .taken: line = (n.detail ?? "Taken").capitalizedFirst + ": you need not act on the page you got"
        default:
            line = (message.severity.map { "\($0.rawValue) · " } ?? "") + (n.purpose.lead.map { "\($0.capitalizedFirst): " } ?? "") + "You are being paged"
                + (message.recipientName.map { ", \($0)" } ?? "")
        }
        var actions: [JSONValue] = message.actions.map { .object(["type": "Action.OpenUrl", "title": .string($0.action.label), "url": .string($0.url)]) }
        actions.append(.object(["type": "Action.OpenUrl", "title": "Open incident", "url": .string(message.incidentURL)]))
        let card: JSONValue = .object([
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": .array([
                .object(["type": "TextBlock", "text": .string(headline), "weight": "Bolder", "size": "Medium", "wrap": true]),
                .object(["type": "TextBlock", "text": .string(line), "wrap": true, "color": n.purpose.asksToAct ? "Attention" : "Default"]),
            ]),
            "actions": .array(actions),
        ])
        return .object(["type": "message", "summary": .string(message.subject),
                        "attachments": .array([.object(["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": .null, "content": card])])])
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        await post(Self.card(message), to: message.notification.address)
    }

    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        let card: JSONValue = .object([
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": .array([.object(["type": "TextBlock", "text": .string(note.line), "wrap": true])]),
        ])
        return await post(.object(["type": "message", "attachments": .array([.object([
            "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": .null, "content": card,
        ])])]), to: method.address)
    }

    func post(_ message: JSONValue, to url: String) async -> ChannelResult {
        if let refused = await destinations.refusal(for: url) { return refused }
        switch await HTTPDelivery.post(client, url: url, body: message.jsonText, timeout: timeout) {
        case .success(let answer): return HTTPDelivery.result(answer, "the Teams workflow")
        case .failure(let error): return HTTPDelivery.unreachable("the Teams workflow", error)
        }
    }
}

// MARK: ntfy

/// Push through any ntfy-compatible server (self-hosted; no vendor relay). The contact method's address is the
/// topic URL (`https://ntfy.example.com/tocsin-ann`); the message is published as JSON to the server's root with the
/// topic inside, at priority 5 for a page (3 for a notice), with buttons that POST the signed acknowledge and resolve
/// links straight from the notification, and one that opens the incident. `TOCSIN_NTFY_TOKEN` is sent as a Bearer
/// token, only to the server `TOCSIN_NTFY_URL` names.
public struct NtfyChannel: NotificationChannel {
    public let kind: ContactMethod.Kind = .push
    public let concurrency: Int
    let token: String?
    /// The server the token is for (scheme, host and port compared): push addresses are chosen by users, and the
    /// token must not go to any other.
    let tokenServer: String?
    let client: HTTPClient
    let timeout: TimeAmount
    /// The networks topic addresses may be in.
    let destinations: DestinationGuard

    public init(token: String? = nil, tokenServer: String? = nil, client: HTTPClient = WebhookChannel.client, concurrency: Int = 4,
                timeout: TimeAmount = .seconds(10), destinations: DestinationGuard = .open) {
        self.destinations = destinations
        self.token = token
        self.tokenServer = tokenServer
        self.client = client
        self.concurrency = concurrency
        self.timeout = timeout
    }

    /// The server's root and the topic, from a topic URL.
    public static func split(_ topicURL: String) -> (server: String, topic: String)? {
        guard var components = URLComponents(string: topicURL), components.host?.isEmpty == false,
              let topic = components.path.split(separator: "/").last.map(String.init), !topic.isEmpty else { return nil }
        components.path = String(components.path.dropLast(topic.count)).trimmingTrailing("/")
        components.query = nil
        components.fragment = nil
        guard let server = components.string else { return nil }
        return (server, topic)
    }

    /// Same scheme, host and port (the port as written, or the scheme's).
    static func sameOrigin(_ a: String, _ b: String?) -> Bool {
        guard let b, let x = URLComponents(string: a), let y = URLComponents(string: b) else { return false }
        func origin(_ u: URLComponents) -> String {
            let scheme = u.scheme?.lowercased() ?? ""
            return "\(scheme)://\(u.host?.lowercased() ?? ""):\(u.port ?? (scheme == "https" ? 443 : 80))"
        }
        return origin(x) == origin(y)
    }

    public static func payload(_ message: OutgoingMessage, topic: String) -> JSONValue {
        let n = message.notification
        var body: [String: JSONValue] = ["topic": .string(topic), "click": .string(message.incidentURL)]
        switch n.purpose {
        case .taken:
            body["title"] = .string("#\(message.incidentNumber) \(n.detail ?? "taken")")
            body["message"] = .string(message.incidentTitle)
            body["priority"] = 3
            body["tags"] = .array(["white_check_mark"])
        default:
            body["title"] = .string("#\(message.incidentNumber) " + (message.severity.map { "\($0.rawValue) " } ?? "")
                                    + "— " + (n.purpose.lead ?? "paging you"))
            body["message"] = .string(message.incidentTitle)
            body["priority"] = 5
            body["tags"] = .array(["rotating_light"])
        }
        // ntfy shows at most three buttons.
        var actions: [JSONValue] = message.actions.filter { $0.action != .escalate }.map {
            .object(["action": "http", "label": .string($0.action.label), "url": .string($0.url), "method": "POST", "clear": true])
        }
        actions.append(.object(["action": "view", "label": "Open", "url": .string(message.incidentURL)]))
        body["actions"] = .array(actions)
        return .object(body)
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        await publish(to: message.notification.address) { Self.payload(message, topic: $0) }
    }

    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        await publish(to: method.address) { .object(["topic": .string($0), "title": .string(note.subject), "message": .string(note.line)]) }
    }

    func publish(to address: String, _ payload: (String) -> JSONValue) async -> ChannelResult {
        guard let (server, topic) = Self.split(address) else { return .permanent("the push address is not an ntfy topic URL") }
        if let refused = await destinations.refusal(for: server) { return refused }
        let authorization = token.flatMap { Self.sameOrigin(server, tokenServer) ? [("Authorization", "Bearer \($0)")] : nil } ?? []
        switch await HTTPDelivery.post(client, url: server + "/", headers: authorization,
                                       body: payload(topic).jsonText, timeout: timeout) {
        case .success(let answer):
            let id = (try? JSONValue.parse(Data(answer.body.utf8)))?["id"]?.stringValue
            return HTTPDelivery.result(answer, "the ntfy server", messageID: id)
        case .failure(let error):
            return HTTPDelivery.unreachable("the ntfy server", error)
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }

    func trimmingTrailing(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
