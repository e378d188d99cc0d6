import Foundation

/// A personal API token. Only its hash is stored; the secret is shown once at creation.
public struct APIToken: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    public var readOnly: Bool
    /// The first characters of the secret, so a user can tell tokens apart.
    public var hint: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: UUID, userID: UUID, name: String, readOnly: Bool, hint: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.readOnly = readOnly
        self.hint = hint
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    public static func validateName(_ raw: String) throws -> String {
        let name = raw.trimmed
        var v = Validator()
        v.check(!name.isEmpty, "name", "must not be blank")
        v.check(name.count <= 100, "name", "must be at most 100 characters")
        v.checkPrintable(name, "name")
        try v.throwIfInvalid()
        return name
    }
}

/// A signed-in browser session. The cookie carries the secret; the store keeps its hash.
public struct WebSession: Sendable, Equatable {
    public var userID: UUID
    /// Sent back in every form; a POST without it is refused.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(userID: UUID, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Why a one-time link exists.
public enum OneTimePurpose: String, Sendable {
    /// Creates the first owner on an empty installation.
    case setup
    /// Lets an invited user set a password.
    case invitation
}

public struct OneTimeToken: Sendable, Equatable {
    public var purpose: OneTimePurpose
    public var userID: UUID?
    public var expiresAt: Date

    public init(purpose: OneTimePurpose, userID: UUID?, expiresAt: Date) {
        self.purpose = purpose
        self.userID = userID
        self.expiresAt = expiresAt
    }
}
