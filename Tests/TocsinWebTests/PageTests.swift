import Foundation
import HTTPTypes
import Testing
import TocsinCore
@testable import TocsinWeb

@Suite("Pages")
struct PageTests {
    @Test("setup creates the first owner once, behind the one-time link and a CSRF token")
    func setup() async throws {
        try await TestApp.run { app in
            let secret = try #require(try await app.accounts.prepareSetup())
            #expect(try await app.page("/setup?token=wrong").status == .forbidden)
            let form = try await app.page("/setup?token=\(secret)")
            #expect(form.status == .ok)
            let pre = try #require(form.cookie("tocsin_csrf"))
            #expect(form.setCookieLine("tocsin_csrf")?.contains("SameSite=Strict") == true)
            let fields: [(String, String)] = [("token", secret), ("name", "Olga Owner"), ("email", "olga@example.com"),
                                              ("time_zone", "Europe/Berlin"), ("password", "correct horse battery"),
                                              ("password_confirm", "correct horse battery")]

            let forged = try await app.submit("/setup", fields: fields, cookies: ["tocsin_csrf": pre])
            #expect(forged.status == .forbidden, "no CSRF field, no account")
            #expect(try await app.store.countUsers() == 0)

            let done = try await app.submit("/setup", fields: [("_csrf", form.csrf!)] + fields, cookies: ["tocsin_csrf": pre])
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/services")
            let session = try #require(done.setCookieLine("tocsin_session"))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Secure"))
            let owner = try #require(try await app.store.user(email: "olga@example.com"))
            #expect(owner.role == .owner && owner.timeZone == "Europe/Berlin")
            #expect(owner.passwordHash?.hasPrefix("$2") == true, "stored as a bcrypt hash")

            #expect(try await app.page("/setup?token=\(secret)").status == .gone)
            #expect(try await app.accounts.prepareSetup() == nil, "no new setup link once an account exists")
        }
    }

