import Foundation
import TocsinCore

/// Account actions shared by the API, the pages and the command line.
public struct Accounts: Sendable {
    public let store: any TocsinStore
    public let passwords: PasswordHasher
    public let now: @Sendable () -> Date

    public static let invitationLifetime: TimeInterval = 7 * 24 * 3600
    public static let setupLifetime: TimeInterval = 24 * 3600

    public init(store: any TocsinStore, passwords: PasswordHasher, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.passwords = passwords
        self.now = now
    }

    /// Creates a user. Without a password the user gets an invitation secret to set one.
    public func createUser(_ input: NewUser, by actor: User?) async throws -> (user: User, invitation: String?) {
        let fields = try input.normalized()
        if let actor { try Self.checkMayAssign(fields.role, actor: actor) }
        let time = now()
        let hash = try await fields.password.asyncMap { try await passwords.hash($0) }
        let user = User(id: UUID(), name: fields.name, email: fields.email, timeZone: fields.timeZone, role: fields.role,
                        passwordHash: hash, createdAt: time, updatedAt: time)
        try await store.createUser(user)
        let invitation = hash == nil ? try await invite(user) : nil
        return (user, invitation)
    }

    /// A new invitation link for someone who has not set a password yet (any earlier link stops working).
    /// Only for accounts the actor may manage, so an invitation can never take over an account.
    public func reinvite(_ user: User, by actor: User) async throws -> String {
        try Self.checkMayAssign(user.role, actor: actor)
        guard !user.hasPassword else {
            throw DomainError.conflict("\(user.email) already has a password; they can change it under their account")
        }
        return try await invite(user)
    }

    func invite(_ user: User) async throws -> String {
        let secret = Secrets.generate(prefix: "inv_")
        let time = now()
        try await store.replaceOneTimeToken(
            OneTimeToken(purpose: .invitation, userID: user.id, expiresAt: time.addingTimeInterval(Self.invitationLifetime)),
            secretHash: Secrets.hash(secret), now: time)
        return secret
    }

    /// A new setup secret, valid while nobody has an account; nil once somebody does.
    public func prepareSetup() async throws -> String? {
        guard try await store.countUsers() == 0 else { return nil }
        let secret = Secrets.generate(prefix: "setup_")
        let time = now()
        try await store.replaceOneTimeToken(
            OneTimeToken(purpose: .setup, userID: nil, expiresAt: time.addingTimeInterval(Self.setupLifetime)),
            secretHash: Secrets.hash(secret), now: time)
        return secret
    }

    public func updateUser(id: UUID, changes: UserChanges, by actor: User) async throws -> User {
        // Hash before the transaction: bcrypt is slow, and the write lock should not wait for it.
        if let password = changes.password { try UserRules.validatePassword(password) }
        let hash = try await changes.password.asyncMap { try await passwords.hash($0) }
        let time = now()
        let saved = try await store.updateUser(id: id) { current in
            let isSelf = actor.id == id
            if !isSelf || changes.role != nil || changes.email != nil {
                // Others' accounts, and one's own role and e-mail, are an administrator's to change.
                guard actor.role.allows(.manageUsers) else { throw DomainError.forbidden("only an admin or owner can change this") }
                if current.role == .owner, !isSelf { try Self.checkMayAssign(.owner, actor: actor) }
            }
            var (updated, _) = try changes.applied(to: current, now: time)
            if updated.role != current.role { try Self.checkMayAssign(updated.role, actor: actor) }
            if let hash { updated.passwordHash = hash }
            return updated
        }
        // A new password or role ends every session, so old privileges do not linger in a browser.
        if hash != nil || changes.role != nil { try await store.deleteSessions(userID: id) }
        return saved
    }

    public func deleteUser(id: UUID, by actor: User) async throws {
        guard actor.role.allows(.manageUsers) else { throw DomainError.forbidden("only an admin or owner can remove accounts") }
        guard let user = try await store.user(id: id) else { throw DomainError.notFound("user \(id.uuidString.lowercased()) not found") }
        if user.role == .owner { try Self.checkMayAssign(.owner, actor: actor) }
        try await store.deleteUser(id: id)
    }

    /// Creates an API token; the secret is returned once and never stored.
    public func createToken(for user: User, name: String, readOnly: Bool) async throws -> (APIToken, String) {
        let name = try APIToken.validateName(name)
        let secret = Secrets.generate(prefix: "tcs_")
        // An observer's token can only read, whatever was asked.
        let token = APIToken(id: UUID(), userID: user.id, name: name, readOnly: readOnly || !user.role.allows(.respond),
                             hint: String(secret.prefix(10)), createdAt: now(), lastUsedAt: nil)
        try await store.createToken(token, secretHash: Secrets.hash(secret))
        return (token, secret)
    }

    /// Checks a password and opens a session; returns the cookie secret.
    public func signIn(email: String, password: String, throttle: SignInThrottle, address: String, sessionLifetime: TimeInterval) async throws -> (User, String, WebSession) {
        let time = now()
        let email = email.trimmed.lowercased()
        // No address is longer (RFC 5321), and the throttle keeps what it is given for its whole window.
        guard email.utf8.count <= 254 else { throw DomainError.unauthenticated("That e-mail and password do not match an account.") }
        try throttle.begin(email: email, address: address, now: time)
        guard let user = try await store.user(email: email), let hash = user.passwordHash else {
            try await passwords.verifyNothing(password)
            throw DomainError.unauthenticated("That e-mail and password do not match an account.")
        }
        guard try await passwords.verify(password, against: hash) else {
            throw DomainError.unauthenticated("That e-mail and password do not match an account.")
        }
        throttle.recordSuccess(email: email, address: address, now: time)
        let (secret, session) = try await openSession(for: user, lifetime: sessionLifetime)
        return (user, secret, session)
    }

    public func openSession(for user: User, lifetime: TimeInterval) async throws -> (String, WebSession) {
        let secret = Secrets.generate(prefix: "")
        let time = now()
        let session = WebSession(userID: user.id, csrfToken: Secrets.generate(prefix: ""), createdAt: time,
                                 expiresAt: time.addingTimeInterval(lifetime))
        try await store.createSession(session, secretHash: Secrets.hash(secret))
        return (secret, session)
    }

    /// Owners are made only by owners; admins make everyone else.
    public static func checkMayAssign(_ role: Role, actor: User) throws {
        if role == .owner {
            guard actor.role.allows(.manageOwners) else { throw DomainError.forbidden("only an owner can create or change an owner") }
        } else {
            guard actor.role.allows(.manageUsers) else { throw DomainError.forbidden("only an admin or owner can manage accounts") }
        }
    }
}
