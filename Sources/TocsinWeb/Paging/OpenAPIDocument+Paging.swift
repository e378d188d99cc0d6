import Foundation
import TocsinCore

/// The OpenAPI fragment for paging: escalation policies.
extension OpenAPIDocument {
    static let escalationTarget: JSONValue = [
        "type": "object", "required": ["type", "id"],
        "properties": [
            "type": ["type": "string", "enum": ["user", "schedule", "team"],
                     "description": "A person; whoever is on call in a schedule when the level fires; or a team's members"],
            "id": uuid,
            "mode": ["type": "string", "enum": ["all", "round_robin"],
                     "description": "Team targets only: every member (default), or one member per incident in turn"],
        ],
    ]
    static let escalationLevel: JSONValue = [
        "type": "object", "required": ["delay_minutes", "targets"],
        "properties": [
            "delay_minutes": ["type": "integer", "minimum": 1, "maximum": 1440,
                              "description": "Minutes to wait for an acknowledgement after paging this level before the next one"],
            "targets": ["type": "array", "items": escalationTarget, "minItems": 1, "maxItems": .number(Double(EscalationPolicy.maximumTargetsPerLevel))],
        ],
    ]
    static let escalationLevels: JSONValue = [
        "type": "array", "items": escalationLevel, "minItems": 1, "maxItems": .number(Double(EscalationPolicy.maximumLevels)),
    ]
    static let repeatCount: JSONValue = [
        "type": "integer", "minimum": 0, "maximum": .number(Double(EscalationPolicy.maximumRepeat)),
        "description": "How many more times the levels run, from the first, after the last one (default 0)",
    ]

    static let pagingPaths: JSONValue = [
        "/api/v1/escalation-policies": [
            "get": operation("listEscalationPolicies", "List escalation policies", tag: "paging", query: [
                queryParam("team_id", "Only policies owned by this team", uuid),
                queryParam("q", "Name contains this text", string),
            ] + pageParams, ok: list("EscalationPolicy")),
            "post": operation("createEscalationPolicy", "Create an escalation policy (admin)", tag: "paging", body: "EscalationPolicyCreate",
                              created: ref("EscalationPolicy")),
        ],
        "/api/v1/escalation-policies/{id}": [
            "parameters": [idParam],
            "get": operation("getEscalationPolicy", "One escalation policy", tag: "paging", ok: ref("EscalationPolicy")),
            "patch": operation("updateEscalationPolicy",
                               "Change a policy (admin); levels replaces every level. Incidents already escalating keep the policy they started with",
                               tag: "paging", body: "EscalationPolicyUpdate", ok: ref("EscalationPolicy")),
            "delete": operation("deleteEscalationPolicy", "Remove a policy (admin); refused while a service uses it", tag: "paging", noContent: true),
        ],
    ]

    static let pagingSchemas: JSONValue = [
        "EscalationPolicy": [
            "type": "object", "required": ["id", "name", "description", "team_id", "repeat", "levels", "created_at", "updated_at"],
            "properties": ["id": uuid, "name": string, "description": string, "team_id": uuid, "repeat": repeatCount,
                           "levels": escalationLevels, "created_at": dateTime, "updated_at": dateTime],
        ],
        "EscalationPolicyCreate": [
            "type": "object", "required": ["name", "team_id", "levels"],
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "team_id": uuid, "repeat": repeatCount,
                           "levels": escalationLevels],
        ],
        "EscalationPolicyUpdate": [
            "type": "object",
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "team_id": uuid, "repeat": repeatCount,
                           "levels": escalationLevels],
        ],
    ]
}