    @Test("signing in: wrong passwords are refused, then throttled even for the right one")
    func throttling() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Ann", role: .responder)
            let login = try await app.page("/login")
            let cookies = ["tocsin_csrf": login.cookie("tocsin_csrf")!]
            for _ in 0..<5 {
                let wrong = try await app.submit("/login", fields: [("_csrf", login.csrf!), ("email", user.email), ("password", "not my password")], cookies: cookies)
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text.contains("do not match"))
            }
            let blocked = try await app.submit("/login", fields: [("_csrf", login.csrf!), ("email", user.email), ("password", "correct horse battery")], cookies: cookies)
            #expect(blocked.status == .tooManyRequests)
            #expect(Int(blocked.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(blocked.cookie("tocsin_session") == nil)
        }
    }

    @Test("pages need a session: anonymous visitors go to sign-in and come back")
    func redirects() async throws {
        try await TestApp.run { app in
            let reply = try await app.page("/services?tier=1")
            #expect(reply.status == .seeOther)
            #expect(reply.headers[.location] == "/login?next=/services%3Ftier%3D1")
            #expect(AuthPages.safeNext("//evil.example.com") == "/incidents")
            #expect(AuthPages.safeNext("/teams") == "/teams")
        }
    }

    @Test("user text is escaped in text and in attributes")
    func escaping() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Ann", role: .admin)
            let created = try await app.request(.post, "/api/v1/services", token: token, json: #"""
                {"name":"<script>alert(1)</script>","description":"\" onmouseover=\"alert(2)","links":[{"title":"<b>x</b>","url":"https://x.example.com/?a=1&b=\"2\""}]}
                """#)
            let id = try #require(created.json["id"]?.stringValue)
            let cookies = try await app.signIn(email: user.email)
            for path in ["/services", "/services/\(id)", "/services/\(id)/edit"] {
                let page = try await app.page(path, cookies: cookies)
                #expect(page.status == .ok)
                #expect(!page.text.contains("<script>alert(1)"), "\(path) carries raw markup")
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
                #expect(!page.text.contains("\" onmouseover=\"alert(2)"), "\(path) lets an attribute break out")
            }
            let detail = try await app.page("/services/\(id)", cookies: cookies)
            #expect(detail.text.contains("href=\"https://x.example.com/?a=1&amp;b=&quot;2&quot;\""))
            #expect(detail.text.contains("&lt;b&gt;x&lt;/b&gt;"))
        }
    }

    @Test("pages carry a strict content security policy and load nothing from elsewhere")
    func headers() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Ann", role: .admin)
            let cookies = try await app.signIn(email: user.email)
            let page = try await app.page("/services", cookies: cookies)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(!page.text.contains("src=\"http"))
            #expect(!page.text.contains("<link rel=\"stylesheet\" href=\"http"))
            #expect(page.text.contains("name=\"viewport\""))
        }
    }

    @Test("a service made through the forms shows its dependencies and appears in the list")
    func serviceForms() async throws {
        try await TestApp.run { app in
            let (user, token) = try await app.user("Ann", role: .admin)
            let db = try #require(try await app.request(.post, "/api/v1/services", token: token, json: #"{"name":"Orders DB"}"#).json["id"]?.stringValue)
            let cookies = try await app.signIn(email: user.email)
            let form = try await app.page("/services/new", cookies: cookies)
            #expect(form.text.contains("Orders DB"))
            let bad = try await app.submit("/services/new", fields: [("_csrf", form.csrf!), ("name", ""), ("tier", "1"), ("links", "Docs | ftp://x")], cookies: cookies)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("must not be blank") && bad.text.contains("must be an http or https URL"))
            let saved = try await app.submit("/services/new", fields: [
                ("_csrf", form.csrf!), ("name", "Orders API"), ("description", "Takes orders"), ("tier", "1"), ("team_id", ""),
                ("depends_on", db), ("links", "Runbook | https://wiki.example.com/orders"),
            ], cookies: cookies)
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let detail = try await app.page(location, cookies: cookies)
            #expect(detail.text.contains("<svg class=\"deps\""))
            #expect(detail.text.contains("href=\"/services/\(db)\""))
            let dependencyPage = try await app.page("/services/\(db)", cookies: cookies)
            #expect(dependencyPage.text.contains("Orders API"), "the dependency shows who uses it")
            let list = try await app.page("/services", cookies: cookies)
            #expect(list.text.contains(">Orders API</a>"))
        }
    }

    @Test("an observer sees the catalog but no forms to change it")
    func observerPages() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Otto", role: .observer)
            let cookies = try await app.signIn(email: user.email)
            let list = try await app.page("/services", cookies: cookies)
            #expect(list.status == .ok)
            #expect(!list.text.contains("href=\"/services/new\""))
            #expect(try await app.page("/services/new", cookies: cookies).status == .forbidden)
        }
    }

    @Test("signing out ends the session")
    func signOut() async throws {
        try await TestApp.run { app in
            let (user, _) = try await app.user("Ann", role: .responder)
            let cookies = try await app.signIn(email: user.email)
            let page = try await app.page("/services", cookies: cookies)
            let out = try await app.submit("/logout", fields: [("_csrf", page.csrf!)], cookies: cookies)
            #expect(out.status == .seeOther)
            #expect(try await app.page("/services", cookies: cookies).status == .seeOther, "the old cookie no longer works")
        }
    }
}

@Suite("Operations")
struct OperationsTests {
    @Test("health, readiness and Prometheus metrics by route and status")
    func endpoints() async throws {
        try await TestApp.run { app in
            #expect(try await app.page("/healthz").status == .ok)
            #expect(try await app.page("/readyz").text == "ready\n")
            _ = try await app.request(.get, "/api/v1/services")
            let metrics = try await app.page("/metrics")
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"tocsin_http_requests_total{method="GET",route="/api/v1/services",status="401"} 1"#))
            #expect(metrics.text.contains("tocsin_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("tocsin_db_connections_idle"))
        }
    }
}
