import Foundation
import TocsinCore

/// The OpenAPI fragment for incidents and their timeline.
extension OpenAPIDocument {
    static let incidentsPaths: JSONValue = [
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
            "patch": operation("updateIncident", "Set an incident's severity, up or down (responder); recorded on its timeline",
                               tag: "incidents", body: "IncidentChange", ok: ref("Incident")),
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
        "/api/v1/incidents/{id}/reopen": [
            "parameters": [idParam],
            "post": operation("reopenIncident", "Reopen a resolved incident: it needs someone again (responder); 409 if it is not resolved",
                              tag: "incidents", ok: ref("Incident"), conflict: true),
        ],
    ]

    static let incidentsSchemas: JSONValue = [
        "IncidentChange": [
            "type": "object", "required": ["severity"],
            "properties": ["severity": ["type": "string", "enum": ["SEV1", "SEV2", "SEV3", "SEV4"]]],
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
    ]
}
