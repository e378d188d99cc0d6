import Foundation

/// API tokens, browser sessions and one-time links.
public protocol CredentialRepository: Sendable {
    func createToken(_ token: APIToken, secretHash: String) async throws
    /// The token and its owner, when the hash is known; records the use.
    func authenticateToken(secretHash: String, now: Date) async throws -> (APIToken, User)?
    func tokens(userID: UUID?) async throws -> [APIToken]
    func token(id: UUID) async throws -> APIToken?
    func deleteToken(id: UUID) async throws

    func createSession(_ session: WebSession, secretHash: String) async throws
    /// The live session and its user; expired sessions are not returned.
    func session(secretHash: String, now: Date) async throws -> (WebSession, User)?
    func deleteSession(secretHash: String) async throws
    func deleteSessions(userID: UUID) async throws

    /// Replaces every token of that purpose (and user) with this one.
    func replaceOneTimeToken(_ token: OneTimeToken, secretHash: String, now: Date) async throws
    func oneTimeToken(secretHash: String, now: Date) async throws -> OneTimeToken?
    /// Takes the token away and returns it, in one step, so a link works exactly once even when used twice at once.
    func consumeOneTimeToken(secretHash: String, now: Date) async throws -> OneTimeToken?
}
