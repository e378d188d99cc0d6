import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

/// Holds the OpenAPI document and the server together: the same operations, and answers that fit the schemas.
@Suite("OpenAPI document")
struct OpenAPITests {
    static var document: JSONValue { OpenAPIDocument.document }

    static var documentedOperations: Set<String> {
        var out = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys where method != "parameters" {
                out.insert("\(method.uppercased()) \(path)")
            }
        }
        return out
    }

    @Test("documents exactly the routes the router serves")
    func sameOperations() async throws {
        try await TestApp.run { app in
            let served = Set(app.apiRoutes.operations.map { "\($0.method) \($0.path)" })
            #expect(served == Self.documentedOperations)
            let fetched = try await app.page("/api/v1/openapi.json")
            #expect(fetched.json["openapi"] == "3.1.0")
        }
    }

    @Test("each area's fragment defines its own paths and schemas: none is defined twice, so none is silently dropped")
    func fragmentsDoNotOverlap() {
        for (fragments, merged) in [(OpenAPIDocument.pathFragments, OpenAPIDocument.paths), (OpenAPIDocument.schemaFragments, OpenAPIDocument.schemas)] {
            let keys = fragments.flatMap { ($0.objectValue ?? [:]).keys }
            #expect(keys.count == Set(keys).count, "defined twice: \(Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
            #expect(merged.objectValue?.count == keys.count)
        }
        #expect(OpenAPIDocument.pathFragments.count == 8)
    }

    @Test("real answers fit their documented schemas")
    func answersFitSchemas() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Ann", role: .admin)
            let team = try await app.request(.post, "/api/v1/teams", token: token, json: #"{"name":"SRE","member_ids":["\#(user.id.db)"]}"#)
            let teamID = try #require(team.json["id"]?.stringValue)
            let service = try await app.request(.post, "/api/v1/services", token: token,
                                                json: #"{"name":"API","team_id":"\#(teamID)","links":[{"title":"Docs","url":"https://docs.example.com"}]}"#)
            let serviceID = try #require(service.json["id"]?.stringValue)
            let invited = try await app.request(.post, "/api/v1/users", token: token, json: #"{"name":"Ivy","email":"ivy@example.com"}"#)
            let newToken = try await app.request(.post, "/api/v1/tokens", token: token, json: #"{"name":"ci"}"#)
            let policy = try await app.request(.post, "/api/v1/escalation-policies", token: token, json: """
                {"name":"Primary","team_id":"\(teamID)","levels":[{"delay_minutes":5,"targets":[{"type":"user","id":"\(user.id.db)"},
                 {"type":"team","id":"\(teamID)","mode":"round_robin"}]}]}
                """)
            let policyID = try #require(policy.json["id"]?.stringValue)
            let method = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token, json: #"{"type":"voice","address":"+14155550100"}"#)
            let methodID = try #require(method.json["id"]?.stringValue)
            let rule = try await app.request(.post, "/api/v1/users/me/notification-rules", token: token, json: #"{"contact_method_id":"\#(methodID)"}"#)
            let attached = try await app.request(.patch, "/api/v1/services/\(serviceID)", token: token, json: #"{"escalation_policy_id":"\#(policyID)"}"#)

            let checks: [(String, String, TestApp.Reply)] = [
                ("POST /api/v1/teams", "201", team),
                ("POST /api/v1/services", "201", service),
                ("POST /api/v1/users", "201", invited),
                ("POST /api/v1/tokens", "201", newToken),
                ("POST /api/v1/escalation-policies", "201", policy),
                ("POST /api/v1/users/{id}/contact-methods", "201", method),
                ("POST /api/v1/users/{id}/notification-rules", "201", rule),
                ("GET /api/v1/users/{id}/contact-methods", "200", try await app.request(.get, "/api/v1/users/me/contact-methods", token: token)),
                ("GET /api/v1/users/{id}/notification-rules", "200", try await app.request(.get, "/api/v1/users/me/notification-rules", token: token)),
                ("PATCH /api/v1/users/{id}/contact-methods/{method_id}", "200",
                 try await app.request(.patch, "/api/v1/users/me/contact-methods/\(methodID)", token: token, json: #"{"label":"desk"}"#)),
                // The code sent at creation is not a minute old: a new one must wait.
                ("POST /api/v1/users/{id}/contact-methods/{method_id}/send-code", "429",
                 try await app.request(.post, "/api/v1/users/me/contact-methods/\(methodID)/send-code", token: token, json: "{}")),
                ("PATCH /api/v1/services/{id}", "200", attached),
                ("GET /api/v1/escalation-policies", "200", try await app.request(.get, "/api/v1/escalation-policies", token: token)),
                ("GET /api/v1/escalation-policies/{id}", "200", try await app.request(.get, "/api/v1/escalation-policies/\(policyID)", token: token)),
                ("PATCH /api/v1/escalation-policies/{id}", "200",
                 try await app.request(.patch, "/api/v1/escalation-policies/\(policyID)", token: token, json: #"{"repeat":1}"#)),
                ("POST /api/v1/escalation-policies", "422", try await app.request(.post, "/api/v1/escalation-policies", token: token, json: #"{"levels":[]}"#)),
                ("GET /api/v1/teams", "200", try await app.request(.get, "/api/v1/teams", token: token)),
                ("GET /api/v1/teams/{id}", "200", try await app.request(.get, "/api/v1/teams/\(teamID)", token: token)),
                ("GET /api/v1/services", "200", try await app.request(.get, "/api/v1/services", token: token)),
                ("GET /api/v1/services/{id}", "200", try await app.request(.get, "/api/v1/services/\(serviceID)", token: token)),
                ("GET /api/v1/users", "200", try await app.request(.get, "/api/v1/users", token: token)),
                ("GET /api/v1/users/me", "200", try await app.request(.get, "/api/v1/users/me", token: token)),
                ("GET /api/v1/tokens", "200", try await app.request(.get, "/api/v1/tokens", token: token)),
                ("GET /api/v1/services/{id}", "404", try await app.request(.get, "/api/v1/services/\(UUID().uuidString)", token: token)),
                ("POST /api/v1/services", "422", try await app.request(.post, "/api/v1/services", token: token, json: #"{"tier":0}"#)),
                ("GET /api/v1/services", "401", try await app.request(.get, "/api/v1/services")),
            ]
            for (operation, status, reply) in checks {
                #expect(String(reply.status.code) == status, "\(operation)")
                let schema = try #require(Self.responseSchema(operation, status), "\(operation) \(status) is not documented")
                let problems = SchemaCheck.problems(reply.json, against: schema, root: Self.document)
                #expect(problems.isEmpty, "\(operation) \(status): \(problems)")
            }
        }
    }

    @Test("every API route but the document itself refuses anonymous callers, and read-only tokens cannot write")
    func everyRouteIsGuarded() async throws {
        try await TestApp.run { app in
            let (_, readOnly) = try await app.user("Rob", role: .owner, readOnly: true)
            let someID = UUID().uuidString.lowercased()
            for operation in app.apiRoutes.operations where operation.path != "/api/v1/openapi.json" {
                let path = operation.path.replacingOccurrences(of: "{id}", with: someID)
                let method = HTTPRequest.Method(operation.method)!
                let body = method == .get || method == .delete ? nil : "{}"
                let anonymous = try await app.request(method, path, json: body)
                #expect(anonymous.status == .unauthorized, "\(operation.method) \(operation.path) answered \(anonymous.status) to nobody")
                if method != .get {
                    let reply = try await app.request(method, path, token: readOnly, json: body)
                    #expect(reply.status == .forbidden, "\(operation.method) \(operation.path) let a read-only token write")
                }
            }
        }
    }

    static func responseSchema(_ operation: String, _ status: String) -> JSONValue? {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        guard var response = document["paths"]?[parts[1]]?[parts[0].lowercased()]?["responses"]?[status] else { return nil }
        if let ref = response["$ref"]?.stringValue { response = SchemaCheck.resolve(ref, in: document) ?? .null }
        return response["content"]?["application/json"]?["schema"]
    }
}

/// Enough of JSON Schema to catch drift: $ref, type (incl. ["x","null"]), required, properties, items, enum.
enum SchemaCheck {
    static func resolve(_ ref: String, in root: JSONValue) -> JSONValue? {
        ref.dropFirst(2).split(separator: "/").reduce(Optional(root)) { node, key in node?[String(key)] }
    }

    static func problems(_ value: JSONValue, against schema: JSONValue, root: JSONValue, path: String = "$") -> [String] {
        if let ref = schema["$ref"]?.stringValue {
            guard let target = resolve(ref, in: root) else { return ["\(path): unresolved \(ref)"] }
            return problems(value, against: target, root: root, path: path)
        }
        var found: [String] = []
        let types: [String] = schema["type"].map { $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] } ?? []
        if !types.isEmpty && !types.contains(where: { matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: "|")), got \(value)"]
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) { found.append("\(path): \(value) not in enum") }
        if case .object(let object) = value {
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                found.append("\(path).\(name): required but missing")
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            for (name, child) in object {
                if let childSchema = properties[name] {
                    found += problems(child, against: childSchema, root: root, path: "\(path).\(name)")
                } else if !properties.isEmpty {
                    found.append("\(path).\(name): not documented")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() { found += problems(item, against: itemSchema, root: root, path: "\(path)[\(index)]") }
        }
        return found
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): return true
        case ("number", .number): return true
        case ("integer", .number(let n)): return n.rounded() == n
        default: return false
        }
    }
}
