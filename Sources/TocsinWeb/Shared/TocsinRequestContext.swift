import Foundation
import Hummingbird
import NIOCore
import TocsinCore

/// Who is calling, and how they proved it.
public struct Principal: Sendable {
    public enum Credential: Sendable {
        case session(csrfToken: String, secretHash: String)
        case token(APIToken)
    }

    public var user: User
    public var credential: Credential

    /// A read-only token, or any token of someone whose role cannot change things (an observer,
    /// including one demoted after the token was made).
    public var isReadOnly: Bool {
        if case .token(let token) = credential { return token.readOnly || !user.role.allows(.respond) }
        return false
    }

    public var csrfToken: String? {
        if case .session(let csrf, _) = credential { return csrf }
        return nil
    }
}

public struct TocsinRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The peer's address, for rate limits.
    public let remoteAddress: String
    /// A page POST's form, read and its CSRF token checked by `PageFormMiddleware` before any handler runs.
    var form: Form?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Request bodies above this are refused with 413 before they are read in full.
    public var maxUploadSize: Int { RequestLimits.bodyBytes }

    /// The signed-in user, or an error that the middleware turns into 401 or 403.
    public func require(_ permission: Permission) throws -> User {
        guard let principal else { throw DomainError.unauthenticated("sign in or send an API token") }
        guard principal.user.role.allows(permission) else {
            throw DomainError.forbidden("your role (\(principal.user.role.rawValue)) does not allow this")
        }
        return principal.user
    }
}
