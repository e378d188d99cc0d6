import Foundation

/// What checking a verification code found.
public enum ContactVerification: Sendable, Equatable {
    case verified
    case wrongCode(attemptsLeft: Int)
    case expired
    case tooManyAttempts
    /// No code is waiting (never sent, or already used).
    case noCode
}

/// People's contact methods and notification rules.
public protocol ContactRepository: Sendable {
    /// Stores a method; a code hash, when given, waits for `verifyContactMethod` until `codeExpiresAt`.
    func createContactMethod(_ method: ContactMethod, codeHash: String?, codeExpiresAt: Date?) async throws
    func contactMethod(id: UUID) async throws -> ContactMethod?
    func contactMethods(userID: UUID) async throws -> [ContactMethod]
    /// Several people's methods in one read (the escalation engine pages a level's people at once).
    func contactMethods(userIDs: [UUID]) async throws -> [ContactMethod]
    /// Saves the label and address; a new code hash (after an address change) replaces any waiting code.
    func updateContactMethod(_ method: ContactMethod, codeHash: String?, codeExpiresAt: Date?) async throws
    func deleteContactMethod(id: UUID, userID: UUID) async throws
    /// Replaces the waiting code (valid for `ContactMethod.codeLifetime` from `now`) and resets the attempts; refused
    /// (rate limited) when the waiting code was issued less than `ContactMethod.codeInterval` ago.
    func setVerificationCode(contactMethodID: UUID, userID: UUID, codeHash: String, now: Date) async throws
    /// Compares the hash with the waiting code, counting the attempt; a match verifies the method and spends the code.
    func verifyContactMethod(id: UUID, userID: UUID, codeHash: String, now: Date) async throws -> ContactVerification
    /// Counts a test page about to go to the method, refusing it (rate limited, saying when another may go) within
    /// `ContactMethod.testPageInterval` of the last one to it, or past `testPagesPerPersonPerHour` for the person.
    func countTestPage(contactMethodID: UUID, userID: UUID, now: Date) async throws

    func createNotificationRule(_ rule: NotificationRule) async throws
    func notificationRules(userID: UUID) async throws -> [NotificationRule]
    func notificationRules(userIDs: [UUID]) async throws -> [NotificationRule]
    func deleteNotificationRule(id: UUID, userID: UUID) async throws
}
