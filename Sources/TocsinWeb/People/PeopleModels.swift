import Foundation
import TocsinCore

struct UserJSON: Encodable {
    var id: String
    var name: String
    var email: String
    var timeZone: String
    var role: String
    var hasPassword: Bool
    var teamIDs: [String]?
    var invitationURL: String?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, email, role
        case timeZone = "time_zone", hasPassword = "has_password", teamIDs = "team_ids"
        case invitationURL = "invitation_url", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ user: User, teams: [Team]? = nil, invitationURL: String? = nil) {
        id = user.id.db
        name = user.name
        email = user.email
        timeZone = user.timeZone
        role = user.role.rawValue
        hasPassword = user.hasPassword
        teamIDs = teams?.map(\.id.db)
        self.invitationURL = invitationURL
        createdAt = user.createdAt
        updatedAt = user.updatedAt
    }
}

struct CreateUserJSON: Decodable {
    var name: String
    var email: String
    var timeZone: String?
    var role: String?
    var password: String?

    enum CodingKeys: String, CodingKey {
        case name, email, role, password
        case timeZone = "time_zone"
    }
}

struct PatchUserJSON: Decodable {
    var name: String?
    var email: String?
    var timeZone: String?
    var role: String?
    var password: String?

    enum CodingKeys: String, CodingKey {
        case name, email, role, password
        case timeZone = "time_zone"
    }

    var changes: UserChanges { UserChanges(name: name, email: email, timeZone: timeZone, role: role, password: password) }
}

struct TokenJSON: Encodable {
    var id: String
    var userID: String
    var name: String
    var readOnly: Bool
    var hint: String
    var createdAt: Date
    @Nullable var lastUsedAt: Date?
    /// Present only in the answer that creates the token.
    var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, hint, token
        case userID = "user_id", readOnly = "read_only", createdAt = "created_at", lastUsedAt = "last_used_at"
    }

    init(token: APIToken, secret: String? = nil) {
        (id, userID, name, readOnly, hint) = (token.id.db, token.userID.db, token.name, token.readOnly, token.hint)
        (createdAt, lastUsedAt, self.token) = (token.createdAt, token.lastUsedAt, secret)
    }
}

struct CreateTokenJSON: Decodable {
    var name: String
    var readOnly: Bool?

    enum CodingKeys: String, CodingKey {
        case name
        case readOnly = "read_only"
    }
}
