import Foundation
import HTTPTypes
import Testing
import TocsinCore
import TocsinUseCases
@testable import TocsinWeb

/// Each test here is a way in that was found and closed; it must stay closed.
@Suite("Security regressions")
struct SecurityRegressionTests {
    @Test("secrets are stored as the lowercase hex SHA-256 that earlier releases wrote, so old tokens keep working")
    func secretHash() {
        #expect(Secrets.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("an invitation cannot take over an account: not an owner's, not one with a password")
    func invitationTakeover() async throws {
        try await TestApp.run { app in
            let (owner, _) = try await app.user("Olga", role: .owner)
            let (rita, _) = try await app.user("Rita", role: .responder)
            let (_, admin) = try await app.user("Adam", role: .admin)
            #expect(try await app.request(.post, "/api/v1/users/\(owner.id.db)/invitation", token: admin).status == .forbidden)
            let withPassword = try await app.request(.post, "/api/v1/users/\(rita.id.db)/invitation", token: admin)
            #expect(withPassword.status == .conflict)
            #expect(try await app.store.user(id: rita.id)?.passwordHash == rita.passwordHash)
        }
    }

    @Test("an invitation link works once even when submitted twice at once")
    func invitationOnce() async throws {
        try await TestApp.run { app in
            let (_, admin) = try await app.user("Adam", role: .admin)
            let created = try await app.request(.post, "/api/v1/users", token: admin, json: #"{"name":"Ivy","email":"ivy@example.com"}"#)
            let link = try #require(created.json["invitation_url"]?.stringValue)
            let secret = String(link.split(separator: "=").last!)
            let form = try await app.page("/invite?token=\(secret)")
            let cookies = ["tocsin_csrf": try #require(form.cookie("tocsin_csrf"))]
            let fields: [(String, String)] = [("_csrf", form.csrf!), ("token", secret)]
            async let a = app.submit("/invite", fields: fields + [("password", "first password!"), ("password_confirm", "first password!")], cookies: cookies)
            async let b = app.submit("/invite", fields: fields + [("password", "second password"), ("password_confirm", "second password")], cookies: cookies)
            let statuses = [try await a.status, try await b.status]
            #expect(statuses.filter { $0 == .seeOther }.count == 1, "\(statuses)")
        }
    }

    @Test("sign-in redirects stay on this server", arguments: ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                                                              "/\n/evil.example", "/ok path"])
    func openRedirect(next: String) {
        #expect(AuthPages.safeNext(next) == "/incidents")
    }

    @Test("huge offsets are refused, not a crash")
    func offsetOverflow() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Otto", role: .observer)
            #expect(try await app.request(.get, "/api/v1/users?limit=1&offset=9223372036854775807", token: token).status == .unprocessableContent)
            let cookies = try await app.signIn(email: user.email)
            #expect(try await app.page("/users?limit=1&offset=9223372036854775807", cookies: cookies).status == .unprocessableContent)
        }
    }

    @Test("field names are the sender's text: a huge index in a repeated name is not spoken as a number (it overflowed)")
    func hugeFieldIndex() async throws {
        try await TestApp.run { app in
            let key = "x[9223372036854775807]"
            let fields = Array(repeating: (key, ""), count: RequestLimits.formValuesPerField + 1)
            let reply = try await app.submit("/login", fields: fields, cookies: [:])
            #expect(reply.status == .badRequest && reply.text.contains("more than \(RequestLimits.formValuesPerField) times"))
            #expect(FormView.spoken("layers[9223372036854775807].name").hasPrefix("Layers"), "no trap on + 1")
            #expect(try await app.page("/login").status == .ok, "still serving")
        }
    }

