import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// The operations the API serves, recorded as they are registered so a test can hold the
/// OpenAPI document and the router together.
public final class RouteTable: @unchecked Sendable {
    public private(set) var operations: [(method: String, path: String)] = []

    func record(_ method: HTTPRequest.Method, _ path: String) {
        operations.append((method.rawValue, path))
    }
}

/// Registers an API route under `/api/v1` and records it in OpenAPI spelling (`{id}` for `:id`).
struct APIRegistrar {
    let group: RouterGroup<TocsinRequestContext>
    let table: RouteTable

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, TocsinRequestContext) async throws -> Response) {
        group.on(RouterPath(path), method: method) { request, context in
            // Checked per route, not per path prefix: the API takes a browser session for changes only
            // with the session's CSRF token in a header, so another page cannot make a browser write.
            if case .session(let csrf, _)? = context.principal?.credential, !AuthMiddleware.isSafe(method) {
                guard let sent = request.headers[.csrfToken], Secrets.constantTimeEquals(sent, csrf) else {
                    throw DomainError.forbidden("a browser session needs the X-CSRF-Token header for API changes; use an API token instead")
                }
            }
            return try await handler(request, context)
        }
        let openAPIPath = path.split(separator: "/").map { (part: Substring) -> String in
            part.hasPrefix(":") ? "{" + part.dropFirst() + "}" : String(part)
        }.joined(separator: "/")
        table.record(method, "/api/v1/" + openAPIPath)
    }
}

extension TocsinRequestContext {
    /// A path id; a malformed one names nothing, so it is a 404 like an unknown one.
    func id(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw DomainError.notFound("no record has the id \(parameters.get(name) ?? "")")
        }
        return id
    }
}

extension Request {
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    var pageRequest: PageRequest {
        get throws { try PageRequest.parse(limit: query("limit"), offset: query("offset")) }
    }

    /// An optional id in the query string, reported against its name when malformed.
    func queryID(_ name: String) throws -> UUID? {
        guard let text = query(name), !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else { throw DomainError.invalid(name, "must be an id (UUID)") }
        return id
    }
}

struct APIRoutes {
    let env: WebEnvironment

    var accounts: Accounts { env.accounts }

    func register(_ api: APIRegistrar) {
        registerUsers(api)
        registerTeams(api)
        registerServices(api)
        registerTokens(api)
        registerAlerts(api)
        registerIncidents(api)
        ProblemReports(env: env).registerAPI(api)
        registerSilences(api)
        registerSchedules(api)
        registerEscalationPolicies(api)
        registerContacts(api)
        OnCallBurdenReports(env: env).registerAPI(api)
        NoiseReports(env: env).registerAPI(api)
        api.on(.get, "openapi.json") { _, _ in
            try JSONBody.response(OpenAPIDocument.document)
        }
    }
}
