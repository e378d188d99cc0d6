import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import TocsinCore

/// Generic webhooks: a JSON page POSTed to the method's URL, signed so the receiver can tell it came from this
/// Tocsin and is fresh.
///
///     X-Tocsin-Signature: t=1800000000,v1=<hex HMAC-SHA256(signing secret, "1800000000." + body)>
///     X-Tocsin-Delivery: <notification id>     (the same on every retry: a receiver ignores one it has seen)
///
/// A page is `"event": "incident.page"` with `actions` (signed acknowledge / resolve / escalate links that act on a
/// POST); a notice that someone else took the incident is `"event": "incident.taken"` with `detail`.
///
/// A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in constant time, and refuses
/// a timestamp more than five minutes old (replay protection). 2xx is sent; 408, 429, 5xx and network errors are
/// retried; any other answer fails the message.
public struct WebhookChannel: NotificationChannel {
    public let kind: ContactMethod.Kind = .webhook
    public let concurrency: Int
    let client: HTTPClient
    let timeout: TimeAmount
    let now: @Sendable () -> Date
    /// The networks user-chosen addresses may be in.
    let destinations: DestinationGuard

    /// Redirects are not followed: a page goes to the address its owner gave, never on to wherever that answers with.
    /// Lives as long as the process (never shut down, so never in use after shutdown).
    /// A connection not made within 3 seconds fails (the client would otherwise keep trying a refused port until the
    /// request's whole deadline), so a provider that is down hands over to the next one quickly. As many connections
    /// to one host as webhooks go at once: a request's deadline counts its wait for a connection, so a storm to one
    /// slow receiver must not time out in a queue of its own.
    public static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                          configuration: HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                                                  timeout: .init(connect: .seconds(3)),
                                                                                  connectionPool: .init(idleTimeout: .seconds(60),
                                                                                                        concurrentHTTP1ConnectionsPerHostSoftLimit: defaultConcurrency)))
    public static let defaultConcurrency = 64

    public init(client: HTTPClient = WebhookChannel.client, concurrency: Int = WebhookChannel.defaultConcurrency, timeout: TimeAmount = .seconds(10), now: @escaping @Sendable () -> Date = { Date() },
                destinations: DestinationGuard = .open) {
        self.destinations = destinations
        self.client = client
        self.concurrency = concurrency
        self.timeout = timeout
        self.now = now
    }

    /// The body, keys in a fixed order so a receiver can log and compare it byte for byte.
    public static func body(_ message: OutgoingMessage, sentAt: Date) -> String {
        let n = message.notification
        var w = JSONWriter()
        w.beginObject()
        w.key("event"); w.string(n.purpose == .taken ? "incident.taken" : "incident.page")
        w.key("purpose"); w.string(n.purpose.rawValue)
        w.key("incident")
        w.beginObject()
        w.key("id"); w.string(n.incidentID.db)
        w.key("number"); w.integer(message.incidentNumber)
        w.key("title"); w.string(message.incidentTitle)
        w.key("url"); w.string(message.incidentURL)
        w.endObject()
        w.key("notification_id"); w.string(n.id.db)
        w.key("recipient")
        w.beginObject()
        w.key("name"); w.string(message.recipientName)
        w.key("user_id"); w.string(n.userID?.db)
        w.endObject()
        w.key("sent_at"); w.date(sentAt)
        w.key("summary"); w.string(message.subject)
        if n.purpose == .taken {
            w.key("detail"); w.string(n.detail ?? "")
        }
        if !message.actions.isEmpty {
            // Signed links, each good for one POST without credentials (a GET shows what it would do).
            w.key("actions")
            w.beginObject()
            for action in message.actions {
                w.key(text: action.action.rawValue); w.string(action.url)
            }
            w.endObject()
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.
    public static func signature(secret: String, timestamp: Int, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        let sentAt = now()
        return await post(Self.body(message, sentAt: sentAt), to: message.notification.address, delivery: message.notification.id.db,
                          secret: message.signingSecret, at: sentAt)
    }

    /// `{"event": "contact_method.verify", "code", "contact_method_id", "sent_at"}` or `{"event": "contact_method.test",
    /// "summary", …}`, signed like a page.
    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        let sentAt = now()
        var w = JSONWriter()
        w.beginObject()
        w.key("event"); w.string(note.event)
        if case .verification(let code) = note { w.key("code"); w.string(code) } else { w.key("summary"); w.string(note.line) }
        w.key("contact_method_id"); w.string(method.id.db)
        w.key("sent_at"); w.date(sentAt)
        w.endObject()
        return await post(String(decoding: w.bytes, as: UTF8.self), to: method.address,
                          delivery: "\(note.idPrefix)-\(method.id.db)-\(Int(sentAt.timeIntervalSince1970))", secret: method.signingSecret, at: sentAt)
    }

    func post(_ body: String, to url: String, delivery: String, secret: String?, at sentAt: Date) async -> ChannelResult {
        guard let secret else { return .permanent("the webhook has no signing key; add it again") }
        if let refused = await destinations.refusal(for: url) { return refused }
        let signature = Self.signature(secret: secret, timestamp: Int(sentAt.timeIntervalSince1970), body: body)
        switch await HTTPDelivery.post(client, url: url, headers: [("X-Tocsin-Delivery", delivery), ("X-Tocsin-Signature", signature)],
                                       body: body, timeout: timeout) {
        case .success(let answer): return HTTPDelivery.result(answer, "the webhook")
        case .failure(let error): return HTTPDelivery.unreachable("the webhook", error)
        }
    }
}
