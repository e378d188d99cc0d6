import Foundation
import Testing
import TocsinCore
@testable import TocsinNotify
import TocsinTestSupport

@Suite("Slack, Teams and ntfy channels")
struct ChatChannelTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    let incidentID = UUID()

    func message(_ kind: ContactMethod.Kind, address: String, purpose: NotificationPurpose = .page) -> OutgoingMessage {
        let links = IncidentAction.allCases.map { MessageAction(action: $0, url: "https://tocsin.example.com/act/\($0.rawValue)-token") }
        return OutgoingMessage(notification: NotificationRecord(id: UUID(), incidentID: incidentID, userID: UUID(), contactMethodID: UUID(), channel: kind,
                                                                address: address, step: 0, status: .sending, dueAt: at, attempts: 1, providerMessageID: nil,
                                                                lastError: nil, createdAt: at, sentAt: nil, purpose: purpose,
                                                                detail: purpose == .taken ? "acknowledged by Bob (Slack)" : nil),
                               incidentNumber: 42, incidentTitle: "Checkout <down> & out", recipientName: "Pat",
                               incidentURL: "https://tocsin.example.com/incidents/\(incidentID.db)", actions: purpose == .page ? links : [], severity: .sev1)
    }

    @Test("Slack: a direct message from the bot with buttons; its channel and ts kept; rewritten in place; Slack's answers classified")
    func slack() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let slack = SlackChannel(settings: SlackSettings(token: "xoxb-1", signingSecret: "s", apiURL: base + "/api/"))
            receiver.answers.withLock { $0["/api/chat.postMessage"] = (200, #"{"ok": true, "channel": "D024BE91L", "ts": "1503435956.000247"}"#) }
            #expect(await slack.send(message(.slack, address: "U012AB3CD")) == .sent(providerMessageID: "D024BE91L:1503435956.000247"))
            let posted = try #require(receiver.received.withLock { $0.first })
            #expect(posted.headers["authorization"] == "Bearer xoxb-1")
            let body = try JSONValue.parse(Data(posted.body.utf8))
            #expect(body["channel"] == "U012AB3CD")
            #expect(body["text"]?.stringValue?.hasPrefix("[Tocsin] #42 Checkout <down> & out") == true)
            let section = body["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue
            #expect(section == "*<https://tocsin.example.com/incidents/\(incidentID.db)|#42 Checkout &lt;down&gt; &amp; out>*\nSEV1 · Triggered: nobody has acknowledged it")
            let buttons = body["blocks"]?.arrayValue?.last?["elements"]?.arrayValue ?? []
            #expect(buttons.compactMap { $0["action_id"]?.stringValue } == ["tocsin_acknowledge", "tocsin_resolve", "tocsin_escalate"])
            #expect(buttons.allSatisfy { $0["value"]?.stringValue == incidentID.db })

            receiver.answers.withLock { $0["/api/chat.update"] = (200, #"{"ok": true, "channel": "D024BE91L", "ts": "1503435956.000247"}"#) }
            let view = ChatIncidentView(incidentID: incidentID, number: 42, title: "Checkout", severity: .sev1, status: .acknowledged,
                                        statusLine: "Acknowledged by Bob", url: "https://tocsin.example.com/incidents/x")
            #expect(await slack.update(messageID: "D024BE91L:1503435956.000247", view) == .sent(providerMessageID: "D024BE91L:1503435956.000247"))
            let update = try JSONValue.parse(Data(try #require(receiver.received.withLock { $0.last }).body.utf8))
            #expect(update["channel"] == "D024BE91L" && update["ts"] == "1503435956.000247")
            #expect(update["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue?.hasSuffix("SEV1 · Acknowledged by Bob") == true)
            #expect(update["blocks"]?.arrayValue?.last?["elements"]?.arrayValue?.compactMap { $0["action_id"]?.stringValue } == ["tocsin_resolve"])
            // Asked to help with an incident already acknowledged: the message says so and offers only what still makes sense.
            receiver.answers.withLock { $0["/api/chat.postMessage"] = (200, #"{"ok": true, "channel": "D1", "ts": "1.2"}"#) }
            var request = message(.slack, address: "U012AB3CD", purpose: .request)
            request.status = .acknowledged
            #expect(await slack.send(request) == .sent(providerMessageID: "D1:1.2"))
            let asked = try JSONValue.parse(Data(try #require(receiver.received.withLock { $0.last }).body.utf8))
            #expect(asked["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue?.hasSuffix("SEV1 · Acknowledged") == true)
            #expect(asked["blocks"]?.arrayValue?.last?["elements"]?.arrayValue?.compactMap { $0["action_id"]?.stringValue } == ["tocsin_resolve"])
            let resolved = ChatIncidentView(incidentID: incidentID, number: 42, title: "Checkout", severity: nil, status: .resolved, statusLine: "Resolved",
                                            url: "x")
            #expect(SlackChannel.payload(resolved, buttons: true)["blocks"]?.arrayValue?.count == 1, "nothing left to press")

            for (status, answer, expected) in [
                (200, #"{"ok": false, "error": "channel_not_found"}"#, ChannelResult.permanent("Slack refused it: channel_not_found")),
                (200, #"{"ok": false, "error": "ratelimited"}"#, .transient("Slack answered ratelimited")),
                (429, "{}", .transient("Slack answered 429")),
                (503, "", .transient("Slack answered 503")),
            ] {
                receiver.answers.withLock { $0["/api/chat.postMessage"] = (status, answer) }
                #expect(await slack.send(message(.slack, address: "U012AB3CD")) == expected)
            }
        }
    }

    @Test("Teams: an Adaptive Card with the signed links as buttons; a workflow's 202 is sent, a 400 final, a 429 retried")
    func teams() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let teams = TeamsChannel()
            receiver.status.withLock { $0 = 202 }
            #expect(await teams.send(message(.teams, address: base + "/workflows/abc")) == .sent(providerMessageID: nil))
            let card = try JSONValue.parse(Data(try #require(receiver.received.withLock { $0.first }).body.utf8))
            #expect(card["type"] == "message")
            let attachment = card["attachments"]?.arrayValue?.first
            #expect(attachment?["contentType"] == "application/vnd.microsoft.card.adaptive")
            let content = attachment?["content"]
            #expect(content?["type"] == "AdaptiveCard")
            #expect(content?["body"]?.arrayValue?.first?["text"] == "#42 Checkout <down> & out")
            let actions = content?["actions"]?.arrayValue ?? []
            #expect(actions.compactMap { $0["title"]?.stringValue } == ["Acknowledge", "Resolve", "Escalate", "Open incident"])
            #expect(actions.first?["url"] == "https://tocsin.example.com/act/acknowledge-token")
            #expect(actions.allSatisfy { $0["type"] == "Action.OpenUrl" })
            let notice = TeamsChannel.card(message(.teams, address: "x", purpose: .taken))
            #expect(notice["attachments"]?.arrayValue?.first?["content"]?["actions"]?.arrayValue?.count == 1, "a notice only opens the incident")
            receiver.status.withLock { $0 = 400 }
            #expect(await teams.send(message(.teams, address: base + "/workflows/abc")) == .permanent("the Teams workflow answered 400"))
            receiver.status.withLock { $0 = 429 }
            #expect(await teams.send(message(.teams, address: base + "/workflows/abc")) == .transient("the Teams workflow answered 429"))
        }
    }

    @Test("ntfy: published as JSON to the server's root with the topic, priority 5, buttons that POST the links; a token when set")
    func ntfy() async throws {
        #expect(NtfyChannel.split("https://ntfy.example.com/tocsin-ann")! == ("https://ntfy.example.com", "tocsin-ann"))
        #expect(NtfyChannel.split("https://example.com/ntfy/ann?x=1")! == ("https://example.com/ntfy", "ann"))
        #expect(NtfyChannel.split("https://ntfy.example.com/") == nil)
        #expect(NtfyChannel.split("not a url") == nil)
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let push = NtfyChannel(token: "tk_secret", tokenServer: base)
            receiver.answers.withLock { $0["/"] = (200, #"{"id": "hwQ2YpKdmg", "time": 1800000000, "event": "message", "topic": "tocsin-pat"}"#) }
            #expect(await push.send(message(.push, address: base + "/tocsin-pat")) == .sent(providerMessageID: "hwQ2YpKdmg"))
            let got = try #require(receiver.received.withLock { $0.first })
            #expect(got.path == "/")
            #expect(got.headers["authorization"] == "Bearer tk_secret")
            let body = try JSONValue.parse(Data(got.body.utf8))
            #expect(body["topic"] == "tocsin-pat")
            #expect(body["priority"] == .number(5))
            #expect(body["message"] == "Checkout <down> & out")
            #expect(body["title"] == "#42 SEV1 — paging you")
            let actions = body["actions"]?.arrayValue ?? []
            #expect(actions.count == 3, "ntfy shows at most three")
            #expect(actions.first == .object(["action": "http", "label": "Acknowledge", "url": "https://tocsin.example.com/act/acknowledge-token",
                                              "method": "POST", "clear": true]))
            #expect(actions.last?["action"] == "view")
            let notice = NtfyChannel.payload(message(.push, address: "x", purpose: .taken), topic: "t")
            #expect(notice["priority"] == .number(3) && notice["title"] == "#42 acknowledged by Bob (Slack)")
            #expect(await push.send(message(.push, address: "https://ntfy.example.com/")) == .permanent("the push address is not an ntfy topic URL"))
            // Another server (anyone may type any topic URL): it gets the page, never the token.
            let elsewhere = NtfyChannel(token: "tk_secret", tokenServer: "https://ntfy.example.com")
            _ = await elsewhere.send(message(.push, address: base + "/tocsin-pat"))
            #expect(receiver.received.withLock { $0.last?.headers["authorization"] } == nil)
            #expect(NtfyChannel.sameOrigin("https://ntfy.example.com", "https://NTFY.example.com:443/"))
            #expect(!NtfyChannel.sameOrigin("http://ntfy.example.com", "https://ntfy.example.com"))
        }
    }
}
