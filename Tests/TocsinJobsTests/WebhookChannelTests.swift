import Crypto
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing
import TocsinCore
import TocsinNotify
import TocsinTestSupport

@Suite("Webhook channel")
struct WebhookChannelTests {
    let sentAt = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ url: String, secret: String? = "whsec_test") -> OutgoingMessage {
        OutgoingMessage(notification: NotificationRecord(id: UUID(), incidentID: UUID(), userID: UUID(), contactMethodID: UUID(), channel: .webhook,
                                                         address: url, step: 0, status: .sending, dueAt: sentAt, attempts: 1, providerMessageID: nil,
                                                         lastError: nil, createdAt: sentAt, sentAt: nil),
                        incidentNumber: 42, incidentTitle: "Checkout \"latency\" high", recipientName: "Pat", incidentURL: "https://tocsin.example.com/incidents/x",
                        signingSecret: secret)
    }

    @Test("a page arrives signed over its timestamp and body, with its delivery id; the receiver's answer decides the outcome")
    func delivery() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let channel = WebhookChannel(now: { self.sentAt })
            let sent = message(base + "/hook")
            #expect(await channel.send(sent) == .sent(providerMessageID: nil))
            let got = try #require(receiver.received.withLock { $0.first })
            #expect(got.headers["x-tocsin-delivery"] == sent.notification.id.db)
            // Verified the way a receiver would: recompute over "<t>.<raw body>" with the shared key.
            let signature = try #require(got.headers["x-tocsin-signature"])
            #expect(signature.hasPrefix("t=1800000000,v1="))
            let expected = HMAC<SHA256>.authenticationCode(for: Data("1800000000.\(got.body)".utf8), using: SymmetricKey(data: Data("whsec_test".utf8)))
            #expect(signature == "t=1800000000,v1=" + expected.map { String(format: "%02x", $0) }.joined())
            let json = try JSONSerialization.jsonObject(with: Data(got.body.utf8)) as? [String: Any]
            #expect((json?["incident"] as? [String: Any])?["title"] as? String == "Checkout \"latency\" high")
            #expect(json?["event"] as? String == "incident.page")

            receiver.status.withLock { $0 = 503 }
            #expect(await channel.send(sent) == .transient("the webhook answered 503"))
            receiver.status.withLock { $0 = 429 }
            #expect(await channel.send(sent) == .transient("the webhook answered 429"))
            receiver.retryAfter.withLock { $0 = "30" }
            #expect(await channel.send(sent) == .rateLimited("the webhook answered 429", retryAfter: 30), "Retry-After is read")
            receiver.retryAfter.withLock { $0 = "Wed, 21 Oct 2026 07:28:00 GMT" }
            #expect(await channel.send(sent) == .transient("the webhook answered 429"), "a date is not: the usual backoff")
            receiver.retryAfter.withLock { $0 = nil }
            receiver.status.withLock { $0 = 302 }
            #expect(await channel.send(sent) == .permanent("the webhook answered 302"), "a redirect is not followed")
            receiver.status.withLock { $0 = 410 }
            #expect(await channel.send(sent) == .permanent("the webhook answered 410"))
            #expect(await channel.send(message(base + "/hook", secret: nil)) == .permanent("the webhook has no signing key; add it again"))
        }
    }

    @Test("a receiver that is down is a transient failure")
    func down() async throws {
        // A port that was just free: bind, note it, close.
        let port = Mutex(0)
        let receiver = WebhookReceiver()
        try await receiver.run { base in port.withLock { $0 = Int(base.split(separator: ":").last ?? "") ?? 0 } }
        let result = await WebhookChannel(timeout: .seconds(2)).send(message("http://127.0.0.1:\(port.withLock { $0 })/hook"))
        guard case .transient(let reason) = result else {
            Issue.record("expected a transient failure, got \(result)")
            return
        }
        #expect(reason.hasPrefix("could not reach the webhook ("))
        #expect(!reason.contains("127.0.0.1"), "the address stays with its owner")
    }
}
