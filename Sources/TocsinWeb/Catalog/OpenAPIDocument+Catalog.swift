import Foundation
import TocsinCore

/// The OpenAPI fragment for teams and services.
extension OpenAPIDocument {
    static let inhibitReports: JSONValue = ["type": "boolean",
                                            "description": "Whether a person's problem report is muted like an alert while a dependency has an open incident (default false: reports always reach someone)"]
    static let flapDetection: JSONValue = [
        "type": ["object", "null"], "required": ["changes", "window_minutes"],
        "description": "After more than `changes` openings and resolutions of one dedup key within `window_minutes`, new openings are muted as flapping; null turns it off",
        "properties": ["changes": ["type": "integer", "minimum": 2, "maximum": 100], "window_minutes": ["type": "integer", "minimum": 1, "maximum": 1440]],
    ]
    static let severityOverrides: JSONValue = [
        "type": "object",
        "description": "The incident severity this service opens for an event severity, e.g. {\"warning\": \"SEV2\"}; unlisted ones follow the event-severity x tier table",
        "propertyNames": ["enum": ["critical", "error", "warning", "info"]],
        "additionalProperties": ["type": "string", "enum": ["SEV1", "SEV2", "SEV3", "SEV4"]],
    ]
    static let escalationPolicyID: JSONValue = ["type": ["string", "null"], "format": "uuid",
                                                "description": "The escalation policy that pages for this service's incidents; null pages nobody"]
    static let tier: JSONValue = ["type": "integer", "minimum": 1, "maximum": 4, "description": "1 is the most critical"]
    static let linkInput: JSONValue = [
        "type": "object", "required": ["title", "url"],
        "properties": ["title": name(200), "url": ["type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2000]],
    ]
    static let link: JSONValue = [
        "type": "object", "required": ["title", "url"],
        "properties": ["title": string, "url": ["type": "string", "format": "uri"]],
    ]

    static let catalogPaths: JSONValue = [
        "/api/v1/teams": [
            "get": operation("listTeams", "List teams", tag: "teams", query: [queryParam("q", "Name contains this text", string)] + pageParams, ok: list("Team")),
            "post": operation("createTeam", "Create a team (admin)", tag: "teams", body: "TeamCreate", created: ref("Team")),
        ],
        "/api/v1/teams/{id}": [
            "parameters": [idParam],
            "get": operation("getTeam", "One team", tag: "teams", ok: ref("Team")),
            "patch": operation("updateTeam", "Change a team (admin); member_ids replaces the members", tag: "teams", body: "TeamUpdate", ok: ref("Team")),
            "delete": operation("deleteTeam", "Remove a team (admin); its services keep running without an owner", tag: "teams", noContent: true),
        ],
        "/api/v1/services": [
            "get": operation("listServices", "List services", tag: "services", query: [
                queryParam("team_id", "Only services owned by this team", uuid),
                queryParam("tier", "Only services of this tier", ["type": "integer", "minimum": 1, "maximum": 4]),
                queryParam("q", "Name contains this text", string),
            ] + pageParams, ok: list("Service")),
            "post": operation("createService", "Create a service (admin)", tag: "services", body: "ServiceCreate", created: ref("Service")),
        ],
        "/api/v1/services/{id}": [
            "parameters": [idParam],
            "get": operation("getService", "One service", tag: "services", ok: ref("Service")),
            "patch": operation("updateService", "Change a service (admin); absent fields stay, team_id null clears the team; a dependency cycle is refused",
                               tag: "services", body: "ServiceUpdate", ok: ref("Service")),
            "delete": operation("deleteService", "Remove a service (admin) and its dependency links", tag: "services", noContent: true),
        ],
    ]

    static let urgencyRule: JSONValue = [
        "type": "string", "enum": ["high", "low", "severity", "working_hours"],
        "description": "Which urgency the service's incidents get: always high (default) or low; by severity (SEV1–2 high); high within working_hours only",
    ]
    static let workingHours: JSONValue = [
        "type": ["object", "null"], "required": ["time_zone", "days", "start", "end"],
        "description": "When set, low-urgency incidents opened outside these hours are held until they begin; required for urgency_rule working_hours",
        "properties": [
            "time_zone": ["type": "string", "description": "IANA time zone, e.g. Europe/Berlin"],
            "days": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 7], "minItems": 1, "maxItems": 7,
                     "description": "ISO weekdays: 1 is Monday, 7 Sunday"],
            "start": ["type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"],
            "end": ["type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", "description": "After start; 24:00 is midnight"],
        ],
    ]

    static let catalogSchemas: JSONValue = [
        "Team": [
            "type": "object", "required": ["id", "name", "description", "member_ids", "created_at", "updated_at"],
            "properties": ["id": uuid, "name": string, "description": string, "member_ids": ["type": "array", "items": uuid],
                           "created_at": dateTime, "updated_at": dateTime],
        ],
        "TeamCreate": [
            "type": "object", "required": ["name"],
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "member_ids": ids(1000)],
        ],
        "TeamUpdate": [
            "type": "object",
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "member_ids": ids(1000)],
        ],
        "Service": [
            "type": "object", "required": ["id", "name", "description", "team_id", "tier", "links", "depends_on", "alert_grouping", "flap_detection", "severity_overrides", "inhibit_reports", "escalation_policy_id", "urgency_rule", "working_hours", "created_at", "updated_at"],
            "properties": [
                "id": uuid, "name": string, "description": string, "team_id": ["type": ["string", "null"], "format": "uuid"],
                "tier": tier, "links": ["type": "array", "items": link],
                "depends_on": ["type": "array", "items": uuid, "description": "Services this one needs; cycles are refused"],
                "alert_grouping": ref("AlertGrouping"),
                "flap_detection": flapDetection,
                "severity_overrides": severityOverrides, "inhibit_reports": inhibitReports,
                "escalation_policy_id": escalationPolicyID,
                "urgency_rule": urgencyRule, "working_hours": workingHours,
                "created_at": dateTime, "updated_at": dateTime,
            ],
        ],
        "AlertGrouping": [
            "type": "object", "required": ["mode"],
            "description": "How new alerts become incidents: one each, joining the open incident opened within window_minutes, or joining the open incident whose alerts share the values of labels",
            "properties": [
                "mode": ["type": "string", "enum": ["per_alert", "time_window", "labels"]],
                "window_minutes": ["type": ["integer", "null"], "minimum": 1, "maximum": 1440],
                "labels": ["type": "array", "items": string, "maxItems": 10],
            ],
        ],
        "ServiceCreate": [
            "type": "object", "required": ["name"],
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "team_id": ["type": ["string", "null"], "format": "uuid"],
                           "tier": tier, "links": ["type": "array", "items": linkInput, "maxItems": 50], "depends_on": ids(100),
                           "alert_grouping": ref("AlertGrouping"), "flap_detection": flapDetection, "severity_overrides": severityOverrides,
                           "inhibit_reports": inhibitReports, "escalation_policy_id": escalationPolicyID,
                           "urgency_rule": urgencyRule, "working_hours": workingHours],
        ],
        "ServiceUpdate": [
            "type": "object",
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "team_id": ["type": ["string", "null"], "format": "uuid"],
                           "tier": tier, "links": ["type": "array", "items": linkInput, "maxItems": 50], "depends_on": ids(100),
                           "alert_grouping": ref("AlertGrouping"), "flap_detection": flapDetection, "severity_overrides": severityOverrides,
                           "inhibit_reports": inhibitReports, "escalation_policy_id": escalationPolicyID,
                           "urgency_rule": urgencyRule, "working_hours": workingHours],
        ],
    ]
}
