import Foundation
import HTTPTypes
import NIOCore
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Service catalog API")
struct CatalogAPITests {
    @Test("a service is created, read, changed, listed and deleted")
    func lifecycle() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let team = try await app.request(.post, "/api/v1/teams", token: token, json: #"{"name":"Payments","description":"Money in"}"#)
            let teamID = try #require(team.json["id"]?.stringValue)
            let db = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Ledger DB","tier":1}"#)
            let dbID = try #require(db.json["id"]?.stringValue)

            let created = try await app.request(.post, "/api/v1/services", token: token, json: """
                {"name":" Checkout ","description":"Takes orders","team_id":"\(teamID)","tier":1,
                 "links":[{"title":"Runbook","url":"https://wiki.example.com/checkout"}],"depends_on":["\(dbID)"]}
                """)
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["name"] == "Checkout")
            #expect(created.json["team_id"] == .string(teamID))
            #expect(created.json["depends_on"] == [.string(dbID)])
            #expect(created.json["links"]?.arrayValue?.first?["url"] == "https://wiki.example.com/checkout")

            let read = try await app.request(.get, "/api/v1/services/\(id)", token: token)
            #expect(read.json == created.json)

            let patched = try await app.request(.patch, "/api/v1/services/\(id)", token: token, json: #"{"team_id":null,"tier":2}"#)
            #expect(patched.status == .ok)
            #expect(patched.json["team_id"] == .null)
            #expect(patched.json["tier"] == 2)
            #expect(patched.json["depends_on"] == [.string(dbID)], "fields not sent stay as they were")

            let tierOne = try await app.request(.get, "/api/v1/services?tier=1", token: token)
            #expect(tierOne.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Ledger DB"])
            let paged = try await app.request(.get, "/api/v1/services?limit=1", token: token)
            #expect(paged.json["pagination"]?["total"] == 2)
            #expect(paged.json["pagination"]?["next_offset"] == 1)

            #expect(try await app.request(.delete, "/api/v1/services/\(id)", token: token).status == .noContent)
            let gone = try await app.request(.get, "/api/v1/services/\(id)", token: token)
            #expect(gone.status == .notFound)
            #expect(gone.errorCode == "not_found")
        }
    }

    @Test("a dependency cycle is refused with the field and the path")
    func cycle() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let a = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"A"}"#).json["id"]?.stringValue)
            let b = try #require(try await app.request(.post, "/api/v1/services", token: token,
                                                       json: #"{"name":"B","depends_on":["\#(a)"]}"#).json["id"]?.stringValue)
            let refused = try await app.request(.patch, "/api/v1/services/\(a)", token: token, json: #"{"depends_on":["\#(b)"]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["depends_on"])
            #expect(refused.text.contains("A → B → A"))
            let unchanged = try await app.request(.get, "/api/v1/services/\(a)", token: token)
            #expect(unchanged.json["depends_on"] == [])
        }
    }

    @Test("bad input gets a 4xx naming each field and why", arguments: [
        (#"{"tier":1}"#, ["name"]),
        (#"{"name":"X","tier":"high"}"#, ["tier"]),
        (#"{"name":"X","tier":9}"#, ["tier"]),
        (#"{"name":"","tier":0,"links":[{"title":"","url":"javascript:alert(1)"}]}"#, ["name", "tier", "links[0].title", "links[0].url"]),
        (#"{"name":"X","team_id":"00000000-0000-0000-0000-000000000001"}"#, ["team_id"]),
        (#"{"name":"X","depends_on":["nope"]}"#, ["depends_on[0]"]),
        (#"{"name":"#, ["body"]),
        ("", ["body"]),
    ])
    func badInput(body: String, fields: [String]) async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let reply = try await app.request(.post, "/api/v1/services", token: token, json: body)
            // A body that is not JSON is a syntax error (400); JSON with bad values is 422.
            let unreadable = fields == ["body"]
            #expect(reply.status == (unreadable ? .badRequest : .unprocessableContent))
            #expect(reply.errorCode == (unreadable ? "malformed_request" : "validation_failed"))
            #expect(reply.errorFields == fields)
            let list = try await app.request(.get, "/api/v1/services", token: token)
            #expect(list.json["pagination"]?["total"] == 0, "nothing half-written")
        }
    }

    @Test("a duplicate name is a 409 on the name field")
    func duplicate() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Search"}"#)
            let again = try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"SEARCH"}"#)
            #expect(again.status == .conflict)
            #expect(again.errorFields == ["name"])
        }
    }

    @Test("bodies over the limit are refused with 413")
    func bodyLimit() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let huge = #"{"name":"X","description":""# + String(repeating: "a", count: 2 << 20) + #""}"#
            let reply = try await app.request(.post, "/api/v1/services", token: token, json: huge)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "payload_too_large")
        }
    }

    @Test("malformed ids and unknown paths are 404 in JSON, bad filters 422")
    func notFound() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .observer)
            #expect(try await app.request(.get, "/api/v1/services/not-a-uuid", token: token).status == .notFound)
            let unknown = try await app.request(.get, "/api/v1/nothing-here", token: token)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
            let badFilter = try await app.request(.get, "/api/v1/services?tier=7&limit=0", token: token)
            #expect(badFilter.status == .unprocessableContent)
        }
    }

    @Test("teams: members are checked, replaced on change, and listed")
    func teams() async throws {
        try await TestApp.run { app in
            let (admin, token) = try await app.user("Ann", role: .admin)
            let (rita, _) = try await app.user("Rita", role: .responder)
            let created = try await app.request(.post, "/api/v1/teams", token: token,
                                                json: #"{"name":"SRE","member_ids":["\#(admin.id.db)","\#(rita.id.db)"]}"#)
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            let bad = try await app.request(.post, "/api/v1/teams", token: token, json: #"{"name":"Ghosts","member_ids":["00000000-0000-0000-0000-000000000009"]}"#)
            #expect(bad.errorFields == ["member_ids"])
            let patched = try await app.request(.patch, "/api/v1/teams/\(id)", token: token, json: #"{"member_ids":["\#(rita.id.db)"]}"#)
            #expect(patched.json["member_ids"] == [.string(rita.id.db)])
            let members = try await app.request(.get, "/api/v1/users?team_id=\(id)", token: token)
            #expect(members.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Rita"])
            #expect(try await app.request(.delete, "/api/v1/teams/\(id)", token: token).status == .noContent)
        }
    }
}

@Suite("Users API")
struct UsersAPITests {
    @Test("a user created without a password gets an invitation link that works once")
    func invitation() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ann", role: .admin)
            let created = try await app.request(.post, "/api/v1/users", token: token,
                                                json: #"{"name":"Ivy","email":"Ivy@Example.com","time_zone":"Europe/Berlin"}"#)
            #expect(created.status == .created)
            #expect(created.json["email"] == "ivy@example.com")
            #expect(created.json["has_password"] == .bool(false))
            #expect(created.json["role"] == "responder")
            let link = try #require(created.json["invitation_url"]?.stringValue)
            #expect(link.hasPrefix("https://tocsin.example.com/invite?token="))
            let path = String(link.dropFirst("https://tocsin.example.com".count))

            let form = try await app.page(path)
            #expect(form.status == .ok)
            let pre = try #require(form.cookie("tocsin_csrf"))
            let secret = String(path.dropFirst("/invite?token=".count))
            let mismatch = try await app.submit("/invite", fields: [("_csrf", form.csrf!), ("token", secret), ("password", "a long password"),
                                                                   ("password_confirm", "another password")], cookies: ["tocsin_csrf": pre])
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.text.contains("does not match the password"))
            let accepted = try await app.submit("/invite", fields: [("_csrf", form.csrf!), ("token", secret), ("password", "a long password"),
                                                                   ("password_confirm", "a long password")], cookies: ["tocsin_csrf": pre])
            #expect(accepted.status == .seeOther)
            #expect(accepted.cookie("tocsin_session") != nil)
            #expect(try await app.page(path).status == .forbidden, "the link works once")
            _ = try await app.signIn(email: "ivy@example.com", password: "a long password")
        }
    }

    @Test("duplicate e-mail is a 409 on email; the last owner cannot be demoted")
    func conflicts() async throws {
        try await TestApp.run { app in
            let (owner, token) = try await app.user("Olga", role: .owner)
            let dup = try await app.request(.post, "/api/v1/users", token: token, json: #"{"name":"Other","email":"OLGA@example.com"}"#)
            #expect(dup.status == .conflict)
            #expect(dup.errorFields == ["email"])
            let demote = try await app.request(.patch, "/api/v1/users/\(owner.id.db)", token: token, json: #"{"role":"admin"}"#)
            #expect(demote.status == .conflict)
            #expect(demote.errorFields == ["role"])
        }
    }

    @Test("people change their own name and time zone but not their role")
    func selfService() async throws {
        try await TestApp.run { app in
            let (me, token) = try await app.user("Rita", role: .responder)
            let (other, _) = try await app.user("Sam", role: .responder)
            let ok = try await app.request(.patch, "/api/v1/users/\(me.id.db)", token: token, json: #"{"time_zone":"Asia/Tokyo","name":"Rita R."}"#)
            #expect(ok.status == .ok)
            #expect(ok.json["time_zone"] == "Asia/Tokyo")
            #expect(try await app.request(.patch, "/api/v1/users/\(me.id.db)", token: token, json: #"{"role":"owner"}"#).status == .forbidden)
            #expect(try await app.request(.patch, "/api/v1/users/\(other.id.db)", token: token, json: #"{"name":"X"}"#).status == .forbidden)
            let badZone = try await app.request(.patch, "/api/v1/users/\(me.id.db)", token: token, json: #"{"time_zone":"Moon/Base"}"#)
            #expect(badZone.errorFields == ["time_zone"])
        }
    }
}
