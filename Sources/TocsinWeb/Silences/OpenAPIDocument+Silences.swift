import Foundation
import TocsinCore

/// The OpenAPI fragment for event rules, silences, maintenance windows and the noise report.
extension OpenAPIDocument {
    static let silencesPaths: JSONValue = [
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
    ]

    static let silencesSchemas: JSONValue = [
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
    ]
}
