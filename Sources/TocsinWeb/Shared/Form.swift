import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// A submitted `application/x-www-form-urlencoded` body.
struct Form: Sendable {
    var values: [String: [String]]

    /// Refuses a body with more fields, or more values of one field, than `RequestLimits` allow.
    init(_ text: String) throws {
        values = [:]
        var fields = 0
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            fields += 1
            guard fields <= RequestLimits.formFields else {
                throw DomainError.malformed(FieldError("body", "has more than \(RequestLimits.formFields) form fields"))
            }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts.first ?? "")
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
            if let count = values[key]?.count, count > RequestLimits.formValuesPerField {
                // Reported on the body: the key is the sender's text, of any length.
                throw DomainError.malformed(FieldError("body", "repeats the field \"\(key.prefix(40))\" more than \(RequestLimits.formValuesPerField) times"))
            }
        }
    }

    private static func decode(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    func all(_ key: String) -> [String] { values[key] ?? [] }

    /// Every value of a field of ids (checkboxes); one that is not an id refuses the form rather than being dropped.
    func ids(_ key: String) throws -> [UUID] {
        try all(key).map { text in
            guard let id = UUID(uuidString: text) else { throw DomainError.malformed(FieldError(key, "holds a value that is not an id")) }
            return id
        }
    }

    /// The form of a page POST, as `PageFormMiddleware` read it and checked its CSRF token before routing.
    static func read(_ request: Request, context: TocsinRequestContext) async throws -> Form {
        guard let form = context.form else { throw DomainError.forbidden("This form was not checked. Go back, reload the page and try again.") }
        return form
    }

    /// Reads the body and checks its CSRF token: the session's, or before sign-in the pre-session cookie's.
    static func readChecked(_ request: Request, context: TocsinRequestContext) async throws -> Form {
        let buffer = try await JSONBody.collect(request, limit: context.maxUploadSize)
        let form = try Form(String(buffer: buffer))
        let expected = context.principal?.csrfToken ?? request.cookies[CSRF.preSessionCookie]?.value
        guard let expected, let sent = form["_csrf"], Secrets.constantTimeEquals(sent, expected) else {
            throw DomainError.forbidden("The form expired or came from another site. Go back, reload the page and try again.")
        }
        return form
    }
}

/// Every POST outside the machine endpoints (the API, ingestion) is a page form: its body is read and its CSRF
/// token checked here, before routing, so no page handler can forget it and no path spelling slips past.
struct PageFormMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    static let machinePrefixes = ["/api/", "/integrations/", "/v2/", "/act/", "/callbacks/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, !Self.machinePrefixes.contains(where: { request.uri.path.hasPrefix($0) }) else {
            return try await next(request, context)
        }
        var context = context
        context.form = try await Form.readChecked(request, context: context)
        return try await next(request, context)
    }
}

/// CSRF tokens: signed-in forms carry the session's token; sign-in and setup forms carry a random
/// value that is also set in a SameSite=Strict cookie (double submit).
enum CSRF {
    static let preSessionCookie = "tocsin_csrf"

    /// The token a form must carry, and the cookie to set when one had to be made.
    static func token(for request: Request, context: TocsinRequestContext, secure: Bool) -> (String, Cookie?) {
        if let csrf = context.principal?.csrfToken { return (csrf, nil) }
        if let existing = request.cookies[preSessionCookie]?.value, existing.count >= 20 { return (existing, nil) }
        let fresh = Secrets.generate(prefix: "")
        return (fresh, Cookie(name: preSessionCookie, value: fresh, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
    }
}
