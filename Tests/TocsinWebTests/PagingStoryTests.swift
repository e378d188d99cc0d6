import Crypto
import Foundation
import HTTPTypes
import Testing
import TocsinCore
import TocsinNotify
import TocsinTestSupport
@testable import TocsinWeb

@Suite("Paging, end to end")
struct PagingStoryTests {
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
                    let (_, admin) = try await app.user("Ada", role: .admin)
                    let (ann, _) = try await app.user("Ann", role: .responder)
                    let (bob, _) = try await app.user("Bob", role: .responder)
                    for (user, type, address) in [(ann, "email", "ann@example.com"), (bob, "webhook", "\(base)/hook")] {
                        #expect(try await app.request(.post, "/api/v1/users/\(user.id.db)/contact-methods", token: admin,
                                                      json: #"{"type":"\#(type)","address":"\#(address)","verified":true}"#).status == .created)
                    }
                    let team = try #require(try await app.request(.post, "/api/v1/teams", token: admin,
                                                                  json: #"{"name":"SRE","member_ids":["\#(ann.id.db)","\#(bob.id.db)"]}"#).json["id"]?.stringValue)
                    let policy = try #require(try await app.request(.post, "/api/v1/escalation-policies", token: admin, json: """
                        {"name":"Checkout","team_id":"\(team)","levels":[{"delay_minutes":5,"targets":[{"type":"user","id":"\(ann.id.db)"}]},
                                                                       {"delay_minutes":5,"targets":[{"type":"user","id":"\(bob.id.db)"}]}]}
                        """).json["id"]?.stringValue)
                    let service = try #require(try await app.request(.post, "/api/v1/services", token: admin,
                                                                     json: #"{"name":"Checkout","escalation_policy_id":"\#(policy)"}"#).json["id"]?.stringValue)
                    let key = try #require(try await app.request(.post, "/api/v1/services/\(service)/integration-keys", token: admin,
                                                                 json: #"{"type":"pagerduty"}"#).json["key"]?.stringValue)
                    #expect(try await app.request(.post, "/v2/enqueue", json: """
                        {"routing_key":"\(key)","event_action":"trigger","dedup_key":"co-1","payload":{"summary":"Checkout down","source":"web","severity":"critical"}}
                        """).status == .accepted)

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
}
