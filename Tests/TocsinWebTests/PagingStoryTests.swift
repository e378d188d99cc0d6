import Crypto
import Foundation
import HTTPTypes
import Testing
import TocsinCore
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
}
