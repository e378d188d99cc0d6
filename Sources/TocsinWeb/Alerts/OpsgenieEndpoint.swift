import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinIngest

/// `POST /v2/alerts`, `POST /v2/alerts/{alias}/close` and `…/acknowledge` with `Authorization: GenieKey <key>`,
/// answered as Opsgenie does: 202 `{"result":"Request will be processed","took":…,"requestId":…}`, after the commit.
struct OpsgenieEndpoint {
    let env: WebEnvironment

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/v2/alerts") { request, _ in try await respond(request) { key in try await create(request, key) } }
        router.post("/v2/alerts/:identifier/close") { request, context in
            try await respond(request) { key in try await act(.resolve, request, context, key) }
        }
        router.post("/v2/alerts/:identifier/acknowledge") { request, context in
            try await respond(request) { key in try await act(.acknowledge, request, context, key) }
        }
    }

    private struct Answer: Encodable {
        var result: String?
        var message: String?
        var errors: [String: String]?
        var took: Double
        var requestId: String
    }

    private static func answer(_ status: HTTPResponse.Status, result: String? = nil, message: String? = nil,
                               errors: [String: String]? = nil, started: ContinuousClock.Instant) throws -> Response {
        let elapsed = (ContinuousClock.now - started).components
        let took = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return try JSONBody.response(Answer(result: result, message: message, errors: errors, took: (took * 1000).rounded() / 1000,
                                            requestId: UUID().uuidString.lowercased()), status: status)
    }

    /// Authenticates the GenieKey and turns every refusal into Opsgenie's shape.
    private func respond(_ request: Request, _ body: (IntegrationKey) async throws -> Void) async throws -> Response {
        let started = ContinuousClock.now
        let header = request.headers[.authorization] ?? ""
        let secret = header.lowercased().hasPrefix("geniekey ") ? String(header.dropFirst(9)).trimmed : ""
        switch try await IntegrationGate(env: env).admit(secret: secret, type: .opsgenie) {
        case .unknownKey:
            return try Self.answer(.unauthorized, message: "Could not authenticate: send Authorization: GenieKey <integration key>", started: started)
        case .throttled:
            var response = try Self.answer(.tooManyRequests, message: "Too many requests for this integration key; retry later.", started: started)
            response.headers[.retryAfter] = "60"
            return response
        case .admitted(let key):
            do {
                try await body(key)
            } catch let error as OpsgenieAlerts.Invalid {
                return try Self.answer(.unprocessableContent, message: "Request body is not processable. Please check the errors.",
                                       errors: error.errors, started: started)
            }
            return try Self.answer(.accepted, result: "Request will be processed", started: started)
        }
    }

    private func create(_ request: Request, _ key: IntegrationKey) async throws {
        let buffer = try await JSONBody.collect(request, limit: 1 << 20)
        let event = try OpsgenieAlerts.decodeCreate(Data(buffer.readableBytesView))
        _ = try await env.store.ingest(event, serviceID: key.serviceID, integrationKeyID: key.id, now: env.now())
    }

    /// Close or acknowledge the open alert with this alias; an unknown alias is accepted and dropped.
    private func act(_ action: EventAction, _ request: Request, _ context: TocsinRequestContext, _ key: IntegrationKey) async throws {
        let type = request.query("identifierType") ?? "id"
        guard ["alias", "id", "tiny"].contains(type) else {
            throw OpsgenieAlerts.Invalid(errors: ["identifierType": "Should be one of [id, alias, tiny]."])
        }
        let alias = context.parameters.get("identifier")?.removingPercentEncoding ?? ""
        _ = try await JSONBody.collect(request, limit: 64 << 10)
        _ = try await env.store.ingest(AlertEvent(action: action, dedupKey: alias), serviceID: key.serviceID,
                                       integrationKeyID: key.id, now: env.now())
    }
}
