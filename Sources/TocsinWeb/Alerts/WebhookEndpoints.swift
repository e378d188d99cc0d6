import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinIngest

/// `POST /integrations/alertmanager/{key}` and `POST|PUT /integrations/grafana/{key}`: every alert in the
/// notification is committed in one transaction before the 202. Alertmanager and Grafana retry 5xx and
/// 429, and give up on other 4xx, which is what a bad key or a malformed body should get.
struct WebhookEndpoints {
    let env: WebEnvironment

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/integrations/alertmanager/:key") { request, context in
            try await receive(request, context, type: .alertmanager, flavor: .alertmanager)
        }
        router.post("/integrations/generic/:key") { request, context in try await receiveGeneric(request, context) }
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/integrations/grafana/:key", method: method) { request, context in
                try await receive(request, context, type: .grafana, flavor: .grafana)
            }
        }
    }

    struct Answer: Encodable {
        var status = "success"
        var alerts: Int
        var message: String
    }

    func admit(_ context: TocsinRequestContext, type: IntegrationType) async throws -> IntegrationKey {
        switch try await IntegrationGate(env: env).admit(secret: context.parameters.get("key") ?? "", type: type) {
        case .admitted(let admitted): return admitted
        case .unknownKey: throw DomainError.notFound("no \(type.rawValue) integration has this key (it may have been revoked)")
        case .throttled: throw DomainError.rateLimited("this integration key is over its rate limit; retry later", retryAfterSeconds: 60)
        }
    }

    /// Any JSON, read through the key's JSON Pointer mapping.
    func receiveGeneric(_ request: Request, _ context: TocsinRequestContext) async throws -> Response {
        let key = try await admit(context, type: .generic)
        let mapping = (try? JSONDecoder().decode(GenericMapping.self, from: JSONEncoder().encode(key.settings["mapping"] ?? [:]))) ?? GenericMapping()
        let buffer = try await JSONBody.collect(request, limit: 1 << 20)
        let event = try mapping.event(from: Data(buffer.readableBytesView))
        _ = try await env.store.ingest(event, serviceID: key.serviceID, integrationKeyID: key.id, now: env.now())
        return try JSONBody.response(Answer(alerts: 1, message: "1 alert processed (\(event.action.rawValue), dedup key \(event.dedupKey))"),
                                     status: .accepted)
    }

    func receive(_ request: Request, _ context: TocsinRequestContext, type: IntegrationType,
                 flavor: AlertmanagerWebhook.Flavor) async throws -> Response {
        let key = try await admit(context, type: type)
        let buffer = try await JSONBody.collect(request, limit: AlertmanagerWebhook.maximumBodyBytes)
        let events: [AlertEvent]
        do {
            events = try AlertmanagerWebhook.decode(Data(buffer.readableBytesView), flavor: flavor)
        } catch {
            throw DomainError.validation(error.errors)
        }
        // The rate limit counts alerts, not requests: admission counted one.
        env.eventRateLimiter.charge(key: key.id, count: events.count - 1, now: env.now())
        _ = try await env.store.ingest(events, serviceID: key.serviceID, integrationKeyID: key.id, now: env.now())
        return try JSONBody.response(Answer(alerts: events.count, message: "\(events.count) alerts processed"), status: .accepted)
    }
}