    @Test("a deep, wide API body is checked without building a path for every value, and the path of the long list is named")
    func deepBodies() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Adam", role: .admin)
            let deep = String(repeating: #"{"k":"#, count: 400) + "[" + Array(repeating: "1", count: 1001).joined(separator: ",") + "]" + String(repeating: "}", count: 400)
            let reply = try await app.request(.post, "/api/v1/teams", token: token, json: deep)
            #expect(reply.status.code < 500)
            #expect(reply.errorFields == [Array(repeating: "k", count: 400).joined(separator: ".")])
        }
    }

    @Test("every page POST is refused without the form's CSRF token, checked before routing, whatever the handler does")
    func everyPagePostChecksCSRF() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Adam", role: .admin)
            let cookies = try await app.signIn(email: user.email)
            let paths = ["/services/new", "/teams/new", "/schedules/new", "/silences", "/users/new", "/account/tokens", "/logout",
                         "/services/\(UUID().db)/reports", "/incidents/\(UUID().db)/acknowledge", "/a/form/added/later", "//services/new"]
            for path in paths {
                let reply = try await app.submit(path, fields: [("name", "Sneaky")], cookies: cookies)
                #expect(reply.status == .forbidden, "\(path) answered \(reply.status)")
                let wrong = try await app.submit(path, fields: [("_csrf", "not-the-token"), ("name", "Sneaky")], cookies: cookies)
                #expect(wrong.status == .forbidden, "\(path) with a wrong token answered \(wrong.status)")
            }
            #expect(try await app.store.teams(query: nil, page: PageRequest()).total == 0, "nothing was written")
        }
    }

    @Test("the API's CSRF rule holds whatever the path spelling, and form bodies are not JSON")
    func csrfPathSpelling() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Adam", role: .admin)
            let cookies = try await app.signIn(email: user.email)
            let session: HTTPFields = [.cookie: "tocsin_session=\(cookies["tocsin_session"]!)"]
            for path in ["/api/v1/teams", "//api/v1/teams", "/api//v1/teams"] {
                let reply = try await app.request(.post, path, json: #"{"name":"Sneaky \#(path.count)"}"#, headers: session)
                #expect(reply.status == .forbidden, "\(path) answered \(reply.status)")
            }
            var form: HTTPFields = [.contentType: "text/plain"]
            form[.authorization] = "Bearer \(token)"
            let plain = try await app.client.execute(uri: "/api/v1/teams", method: .post, headers: form, body: .init(string: #"{"name":"Plain"}"#))
            #expect(plain.status == .unsupportedMediaType)
            #expect(try await app.request(.get, "/api/v1/teams", token: token).json["pagination"]?["total"] == 0)
        }
    }

    @Test("a responder demoted to observer keeps no write access through old tokens")
    func demotedTokens() async throws {
        try await TestApp.run { app in
            let (rita, ritaToken) = try await app.user("Rita", role: .responder)
            let (_, admin) = try await app.user("Adam", role: .admin)
            #expect(try await app.request(.post, "/api/v1/tokens", token: ritaToken, json: #"{"name":"x"}"#).status == .created)
            #expect(try await app.request(.patch, "/api/v1/users/\(rita.id.db)", token: admin, json: #"{"role":"observer"}"#).status == .ok)
            #expect(try await app.request(.post, "/api/v1/tokens", token: ritaToken, json: #"{"name":"y"}"#).status == .forbidden)
            #expect(try await app.request(.get, "/api/v1/users/me", token: ritaToken).status == .ok)
        }
    }

    @Test("sign-in attempts sent in parallel are still limited")
    func parallelGuessing() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Ann", role: .responder)
            let login = try await app.page("/login")
            let cookies = ["tocsin_csrf": login.cookie("tocsin_csrf")!]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        try await app.submit("/login", fields: [("_csrf", login.csrf!), ("email", user.email), ("password", "guess number \(i)")],
                                             cookies: cookies).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 7)
        }
    }

    @Test("an admin cannot revoke an owner's tokens")
    func ownerTokens() async throws {
        try await TestApp.run { app in
            let (_, ownerToken) = try await app.user("Olga", role: .owner)
            let (_, admin) = try await app.user("Adam", role: .admin)
            let listed = try await app.request(.get, "/api/v1/tokens?user_id=all", token: admin)
            let ownerTokenID = try #require(listed.json["data"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await app.request(.delete, "/api/v1/tokens/\(ownerTokenID)", token: admin).status == .forbidden)
            #expect(try await app.request(.get, "/api/v1/users/me", token: ownerToken).status == .ok)
        }
    }
}
