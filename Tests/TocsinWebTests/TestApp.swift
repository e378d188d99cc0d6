import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TocsinApp
import TocsinCore
import TocsinUseCases
import TocsinStorage
import TocsinTestSupport
import TocsinWeb

/// A whole Tocsin over a fresh SQLite database, driven in-process through its router.
struct TestApp {
    let env: WebEnvironment
    let apiRoutes: RouteTable
    let client: any TestClientProtocol

    var store: any TocsinStore { env.store }
    var accounts: Accounts { env.accounts }

    /// `now` is the server's clock; tests that depend on time windows pin it instead of racing the wall clock.
    static func run(now: @escaping @Sendable () -> Date = { Date() }, configure: (inout AppConfig) -> Void = { _ in },
                    _ body: @Sendable (TestApp) async throws -> Void) async throws {
        var config = AppConfig()
        config.bcryptCost = 4
        config.publicURL = "https://tocsin.example.com"
        // The tests' receivers listen on loopback, which user-chosen addresses may not reach by default.
        config.destinations.allowed = DestinationGuard.groups["loopback", default: []].compactMap(IPNetwork.init)
        configure(&config)
        try await TestDatabase.with(.sqlite) { database in
            // Built by the function `tocsin serve` uses, so its services (the background jobs) run here too.
            let (app, env, table) = TocsinApplication.make(config: config, database: database, logger: TestDatabase.logger, now: now)
            try await app.test(.router) { client in
                try await body(TestApp(env: env, apiRoutes: table, client: client))
            }
        }
    }

    /// A user with an API token; the password is "correct horse battery".
    func user(_ name: String, role: Role, readOnly: Bool = false) async throws -> (User, String) {
        let (user, _) = try await accounts.createUser(
            NewUser(name: name, email: "\(name.lowercased())@example.com", role: role.rawValue, password: "correct horse battery"), by: nil)
        let (_, secret) = try await accounts.createToken(for: user, name: "test", readOnly: readOnly)
        return (user, secret)
    }

    struct Reply {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        var json: JSONValue {
            (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
        }

        var errorCode: String? { json["error"]?["code"]?.stringValue }
        var errorFields: [String] { json["error"]?["fields"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [] }

        func cookie(_ name: String) -> String? {
            headers[values: .setCookie].lazy.compactMap { line -> String? in
                guard line.hasPrefix(name + "=") else { return nil }
                return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
            }.first
        }

        func setCookieLine(_ name: String) -> String? {
            headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
        }

        /// The hidden CSRF field of the page's first form.
        var csrf: String? {
            guard let range = text.range(of: "name=\"_csrf\" value=\"") else { return nil }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    @discardableResult
    func request(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, body: String? = nil,
                 headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: (json ?? body).map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// Posts a form the way a browser does, with the cookies it holds.
    @discardableResult
    func submit(_ uri: String, fields: [(String, String)], cookies: [String: String]) async throws -> Reply {
        let body = fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func page(_ uri: String, cookies: [String: String] = [:]) async throws -> Reply {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// Signs in through the login form and returns the browser's cookies.
    func signIn(email: String, password: String = "correct horse battery") async throws -> [String: String] {
        let login = try await page("/login")
        let pre = try #require(login.cookie("tocsin_csrf"))
        let reply = try await submit("/login", fields: [("_csrf", try #require(login.csrf)), ("email", email), ("password", password)],
                                     cookies: ["tocsin_csrf": pre])
        #expect(reply.status == .seeOther)
        return ["tocsin_session": try #require(reply.cookie("tocsin_session"))]
    }
}
