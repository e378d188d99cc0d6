import Foundation
import TocsinCore

/// A person's contact methods and notification rules, shared by the API and the pages: who may change them, and
/// the verification of each method by a code sent to it.
public struct ContactMethods: Sendable {
    let store: any TocsinStore
    let codes: any VerificationCodeSender
    let notes: any DirectNoteSender
    let now: @Sendable () -> Date

    public init(store: any TocsinStore, codes: any VerificationCodeSender, notes: any DirectNoteSender = UndeliveredNotes(),
                now: @escaping @Sendable () -> Date) {
        self.store = store
        self.codes = codes
        self.notes = notes
        self.now = now
    }

    /// People manage their own methods and rules; admins and owners manage anyone's.
    public static func mayManage(_ userID: UUID, actor: User) -> Bool {
        actor.id == userID || actor.role.allows(.manageUsers)
    }

    /// Creates a method. `verified` (admins only) provisions it ready for pages; otherwise a code goes to it
    /// (`codeSent` says whether it went out).
    public func create(for userID: UUID, _ input: ContactMethodInput, verified: Bool, by actor: User) async throws -> (method: ContactMethod, codeSent: Bool) {
        try Self.requireManage(userID, actor)
        if verified, !actor.role.allows(.manageUsers) {
            throw DomainError.forbidden("only admins and owners may add a contact method already verified")
        }
        let at = now()
        var method = try input.created(id: UUID(), userID: userID, now: at)
        if verified { method.verifiedAt = at }
        if method.kind == .webhook { method.signingSecret = Secrets.generate(prefix: "whsec_") }
        let code = verified ? nil : Self.newCode()
        try await store.createContactMethod(method, codeHash: code.map { Self.hash($0, for: method.id) },
                                            codeExpiresAt: code == nil ? nil : at.addingTimeInterval(ContactMethod.codeLifetime))
        let sent = await code.asyncMap { await codes.send(code: $0, to: method) } ?? false
        return (method, sent)
    }

    public func update(_ id: UUID, of userID: UUID, _ input: ContactMethodInput, by actor: User) async throws -> (method: ContactMethod, codeSent: Bool) {
        try Self.requireManage(userID, actor)
        guard let current = try await store.contactMethod(id: id), current.userID == userID else {
            throw DomainError.notFound("contact method \(id.db) not found")
        }
        let at = now()
        let method = try input.applied(to: current, now: at)
        // A new address must be proved again.
        let code = method.address != current.address ? Self.newCode() : nil
        try await store.updateContactMethod(method, codeHash: code.map { Self.hash($0, for: id) },
                                            codeExpiresAt: code == nil ? nil : at.addingTimeInterval(ContactMethod.codeLifetime))
        let sent = await code.asyncMap { await codes.send(code: $0, to: method) } ?? false
        return (method, sent)
    }

    /// Sends a fresh code (at most one a minute); whether it went out.
    @discardableResult
    public func resendCode(_ id: UUID, of userID: UUID, by actor: User) async throws -> Bool {
        try Self.requireManage(userID, actor)
        guard let method = try await store.contactMethod(id: id), method.userID == userID else {
            throw DomainError.notFound("contact method \(id.db) not found")
        }
        guard !method.isVerified else { throw DomainError.conflict("this contact method is already verified") }
        let code = Self.newCode()
        try await store.setVerificationCode(contactMethodID: id, userID: userID, codeHash: Self.hash(code, for: id), now: now())
        return await codes.send(code: code, to: method)
    }

    /// Checks a code; the answer says what to do when it does not match.
    public func verify(_ id: UUID, of userID: UUID, code: String, by actor: User) async throws -> ContactMethod {
        try Self.requireManage(userID, actor)
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DomainError.invalid("code", "must be the six digits that were sent to this contact method")
        }
        switch try await store.verifyContactMethod(id: id, userID: userID, codeHash: Self.hash(digits, for: id), now: now()) {
        case .verified:
            guard let method = try await store.contactMethod(id: id) else { throw DomainError.notFound("contact method \(id.db) not found") }
            return method
        case .wrongCode(let left):
            throw DomainError.invalid("code", left > 0 ? "does not match; \(left) more tries for this code" : "does not match; ask for a new code")
        case .expired:
            throw DomainError.invalid("code", "has expired; ask for a new code")
        case .tooManyAttempts:
            throw DomainError.invalid("code", "was tried too many times; ask for a new code")
        case .noCode:
            throw DomainError.conflict("no code is waiting for this contact method; ask for a new code", field: "code")
        }
    }

    /// "Send me a test page": a `DirectNote.test` straight through the method's channel while the request waits; the
    /// answer is the provider's. Only verified methods (an unverified address may be a stranger's), and at most as
    /// often as `ContactMethod.testPageInterval` and `testPagesPerPersonPerHour` allow (counted in the database, so the
    /// limits hold across restarts and instances).
    public func sendTestPage(_ id: UUID, of userID: UUID, by actor: User) async throws -> ChannelResult {
        try Self.requireManage(userID, actor)
        guard let method = try await store.contactMethod(id: id), method.userID == userID else {
            throw DomainError.notFound("contact method \(id.db) not found")
        }
        guard method.isVerified else {
            throw DomainError.conflict("this contact method is not verified yet: test pages go only to verified methods")
        }
        try await store.countTestPage(contactMethodID: id, userID: userID, now: now())
        return await notes.send(.test(requestedBy: actor.name), to: method)
    }

    public func createRule(for userID: UUID, contactMethodID: UUID?, urgency: String?, delayMinutes: Int?, by actor: User) async throws -> NotificationRule {
        try Self.requireManage(userID, actor)
        let rule = try NotificationRule.validated(id: UUID(), userID: userID, contactMethodID: contactMethodID, urgency: urgency,
                                                  delayMinutes: delayMinutes, now: now())
        try await store.createNotificationRule(rule)
        return rule
    }

    static func requireManage(_ userID: UUID, _ actor: User) throws {
        guard mayManage(userID, actor: actor) else {
            throw DomainError.forbidden("people manage their own contact methods and rules; admins manage anyone's")
        }
    }

    /// Six random digits.
    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0...999_999, using: &generator))
    }

    /// Tied to the method, so one method's code is no use for another.
    static func hash(_ code: String, for id: UUID) -> String {
        Secrets.hash(id.db + ":" + code)
    }
}
