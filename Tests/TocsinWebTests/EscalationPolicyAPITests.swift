import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Escalation policy API")
struct EscalationPolicyAPITests {
    @Test("a policy is created, attached to a service, changed, listed and deleted once no service uses it")
    func lifecycle() async throws {
        try await TestApp.run { app in
            let (ann, token) = try await app.user("Ann", role: .admin)
            let teamID = try #require(try await app.request(.post, "/api/v1/teams", token: token,
                                                           json: #"{"name":"SRE","member_ids":["\#(ann.id.db)"]}"#).json["id"]?.stringValue)
            let created = try await app.request(.post, "/api/v1/escalation-policies", token: token, json: """
                {"name":"SRE primary","team_id":"\(teamID)","repeat":2,"levels":[
                  {"delay_minutes":5,"targets":[{"type":"user","id":"\(ann.id.db)"}]},
                  {"delay_minutes":10,"targets":[{"type":"team","id":"\(teamID)","mode":"round_robin"}]}]}
                """)
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["repeat"] == 2)
            #expect(created.json["levels"]?[at: 1]?["targets"]?[at: 0]?["mode"] == "round_robin")
            #expect(created.json["levels"]?[at: 0]?["targets"]?[at: 0]?["mode"] == nil, "only team targets carry a mode")
            #expect(try await app.request(.get, "/api/v1/escalation-policies/\(id)", token: token).json == created.json)

            let service = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"API","escalation_policy_id":"\#(id)"}"#)
            #expect(service.json["escalation_policy_id"] == .string(id))
            let serviceID = try #require(service.json["id"]?.stringValue)
            let list = try await app.request(.get, "/api/v1/services", token: token)
            #expect(list.json["data"]?[at: 0]?["escalation_policy_id"] == .string(id), "the written list carries it too")

            let patched = try await app.request(.patch, "/api/v1/escalation-policies/\(id)", token: token, json: #"{"repeat":0}"#)
            #expect(patched.json["repeat"] == 0)
            #expect(patched.json["levels"] == created.json["levels"], "levels not sent stay as they were")
            #expect(try await app.request(.get, "/api/v1/escalation-policies?team_id=\(teamID)", token: token).json["pagination"]?["total"] == 1)

            let inUse = try await app.request(.delete, "/api/v1/escalation-policies/\(id)", token: token)
            #expect(inUse.status == .conflict)
            #expect(inUse.text.contains("the service API use it"))
            let detached = try await app.request(.patch, "/api/v1/services/\(serviceID)", token: token, json: #"{"escalation_policy_id":null}"#)
            #expect(detached.json["escalation_policy_id"] == .null)
            #expect(try await app.request(.delete, "/api/v1/escalation-policies/\(id)", token: token).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/escalation-policies/\(id)", token: token).status == .notFound)
        }
    }

    @Test("bad input gets a 4xx naming each field and why, and writes nothing", arguments: [
        (#"{"levels":[]}"#, ["team_id", "name", "levels"]),
        (#"{"name":"P","team_id":"TEAM","levels":[{"delay_minutes":0,"targets":[{"type":"robot","id":"x","mode":"all"}]}]}"#,
         ["levels[0].targets[0].type", "levels[0].targets[0].id", "levels[0].targets[0].mode"]),
        (#"{"name":"P","team_id":"TEAM","levels":[{"delay_minutes":0,"targets":[]}],"repeat":-1}"#,
         ["repeat", "levels[0].delay_minutes", "levels[0].targets"]),
        (#"{"name":"P","team_id":"TEAM","levels":[{"delay_minutes":5,"targets":[{"type":"user","id":"00000000-0000-0000-0000-000000000009"}]}]}"#,
         ["levels[0].targets"]),
        (#"{"name":"P","team_id":"00000000-0000-0000-0000-000000000009","levels":[{"delay_minutes":5,"targets":[{"type":"team","id":"TEAM","mode":"sometimes"}]}]}"#,
         ["levels[0].targets[0].mode"]),
        (#"{"name":"P","team_id":"TEAM","levels":[{"delay_minutes":"5","targets":[]}]}"#, ["levels[0].delay_minutes"]),
        (#"{"name":"#, ["body"]),
    ])
    func badInput(body: String, fields: [String]) async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let teamID = try #require(try await app.request(.post, "/api/v1/teams", token: token, json: #"{"name":"SRE"}"#).json["id"]?.stringValue)
            let reply = try await app.request(.post, "/api/v1/escalation-policies", token: token, json: body.replacingOccurrences(of: "TEAM", with: teamID))
            let unreadable = fields == ["body"]
            #expect(reply.status == (unreadable ? .badRequest : .unprocessableContent))
            #expect(reply.errorFields == fields)
            #expect(try await app.request(.get, "/api/v1/escalation-policies", token: token).json["pagination"]?["total"] == 0, "nothing half-written")
        }
    }

    @Test("responders read policies but only admins change them; a service cannot name a policy that does not exist")
    func permissions() async throws {
        try await TestApp.run { app in
            let (ann, admin) = try await app.user("Ann", role: .admin)
            let (_, responder) = try await app.user("Rita", role: .responder)
            let teamID = try #require(try await app.request(.post, "/api/v1/teams", token: admin, json: #"{"name":"SRE"}"#).json["id"]?.stringValue)
            let body = #"{"name":"P","team_id":"\#(teamID)","levels":[{"delay_minutes":5,"targets":[{"type":"user","id":"\#(ann.id.db)"}]}]}"#
            #expect(try await app.request(.post, "/api/v1/escalation-policies", token: responder, json: body).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/escalation-policies", token: admin, json: body).status == .created)
            #expect(try await app.request(.get, "/api/v1/escalation-policies", token: responder).json["pagination"]?["total"] == 1)
            let ghost = try await app.request(.post, "/api/v1/services", token: admin,
                                              json: #"{"name":"API","escalation_policy_id":"00000000-0000-0000-0000-000000000009"}"#)
            #expect(ghost.status == .unprocessableContent)
            #expect(ghost.errorFields == ["escalation_policy_id"])
        }
    }
}
