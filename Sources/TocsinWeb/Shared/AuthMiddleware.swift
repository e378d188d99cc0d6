import Foundation
import HTTPTypes
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Finds out who is calling: a Bearer token (the API) or a session cookie (the browser).
/// It only identifies; each route decides what the caller may do.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    static let sessionCookie = "tocsin_session"

    let env: WebEnvironment

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let now = env.now()
        // Other schemes (Opsgenie's GenieKey, Grafana's Basic) belong to the integration endpoints that read them.
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            guard case let secret = String(header.dropFirst(7)).trimmed, !secret.isEmpty,
                  let (token, user) = try await env.store.authenticateToken(secretHash: Secrets.hash(secret), now: now)
            else {
                throw DomainError.unauthenticated("the API token is not valid (it may have been revoked)")
            }
            context.principal = Principal(user: user, credential: .token(token))
            if context.principal!.isReadOnly, !Self.isSafe(request.method) {
                throw DomainError.forbidden("this API token is read-only")
            }
        } else if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty {
            let hash = Secrets.hash(secret)
            if let (session, user) = try await env.store.session(secretHash: hash, now: now) {
                context.principal = Principal(user: user, credential: .session(csrfToken: session.csrfToken, secretHash: hash))
            }
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}
