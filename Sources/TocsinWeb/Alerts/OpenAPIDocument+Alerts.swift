import Foundation
import TocsinCore

/// The OpenAPI fragment for integration keys, problem reports and alerts.
extension OpenAPIDocument {
    static let integrationType: JSONValue = ["type": "string", "enum": ["pagerduty", "alertmanager", "opsgenie", "grafana", "generic"]]
    static let muteKind: JSONValue = ["type": "string", "enum": .array(MuteKind.allCases.map { .string($0.rawValue) })]

    static let alertsPaths: JSONValue = [
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
    ]

    static let alertsSchemas: JSONValue = [
        "IntegrationKey": [
            "type": "object", "required": ["id", "service_id", "type", "name", "hint", "rate_limit_per_minute", "created_at"],
            "properties": [
                "id": uuid, "service_id": uuid, "type": integrationType, "name": string,
                "hint": ["type": "string", "description": "The first characters of the key"],
                "key": ["type": "string", "minLength": 32, "maxLength": 32, "description": "The key; only in the answer that creates it"],
                "rate_limit_per_minute": ["type": "integer"], "created_at": dateTime,
                "mapping": ["description": "Only on generic webhook keys; null when none is set",
                            "oneOf": [ref("GenericMapping"), ["type": "null"]]],
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
        "ReportCreate": [
            "type": "object", "required": ["summary"],
            "properties": ["summary": name(1024), "details": text(10_000, multiline: true),
                           "reporter": ["type": "string", "maxLength": 200, "description": "Defaults to the caller's name"],
                           "source": ["type": "string", "enum": ["customer", "internal"], "default": "customer"],
                           "severity": ["type": "string", "enum": ["critical", "error", "warning", "info"], "default": "error"]],
        ],
    ]
}
