import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("API access")
struct APIAccessTests {
    @Test("anonymous and unknown-token callers get 401 with the error body")
    func unauthenticated() async throws {
        try await TestApp.run { app in
            let anonymous = try await app.request(.get, "/api/v1/services")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "unauthenticated")
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let forged = try await app.request(.get, "/api/v1/services", token: "tcs_0000000000000000000000000000000000000000")
            #expect(forged.status == .unauthorized)
        }
    }

    @Test("each role does what it may and is refused the rest")
    func roles() async throws {
        try await TestApp.run { app in
            let (_, owner) = try await app.user("Olga", role: .owner)
            let (_, admin) = try await app.user("Adam", role: .admin)
            let (_, responder) = try await app.user("Rita", role: .responder)
            let (_, observer) = try await app.user("Otto", role: .observer)
            let service = #"{"name":"Checkout","tier":1}"#

            #expect(try await app.request(.get, "/api/v1/services", token: observer).status == .ok)
            #expect(try await app.request(.post, "/api/v1/services", token: observer, json: service).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/services", token: responder, json: service).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/services", token: admin, json: service).status == .created)

            let newUser = #"{"name":"Nia","email":"nia@example.com","role":"responder","password":"correct horse battery"}"#
            #expect(try await app.request(.post, "/api/v1/users", token: responder, json: newUser).status == .forbidden)
            let newOwner = #"{"name":"Ola","email":"ola@example.com","role":"owner","password":"correct horse battery"}"#
            #expect(try await app.request(.post, "/api/v1/users", token: admin, json: newOwner).status == .forbidden)
            #expect(try await app.request(.post, "/api/v1/users", token: owner, json: newOwner).status == .created)
        }
    }

    @Test("a read-only token reads but cannot write")
    func readOnlyToken() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Ron", role: .owner, readOnly: true)
            #expect(try await app.request(.get, "/api/v1/users/me", token: token).status == .ok)
            let write = try await app.request(.post, "/api/v1/teams", token: token, json: #"{"name":"SRE"}"#)
            #expect(write.status == .forbidden)
            #expect(write.json["error"]?["message"]?.stringValue == "this API token is read-only")
        }
    }

    @Test("a token is shown once, listed without its secret, and stops working when revoked")
    func tokenLifecycle() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Tia", role: .responder)
            let created = try await app.request(.post, "/api/v1/tokens", token: token, json: #"{"name":"deploy bot","read_only":true}"#)
            #expect(created.status == .created)
            let secret = try #require(created.json["token"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(secret.hasPrefix("tcs_"))
            #expect(created.json["read_only"] == .bool(true))

            let listed = try await app.request(.get, "/api/v1/tokens", token: token)
            #expect(listed.json["data"]?.arrayValue?.count == 2)
            #expect(!listed.text.contains(secret), "the secret is never listed")

            #expect(try await app.request(.get, "/api/v1/users/me", token: secret).status == .ok)
            #expect(try await app.request(.delete, "/api/v1/tokens/\(id)", token: token).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/users/me", token: secret).status == .unauthorized)
        }
    }

    @Test("an observer's token is read-only whatever was asked")
    func observerTokens() async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Obi", role: .observer, readOnly: false)
            let listed = try await app.request(.get, "/api/v1/tokens", token: token)
            #expect(listed.json["data"]?.arrayValue?.first?["read_only"] == .bool(true))
            #expect(try await app.request(.post, "/api/v1/tokens", token: token, json: #"{"name":"more"}"#).status == .forbidden)
        }
    }

    @Test("a browser session may read the API but needs the CSRF header to write")
    func sessionWrites() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Sue", role: .admin)
            let cookies = try await app.signIn(email: user.email)
            let cookieHeader: HTTPFields = [.cookie: "tocsin_session=\(cookies["tocsin_session"]!)"]
            #expect(try await app.request(.get, "/api/v1/users/me", headers: cookieHeader).status == .ok)
            let refused = try await app.request(.post, "/api/v1/teams", json: #"{"name":"Web"}"#, headers: cookieHeader)
            #expect(refused.status == .forbidden)
            let account = try await app.page("/account", cookies: cookies)
            var withCSRF = cookieHeader
            let csrf = try #require(account.csrf)
            withCSRF[HTTPField.Name("X-CSRF-Token")!] = csrf
            #expect(try await app.request(.post, "/api/v1/teams", json: #"{"name":"Web"}"#, headers: withCSRF).status == .created)
        }
    }
}
