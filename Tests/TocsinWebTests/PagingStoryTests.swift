import Crypto
import NIOCore
import Foundation
import HTTPTypes
import Testing
import TocsinCore
import TocsinNotify
import TocsinTestSupport
import TocsinUseCases
@testable import TocsinWeb

@Suite("Paging, end to end")
struct PagingStoryTests {
    /// An admin; people with verified contact methods; a policy paging them one level each (five minutes apart); a
    /// service using it and its PagerDuty key. Returns the admin's token, the people and the key.
    static func pagingWorld(_ app: TestApp, _ people: [(name: String, methods: [(type: String, address: String)])])
        async throws -> (admin: String, users: [User], key: String) {
        let (_, admin) = try await app.user("Ada", role: .admin)
        var users: [User] = []
        for person in people {
            let (user, _) = try await app.user(person.name, role: .responder)
            users.append(user)
            for method in person.methods {
                #expect(try await app.request(.post, "/api/v1/users/\(user.id.db)/contact-methods", token: admin,
                                              json: #"{"type":"\#(method.type)","address":"\#(method.address)","verified":true}"#).status == .created)
            }
        }
        let members = users.map { "\"\($0.id.db)\"" }.joined(separator: ",")
        let team = try #require(try await app.request(.post, "/api/v1/teams", token: admin, json: #"{"name":"SRE","member_ids":[\#(members)]}"#)
            .json["id"]?.stringValue)
        let levels = users.map { #"{"delay_minutes":5,"targets":[{"type":"user","id":"\#($0.id.db)"}]}"# }.joined(separator: ",")
        let policy = try #require(try await app.request(.post, "/api/v1/escalation-policies", token: admin,
                                                        json: #"{"name":"Checkout","team_id":"\#(team)","levels":[\#(levels)]}"#).json["id"]?.stringValue)
        let service = try #require(try await app.request(.post, "/api/v1/services", token: admin,
                                                         json: #"{"name":"Checkout","escalation_policy_id":"\#(policy)"}"#).json["id"]?.stringValue)
        let key = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: admin,
                                                     json: #"{"type":"pagerduty"}"#).json["key"]?.stringValue)
        return (admin, users, key)
    }

