import Foundation
import TocsinCore

extension OpenAPIDocument {
    static let instantWithOffset: JSONValue = ["type": "string", "format": "date-time",
                                               "description": "ISO 8601 with the schedule's own UTC offset, e.g. 2026-11-23T09:00:00+01:00"]

    static let schedulePaths: JSONValue = [
        "/api/v1/schedules": [
            "get": operation("listSchedules", "On-call schedules", tag: "schedules", query: [
                queryParam("team_id", "Only schedules of this team", uuid),
                queryParam("user_id", "Only schedules with this person in a layer", uuid),
                queryParam("q", "Name contains this text", string),
            ] + pageParams, ok: list("Schedule")),
            "post": operation("createSchedule", "Create a schedule (admin): layers in order, a later layer wins where it covers the time",
                              tag: "schedules", body: "ScheduleInput", created: ref("Schedule")),
        ],
        "/api/v1/schedules/{id}": [
            "parameters": [idParam],
            "get": operation("getSchedule", "One schedule, with its calendar feed link", tag: "schedules", ok: ref("Schedule")),
            "put": operation("replaceSchedule", "Replace a schedule's name, zone, team and layers (admin)", tag: "schedules", body: "ScheduleInput",
                             ok: ref("Schedule")),
            "delete": operation("deleteSchedule", "Remove a schedule and its overrides (admin)", tag: "schedules", noContent: true),
        ],
        "/api/v1/schedules/{id}/calendar-feed/revoke": [
            "parameters": [idParam],
            "post": operation("revokeScheduleFeed", "Stop the schedule's calendar link working and issue a new one (admin)", tag: "schedules",
                              ok: ref("Schedule")),
        ],
        "/api/v1/schedules/{id}/handoffs": [
            "parameters": [idParam],
            "get": operation("listHandoffs", "Recorded starts and ends of shifts (default: the last 7 days)", tag: "schedules", query: [
                queryParam("user_id", "Only this person's", uuid), queryParam("since", "Start (default: 7 days before until)", dateTime),
                queryParam("until", "End (default: now)", dateTime),
            ], ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": [
                "type": "object", "required": ["schedule_id", "user_id", "kind", "at"],
                "properties": ["schedule_id": uuid, "user_id": uuid, "kind": ["type": "string", "enum": ["start", "end"]], "at": instantWithOffset],
            ]]]]),
        ],
        "/api/v1/schedules/{id}/overrides": [
            "parameters": [idParam],
            "get": operation("listOverrides", "Overrides overlapping the interval (default: the next 90 days)", tag: "schedules", query: [
                queryParam("since", "Start (default: now)", dateTime), queryParam("until", "End (default: 90 days after since)", dateTime),
            ], ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("Override")]]]),
            "post": operation("createOverride", "Someone covers an interval (responder): the whole schedule, or only where replaces_user_id is on call",
                              tag: "schedules", body: "OverrideInput", created: ref("Override")),
        ],
        "/api/v1/schedules/{id}/overrides/{override_id}": [
            "parameters": [idParam, ["name": "override_id", "in": "path", "required": true, "schema": uuid]],
            "delete": operation("deleteOverride", "Remove an override (responder)", tag: "schedules", noContent: true),
        ],
        "/api/v1/users/{id}/calendar-feed": [
            "parameters": [idParam],
            "get": operation("getUserFeed", "The link to a person's own shifts as an iCalendar feed (they or an admin)", tag: "schedules", ok: ref("CalendarFeed")),
        ],
        "/api/v1/users/{id}/calendar-feed/revoke": [
            "parameters": [idParam],
            "post": operation("revokeUserFeed", "Stop a person's calendar link working and issue a new one (they or an admin)", tag: "schedules",
                              ok: ref("CalendarFeed")),
        ],
        "/api/v1/reports/oncall-burden": [
            "get": operation("oncallBurden", "Hours on call per person over a period (default: the last 28 days; at most 92), outside working hours, at night and at weekends, and who carries more than 1.25 times the average",
                             tag: "schedules", query: [
                                queryParam("team_id", "The team's members, with or without time (default: everyone with time)", uuid),
                                queryParam("since", "Start (default: 28 days before until)", dateTime), queryParam("until", "End (default: now)", dateTime),
                             ], ok: ref("OnCallBurden")),
        ],
        "/api/v1/oncalls": [
            "get": operation("listOnCalls", "Who is on call: the final timeline (layers and overrides) in time order, clipped to since–until; without until, who is on call at since (default now), with their shift's own start and end",
                             tag: "schedules", query: [
                                queryParam("schedule_id", "One schedule (default: all)", uuid),
                                queryParam("user_id", "Only this person's time", uuid),
                                queryParam("since", "Start, or the instant asked about (default: now)", dateTime),
                                queryParam("until", "End; at most 366 days after since", dateTime),
                             ], ok: ["type": "object", "required": ["data"], "properties": ["data": ["type": "array", "items": ref("OnCall")]]]),
        ],
    ]

    static let layerSchema: JSONValue = [
        "type": "object", "required": ["start", "rotation", "members"],
        "properties": [
            "name": name(200),
            "time_zone": ["type": ["string", "null"], "description": "IANA zone; null or absent: the schedule's"],
            "start": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$",
                      "description": "Local date-time of the first hand-off, e.g. 2026-11-23T09:00"],
            "rotation": ["type": "object", "required": ["length", "unit"], "properties": [
                "length": ["type": "integer", "minimum": 1, "maximum": 8784, "description": "At most a year: 8784 hours, 366 days or 52 weeks"],
                "unit": ["type": "string", "enum": ["hour", "day", "week"]],
            ]],
            "members": ["type": "array", "items": uuid, "minItems": 1, "maxItems": 100],
            "restrictions": ["type": "array", "maxItems": 50, "items": ["type": "object", "required": ["days", "start", "end"], "properties": [
                "days": ["type": "array", "items": ["type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]],
                "start": ["type": "string", "description": "HH:MM local"], "end": ["type": "string", "description": "HH:MM local or 24:00; before start: past midnight"],
            ]]],
        ],
    ]

    /// The page counts each burden row (and the total) carries.
    static let pageLoadRequired: [JSONValue] = ["pages", "pages_at_night", "pages_outside_working_hours", "incidents_paged", "pages_per_shift",
                                                "acknowledged", "median_minutes_to_acknowledge"]
    static let pageLoadProperties: [String: JSONValue] = [
        "pages": ["type": "integer", "description": "Messages that asked the person to act (a bundle of several incidents counts once)"],
        "pages_at_night": ["type": "integer", "description": "Of those, sent 22:00–07:00 in the person's zone"],
        "pages_outside_working_hours": ["type": "integer"], "incidents_paged": ["type": "integer"],
        "pages_per_shift": ["type": ["number", "null"], "description": "Pages divided by shifts; null without shifts"],
        "acknowledged": ["type": "integer", "description": "Incidents the person acknowledged after being paged for them"],
        "median_minutes_to_acknowledge": ["type": ["number", "null"], "description": "From the person's first page for an incident to their acknowledgement"],
    ]

    static let scheduleSchemas: JSONValue = [
        "Layer": layerSchema,
        "OnCallBurden": [
            "type": "object", "required": ["since", "until", "mean_hours_on_call", "total", "data", "pages_cut"],
            "properties": [
                "since": dateTime, "until": dateTime, "mean_hours_on_call": ["type": "number"],
                "pages_cut": ["type": "boolean", "description": "More pages were sent in the period than the report reads: page counts are a floor"],
                "total": ["type": "object", "required": .array(["hours_on_call", "hours_outside_working_hours", "hours_night", "hours_weekend", "shifts"] + pageLoadRequired),
                          "properties": .object(["hours_on_call": ["type": "number"], "hours_outside_working_hours": ["type": "number"],
                                                 "hours_night": ["type": "number"], "hours_weekend": ["type": "number"], "shifts": ["type": "integer"]]
                                                .merging(pageLoadProperties) { a, _ in a })],
                "data": ["type": "array", "items": ["type": "object", "required": .array(["user_id", "name", "time_zone", "hours_on_call",
                    "hours_outside_working_hours", "hours_night", "hours_weekend", "shifts", "over_share"] + pageLoadRequired), "properties": .object([
                    "user_id": uuid, "name": string, "time_zone": string, "hours_on_call": ["type": "number"],
                    "hours_outside_working_hours": ["type": "number"], "hours_night": ["type": "number"], "hours_weekend": ["type": "number"],
                    "shifts": ["type": "integer"], "over_share": ["type": "boolean"],
                ].merging(pageLoadProperties) { a, _ in a })]],
            ],
        ],
        "CalendarFeed": ["type": "object", "required": ["ical_url"], "properties": ["ical_url": string]],
        "ScheduleInput": [
            "type": "object", "required": ["name", "time_zone", "layers"],
            "properties": [
                "name": name(200), "description": text(2000, multiline: true), "time_zone": timeZone,
                "team_id": ["type": ["string", "null"], "format": "uuid"],
                "layers": ["type": "array", "items": ref("Layer"), "minItems": 1, "maxItems": 20],
            ],
        ],
        "Schedule": [
            "type": "object", "required": ["id", "name", "description", "time_zone", "team_id", "layers", "ical_url", "created_at", "updated_at"],
            "properties": [
                "id": uuid, "name": string, "description": string, "time_zone": string, "team_id": ["type": ["string", "null"], "format": "uuid"],
                "layers": ["type": "array", "items": ref("Layer")],
                "ical_url": ["type": "string", "description": "iCalendar feed of the final timeline; the link is the key, revocable"],
                "created_at": dateTime, "updated_at": dateTime,
            ],
        ],
        "OverrideInput": [
            "type": "object", "required": ["user_id", "start", "end"],
            "properties": ["user_id": uuid, "replaces_user_id": ["type": ["string", "null"], "format": "uuid"], "start": dateTime, "end": dateTime],
        ],
        "Override": [
            "type": "object", "required": ["id", "schedule_id", "user_id", "replaces_user_id", "start", "end", "created_by", "created_at"],
            "properties": [
                "id": uuid, "schedule_id": uuid, "user_id": uuid, "replaces_user_id": ["type": ["string", "null"], "format": "uuid"],
                "start": instantWithOffset, "end": instantWithOffset, "created_by": ["type": ["string", "null"], "format": "uuid"], "created_at": dateTime,
            ],
        ],
        "OnCall": [
            "type": "object", "required": ["schedule_id", "schedule_name", "user_id", "start", "end"],
            "properties": ["schedule_id": uuid, "schedule_name": string, "user_id": uuid, "start": instantWithOffset, "end": instantWithOffset],
        ],
    ]
}
