import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinIngest

/// `POST /v2/enqueue` and `POST /v2/change/enqueue`, answering exactly as PagerDuty's Events API v2 does,
/// so a sender switches by changing one URL. An event is answered 202 only after it is committed.
struct PagerDutyEndpoint {
    let env: WebEnvironment

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/v2/enqueue") { request, _ in try await enqueue(request) }
        router.post("/v2/change/enqueue") { request, _ in try await enqueueChange(request) }
    }

    private struct Answer: Encodable {
        var status: String
        var message: String
        var dedupKey: String?
        var errors: [String]?

        enum CodingKeys: String, CodingKey {
            case status, message, errors
            case dedupKey = "dedup_key"
        }
    }

    private static func invalid(_ errors: [String]) throws -> Response {
        try JSONBody.response(Answer(status: "invalid event", message: "Event object is invalid", errors: errors), status: .badRequest)
    }

    /// Reads the body within PagerDuty's limit; nil when it is over (answered 413 by the caller).
    private static func body(_ request: Request) async throws -> Data? {
        do {
            let buffer = try await JSONBody.collect(request, limit: PagerDutyEvents.maximumBodyBytes)
            return Data(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return nil
        } catch is NIOTooManyBytesError {
            return nil
        }
    }

    private static let tooLarge: Response = {
        let body = #"{"status":"invalid event","message":"Request entity too large","errors":["the event is larger than 512 KB"]}"#
        return Response(status: .contentTooLarge, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }()

    private enum Authorization {
        case key(IntegrationKey)
        case refused(Response)
    }

    /// The routing key in PagerDuty's terms: an unknown key is an invalid event, too many is "throttle event".
    private func authorize(_ routingKey: String) async throws -> Authorization {
        switch try await IntegrationGate(env: env).admit(secret: routingKey, type: .pagerduty) {
        case .admitted(let key):
            return .key(key)
        case .unknownKey:
            return .refused(try Self.invalid(["Invalid routing key"]))
        case .throttled:
            var response = try JSONBody.response(
                Answer(status: "throttle event", message: "Requests for this integration key are arriving too quickly. Please retry later."),
                status: .tooManyRequests)
            response.headers[.retryAfter] = "60"
            return .refused(response)
        }
    }

    func enqueue(_ request: Request) async throws -> Response {
        guard let data = try await Self.body(request) else { return Self.tooLarge }
        let event: PagerDutyEvents.Event
        do { event = try PagerDutyEvents.decodeEvent(data) } catch { return try Self.invalid(error.errors) }
        let key: IntegrationKey
        switch try await authorize(event.routingKey) {
        case .key(let found): key = found
        case .refused(let answer): return answer
        }
        var alert = event.alert
        if alert.dedupKey.isEmpty { alert.dedupKey = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
        let outcome = try await env.store.ingest(alert, serviceID: key.serviceID, integrationKeyID: key.id, now: env.now())
        if case .ignore(let reason) = outcome.decision {
            env.logger.debug("event dropped", metadata: ["reason": "\(reason)", "integration_key": "\(key.id.db)"])
        }
        // Written out rather than through JSONEncoder: this answer is the hot path of ingestion. Same bytes, keys sorted.
        let body = #"{"dedup_key":"# + JSONValue.quoted(alert.dedupKey) + #","message":"Event processed","status":"success"}"#
        return Response(status: .accepted, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func enqueueChange(_ request: Request) async throws -> Response {
        guard let data = try await Self.body(request) else { return Self.tooLarge }
        let change: PagerDutyEvents.ChangeEvent
        do { change = try PagerDutyEvents.decodeChange(data) } catch { return try Self.invalid(error.errors) }
        let key: IntegrationKey
        switch try await authorize(change.routingKey) {
        case .key(let found): key = found
        case .refused(let answer): return answer
        }
        let now = env.now()
        try await env.store.recordChange(
            ChangeRecord(id: .timeOrdered(at: now), serviceID: key.serviceID, summary: change.summary, source: change.source,
                         occurredAt: change.occurredAt ?? now, details: change.details, links: change.links, createdAt: now),
            integrationKeyID: key.id)
        return try JSONBody.response(Answer(status: "success", message: "Change event processed"), status: .accepted)
    }
}
