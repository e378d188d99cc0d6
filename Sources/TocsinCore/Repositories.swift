import Foundation

public struct UserFilter: Sendable, Equatable {
    public var role: Role?
    public var teamID: UUID?
    /// Matches name or e-mail, case-insensitively.
    public var query: String?

    public init(role: Role? = nil, teamID: UUID? = nil, query: String? = nil) {
        self.role = role
        self.teamID = teamID
        self.query = query
    }
}

public struct ServiceFilter: Sendable, Equatable {
    public var teamID: UUID?
    public var tier: Int?
    public var query: String?

    public init(teamID: UUID? = nil, tier: Int? = nil, query: String? = nil) {
        self.teamID = teamID
        self.tier = tier
        self.query = query
    }
}

public protocol UserRepository: Sendable {
    func countUsers() async throws -> Int
    func createUser(_ user: User) async throws
    func user(id: UUID) async throws -> User?
    func user(email: String) async throws -> User?
    func users(_ filter: UserFilter, page: PageRequest) async throws -> Page<User>
    func users(ids: [UUID]) async throws -> [User]
    /// Reads the user, applies `change` and saves, all in one transaction, so concurrent edits cannot
    /// undo each other; refuses to leave the installation without an owner.
    func updateUser(id: UUID, _ change: @Sendable (User) throws -> User) async throws -> User
    /// Refuses to remove the last owner.
    func deleteUser(id: UUID) async throws
}

public protocol TeamRepository: Sendable {
    func createTeam(_ team: Team) async throws
    func team(id: UUID) async throws -> Team?
    func teams(query: String?, page: PageRequest) async throws -> Page<Team>
    func teams(ids: [UUID]) async throws -> [Team]
    func teams(memberID: UUID) async throws -> [Team]
    func updateTeam(_ team: Team) async throws
    func deleteTeam(id: UUID) async throws
}

public protocol ServiceRepository: Sendable {
    /// Refuses unknown teams and dependencies, and dependency cycles.
    func createService(_ service: Service) async throws
    func service(id: UUID) async throws -> Service?
    func services(_ filter: ServiceFilter, page: PageRequest) async throws -> Page<Service>
    func services(ids: [UUID]) async throws -> [Service]
    /// Services that depend directly on `id`.
    func dependents(of id: UUID) async throws -> [Service]
    func updateService(_ service: Service) async throws
    func deleteService(id: UUID) async throws
}

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

/// Everything the web layer needs from storage.
public protocol TocsinStore: UserRepository, TeamRepository, ServiceRepository, CredentialRepository, AlertRepository, ScheduleRepository,
    IncidentTimelineRepository {
    /// Whether the database answers.
    func ping() async throws
}
