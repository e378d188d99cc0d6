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

    /// Each area's fragment lives beside its routes (`Incidents/OpenAPIDocument+Incidents.swift`, …); this file holds
    /// what they share: the document, the error and pagination schemas, scalar shapes and builders.
    static let pathFragments = [sharedPaths, peoplePaths, catalogPaths, alertsPaths, silencesPaths, incidentsPaths, schedulePaths, pagingPaths]
    static let schemaFragments = [sharedSchemas, peopleSchemas, catalogSchemas, alertsSchemas, silencesSchemas, incidentsSchemas, scheduleSchemas, pagingSchemas]
    static let paths = merged(pathFragments)
    static let schemas = merged(schemaFragments)

    /// The fragments side by side. A key two fragments both define is a mistake, caught by `OpenAPITests`.
    static func merged(_ fragments: [JSONValue]) -> JSONValue {
        .object(fragments.reduce(into: [:]) { all, fragment in all.merge(fragment.objectValue ?? [:]) { first, _ in first } })
    }

    static let sharedPaths: JSONValue = [
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
    static let timeZone: JSONValue = ref("TimeZone")
    static let timeZoneSchema: JSONValue = [
        "type": "string", "description": "IANA time zone, e.g. Europe/Berlin",
        "enum": .array((["UTC"] + TimeZone.knownTimeZoneIdentifiers.sorted()).uniqued().map { .string($0) }),
    ]
    static func ids(_ max: Int) -> JSONValue { ["type": "array", "items": uuid, "maxItems": .number(Double(max))] }

    static let sharedSchemas: JSONValue = [
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
                          ok: JSONValue? = nil, created: JSONValue? = nil, accepted: JSONValue? = nil, noContent: Bool = false,
                          conflict: Bool = false, tooManyRequests: Bool = false, bodyRequired: Bool = true, secured: Bool = true) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        if let ok { responses["200"] = response("OK", ok) }
        if let created { responses["201"] = response("Created", created) }
        if let accepted { responses["202"] = response("Accepted", accepted) }
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
        if tooManyRequests { responses["429"] = error }
        var op: [String: JSONValue] = ["operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)],
                                       "responses": .object(responses)]
        if !query.isEmpty { op["parameters"] = .array(query) }
        if let body {
            op["requestBody"] = ["required": .bool(bodyRequired), "content": ["application/json": ["schema": ref(body)]]]
        }
        if !secured { op["security"] = [] }
        return .object(op)
    }
}
