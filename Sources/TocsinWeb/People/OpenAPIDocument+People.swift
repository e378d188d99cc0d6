import Foundation
import TocsinCore

/// The OpenAPI fragment for users and API tokens.
extension OpenAPIDocument {
    static let email: JSONValue = ["type": "string", "format": "email", "maxLength": 254]
    static let role: JSONValue = ["type": "string", "enum": ["owner", "admin", "responder", "observer"]]

    static let peoplePaths: JSONValue = [
        "/api/v1/users": [
            "get": operation("listUsers", "List users", tag: "users", query: [
                queryParam("role", "Only users with this role", ["type": "string", "enum": ["owner", "admin", "responder", "observer"]]),
                queryParam("team_id", "Only members of this team", uuid),
                queryParam("q", "Name or e-mail contains this text", string),
            ] + pageParams, ok: list("User")),
            "post": operation("createUser", "Create a user (admin). Without a password the answer carries an invitation_url.",
                              tag: "users", body: "UserCreate", created: ref("User")),
        ],
        "/api/v1/users/me": [
            "get": operation("currentUser", "The caller's own account", tag: "users", ok: ref("User")),
        ],
        "/api/v1/users/{id}": [
            "parameters": [idParam],
            "get": operation("getUser", "One user", tag: "users", ok: ref("User")),
            "patch": operation("updateUser", "Change a user: admins change anyone below owner; users change their own name, time zone and password",
                               tag: "users", body: "UserUpdate", ok: ref("User")),
            "delete": operation("deleteUser", "Remove a user (admin); the last owner cannot be removed", tag: "users", noContent: true),
        ],
        "/api/v1/users/{id}/invitation": [
            "parameters": [idParam],
            "post": operation("inviteUser", "Issue a new invitation link (any earlier one stops working)", tag: "users", created: ref("User")),
        ],
        "/api/v1/tokens": [
            "get": operation("listTokens", "The caller's API tokens (admins: user_id=<id> or user_id=all)", tag: "tokens",
                             query: [queryParam("user_id", "Whose tokens (admins only)", string)],
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("Token")]]]),
            "post": operation("createToken", "Create an API token; the secret is in `token` in this answer only", tag: "tokens",
                              body: "TokenCreate", created: ref("Token")),
        ],
        "/api/v1/tokens/{id}": [
            "parameters": [idParam],
            "delete": operation("revokeToken", "Revoke a token (one's own; admins any)", tag: "tokens", noContent: true),
        ],
    ]

    static let peopleSchemas: JSONValue = [
        "User": [
            "type": "object", "required": ["id", "name", "email", "time_zone", "role", "has_password", "created_at", "updated_at"],
            "properties": [
                "id": uuid, "name": string, "email": ["type": "string", "format": "email"],
                "time_zone": ["type": "string", "description": "IANA time zone, e.g. Europe/Berlin"],
                "role": role, "has_password": ["type": "boolean"],
                "team_ids": ["type": "array", "items": uuid],
                "invitation_url": ["type": "string", "description": "Only when the user was created without a password or re-invited"],
                "created_at": dateTime, "updated_at": dateTime,
            ],
        ],
        "UserCreate": [
            "type": "object", "required": ["name", "email"],
            "properties": ["name": name(200), "email": email, "time_zone": timeZone, "role": role,
                           "password": ["type": "string", "minLength": 10, "maxLength": 72, "description": "10 characters to 72 bytes; omit to send an invitation link instead"]],
        ],
        "UserUpdate": [
            "type": "object",
            "properties": ["name": name(200), "email": email, "time_zone": timeZone, "role": role,
                           "password": ["type": "string", "minLength": 10, "maxLength": 72]],
        ],
        "Token": [
            "type": "object", "required": ["id", "user_id", "name", "read_only", "hint", "created_at", "last_used_at"],
            "properties": [
                "id": uuid, "user_id": uuid, "name": string, "read_only": ["type": "boolean"],
                "hint": ["type": "string", "description": "The first characters of the secret"],
                "token": ["type": "string", "description": "The secret; only in the answer that creates the token"],
                "created_at": dateTime, "last_used_at": ["type": ["string", "null"], "format": "date-time"],
            ],
        ],
        "TokenCreate": [
            "type": "object", "required": ["name"],
            "properties": ["name": name(100), "read_only": ["type": "boolean", "default": false]],
        ],
    ]
}
