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

    static let userIDParam: JSONValue = ["name": "id", "in": "path", "required": true,
                                         "schema": ["type": "string", "description": "A user id, or `me` for the caller"]]
    static func pathID(_ name: String) -> JSONValue { ["name": .string(name), "in": "path", "required": true, "schema": uuid] }
    static let contactTypes: JSONValue = ["type": "string", "enum": ["email", "sms", "voice", "slack", "teams", "push", "webhook"]]

    static let pagingPaths: JSONValue = [
        "/api/v1/users/{id}/contact-methods": [
            "parameters": [userIDParam],
            "get": operation("listContactMethods", "A person's contact methods (their own; admins see anyone's)", tag: "paging",
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("ContactMethod")]]]),
            "post": operation("createContactMethod",
                              "Add a contact method; a code is sent to it for verification unless an admin adds it with verified true",
                              tag: "paging", body: "ContactMethodCreate", created: ref("ContactMethod")),
        ],
        "/api/v1/users/{id}/contact-methods/{method_id}": [
            "parameters": [userIDParam, pathID("method_id")],
            "patch": operation("updateContactMethod", "Change the label or address; a new address must be verified again", tag: "paging",
                               body: "ContactMethodUpdate", ok: ref("ContactMethod")),
            "delete": operation("deleteContactMethod", "Remove a contact method and the notification rules that use it", tag: "paging", noContent: true),
        ],
        "/api/v1/users/{id}/contact-methods/{method_id}/send-code": [
            "parameters": [userIDParam, pathID("method_id")],
            "post": operation("sendVerificationCode", "Send a new verification code (at most one a minute; 429 with Retry-After sooner)",
                              tag: "paging", accepted: ["type": "object", "required": ["code_sent"], "properties": ["code_sent": ["type": "boolean"]]],
                              conflict: true, tooManyRequests: true),
        ],
        "/api/v1/users/{id}/contact-methods/{method_id}/verify": [
            "parameters": [userIDParam, pathID("method_id")],
            "post": operation("verifyContactMethod", "Verify a contact method with the code sent to it (five tries a code, valid 15 minutes)",
                              tag: "paging", body: "VerificationCode", ok: ref("ContactMethod")),
        ],
        "/api/v1/users/{id}/contact-methods/{method_id}/test": [
            "parameters": [userIDParam, pathID("method_id")],
            "post": operation("sendTestPage",
                              "Send a test page through a verified contact method's own channel while the request waits; sent says whether the provider took it (at most one a minute per method and 10 an hour per person: 429 with Retry-After; 409 while the method is not verified)",
                              tag: "paging", ok: [
                                  "type": "object", "required": ["sent"],
                                  "properties": ["sent": ["type": "boolean"],
                                                 "provider_message_id": ["type": "string", "description": "The provider's id for the message, when it gave one"],
                                                 "reason": ["type": "string", "description": "Why it was not sent"]],
                              ], conflict: true, tooManyRequests: true),
        ],
        "/api/v1/incidents/{id}/escalate": [
            "parameters": [idParam],
            "post": operation("escalateIncident",
                              "Page the next level now, or the given level (1-based) of the current pass; the body is optional. 409 when the incident is not triggered or nothing escalates it",
                              tag: "paging", body: "Escalate", accepted: ref("EscalationState"), conflict: true, bodyRequired: false),
        ],
        "/api/v1/incidents/{id}/reassign": [
            "parameters": [idParam],
            "post": operation("reassignIncident",
                              "Hand the incident to a person (paged now; the escalation's levels follow if they do not acknowledge) or to another escalation policy (escalation starts afresh). An acknowledged incident is triggered again; 409 when resolved",
                              tag: "paging", body: "Reassign", accepted: ref("EscalationState"), conflict: true),
        ],
        "/api/v1/incidents/{id}/responders": [
            "parameters": [idParam],
            "post": operation("addResponder", "Ask someone to join the response: they are paged now by their own rules, whatever the escalation does; 409 when resolved",
                              tag: "paging", body: "Responder", accepted: ref("AddedResponder"), conflict: true),
        ],
        "/api/v1/incidents/{id}/notifications": [
            "parameters": [idParam],
            "get": operation("listIncidentNotifications", "Every notification of an incident's escalation: channel, person, status and times",
                             tag: "paging",
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("Notification")]]]),
        ],
        "/api/v1/users/{id}/notification-rules": [
            "parameters": [userIDParam],
            "get": operation("listNotificationRules", "A person's notification rules", tag: "paging",
                             ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("NotificationRule")]]]),
            "post": operation("createNotificationRule", "Add a rule: reach me by this method this many minutes into a page of this urgency",
                              tag: "paging", body: "NotificationRuleCreate", created: ref("NotificationRule")),
        ],
        "/api/v1/users/{id}/notification-rules/{rule_id}": [
            "parameters": [userIDParam, pathID("rule_id")],
            "delete": operation("deleteNotificationRule", "Remove a notification rule", tag: "paging", noContent: true),
        ],
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
        "Escalate": [
            "type": "object", "properties": ["level": ["type": "integer", "minimum": 1, "maximum": .number(Double(EscalationPolicy.maximumLevels))]],
        ],
        "Reassign": [
            "type": "object", "description": "Exactly one of the two",
            "properties": ["user_id": uuid, "escalation_policy_id": uuid],
        ],
        "Responder": ["type": "object", "required": ["user_id"], "properties": ["user_id": uuid]],
        "AddedResponder": [
            "type": "object", "required": ["user_id", "user_name", "notifications_queued"],
            "properties": ["user_id": uuid, "user_name": string,
                           "notifications_queued": ["type": "integer", "description": "0 when the person has no verified contact method"]],
        ],
        "EscalationState": [
            "type": "object", "required": ["incident_id", "policy_name", "level", "round", "due_at", "state"],
            "properties": ["incident_id": uuid, "policy_name": string, "level": ["type": "integer", "minimum": 1], "round": ["type": "integer", "minimum": 0],
                           "due_at": ["type": ["string", "null"], "format": "date-time"],
                           "state": ["type": "string", "enum": ["active", "stopped", "exhausted"]]],
        ],
        "Notification": [
            "type": "object",
            "required": ["id", "channel", "user_id", "user_name", "status", "step", "purpose", "detail", "attempts", "due_at", "sent_at",
                         "last_error", "provider_message_id", "created_at", "hold_reason", "bundled_with", "delivered_at"],
            "properties": [
                "id": uuid, "channel": contactTypes, "user_id": ["type": ["string", "null"], "format": "uuid"],
                "user_name": ["type": ["string", "null"]],
                "status": ["type": "string", "enum": ["queued", "sending", "sent", "failed", "cancelled"]],
                "step": ["type": "integer", "description": "The escalation step that queued it (0 is the first level; -1 for a notice)"],
                "purpose": ["type": "string", "enum": ["page", "taken", "request", "exhausted"],
                            "description": "page: paged by the escalation; taken: told someone else took the incident; request: asked to join as a responder; exhausted: the policy's team told nobody acknowledged"],
                "detail": ["type": ["string", "null"], "description": "For a notice: who took it and how (\"acknowledged by Bob (e-mail link)\")"],
                "attempts": ["type": "integer"], "due_at": dateTime, "sent_at": ["type": ["string", "null"], "format": "date-time"],
                "last_error": ["type": ["string", "null"]], "provider_message_id": ["type": ["string", "null"]], "created_at": dateTime,
                "hold_reason": ["type": ["string", "null"], "description": "Why it was held past its rule's time: throttled (at most 3 calls and 5 SMS in 15 minutes to one number) or waiting to go with others as one message"],
                "bundled_with": ["type": ["string", "null"], "format": "uuid", "description": "Sent inside that notification's message (several incidents as one message)"],
                "delivered_at": ["type": ["string", "null"], "format": "date-time", "description": "When the provider reported it delivered (Twilio's status callback)"],
            ],
        ],
        "ContactMethod": [
            "type": "object", "required": ["id", "user_id", "type", "address", "label", "verified", "verified_at", "created_at", "updated_at"],
            "properties": ["id": uuid, "user_id": uuid, "type": contactTypes,
                           "address": ["type": "string", "description": "E-mail address, E.164 phone number, Slack member id, or URL (Teams workflow, ntfy topic, webhook)"],
                           "label": string, "verified": ["type": "boolean"], "verified_at": ["type": ["string", "null"], "format": "date-time"],
                           "code_sent": ["type": "boolean", "description": "In answers that may send a code: whether one went out"],
                           "signing_secret": ["type": "string",
                                              "description": "Only when a webhook is added, and only then: the HMAC-SHA256 key its messages are signed with"],
                           "created_at": dateTime, "updated_at": dateTime],
        ],
        "ContactMethodCreate": [
            "type": "object", "required": ["type", "address"],
            "properties": ["type": contactTypes, "address": text(2000), "label": name(200),
                           "verified": ["type": "boolean", "description": "Admins only: provision the method already verified"]],
        ],
        "ContactMethodUpdate": [
            "type": "object", "properties": ["address": text(2000), "label": name(200)],
        ],
        "VerificationCode": [
            "type": "object", "required": ["code"], "properties": ["code": ["type": "string", "pattern": "^[0-9]{6}$"]],
        ],
        "NotificationRule": [
            "type": "object", "required": ["id", "user_id", "contact_method_id", "urgency", "delay_minutes", "created_at"],
            "properties": ["id": uuid, "user_id": uuid, "contact_method_id": uuid, "urgency": ["type": "string", "enum": ["high", "low"]],
                           "delay_minutes": ["type": "integer", "minimum": 0, "maximum": 1440], "created_at": dateTime],
        ],
        "NotificationRuleCreate": [
            "type": "object", "required": ["contact_method_id"],
            "properties": ["contact_method_id": uuid, "urgency": ["type": "string", "enum": ["high", "low"], "description": "Default high"],
                           "delay_minutes": ["type": "integer", "minimum": 0, "maximum": 1440, "description": "Default 0: at once"]],
        ],
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
