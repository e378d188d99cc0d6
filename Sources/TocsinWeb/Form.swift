import Foundation
import Hummingbird
import TocsinCore

/// A submitted `application/x-www-form-urlencoded` body.
struct Form: Sendable {
    var values: [String: [String]]

    init(_ text: String) {
        values = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    private static func decode(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    func all(_ key: String) -> [String] { values[key] ?? [] }

    /// Reads the body and checks its CSRF token: the session's, or before sign-in the pre-session cookie's.
    static func read(_ request: Request, context: TocsinRequestContext) async throws -> Form {
        let buffer = try await JSONBody.collect(request, limit: context.maxUploadSize)
        let form = Form(String(buffer: buffer))
        let expected = context.principal?.csrfToken ?? request.cookies[CSRF.preSessionCookie]?.value
        guard let expected, let sent = form["_csrf"], Secrets.constantTimeEquals(sent, expected) else {
            throw DomainError.forbidden("The form expired or came from another site. Go back, reload the page and try again.")
        }
        return form
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