    static func trigger(_ app: TestApp, _ key: String, _ dedup: String, _ summary: String) async throws {
        #expect(try await app.request(.post, "/v2/enqueue", json: """
            {"routing_key":"\(key)","event_action":"trigger","dedup_key":"\(dedup)","payload":{"summary":"\(summary)","source":"web","severity":"critical"}}
            """).status == .accepted)
    }
    @Test("an event on a service with a policy reaches the on-call person's webhook, signed, and the incident lists it as sent")
    func eventToWebhook() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run { app in
                let (ann, token) = try await app.user("Ann", role: .admin)
                let method = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token,
                                                   json: #"{"type":"webhook","address":"\#(base)/hook","verified":true}"#)
                #expect(method.status == .created)
                let secret = try #require(method.json["signing_secret"]?.stringValue)
                #expect(secret.hasPrefix("whsec_"))
                #expect(try await app.request(.get, "/api/v1/users/me/contact-methods", token: token).json["data"]?[at: 0]?["signing_secret"] == nil,
                        "the key is shown once")
                let team = try #require(try await app.request(.post, "/api/v1/teams", token: token,
                                                              json: #"{"name":"SRE","member_ids":["\#(ann.id.db)"]}"#).json["id"]?.stringValue)
                let policy = try #require(try await app.request(.post, "/api/v1/escalation-policies", token: token, json: """
                    {"name":"SRE","team_id":"\(team)","levels":[{"delay_minutes":5,"targets":[{"type":"team","id":"\(team)"}]}]}
                    """).json["id"]?.stringValue)
                let service = try #require(try await app.request(.post, "/api/v1/services", token: token,
                                                                 json: #"{"name":"Checkout","escalation_policy_id":"\#(policy)"}"#).json["id"]?.stringValue)
                let key = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: token,
                                                             json: #"{"type":"pagerduty"}"#).json["key"]?.stringValue)
                let event = try await app.request(.post, "/v2/enqueue", json: """
                    {"routing_key":"\(key)","event_action":"trigger","dedup_key":"pay-1","payload":{"summary":"Payments failing","source":"api","severity":"critical"}}
                    """)
                #expect(event.status == .accepted)

                // The background jobs run each second: wait for the page, at most ten seconds.
                var waited = 0
                while receiver.received.withLock({ $0.isEmpty }), waited < 100 {
                    try await Task.sleep(for: .milliseconds(100))
                    waited += 1
                }
                let page = try #require(receiver.received.withLock { $0.first })
                let signature = try #require(page.headers["x-tocsin-signature"])
                let timestamp = try #require(signature.split(separator: ",").first?.dropFirst(2))
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(page.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                #expect(signature == "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined())
                #expect(page.body.contains("Payments failing"))

                let incidents = try await app.request(.get, "/api/v1/incidents", token: token)
                let incident = try #require(incidents.json["data"]?[at: 0]?["id"]?.stringValue)
                // The outcome is recorded right after the receiver answers.
                var notes = try await app.request(.get, "/api/v1/incidents/\(incident)/notifications", token: token)
                for _ in 0..<50 where notes.json["data"]?[at: 0]?["status"] != "sent" {
                    try await Task.sleep(for: .milliseconds(100))
                    notes = try await app.request(.get, "/api/v1/incidents/\(incident)/notifications", token: token)
                }
                #expect(notes.json["data"]?[at: 0]?["status"] == "sent")
                #expect(notes.json["data"]?[at: 0]?["channel"] == "webhook")
                #expect(notes.json["data"]?[at: 0]?["user_name"] == "Ann")
                #expect(!notes.text.contains(base), "addresses stay with their owners")
                let schema = try #require(OpenAPITests.responseSchema("GET /api/v1/incidents/{id}/notifications", "200"))
                #expect(SchemaCheck.problems(notes.json, against: schema, root: OpenAPIDocument.document).isEmpty)
                #expect(try await app.request(.get, "/api/v1/incidents/\(UUID().uuidString)/notifications", token: token).status == .notFound)

                // Escalating by hand: the one level was paged, so "next" has nowhere to go; naming it pages it again.
                let nowhere = try await app.request(.post, "/api/v1/incidents/\(incident)/escalate", token: token)
                #expect(nowhere.status == .conflict)
                let again = try await app.request(.post, "/api/v1/incidents/\(incident)/escalate", token: token, json: #"{"level":1}"#)
                #expect(again.status == .accepted)
                #expect(again.json["level"] == 1)
                let stateSchema = try #require(OpenAPITests.responseSchema("POST /api/v1/incidents/{id}/escalate", "202"))
                #expect(SchemaCheck.problems(again.json, against: stateSchema, root: OpenAPIDocument.document).isEmpty)
                #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/escalate", token: token, json: #"{"level":0}"#).errorFields == ["level"])
                for _ in 0..<100 where receiver.received.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(100)) }
                #expect(receiver.received.withLock { $0.count } == 2, "paged again")
                let timeline = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: token)
                let kinds = timeline.json["data"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
                #expect(kinds.contains("escalation_started") && kinds.contains("escalated") && kinds.contains("notification_sent"))

                // /metrics counts them by channel and outcome, and measured alert → first page.
                var metrics = try await app.request(.get, "/metrics").text
                // Counted just after the outcome is recorded.
                for _ in 0..<50 where !metrics.contains("tocsin_notification_handoff_seconds_count{channel=\"webhook\"} 2") {
                    try await Task.sleep(for: .milliseconds(50))
                    metrics = try await app.request(.get, "/metrics").text
                }
                #expect(metrics.contains(#"tocsin_notifications_total{channel="webhook",outcome="sent"} 2"#))
                #expect(metrics.contains(#"tocsin_notifications_total{channel="sms",outcome="sent"} 0"#), "every channel from the start")
                // The first page, and the one paged again by hand within the first minute.
                #expect(metrics.contains("tocsin_alert_to_first_page_seconds_count 2"))
                #expect(metrics.contains("tocsin_notification_handoff_seconds_count{channel=\"webhook\"} 2"))

                // The receiver falls over: the next page waits for a retry, and the queue page says why.
                receiver.status.withLock { $0 = 503 }
                #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/escalate", token: token, json: #"{"level":1}"#).status == .accepted)
                for _ in 0..<100 where receiver.received.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(100)) }
                var queue = try await app.request(.get, "/paging/queue", token: token)
                for _ in 0..<50 where !queue.text.contains("retrying after") {
                    try await Task.sleep(for: .milliseconds(100))
                    queue = try await app.request(.get, "/paging/queue", token: token)
                }
                #expect(queue.status == .ok)
                #expect(queue.text.contains("retrying after: the webhook answered 503"))
                #expect(queue.text.contains("Paging is on time"))
                #expect(!queue.text.contains(base), "no addresses")
                // The incident's page shows where paging stands and each notification.
                let incidentPage = try await app.request(.get, "/incidents/\(incident)", token: token)
                #expect(incidentPage.text.contains("<h2>Paging</h2>"))
                #expect(incidentPage.text.contains("Escalating by <strong>SRE</strong>") || incidentPage.text.contains("Escalation by SRE"))
                #expect(incidentPage.text.contains("retrying after: the webhook answered 503"))
                #expect(!incidentPage.text.contains(base), "no addresses")
                #expect(try await app.request(.get, "/metrics").text.contains(#"tocsin_notifications_total{channel="webhook",outcome="retry"} 1"#))
            }
        }
    }

    @Test("""
        the story: primary paged by e-mail with links; five minutes, no acknowledgement; secondary paged; the secondary \
        acknowledges by the link; escalation stops and the primary hears who took it
        """)
    func primarySecondaryAcknowledgedByLink() async throws {
        let clock = Clock(Date(timeIntervalSince1970: 1_800_000_000))
        try await SMTPSink.run { sink in
            let receiver = WebhookReceiver()
            try await receiver.run { base in
                try await TestApp.run(now: { clock.now }, configure: { config in
                    config.smtp = try? SMTPSettings.parse(url: "smtp://127.0.0.1:\(sink.port)", from: "tocsin@example.com")
                }) { app in
                    let (admin, _, key) = try await Self.pagingWorld(app, [("Ann", [("email", "ann@example.com")]),
                                                                           ("Bob", [("webhook", "\(base)/hook")])])
                    try await Self.trigger(app, key, "co-1", "Checkout down")

                    // Ann is paged by e-mail at once, with links that act without signing in.
                    let first = try await sink.wait(for: 1)
                    #expect((first.envelope["to"] as? [String]) == ["ann@example.com"])
                    let text = try #require(SMTPSink.decodedParts(first.text).first)
                    #expect(text.contains("Checkout down"))
                    let annLink = try #require(text.split(separator: "\n").first { $0.hasPrefix("Acknowledge: ") }?.dropFirst("Acknowledge: ".count))
                    #expect(annLink.hasPrefix("https://tocsin.example.com/act/ack.email."))
                    #expect(text.contains("Resolve: https://tocsin.example.com/act/res.email."))

                    // Nobody acknowledges for five minutes: Bob is paged, his webhook carrying his own links.
                    #expect(try await receiver.wait(for: 1, seconds: 2.5).isEmpty, "not before the delay")
                    clock.advance(by: 5 * 60 + 1)
                    let page = try #require(try await receiver.wait(for: 1).first)
                    let body = try JSONValue.parse(Data(page.body.utf8))
                    #expect(body["event"] == "incident.page")
                    let bobLink = try #require(body["actions"]?["acknowledge"]?.stringValue)
                    let bobPath = String(bobLink.dropFirst("https://tocsin.example.com".count))
                    #expect(bobPath.hasPrefix("/act/ack.webhook."))

                    // Opening the link only shows what it would do; the POST acts, as Bob, without a session.
                    let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0])
                    let incidentID = try #require(incident["id"]?.stringValue)
                    let shown = try await app.page(bobPath)
                    #expect(shown.status == .ok)
                    #expect(shown.text.contains("<button type=\"submit\">Acknowledge #1</button>"))
                    #expect(try await app.request(.get, "/api/v1/incidents/\(incidentID)", token: admin).json["status"] == "triggered")
                    let acted = try await app.request(.post, bobPath)
                    #expect(acted.status == .ok)
                    #expect(acted.text.contains("Acknowledged."))
                    let after = try await app.request(.get, "/api/v1/incidents/\(incidentID)", token: admin)
                    #expect(after.json["status"] == "acknowledged")
                    let timeline = try await app.request(.get, "/api/v1/incidents/\(incidentID)/timeline", token: admin)
                    #expect(timeline.text.contains("Acknowledged by Bob (webhook link)"))

                    // Ann hears who took it; Bob, who took it, is not told.
                    let notice = try await sink.wait(for: 2)
                    #expect((notice.envelope["to"] as? [String]) == ["ann@example.com"])
                    #expect(notice.text.contains("acknowledged by Bob (webhook link)"))
                    #expect(try await receiver.wait(for: 2, seconds: 1.5).count == 1)

                    // Escalation stopped: time passes and nobody else is paged.
                    clock.advance(by: 30 * 60)
                    try await Task.sleep(for: .milliseconds(2500))
                    #expect(sink.count() == 2)
                    #expect(receiver.received.withLock { $0.count } == 1)

                    // Ann's link now finds the incident taken and says by whom; a link altered in any place is not one.
                    let annPath = String(annLink.dropFirst("https://tocsin.example.com".count))
                    let late = try await app.request(.post, annPath)
                    #expect(late.status == .conflict)
                    #expect(late.text.contains("already acknowledged by Bob"))
                    var forged = Array(annPath)
                    forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
                    #expect(try await app.request(.post, String(forged)).status == .notFound)
                    #expect(try await app.request(.get, annPath.replacingOccurrences(of: "/act/ack.", with: "/act/res.")).status == .notFound)
                    #expect(try await app.request(.get, "/act/" + String(repeating: "a", count: 5000)).status == .notFound)
                    // A day later the links have expired.
                    clock.advance(by: 25 * 3600)
                    let expired = try await app.page(annPath)
                    #expect(expired.status == .gone)
                    #expect(expired.text.contains("expired"))
                }
            }
        }
    }

    /// Posts a form as Twilio does, signed the way its documentation says: base64 HMAC-SHA1 under the auth token over
    /// the URL and each field's name and value, sorted by name.
    static func twilioPost(_ app: TestApp, _ path: String, _ fields: [String: String], token: String = "twilio-token") async throws -> TestApp.Reply {
        let signed = fields.keys.sorted().reduce("https://tocsin.example.com" + path) { $0 + $1 + fields[$1]! }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data(token.utf8)))
        let body = fields.map { "\(TestApp.formEncode($0.key))=\(TestApp.formEncode($0.value))" }.joined(separator: "&")
        return try await app.request(.post, path, body: body, headers: [.contentType: "application/x-www-form-urlencoded",
                                                                         HTTPField.Name("X-Twilio-Signature")!: Data(mac).base64EncodedString()])
    }

    @Test("Slack rate limiting (429, Retry-After) holds only Slack: the webhook pages of a storm all arrive at once, the Slack ones wait as asked")
    func rateLimitedSlackDelaysNothingElse() async throws {
        let slack = WebhookReceiver(), hooks = WebhookReceiver()
        try await slack.run { slackBase in
            try await hooks.run { hookBase in
                slack.status.withLock { $0 = 429 }
                slack.retryAfter.withLock { $0 = "30" }
                try await TestApp.run(configure: { config in
                    config.slack = SlackSettings(token: "xoxb-test", signingSecret: "slack-secret", apiURL: slackBase + "/api")
                }) { app in
                    let (admin, _, key) = try await Self.pagingWorld(app, [("Ann", [("slack", "U012AB3CD"), ("webhook", hookBase + "/ann")])])
                    let started = ContinuousClock.now
                    for n in 1...10 { try await Self.trigger(app, key, "storm-\(n)", "Checkout \(n) down") }
                    // Well inside the 30 s Slack asked for: the webhook pages did not wait for Slack's turn (the bound is loose
                    // for a loaded test machine; waiting for Slack would take 30 s at least).
                    #expect(try await hooks.wait(for: 10, seconds: 20).count == 10)
                    #expect(ContinuousClock.now - started < .seconds(20), "the webhook pages did not wait for Slack")
                    _ = try await slack.wait(for: 10, seconds: 5)
                    try await Task.sleep(for: .milliseconds(300))
                    let incidents = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?.arrayValue)
                    for incident in incidents {
                        let id = try #require(incident["id"]?.stringValue)
                        let notes = try #require(try await app.request(.get, "/api/v1/incidents/\(id)/notifications", token: admin).json["data"]?.arrayValue)
                        #expect(notes.first { $0["channel"] == "webhook" }?["status"] == "sent")
                        let waiting = notes.first { $0["channel"] == "slack" }
                        #expect(waiting?["status"] == "queued")
                        #expect(waiting?["last_error"] == "Slack answered 429, asking to wait 30 s")
                    }
                    #expect(slack.received.withLock { $0.count } == 10, "each Slack page tried once, then waiting its 30 s")
                }
            }
        }
    }

    @Test("an incident acknowledged or resolved by its integration tells those paged for it, naming the integration")
    func integrationTakes() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run { app in
                let (_, _, key) = try await Self.pagingWorld(app, [("Ann", [("webhook", base + "/ann")])])
                try await Self.trigger(app, key, "int-1", "Checkout down")
                _ = try await receiver.wait(for: 1)
                try await Task.sleep(for: .milliseconds(200))  // the page's outcome is recorded: it counts as sent
                #expect(try await app.request(.post, "/v2/enqueue", json: """
                    {"routing_key":"\(key)","event_action":"acknowledge","dedup_key":"int-1"}
                    """).status == .accepted)
                let notices = try await receiver.wait(for: 2)
                let notice = try JSONValue.parse(Data(try #require(notices.element(at: 1)).body.utf8))
                #expect(notice["event"] == "incident.taken")
                #expect(notice["detail"]?.stringValue?.hasPrefix("acknowledged by integration ") == true, "\(notice)")
                // Resolving an incident already acknowledged tells nobody again.
                #expect(try await app.request(.post, "/v2/enqueue", json: """
                    {"routing_key":"\(key)","event_action":"resolve","dedup_key":"int-1"}
                    """).status == .accepted)
                #expect(try await receiver.wait(for: 3, seconds: 1.5).count == 2)
            }
        }
    }

    @Test("a webhook pointing at this machine's loopback is refused by default, saying so, and the receiver hears nothing")
    func loopbackRefused() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run(configure: { $0.destinations = DestinationGuard() }) { app in
                let (admin, _, key) = try await Self.pagingWorld(app, [("Ann", [("webhook", base + "/ann")])])
                try await Self.trigger(app, key, "ssrf-1", "Checkout down")
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                var note: JSONValue?
                for _ in 0..<150 {
                    note = try await app.request(.get, "/api/v1/incidents/\(incident)/notifications", token: admin).json["data"]?[at: 0]
                    if note?["status"] == "failed" { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(note?["status"] == "failed")
                #expect(note?["last_error"]?.stringValue?.hasPrefix("the address's host is in a network Tocsin does not send to (127.0.0.0/8)") == true)
                #expect(note?["attempts"] == .number(1), "refused for good, not retried")
                #expect(receiver.received.withLock { $0.count } == 0)
            }
        }
    }

    @Test("pages feed the on-call burden report: pages, pages at night, per shift, and the time from page to the person's acknowledgement")
    func pagesInBurden() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run { app in
                let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("webhook", base + "/ann")])])
                try await Self.trigger(app, key, "burden-1", "Checkout down")
                try await Self.trigger(app, key, "burden-2", "Payments down")
                _ = try await receiver.wait(for: 2)
                let incidents = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?.arrayValue)
                let first = try #require(incidents.last?["id"]?.stringValue)
                // The outcome is recorded just after the receiver answers.
                for _ in 0..<100 {
                    let notes = try await app.request(.get, "/api/v1/incidents/\(first)/notifications", token: admin).json["data"]?.arrayValue ?? []
                    if notes.first?["status"] == "sent" { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(100))
                let (_, annToken) = try await app.accounts.createToken(for: users[0], name: "ann", readOnly: false)
                #expect(try await app.request(.post, "/api/v1/incidents/\(first)/acknowledge", token: annToken).status == .ok)

                let reply = try await app.request(.get, "/api/v1/reports/oncall-burden", token: admin)
                ScheduleAPITests().fits("GET /api/v1/reports/oncall-burden", reply, "200")
                let ann = try #require(reply.json["data"]?.arrayValue?.first { $0["name"] == "Ann" })
                #expect(ann["pages"] == .number(2))
                #expect(ann["incidents_paged"] == .number(2))
                #expect(ann["acknowledged"] == .number(1))
                #expect(ann["median_minutes_to_acknowledge"] != nil && ann["median_minutes_to_acknowledge"] != .null)
                #expect(ann["pages_per_shift"] == .null, "Ann is on no schedule")
                #expect(reply.json["total"]?["pages"] == .number(2))
                #expect(reply.json["pages_cut"] == .bool(false))
                let page = try await app.page("/reports/oncall", cookies: try await app.signIn(email: "ada@example.com"))
                #expect(page.text.contains("<th>Pages at night</th>") && page.text.contains("<td data-label=\"Pages\">2</td>"))
            }
        }
    }

    @Test("SMS replies through a generic gateway: with its token, ack 1 from the paged number acknowledges; without it, refused")
    func gatewayReplies() async throws {
        let gateway = WebhookReceiver()
        try await gateway.run { base in
            try await TestApp.run(configure: { config in
                config.phoneProviders = [.gateway(sms: GatewaySettings(url: base + "/sms"), voice: nil)]
                config.gatewayInboundToken = "gateway-secret-0123456789"
            }) { app in
                let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("sms", "+4915100000001")])])
                try await Self.trigger(app, key, "gw-1", "Checkout down")
                let sms = try #require(try await gateway.wait(for: 1, path: "/sms").first)
                #expect(sms.body.contains("Reply ack 1, res 1 or esc 1."))
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                for _ in 0..<100 {
                    let notes = try await app.request(.get, "/api/v1/incidents/\(incident)/notifications", token: admin).json["data"]?.arrayValue ?? []
                    if notes.first?["status"] == "sent" { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let json: HTTPFields = [.contentType: "application/json"]
                var signed = json
                signed[HTTPField.Name("X-Tocsin-Gateway-Token")!] = "gateway-secret-0123456789"
                #expect(try await app.request(.post, "/callbacks/sms-gateway", body: #"{"from":"+4915100000001","text":"ack 1"}"#, headers: json).status == .forbidden)
                var wrong = json
                wrong[HTTPField.Name("X-Tocsin-Gateway-Token")!] = "gateway-secret-0123456780"
                #expect(try await app.request(.post, "/callbacks/sms-gateway", body: #"{"from":"+4915100000001","text":"ack 1"}"#, headers: wrong).status == .forbidden)
                #expect(try await app.request(.post, "/callbacks/sms-gateway", body: #"{"text":"ack 1"}"#, headers: signed).status == .unprocessableContent)
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin).json["status"] == "triggered")
                let stranger = try await app.request(.post, "/callbacks/sms-gateway", body: #"{"from":"+4915199999999","text":"ack 1"}"#, headers: signed)
                #expect(stranger.json["reply"]?.stringValue?.contains("does not know this number") == true)
                // A form with the token in the query, the number written with spaces: acknowledged as Ann.
                let form = try await app.request(.post, "/callbacks/sms-gateway?token=gateway-secret-0123456789", body: "from=%2B49+151+00000001&text=ACK+1",
                                                 headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(form.json["reply"] == "Incident 1 acknowledged.")
                let acked = try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin)
                #expect(acked.json["status"] == "acknowledged" && acked.json["acknowledged_by"] == .string(users[0].id.db))
            }
        }
        try await TestApp.run { app in
            let reply = try await app.request(.post, "/callbacks/sms-gateway?token=x", body: "from=1&text=ack+1",
                                              headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(reply.status == .notFound, "not configured: no endpoint")
        }
    }

    @Test("a voice and SMS gateway: the call names where keys go and a key with the gateway's secret acknowledges; its delivery reports are recorded")
    func gatewayKeysAndReports() async throws {
        let gateway = WebhookReceiver()
        try await gateway.run { base in
            gateway.answers.withLock { $0["/sms"] = (200, #"{"id": "s-1"}"#); $0["/call"] = (200, #"{"message_id": "v-1"}"#) }
            try await TestApp.run(configure: { config in
                config.phoneProviders = [.gateway(sms: GatewaySettings(url: base + "/sms"),
                                                  voice: GatewaySettings(url: base + "/call", bodyTemplate: #"{"to": "{{to}}", "text": "{{text}}", "keys": "{{reply_url}}"}"#))]
                config.gatewayInboundToken = "gateway-secret-0123456789"
            }) { app in
                let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("sms", "+4915100000001"), ("voice", "+4915100000002")])])
                try await Self.trigger(app, key, "gw-call", "Checkout down")
                let call = try #require(try await gateway.wait(for: 1, path: "/call").first)
                let sent = try JSONValue.parse(Data(call.body.utf8))
                #expect(sent["text"]?.stringValue?.hasSuffix("Press 1 to acknowledge, 2 to resolve, 3 to escalate.") == true)
                let keys = try #require(sent["keys"]?.stringValue)
                #expect(keys.hasPrefix("https://tocsin.example.com/callbacks/voice/"))
                let path = String(keys.dropFirst("https://tocsin.example.com".count))
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                func notes() async throws -> [JSONValue] {
                    try await app.request(.get, "/api/v1/incidents/\(incident)/notifications", token: admin).json["data"]?.arrayValue ?? []
                }
                for _ in 0..<100 where try await notes().contains(where: { $0["status"] != "sent" }) { try await Task.sleep(for: .milliseconds(20)) }

                // Delivery reports: without the secret refused; a field missing named; the SMS delivered, the call not answered.
                let json: HTTPFields = [.contentType: "application/json"]
                var signed = json
                signed[HTTPField.Name("X-Tocsin-Gateway-Token")!] = "gateway-secret-0123456789"
                #expect(try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"delivered"}"#, headers: json).status == .forbidden)
                let missing = try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1"}"#, headers: signed)
                #expect(missing.status == .unprocessableContent && missing.text.contains("status"))
                #expect(try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"sent"}"#, headers: signed).json["recorded"] == false,
                        "on its way: nothing to record yet")
                // Named as the voice gateway's, s-1 is nobody's message; a channel that is neither is refused by name.
                #expect(try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"failed","channel":"voice"}"#,
                                              headers: signed).json["recorded"] == false)
                let fax = try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"failed","channel":"fax"}"#, headers: signed)
                #expect(fax.status == .unprocessableContent && fax.text.contains("must be sms or voice"))
                #expect(try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"delivered","channel":"sms"}"#,
                                              headers: signed).json["recorded"] == true)
                for _ in 0..<2 {
                    _ = try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"s-1","status":"delivered"}"#, headers: signed)
                    _ = try await app.request(.post, "/callbacks/gateway/status?token=gateway-secret-0123456789", body: "message_id=v-1&status=no-answer&reason=voicemail+full",
                                              headers: [.contentType: "application/x-www-form-urlencoded"])
                }
                #expect(try await app.request(.post, "/callbacks/gateway/status", body: #"{"id":"nobody","status":"delivered"}"#, headers: signed).json["recorded"] == false)
                let numeric = try await app.request(.post, "/callbacks/gateway/status", body: #"{"id": 123, "status": "delivered"}"#, headers: signed)
                #expect(numeric.status == .ok && numeric.json["recorded"] == false, "an id sent as a number is an id (none here has it)")
                let reported = try await notes()
                #expect(reported.first { $0["channel"] == "sms" }?["delivered_at"]?.stringValue != nil)
                #expect(reported.first { $0["channel"] == "voice" }?["last_error"] == "the gateway reported it no-answer: voicemail full")
                let timeline = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text
                #expect(timeline.components(separatedBy: "sms to Ann delivered").count == 2, "once, however often the gateway reports it")

                // Keys: without the secret refused; 9 does nothing; 1 acknowledges as Ann.
                #expect(try await app.request(.post, path, body: #"{"digits":"1"}"#, headers: json).status == .forbidden)
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin).json["status"] == "triggered")
                let nine = try await app.request(.post, path + "?token=gateway-secret-0123456789", body: "Digits=9",
                                                 headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(nine.json["say"] == "That key does nothing. Goodbye.")
                // A key sent as a JSON number counts as written.
                let pressed = try await app.request(.post, path, body: #"{"digits": 1}"#, headers: signed)
                #expect(pressed.json["say"] == "Incident 1 acknowledged. Goodbye.")
                let acked = try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin)
                #expect(acked.json["status"] == "acknowledged" && acked.json["acknowledged_by"] == .string(users[0].id.db))
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text.contains("Acknowledged by Ann (phone call)"))
            }
        }
    }

    @Test("a call reading several incidents (a bundle): one key acts on each; a token for another person or a sixth incident voids the call's key")
    func bundledCallKeys() async throws {
        try await TestApp.run(configure: { config in
            config.phoneProviders = [.twilio(TwilioSettings(baseURL: "http://127.0.0.1:9", accountSID: "AC1", authToken: "twilio-token", from: "+15005550006"))]
        }) { app in
            let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", []), ("Bob", [])])
            for n in 1...3 { try await Self.trigger(app, key, "bundle-\(n)", "Checkout \(n) down") }
            let incidents = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            #expect(incidents.count == 3)
            let links = ActionLinks(store: app.store, publicURL: "https://tocsin.example.com")
            let ids = incidents.compactMap(UUID.init(uuidString:))
            let annURL = try #require(try await links.voiceReplyURL(incidentIDs: Array(ids.prefix(2)), userID: users[0].id, now: app.env.now()))
            let path = String(annURL.dropFirst("https://tocsin.example.com".count))
            #expect(path.components(separatedBy: "~").count == 2)
            // Mixing in Bob's token for the third: the whole key is refused.
            let bobURL = try #require(try await links.voiceReplyURL(incidentIDs: [ids[2]], userID: users[1].id, now: app.env.now()))
            let mixed = path + "~" + String(bobURL.dropFirst("https://tocsin.example.com/callbacks/voice/".count))
            #expect(try await Self.twilioPost(app, mixed, ["Digits": "1"]).text.contains("can no longer act"))
            let six = ([path] + Array(repeating: String(path.split(separator: "~")[1]), count: 5)).joined(separator: "~")
            #expect(try await Self.twilioPost(app, six, ["Digits": "1"]).text.contains("can no longer act"))
            for id in incidents { #expect(try await app.request(.get, "/api/v1/incidents/\(id)", token: admin).json["status"] == "triggered") }

            let pressed = try await Self.twilioPost(app, path, ["Digits": "1", "CallSid": "CA9"])
            #expect(pressed.text.contains("acknowledged. Incident") && pressed.text.hasSuffix("acknowledged. Goodbye.</Say></Response>"))
            var statuses: [String?] = []
            for id in incidents { statuses.append(try await app.request(.get, "/api/v1/incidents/\(id)", token: admin).json["status"]?.stringValue) }
            #expect(statuses.filter { $0 == "acknowledged" }.count == 2 && statuses.filter { $0 == "triggered" }.count == 1,
                    "the two incidents the call read, not the third")
        }
    }

    @Test("SMS and voice through Twilio: the page reaches Twilio's API; a signed SMS reply acknowledges; a keypress resolves; unsigned requests are refused")
    func twilioRepliesAndKeys() async throws {
        let twilio = WebhookReceiver()
        try await twilio.run { base in
            let messages = "/2010-04-01/Accounts/AC1/Messages.json", calls = "/2010-04-01/Accounts/AC1/Calls.json"
            twilio.answers.withLock { $0[messages] = (201, #"{"sid":"SM1"}"#); $0[calls] = (201, #"{"sid":"CA1"}"#) }
            try await TestApp.run(configure: { config in
                config.phoneProviders = [.twilio(TwilioSettings(baseURL: base, accountSID: "AC1", authToken: "twilio-token", from: "+15005550006"))]
            }) { app in
                let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("sms", "+4915100000001"), ("voice", "+4915100000002")])])
                try await Self.trigger(app, key, "co-1", "Checkout down")
                let sms = try #require(try await twilio.wait(for: 1, path: messages).first)
                #expect(sms.body.contains("Body=Tocsin+%231+SEV2%3A+Checkout+down%0AReply+ack+1%2C+res+1+or+esc+1."))
                #expect(sms.body.contains("StatusCallback=https%3A%2F%2Ftocsin.example.com%2Fcallbacks%2Ftwilio%2Fstatus"))
                let call = try #require(try await twilio.wait(for: 1, path: calls).first)
                #expect(call.body.contains("StatusCallback=https%3A%2F%2Ftocsin.example.com%2Fcallbacks%2Ftwilio%2Fstatus"))

                // Delivery reports: the SMS reached the phone; the call was not answered. Repeats change nothing; unsigned ones are refused.
                let firstIncident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                func notes() async throws -> [JSONValue] {
                    try await app.request(.get, "/api/v1/incidents/\(firstIncident)/notifications", token: admin).json["data"]?.arrayValue ?? []
                }
                for _ in 0..<100 where try await notes().contains(where: { $0["status"] != "sent" }) { try await Task.sleep(for: .milliseconds(20)) }
                #expect(try await app.request(.post, "/callbacks/twilio/status", body: "MessageSid=SM1&MessageStatus=delivered",
                                              headers: [.contentType: "application/x-www-form-urlencoded"]).status == .forbidden)
                for _ in 0..<2 {
                    #expect(try await Self.twilioPost(app, "/callbacks/twilio/status", ["MessageSid": "SM1", "MessageStatus": "sent"]).status == .noContent)
                    #expect(try await Self.twilioPost(app, "/callbacks/twilio/status", ["MessageSid": "SM1", "MessageStatus": "delivered"]).status == .noContent)
                    #expect(try await Self.twilioPost(app, "/callbacks/twilio/status", ["CallSid": "CA1", "CallStatus": "no-answer"]).status == .noContent)
                }
                let reported = try await notes()
                #expect(reported.first { $0["channel"] == "sms" }?["delivered_at"]?.stringValue != nil)
                #expect(reported.first { $0["channel"] == "voice" }?["delivered_at"] == .null)
                #expect(reported.first { $0["channel"] == "voice" }?["last_error"] == "the call was not answered (no-answer)")
                let reports = try await app.request(.get, "/api/v1/incidents/\(firstIncident)/timeline", token: admin).text
                #expect(reports.components(separatedBy: "sms to Ann delivered").count == 2, "once, however often Twilio reports it")
                #expect(reports.components(separatedBy: "voice to Ann not delivered: the call was not answered (no-answer)").count == 2)
                let twiml = try #require(call.body.split(separator: "&").first { $0.hasPrefix("Twiml=") }.map {
                    String($0.dropFirst(6)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                })
                let action = try #require(twiml.components(separatedBy: "action=\"").element(at: 1)?.components(separatedBy: "\"").first)
                let voicePath = String(action.dropFirst("https://tocsin.example.com".count))
                #expect(voicePath.hasPrefix("/callbacks/voice/ack.voice."))
                #expect(try await app.request(.get, voicePath.replacingOccurrences(of: "/callbacks/voice/", with: "/act/")).status == .notFound,
                        "a call's key does not open the browser page")

                // Unsigned, wrongly signed, or signed for another path: refused, nothing changes.
                #expect(try await app.request(.post, "/callbacks/twilio/sms", body: "From=%2B4915100000001&Body=ack+1",
                                              headers: [.contentType: "application/x-www-form-urlencoded"]).status == .forbidden)
                #expect(try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "ack 1"], token: "wrong").status == .forbidden)
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin).json["status"] == "triggered")

                // A stranger's number and a reply that is not a command get an answer, and change nothing.
                let stranger = try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915199999999", "Body": "ack 1"])
                #expect(stranger.status == .ok && stranger.text.contains("does not know this number"))
                let chatter = try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "on my way"])
                #expect(chatter.text.contains("<Message>Tocsin did not understand."))
                #expect(try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "ack 99"]).text.contains("no incident #99"))

                let reply = try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "ACK 1", "MessageSid": "SMx"])
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "text/xml; charset=utf-8")
                #expect(reply.text.hasSuffix("<Response><Message>Incident 1 acknowledged.</Message></Response>"))
                let acked = try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin)
                #expect(acked.json["status"] == "acknowledged")
                #expect(acked.json["acknowledged_by"] == .string(users[0].id.db))
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text.contains("Acknowledged by Ann (SMS)"))
                let again = try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "ack 1"])
                #expect(again.text.contains("not changed: the incident is already acknowledged by Ann"))

                // The call's keys: 9 does nothing (also on the path calls placed before the neutral one name); 2 resolves.
                #expect(try await Self.twilioPost(app, voicePath, ["Digits": "9", "CallSid": "CA1"]).text.contains("That key does nothing"))
                let oldPath = voicePath.replacingOccurrences(of: "/callbacks/voice/", with: "/callbacks/twilio/voice/")
                #expect(try await Self.twilioPost(app, oldPath, ["Digits": "9", "CallSid": "CA1"]).text.contains("That key does nothing"))
                #expect(try await app.request(.post, voicePath, body: #"{"digits":"2"}"#, headers: [.contentType: "application/json"]).status == .notFound,
                        "no gateway secret configured: a key without Twilio's signature has nowhere to go")
                let pressed = try await Self.twilioPost(app, voicePath, ["Digits": "2", "CallSid": "CA1"])
                #expect(pressed.text.hasSuffix("<Response><Say>Incident 1 resolved. Goodbye.</Say></Response>"))
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin).json["status"] == "resolved")
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text.contains("Resolved by Ann (phone call)"))
            }
        }
        // Without Twilio the callbacks do not exist.
        try await TestApp.run { app in
            let reply = try await Self.twilioPost(app, "/callbacks/twilio/sms", ["From": "+4915100000001", "Body": "ack 1"])
            #expect(reply.status == .notFound)
        }
    }
    /// Posts a button press as Slack does: `payload=<json>`, signed over "v0:<timestamp>:<body>" with the signing secret.
    static func slackPress(_ app: TestApp, _ payload: String, at time: Date = Date(), secret: String = "slack-secret") async throws -> TestApp.Reply {
        let body = "payload=" + TestApp.formEncode(payload)
        let stamp = String(Int(time.timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("v0:\(stamp):\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return try await app.request(.post, "/callbacks/slack/interactions", body: body, headers: [
            .contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Slack-Request-Timestamp")!: stamp,
            HTTPField.Name("X-Slack-Signature")!: "v0=" + mac.map { String(format: "%02x", $0) }.joined(),
        ])
    }

    @Test("Slack: the page is a direct message with buttons; a signed press acknowledges as the member's owner, answers them, and the message is rewritten")
    func slackButtons() async throws {
        let slack = WebhookReceiver()
        try await slack.run { base in
            slack.answers.withLock {
                $0["/api/chat.postMessage"] = (200, #"{"ok":true,"channel":"D1","ts":"1800000000.000100"}"#)
                $0["/api/chat.update"] = (200, #"{"ok":true,"channel":"D1","ts":"1800000000.000100"}"#)
            }
            try await TestApp.run(configure: { config in
                config.slack = SlackSettings(token: "xoxb-test", signingSecret: "slack-secret", apiURL: base + "/api")
            }) { app in
                let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("slack", "U0ANN")])])
                try await Self.trigger(app, key, "co-1", "Checkout down")
                let posted = try #require(try await slack.wait(for: 1, path: "/api/chat.postMessage").first)
                let message = try JSONValue.parse(Data(posted.body.utf8))
                #expect(message["channel"] == "U0ANN")
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                #expect(message["blocks"]?.arrayValue?.last?["elements"]?.arrayValue?.first?["value"] == .string(incident))

                let press = """
                    {"type":"block_actions","user":{"id":"U0ANN","username":"ann"},"response_url":"\(base)/response",
                     "container":{"type":"message","channel_id":"D1","message_ts":"1800000000.000100"},
                     "actions":[{"type":"button","action_id":"tocsin_acknowledge","block_id":"tocsin","value":"\(incident)"}]}
                    """
                // Wrongly signed, or signed too long ago: refused, nothing changes.
                #expect(try await Self.slackPress(app, press, secret: "wrong").status == .forbidden)
                #expect(try await Self.slackPress(app, press, at: Date().addingTimeInterval(-600)).status == .forbidden)
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin).json["status"] == "triggered")
                // A member nobody owns is told so.
                let stranger = press.replacingOccurrences(of: "U0ANN", with: "U0EVE")
                #expect(try await Self.slackPress(app, stranger).status == .ok)
                let told = try await slack.wait(for: 1, path: "/response")
                #expect(told.first?.body.contains("Tocsin does not know you") == true)

                #expect(try await Self.slackPress(app, press).status == .ok)
                let acked = try await app.request(.get, "/api/v1/incidents/\(incident)", token: admin)
                #expect(acked.json["status"] == "acknowledged")
                #expect(acked.json["acknowledged_by"] == .string(users[0].id.db))
                #expect(try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text.contains("Acknowledged by Ann (Slack)"))
                let answers = try await slack.wait(for: 2, path: "/response")
                let answer = try JSONValue.parse(Data(try #require(answers.last).body.utf8))
                #expect(answer["response_type"] == "ephemeral")
                #expect(answer["text"] == "You acknowledged #1. Escalation stops.")

                // The message is rewritten in place: the state says who has it; only Resolve is left.
                let update = try #require(try await slack.wait(for: 1, path: "/api/chat.update", seconds: 6).first)
                let rewritten = try JSONValue.parse(Data(update.body.utf8))
                #expect(rewritten["channel"] == "D1" && rewritten["ts"] == "1800000000.000100")
                #expect(rewritten["blocks"]?.arrayValue?.first?["text"]?["text"]?.stringValue?.hasSuffix("Acknowledged by Ann") == true)
                #expect(rewritten["blocks"]?.arrayValue?.last?["elements"]?.arrayValue?.count == 1)
                // Resolved elsewhere (the API): rewritten again, with nothing left to press; and only once.
                #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/resolve", token: admin).status == .ok)
                let again = try await slack.wait(for: 2, path: "/api/chat.update", seconds: 6)
                #expect(again.count == 2)
                #expect(again.last.map { try? JSONValue.parse(Data($0.body.utf8)) }??["blocks"]?.arrayValue?.count == 1)
                try await Task.sleep(for: .milliseconds(2500))
                #expect(slack.received.withLock { $0.filter { $0.path == "/api/chat.update" }.count } == 2)
            }
        }
    }

    @Test("verification codes travel by the method's own channel: a code by e-mail and one by webhook verify their methods; a channel that cannot carry one says so")
    func verificationCodes() async throws {
        try await SMTPSink.run { sink in
            let receiver = WebhookReceiver()
            try await receiver.run { base in
                try await TestApp.run(configure: { config in
                    config.smtp = try? SMTPSettings.parse(url: "smtp://127.0.0.1:\(sink.port)", from: "tocsin@example.com")
                }) { app in
                    let (_, token) = try await app.user("Rita", role: .responder)
                    let mail = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token, json: #"{"type":"email","address":"rita@example.com"}"#)
                    #expect(mail.json["code_sent"] == true)
                    let message = try await sink.wait(for: 1)
                    #expect(message.text.contains("Subject: [Tocsin] Your verification code: "))
                    let text = try #require(SMTPSink.decodedParts(message.text).first)
                    let code = try #require(text.components(separatedBy: "code is ").element(at: 1)?.prefix(6))
                    let mailID = try #require(mail.json["id"]?.stringValue)
                    let verified = try await app.request(.post, "/api/v1/users/me/contact-methods/\(mailID)/verify", token: token, json: #"{"code":"\#(code)"}"#)
                    #expect(verified.json["verified"] == true)

                    let hook = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token, json: #"{"type":"webhook","address":"\#(base)/rita"}"#)
                    #expect(hook.json["code_sent"] == true)
                    let secret = try #require(hook.json["signing_secret"]?.stringValue)
                    let got = try #require(try await receiver.wait(for: 1).first)
                    let signature = try #require(got.headers["x-tocsin-signature"])
                    let stamp = try #require(signature.split(separator: ",").first?.dropFirst(2))
                    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(stamp).\(got.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                    #expect(signature.hasSuffix(mac.map { String(format: "%02x", $0) }.joined()), "signed like a page")
                    let body = try JSONValue.parse(Data(got.body.utf8))
                    #expect(body["event"] == "contact_method.verify")
                    let hookCode = try #require(body["code"]?.stringValue)
                    let hookID = try #require(hook.json["id"]?.stringValue)
                    #expect(try await app.request(.post, "/api/v1/users/me/contact-methods/\(hookID)/verify", token: token,
                                                  json: #"{"code":"\#(hookCode)"}"#).json["verified"] == true)

                    // No SMS provider here: the code cannot go, and the answer says so (the method waits unverified).
                    let sms = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token, json: #"{"type":"sms","address":"+4915100000009"}"#)
                    #expect(sms.status == .created && sms.json["code_sent"] == false && sms.json["verified"] == false)
                }
            }
        }
    }

    @Test("reassign and add a responder through the API: one target, named fields for mistakes, observers refused, answers as documented")
    func reassignAndRespondersAPI() async throws {
        try await TestApp.run { app in
            let (admin, users, key) = try await Self.pagingWorld(app, [("Ann", [("webhook", "http://127.0.0.1:9/ann")]), ("Bob", [])])
            try await Self.trigger(app, key, "co-1", "Checkout down")
            let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
            let (_, observer) = try await app.user("Olly", role: .observer)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: observer,
                                          json: #"{"user_id":"\#(users[1].id.db)"}"#).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: admin, json: "{}").errorFields == ["user_id"])
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: admin,
                                          json: #"{"user_id":"\#(users[1].id.db)","escalation_policy_id":"\#(UUID().uuidString)"}"#).errorFields == ["user_id"])
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: admin,
                                          json: #"{"user_id":"\#(UUID().uuidString)"}"#).errorFields == ["user_id"])
            let reassigned = try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: admin, json: #"{"user_id":"\#(users[1].id.db)"}"#)
            #expect(reassigned.status == .accepted)
            #expect(reassigned.json["policy_name"] == "Reassigned to Bob, then Checkout")
            let stateSchema = try #require(OpenAPITests.responseSchema("POST /api/v1/incidents/{id}/reassign", "202"))
            #expect(SchemaCheck.problems(reassigned.json, against: stateSchema, root: OpenAPIDocument.document).isEmpty)

            let added = try await app.request(.post, "/api/v1/incidents/\(incident)/responders", token: admin, json: #"{"user_id":"\#(users[0].id.db)"}"#)
            #expect(added.status == .accepted)
            #expect(added.json["user_name"] == "Ann" && added.json["notifications_queued"] == 1)
            let addedSchema = try #require(OpenAPITests.responseSchema("POST /api/v1/incidents/{id}/responders", "202"))
            #expect(SchemaCheck.problems(added.json, against: addedSchema, root: OpenAPIDocument.document).isEmpty)
            let nobody = try await app.request(.post, "/api/v1/incidents/\(incident)/responders", token: admin, json: #"{"user_id":"\#(users[1].id.db)"}"#)
            #expect(nobody.json["notifications_queued"] == 0, "Bob has no verified method, and the answer says so")
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/responders", token: admin, json: #"{"user_id":"x"}"#).errorFields == ["user_id"])
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/resolve", token: admin).status == .ok)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/responders", token: admin,
                                          json: #"{"user_id":"\#(users[0].id.db)"}"#).status == .conflict)
            #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/reassign", token: admin,
                                          json: #"{"user_id":"\#(users[0].id.db)"}"#).status == .conflict)
            let timeline = try await app.request(.get, "/api/v1/incidents/\(incident)/timeline", token: admin).text
            #expect(timeline.contains("Reassigned to Bob by Ada") && timeline.contains("Ann asked to respond by Ada"))
        }
    }

    @Test("an escalation that ran out is loud on the incident's page until someone acts")
    func ranOutIsLoud() async throws {
        let clock = Clock(Date(timeIntervalSince1970: 1_800_000_000))
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run(now: { clock.now }) { app in
                let (admin, _, key) = try await Self.pagingWorld(app, [("Ann", [("webhook", "\(base)/ann")])])
                try await Self.trigger(app, key, "co-1", "Checkout down")
                #expect(try await receiver.wait(for: 1).count == 1)
                let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
                var page = try await app.request(.get, "/incidents/\(incident)", token: admin)
                #expect(page.text.contains("level 1 of 1 is paged in 5 min"))
                clock.advance(by: 5 * 60 + 1)
                for _ in 0..<40 where !page.text.contains("Nobody acknowledged.") {
                    try await Task.sleep(for: .milliseconds(100))
                    page = try await app.request(.get, "/incidents/\(incident)", token: admin)
                }
                #expect(page.text.contains("<strong>Nobody acknowledged.</strong>"))
                #expect(page.text.contains("nobody acknowledged"), "the team's notice is listed")
                #expect(try await app.request(.post, "/api/v1/incidents/\(incident)/acknowledge", token: admin).status == .ok)
                page = try await app.request(.get, "/incidents/\(incident)", token: admin)
                #expect(!page.text.contains("<strong>Nobody acknowledged.</strong>"))
                #expect(page.text.contains("ran out before anyone acknowledged"))
            }
        }
    }

    @Test("a service's urgency rule and working hours through the API, mistakes named by field")
    func serviceUrgencyAPI() async throws {
        try await TestApp.run { app in
            let (_, admin) = try await app.user("Ada", role: .admin)
            let created = try await app.request(.post, "/api/v1/services", token: admin, json: #"{"name":"Checkout"}"#)
            #expect(created.json["urgency_rule"] == "high" && created.json["working_hours"] == .null)
            let id = try #require(created.json["id"]?.stringValue)
            let changed = try await app.request(.patch, "/api/v1/services/\(id)", token: admin, json: """
                {"urgency_rule":"working_hours","working_hours":{"time_zone":"Europe/Berlin","days":[1,2,3,4,5],"start":"09:00","end":"24:00"}}
                """)
            #expect(changed.status == .ok)
            #expect(changed.json["working_hours"]?["end"] == "24:00" && changed.json["urgency_rule"] == "working_hours")
            let schema = try #require(OpenAPITests.responseSchema("PATCH /api/v1/services/{id}", "200"))
            #expect(SchemaCheck.problems(changed.json, against: schema, root: OpenAPIDocument.document).isEmpty)
            let list = try await app.request(.get, "/api/v1/services", token: admin)
            #expect(list.json["data"]?[at: 0]?["working_hours"]?["time_zone"] == "Europe/Berlin", "the written list says the same")
            #expect(try await app.request(.patch, "/api/v1/services/\(id)", token: admin, json: #"{"urgency_rule":"urgent"}"#).errorFields == ["urgency_rule"])
            #expect(try await app.request(.patch, "/api/v1/services/\(id)", token: admin, json: #"{"working_hours":null}"#).errorFields == ["working_hours"],
                    "the rule needs its hours")
            #expect(try await app.request(.patch, "/api/v1/services/\(id)", token: admin, json: """
                {"working_hours":{"time_zone":"Europe/Berlin","days":[1],"start":"9am","end":"17:00"}}
                """).errorFields == ["working_hours.start"])
            #expect(try await app.request(.patch, "/api/v1/services/\(id)", token: admin, json: """
                {"working_hours":{"time_zone":"Europe/Berlin","days":[1],"start":"18:00","end":"17:00"}}
                """).errorFields == ["working_hours.end"])
        }
    }
}

extension Array {
    func element(at index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
