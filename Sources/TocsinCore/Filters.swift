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





