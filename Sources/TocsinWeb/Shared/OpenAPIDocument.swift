import Foundation
import TocsinCore

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
/// `OpenAPITests` checks that it lists exactly the routes the router serves and that real answers fit its schemas.
enum OpenAPIDocument {
    static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "Tocsin API",
            "version": "1",
            "description": "Incident management: services, teams, users and API tokens. Authenticate with `Authorization: Bearer <token>`; create a token under Account in the web UI or with `tocsin token create`. Errors are `{\"error\":{\"code\",\"message\",\"fields\":[{\"field\",\"reason\"}]}}`.",
        ],
        "servers": [["url": "/"]],
        "security": [["bearer": []]],
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": schemas,
            "responses": [
                "Error": response("A problem with the request", ref("Error")),
            ],
        ],
        "paths": paths,
    ]

    // MARK: Paths

    static let paths: JSONValue = merged(corePaths, schedulePaths)
    static let schemas: JSONValue = merged(coreSchemas, scheduleSchemas)

    static func merged(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        .object((a.objectValue ?? [:]).merging(b.objectValue ?? [:]) { first, _ in first })
    }

    static let corePaths: JSONValue = [
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
        "/api/v1/services/{id}/integration-keys": [
            "parameters": [idParam],
            "get": operation("listIntegrationKeys", "A service's integration keys (never the keys themselves)", tag: "alerts",
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("IntegrationKey")]]]),
            "post": operation("createIntegrationKey", "Create an integration key (admin); the 32-character key is in `key` in this answer only",
                              tag: "alerts", body: "IntegrationKeyCreate", created: ref("IntegrationKey")),
        ],
        "/api/v1/services/{id}/integration-keys/{key_id}": [
            "parameters": [idParam, ["name": "key_id", "in": "path", "required": true, "schema": uuid]],
            "delete": operation("revokeIntegrationKey", "Revoke an integration key (admin); senders using it get 400 Invalid routing key", tag: "alerts", noContent: true),
        ],
        "/api/v1/services/{id}/reports": [
            "parameters": [idParam],
            "post": operation("reportProblem", "Report a problem by a customer or someone inside (responder): opens an alert and an incident",
                              tag: "alerts", body: "ReportCreate",
                              created: ["type": "object", "required": ["alert_id", "incident_id", "incident_number", "outcome", "muted_reason", "detection_source"],
                                        "properties": ["alert_id": uuid, "incident_id": ["type": ["string", "null"], "format": "uuid"],
                                                       "incident_number": ["type": ["integer", "null"]],
                                                       "outcome": ["type": "string", "enum": ["opened", "joined", "muted"],
                                                                   "description": "What happened to the report: it opened an incident, joined an open one, or was muted (muted_reason says why)"],
                                                       "muted_reason": nullableString,
                                                       "detection_source": ["type": "string", "enum": ["customer", "internal"]]]]),
        ],
        "/api/v1/services/{id}/event-rules": [
            "parameters": [idParam],
            "get": operation("listEventRules", "A service's event rules, in the order they are tried", tag: "noise", ok: ref("EventRules")),
            "put": operation("replaceEventRules", "Replace the service's event rules (admin); the first matching rule acts on each incoming event",
                             tag: "noise", body: "EventRules", ok: ref("EventRules")),
        ],
        "/api/v1/silences": [
            "get": operation("listSilences", "Silences, latest ending first (`active=true`: only those in force)", tag: "noise",
                             query: [queryParam("active", "Only silences in force now", ["type": "string", "enum": ["true", "false"]])],
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("Silence")]]]),
            "post": operation("createSilence", "Mute matching alerts for a while (responder); muted alerts are stored with the reason and open no incident",
                              tag: "noise", body: "SilenceCreate", created: ref("Silence")),
        ],
        "/api/v1/silences/{id}": [
            "parameters": [idParam],
            "delete": operation("expireSilence", "End a silence now; it stays on record (409 if it has already ended)", tag: "noise", ok: ref("Silence"), conflict: true),
        ],
        "/api/v1/services/{id}/maintenance-windows": [
            "parameters": [idParam],
            "get": operation("listMaintenanceWindows", "A service's maintenance windows", tag: "noise",
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("MaintenanceWindow")]]]),
            "post": operation("createMaintenanceWindow", "Plan maintenance (admin): once (starts_at, ends_at) or weekly (days, start, end, time_zone)",
                              tag: "noise", body: "MaintenanceWindowCreate", created: ref("MaintenanceWindow")),
        ],
        "/api/v1/services/{id}/maintenance-windows/{window_id}": [
            "parameters": [idParam, ["name": "window_id", "in": "path", "required": true, "schema": uuid]],
            "delete": operation("deleteMaintenanceWindow", "Remove a maintenance window (admin)", tag: "noise", noContent: true),
        ],
        "/api/v1/reports/noise": [
            "get": operation("noiseReport", "Alerts per service and day, the share that resolved with nobody acknowledging, and the noisiest dedup keys",
                             tag: "alerts", query: [
                                queryParam("from", "Start (default: seven days before to)", dateTime),
                                queryParam("to", "End (default: now); at most 92 days after from", dateTime),
                                queryParam("service_id", "Only this service", uuid),
                                queryParam("time_zone", "Days are counted in this zone (default: the caller's)", string),
                             ], ok: ref("NoiseReport")),
        ],
        "/api/v1/alerts": [
            "get": operation("listAlerts", "Alerts, most recently seen first", tag: "alerts", query: [
                queryParam("service_id", "Only this service's alerts", uuid),
                queryParam("incident_id", "Only this incident's alerts", uuid),
                queryParam("status", "Only alerts in this state; open is triggered or acknowledged",
                           ["type": "string", "enum": ["open", "triggered", "acknowledged", "resolved"]]),
                queryParam("muted", "Only muted (true) or unmuted (false) alerts", ["type": "string", "enum": ["true", "false"]]),
                queryParam("mute_kind", "Only alerts muted this way", muteKind),
                queryParam("muted_by_incident_id", "Only alerts inhibited by this incident", uuid),
            ] + pageParams, ok: list("Alert")),
        ],
        "/api/v1/incidents": [
            "get": operation("listIncidents", "Incidents: triggered first, then newest first", tag: "incidents", query: [
                queryParam("service_id", "Only incidents on this service", uuid),
                queryParam("status", "Only incidents in this state; open is triggered or acknowledged",
                           ["type": "string", "enum": ["open", "triggered", "acknowledged", "resolved"]]),
            ] + pageParams, ok: list("Incident")),
        ],
        "/api/v1/incidents/{id}": [
            "parameters": [idParam],
            "get": operation("getIncident", "One incident", tag: "incidents", ok: ref("Incident")),
        ],
        "/api/v1/incidents/{id}/changes": [
            "parameters": [idParam],
            "get": operation("incidentChanges", "Deploys and configuration changes on the incident's services and their dependencies in the hour before it began",
                             tag: "incidents", ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": [
                                "type": "object", "required": ["id", "service_id", "service_name", "summary", "source", "occurred_at", "details", "links"],
                                "properties": ["id": uuid, "service_id": uuid, "service_name": nullableString, "summary": string, "source": nullableString,
                                               "occurred_at": dateTime, "details": [:],
                                               "links": ["type": "array", "items": ["type": "object", "properties": ["href": string, "text": nullableString]]]],
                             ]]]]),
        ],
        "/api/v1/incidents/{id}/timeline": [
            "parameters": [idParam],
            "get": operation("incidentTimeline", "What happened to the incident, oldest first: its append-only event stream",
                             tag: "incidents", query: pageParams, ok: list("IncidentEvent")),
        ],
        "/api/v1/incidents/{id}/acknowledge": [
            "parameters": [idParam],
            "post": operation("acknowledgeIncident", "Acknowledge an incident and its triggered alerts (responder); 409 unless triggered",
                              tag: "incidents", ok: ref("Incident"), conflict: true),
        ],
        "/api/v1/incidents/{id}/resolve": [
            "parameters": [idParam],
            "post": operation("resolveIncident", "Resolve an incident and all its open alerts (responder); 409 if already resolved",
                              tag: "incidents", ok: ref("Incident"), conflict: true),
        ],
        "/api/v1/openapi.json": [
            "get": operation("openapi", "This document", tag: "meta", ok: ["type": "object"], secured: false),
        ],
    ]

    // MARK: Schemas

    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let string: JSONValue = ["type": "string"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let nullableDateTime: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static let nullableUUID: JSONValue = ["type": ["string", "null"], "format": "uuid"]

    // The constraints the server checks, stated so that clients (and fuzzers) know them: single-line text holds no
    // control or text-direction characters (docs/limits.md), names are not blank.
    static let forbiddenScalars = "\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069"
    /// A required name: 1 to `max` characters, not only spaces, one line.
    static func name(_ max: Int) -> JSONValue {
        ["type": "string", "minLength": 1, "maxLength": .number(Double(max)),
         "pattern": .string("^[^\(forbiddenScalars)]*[^\\s\(forbiddenScalars)][^\(forbiddenScalars)]*$")]
    }
    /// Optional text of one line (`multiline` allows line breaks and tabs), at most `max` characters.
    static func text(_ max: Int, multiline: Bool = false) -> JSONValue {
        let forbidden = multiline ? "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069" : forbiddenScalars
        return ["type": "string", "maxLength": .number(Double(max)), "pattern": .string("^[^\(forbidden)]*$")]
    }
    static let email: JSONValue = ["type": "string", "format": "email", "maxLength": 254]
    static let timeZone: JSONValue = ref("TimeZone")
    static let timeZoneSchema: JSONValue = [
        "type": "string", "description": "IANA time zone, e.g. Europe/Berlin",
        "enum": .array((["UTC"] + TimeZone.knownTimeZoneIdentifiers.sorted()).uniqued().map { .string($0) }),
    ]
    static func ids(_ max: Int) -> JSONValue { ["type": "array", "items": uuid, "maxItems": .number(Double(max))] }
    static let muteKind: JSONValue = ["type": "string", "enum": .array(MuteKind.allCases.map { .string($0.rawValue) })]
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
    static let integrationType: JSONValue = ["type": "string", "enum": ["pagerduty", "alertmanager", "opsgenie", "grafana", "generic"]]
    static let role: JSONValue = ["type": "string", "enum": ["owner", "admin", "responder", "observer"]]
    static let tier: JSONValue = ["type": "integer", "minimum": 1, "maximum": 4, "description": "1 is the most critical"]
    static let linkInput: JSONValue = [
        "type": "object", "required": ["title", "url"],
        "properties": ["title": name(200), "url": ["type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2000]],
    ]
    static let link: JSONValue = [
        "type": "object", "required": ["title", "url"],
        "properties": ["title": string, "url": ["type": "string", "format": "uri"]],
    ]

    static let coreSchemas: JSONValue = [
        "TimeZone": timeZoneSchema,
        "Error": [
            "type": "object", "required": ["error"],
            "properties": ["error": [
                "type": "object", "required": ["code", "message", "fields"],
                "properties": [
                    "code": string, "message": string,
                    "fields": ["type": "array", "items": [
                        "type": "object", "required": ["field", "reason"], "properties": ["field": string, "reason": string],
                    ]],
                ],
            ]],
        ],
        "Pagination": [
            "type": "object", "required": ["limit", "offset", "total", "next_offset"],
            "properties": ["limit": ["type": "integer"], "offset": ["type": "integer"], "total": ["type": "integer"],
                           "next_offset": ["type": ["integer", "null"]]],
        ],
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
            "type": "object", "required": ["id", "name", "description", "team_id", "tier", "links", "depends_on", "alert_grouping", "flap_detection", "severity_overrides", "created_at", "updated_at"],
            "properties": [
                "id": uuid, "name": string, "description": string, "team_id": ["type": ["string", "null"], "format": "uuid"],
                "tier": tier, "links": ["type": "array", "items": link],
                "depends_on": ["type": "array", "items": uuid, "description": "Services this one needs; cycles are refused"],
                "alert_grouping": ref("AlertGrouping"),
                "flap_detection": flapDetection,
                "severity_overrides": severityOverrides, "inhibit_reports": inhibitReports,
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
                           "inhibit_reports": inhibitReports],
        ],
        "ServiceUpdate": [
            "type": "object",
            "properties": ["name": name(200), "description": text(10_000, multiline: true), "team_id": ["type": ["string", "null"], "format": "uuid"],
                           "tier": tier, "links": ["type": "array", "items": linkInput, "maxItems": 50], "depends_on": ids(100),
                           "alert_grouping": ref("AlertGrouping"), "flap_detection": flapDetection, "severity_overrides": severityOverrides,
                           "inhibit_reports": inhibitReports],
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
        "IntegrationKey": [
            "type": "object", "required": ["id", "service_id", "type", "name", "hint", "rate_limit_per_minute", "created_at"],
            "properties": [
                "id": uuid, "service_id": uuid, "type": integrationType, "name": string,
                "hint": ["type": "string", "description": "The first characters of the key"],
                "key": ["type": "string", "minLength": 32, "maxLength": 32, "description": "The key; only in the answer that creates it"],
                "rate_limit_per_minute": ["type": "integer"], "created_at": dateTime,
                "mapping": ref("GenericMapping"),
            ],
        ],
        "GenericMapping": [
            "type": "object",
            "description": "JSON Pointers (RFC 6901) into a generic webhook's body, and how its words map onto Tocsin's",
            "properties": [
                "summary": ["type": "string", "default": "/summary"], "dedup_key": ["type": "string", "default": "/dedup_key"],
                "severity": ["type": "string", "default": "/severity"], "status": ["type": "string", "default": "/status"],
                "source": ["type": "string", "default": "/source"],
                "resolved_values": ["type": "array", "items": string], "acknowledged_values": ["type": "array", "items": string],
                "severity_map": ["type": "object", "additionalProperties": ["type": "string", "enum": ["critical", "error", "warning", "info"]]],
            ],
        ],
        "IntegrationKeyCreate": [
            "type": "object", "required": ["type"],
            "properties": ["type": integrationType, "name": text(200), "mapping": ref("GenericMapping"),
                           "rate_limit_per_minute": ["type": "integer", "minimum": 1, "maximum": 1000000, "default": 6000]],
        ],
        "Alert": [
            "type": "object",
            "required": ["id", "service_id", "dedup_key", "status", "severity", "summary", "source", "incident_id", "occurrences",
                         "detection_source", "first_seen_at", "last_seen_at", "muted_reason"],
            "properties": [
                "id": uuid, "service_id": uuid, "dedup_key": string,
                "status": ["type": "string", "enum": ["triggered", "acknowledged", "resolved"]],
                "severity": ["type": "string", "enum": ["critical", "error", "warning", "info"]],
                "summary": string, "source": string, "component": nullableString, "group": nullableString, "class": nullableString,
                "labels": ["type": "object", "additionalProperties": string], "details": [:],
                "links": ["type": "array", "items": ["type": "object", "properties": ["href": string, "text": nullableString]]],
                "images": ["type": "array", "items": ["type": "object", "properties": ["src": string, "href": nullableString, "alt": nullableString]]],
                "client": nullableString, "client_url": nullableString,
                "detection_source": ["type": "string", "enum": ["monitoring", "customer", "internal"]],
                "incident_id": ["type": ["string", "null"], "format": "uuid"], "occurrences": ["type": "integer", "minimum": 1],
                "first_seen_at": dateTime, "last_seen_at": dateTime, "acknowledged_at": nullableDateTime, "resolved_at": nullableDateTime,
                "muted_reason": nullableString,
                "mute_kind": ["type": ["string", "null"], "enum": .array(MuteKind.allCases.map { .string($0.rawValue) } + [.null]),
                              "description": "How the alert is muted: maintenance, silence, inhibited (by a dependency's open incident) or flapping"],
                "muted_by_incident_id": ["type": ["string", "null"], "format": "uuid", "description": "The dependency's incident that inhibits it"],
                "grouping_reason": ["type": ["string", "null"], "description": "Why the alert joined its incident, or opened one"],
            ],
        ],
        "Incident": [
            "type": "object",
            "required": ["id", "number", "title", "status", "severity", "service_ids", "alert_count", "detection_source", "created_at", "updated_at"],
            "properties": [
                "id": uuid, "number": ["type": "integer"], "title": string,
                "status": ["type": "string", "enum": ["triggered", "acknowledged", "resolved"]],
                "severity": ["type": "string", "enum": ["SEV1", "SEV2", "SEV3", "SEV4"]],
                "service_ids": ["type": "array", "items": uuid], "alert_count": ["type": "integer"],
                "detection_source": ["type": "string", "enum": ["monitoring", "customer", "internal"]],
                "created_at": dateTime, "acknowledged_at": nullableDateTime, "resolved_at": nullableDateTime, "updated_at": dateTime,
                "acknowledged_by": ["type": ["string", "null"], "format": "uuid", "description": "The user who acknowledged it"],
                "resolved_by": ["type": ["string", "null"], "format": "uuid", "description": "The user who resolved it (null when its alerts resolved it)"],
            ],
        ],
        "IncidentEvent": [
            "type": "object", "required": ["id", "kind", "at", "author", "body", "data"],
            "properties": [
                "id": ["type": "integer", "description": "Increasing in the order events were recorded"],
                "kind": ["type": "string", "description": "opened, alert_joined, acknowledged, retriggered, resolved, reopened, severity_changed; more kinds are added over time, so treat unknown ones as text"],
                "at": dateTime,
                "author": ["type": "object", "required": ["type", "id", "name"], "properties": [
                    "type": ["type": "string", "enum": ["user", "integration", "system"]],
                    "id": ["type": ["string", "null"], "format": "uuid", "description": "null for Tocsin itself"],
                    "name": string,
                ]],
                "body": ["type": "string", "description": "One sentence a person reads, e.g. \"Acknowledged by Ana Lima\""],
                "data": ["type": "object", "description": "The kind's own fields, e.g. from and to for severity_changed"],
            ],
        ],
        "Matcher": [
            "type": "object", "required": ["name", "value"],
            "properties": ["name": ["type": "string", "minLength": 1, "pattern": "\\S",
                                    "description": "A label, or summary, source, severity, dedup_key, component, group, class"],
                           "op": ["type": "string", "enum": ["=", "!=", "=~", "!~"], "default": "="],
                           "value": ["type": "string", "description": "With =~ and !~ an RE2 regular expression (at most 1000 characters) matching the whole value, in linear time"]],
        ],
        "EventRules": [
            "type": "object", "required": ["rules"],
            "properties": ["rules": ["type": "array", "maxItems": 50, "items": [
                "type": "object", "required": ["conditions", "action"],
                "properties": [
                    "conditions": ["type": "array", "items": ref("Matcher"), "minItems": 1, "maxItems": 20],
                    "action": ["type": "string", "enum": ["drop", "set_severity", "route"]],
                    "severity": ["type": ["string", "null"], "enum": ["critical", "error", "warning", "info", nil]],
                    "route_to": ["type": ["string", "null"], "format": "uuid"],
                ],
            ]]],
        ],
        "Silence": [
            "type": "object", "required": ["id", "service_id", "matchers", "starts_at", "ends_at", "created_by", "comment", "active", "created_at"],
            "properties": [
                "id": uuid, "service_id": ["type": ["string", "null"], "format": "uuid"], "matchers": ["type": "array", "items": ref("Matcher")],
                "starts_at": dateTime, "ends_at": dateTime, "created_by": ["type": ["string", "null"], "format": "uuid"], "comment": string,
                "active": ["type": "boolean"], "created_at": dateTime,
            ],
        ],
        "SilenceCreate": [
            "type": "object", "required": ["matchers", "ends_at", "comment"],
            "properties": ["service_id": ["type": ["string", "null"], "format": "uuid"],
                           "matchers": ["type": "array", "items": ref("Matcher"), "minItems": 1, "maxItems": 20],
                           "starts_at": dateTime, "ends_at": ["type": "string", "format": "date-time", "description": "After starts_at, at most a year later"],
                           "comment": name(1000)],
        ],
        "MaintenanceWindow": [
            "type": "object", "required": ["id", "service_id", "name", "active", "created_at"],
            "properties": [
                "id": uuid, "service_id": uuid, "name": string, "starts_at": dateTime, "ends_at": dateTime,
                "days": ["type": "array", "items": ["type": "string", "enum": ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]]],
                "start": ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"], "end": ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"],
                "time_zone": string, "active": ["type": "boolean"], "created_at": dateTime,
            ],
        ],
        "MaintenanceWindowCreate": [
            "type": "object", "required": ["name"],
            "properties": ["name": name(200), "starts_at": dateTime, "ends_at": dateTime,
                           "days": ["type": "array", "maxItems": 7, "items": ["type": "string", "enum": ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]]],
                           "start": ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"], "end": ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"],
                           "time_zone": timeZone],
        ],
        "NoiseReport": [
            "type": "object", "required": ["from", "to", "time_zone", "services", "noisiest_keys"],
            "properties": [
                "from": dateTime, "to": dateTime, "time_zone": string,
                "services": ["type": "array", "items": [
                    "type": "object", "required": ["service_id", "alerts", "occurrences", "muted", "auto_resolved_share", "per_day"],
                    "properties": [
                        "service_id": uuid, "alerts": ["type": "integer"], "occurrences": ["type": "integer"], "muted": ["type": "integer"],
                        "auto_resolved_share": ["type": ["number", "null"], "minimum": 0, "maximum": 1],
                        "per_day": ["type": "array", "items": ["type": "object", "required": ["date", "alerts"],
                                                              "properties": ["date": ["type": "string", "format": "date"], "alerts": ["type": "integer"]]]],
                    ],
                ]],
                "noisiest_keys": ["type": "array", "items": [
                    "type": "object", "required": ["service_id", "dedup_key", "alerts", "occurrences"],
                    "properties": ["service_id": uuid, "dedup_key": string, "alerts": ["type": "integer"], "occurrences": ["type": "integer"]],
                ]],
            ],
        ],
        "ReportCreate": [
            "type": "object", "required": ["summary"],
            "properties": ["summary": name(1024), "details": text(10_000, multiline: true),
                           "reporter": ["type": "string", "maxLength": 200, "description": "Defaults to the caller's name"],
                           "source": ["type": "string", "enum": ["customer", "internal"], "default": "customer"],
                           "severity": ["type": "string", "enum": ["critical", "error", "warning", "info"], "default": "error"]],
        ],
        "TokenCreate": [
            "type": "object", "required": ["name"],
            "properties": ["name": name(100), "read_only": ["type": "boolean", "default": false]],
        ],
    ]

    // MARK: Builders

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func list(_ item: String) -> JSONValue {
        ["type": "object", "required": ["data", "pagination"],
         "properties": ["data": ["type": "array", "items": ref(item)], "pagination": ref("Pagination")]]
    }

    static func response(_ description: String, _ schema: JSONValue) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    static let idParam: JSONValue = ["name": "id", "in": "path", "required": true, "schema": uuid]

    static func queryParam(_ name: String, _ description: String, _ schema: JSONValue) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema]
    }

    static let pageParams: [JSONValue] = [
        queryParam("limit", "Items per page (1–200, default 50)", ["type": "integer", "minimum": 1, "maximum": 200]),
        queryParam("offset", "Items to skip", ["type": "integer", "minimum": 0]),
    ]

    static func operation(_ id: String, _ summary: String, tag: String, query: [JSONValue] = [], body: String? = nil,
                          ok: JSONValue? = nil, created: JSONValue? = nil, noContent: Bool = false, conflict: Bool = false,
                          secured: Bool = true) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        if let ok { responses["200"] = response("OK", ok) }
        if let created { responses["201"] = response("Created", created) }
        if noContent { responses["204"] = ["description": "Done"] }
        let error: JSONValue = ["$ref": "#/components/responses/Error"]
        if secured {
            responses["401"] = error
            responses["403"] = error
        }
        if body != nil {
            responses["400"] = error  // not JSON, or over a limit on size or list length
        }
        if body != nil || !query.isEmpty { responses["422"] = error }
        // Writes can meet a state that refuses them: a taken name, the last owner, an incident already resolved.
        if body != nil || created != nil || noContent || conflict { responses["409"] = error }
        responses["404"] = error
        var op: [String: JSONValue] = ["operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)],
                                       "responses": .object(responses)]
        if !query.isEmpty { op["parameters"] = .array(query) }
        if let body {
            op["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
        }
        if !secured { op["security"] = [] }
        return .object(op)
    }
}
