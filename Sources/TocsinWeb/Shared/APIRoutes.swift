import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// The operations the API serves, recorded as they are registered so a test can hold the
/// OpenAPI document and the router together.
public final class RouteTable: @unchecked Sendable {
    public private(set) var operations: [(method: String, path: String)] = []

    func record(_ method: HTTPRequest.Method, _ path: String) {
        operations.append((method.rawValue, path))
    }
}

/// Registers an API route under `/api/v1` and records it in OpenAPI spelling (`{id}` for `:id`).
struct APIRegistrar {
    let group: RouterGroup<TocsinRequestContext>
    let table: RouteTable

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, TocsinRequestContext) async throws -> Response) {
        group.on(RouterPath(path), method: method) { request, context in
            // Checked per route, not per path prefix: the API takes a browser session for changes only
            // with the session's CSRF token in a header, so another page cannot make a browser write.
            if case .session(let csrf, _)? = context.principal?.credential, !AuthMiddleware.isSafe(method) {
                guard let sent = request.headers[.csrfToken], Secrets.constantTimeEquals(sent, csrf) else {
                    throw DomainError.forbidden("a browser session needs the X-CSRF-Token header for API changes; use an API token instead")
                }
            }
            return try await handler(request, context)
        }
        let openAPIPath = path.split(separator: "/").map { (part: Substring) -> String in
            part.hasPrefix(":") ? "{" + part.dropFirst() + "}" : String(part)
        }.joined(separator: "/")
        table.record(method, "/api/v1/" + openAPIPath)
    }
}

extension TocsinRequestContext {
    /// A path id; a malformed one names nothing, so it is a 404 like an unknown one.
    func id(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw DomainError.notFound("no record has the id \(parameters.get(name) ?? "")")
        }
        return id
    }
}

extension Request {
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    var pageRequest: PageRequest {
        get throws { try PageRequest.parse(limit: query("limit"), offset: query("offset")) }
    }

    /// An optional id in the query string, reported against its name when malformed.
    func queryID(_ name: String) throws -> UUID? {
        guard let text = query(name), !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else { throw DomainError.invalid(name, "must be an id (UUID)") }
        return id
    }
}

struct APIRoutes {
    let env: WebEnvironment

    var accounts: Accounts { env.accounts }

    func register(_ api: APIRegistrar) {
        registerUsers(api)
        registerTeams(api)
        registerServices(api)
        registerTokens(api)
        registerAlerts(api)
        registerIncidents(api)
        ProblemReports(env: env).registerAPI(api)
        registerNoiseControl(api)
        registerSchedules(api)
        OnCallBurdenReports(env: env).registerAPI(api)
        NoiseReports(env: env).registerAPI(api)
        api.on(.get, "openapi.json") { _, _ in
            try JSONBody.response(OpenAPIDocument.document)
        }
    }

    private func registerUsers(_ api: APIRegistrar) {
        let store = env.store
        let env = self.env
        let accounts = self.accounts
        api.on(.get, "users") { request, context in
            _ = try context.require(.read)
            var filter = UserFilter(teamID: try request.queryID("team_id"), query: request.query("q"))
            if let role = request.query("role"), !role.isEmpty {
                guard let parsed = Role.parse(role) else { throw DomainError.invalid("role", "must be one of owner, admin, responder, observer") }
                filter.role = parsed
            }
            let page = try await store.users(filter, page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { UserJSON($0) })
        }
        api.on(.post, "users") { request, context in
            let actor = try context.require(.manageUsers)
            let body = try await JSONBody.decode(CreateUserJSON.self, from: request, context: context)
            let (user, invitation) = try await accounts.createUser(
                NewUser(name: body.name, email: body.email, timeZone: body.timeZone, role: body.role, password: body.password), by: actor)
            let link = invitation.map { env.link("/invite?token=" + $0) }
            return try JSONBody.response(UserJSON(user, teams: [], invitationURL: link), status: .created)
        }
        api.on(.get, "users/me") { _, context in
            let me = try context.require(.read)
            return try JSONBody.response(UserJSON(me, teams: try await store.teams(memberID: me.id)))
        }
        api.on(.get, "users/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            guard let user = try await store.user(id: id) else { throw DomainError.notFound("user \(id.db) not found") }
            return try JSONBody.response(UserJSON(user, teams: try await store.teams(memberID: id)))
        }
        api.on(.patch, "users/:id") { request, context in
            let actor = try context.require(.read)
            let body = try await JSONBody.decode(PatchUserJSON.self, from: request, context: context)
            let user = try await accounts.updateUser(id: try context.id(), changes: body.changes, by: actor)
            return try JSONBody.response(UserJSON(user, teams: try await store.teams(memberID: user.id)))
        }
        api.on(.delete, "users/:id") { _, context in
            let actor = try context.require(.manageUsers)
            try await accounts.deleteUser(id: try context.id(), by: actor)
            return Response(status: .noContent)
        }
        api.on(.post, "users/:id/invitation") { _, context in
            let actor = try context.require(.manageUsers)
            let id = try context.id()
            guard let user = try await store.user(id: id) else { throw DomainError.notFound("user \(id.db) not found") }
            let secret = try await accounts.reinvite(user, by: actor)
            return try JSONBody.response(UserJSON(user, invitationURL: env.link("/invite?token=" + secret)), status: .created)
        }
    }

    private func registerTeams(_ api: APIRegistrar) {
        let store = env.store
        let catalog = env.catalog
        api.on(.get, "teams") { request, context in
            _ = try context.require(.read)
            let page = try await store.teams(query: request.query("q"), page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { TeamJSON($0) })
        }
        api.on(.post, "teams") { request, context in
            _ = try context.require(.manageCatalog)
            let body = try await JSONBody.decode(TeamInputJSON.self, from: request, context: context)
            return try JSONBody.response(TeamJSON(try await catalog.createTeam(body.input)), status: .created)
        }
        api.on(.get, "teams/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            guard let team = try await store.team(id: id) else { throw DomainError.notFound("team \(id.db) not found") }
            return try JSONBody.response(TeamJSON(team))
        }
        api.on(.patch, "teams/:id") { request, context in
            _ = try context.require(.manageCatalog)
            let id = try context.id()
            let body = try await JSONBody.decode(TeamInputJSON.self, from: request, context: context)
            return try JSONBody.response(TeamJSON(try await catalog.updateTeam(id: id, body.input)))
        }
        api.on(.delete, "teams/:id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteTeam(id: try context.id())
            return Response(status: .noContent)
        }
    }

    private func registerServices(_ api: APIRegistrar) {
        let store = env.store
        let catalog = env.catalog
        api.on(.get, "services") { request, context in
            _ = try context.require(.read)
            var filter = ServiceFilter(teamID: try request.queryID("team_id"), query: request.query("q"))
            if let tier = request.query("tier"), !tier.isEmpty {
                guard let n = Int(tier), Service.tiers.contains(n) else { throw DomainError.invalid("tier", "must be 1, 2, 3 or 4") }
                filter.tier = n
            }
            let page = try await store.services(filter, page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { ServiceJSON(service: $0) })
        }
        api.on(.post, "services") { request, context in
            _ = try context.require(.manageCatalog)
            let body = try await JSONBody.decode(ServiceInputJSON.self, from: request, context: context)
            return try JSONBody.response(ServiceJSON(service: try await catalog.createService(body.input)), status: .created)
        }
        api.on(.get, "services/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            guard let service = try await store.service(id: id) else { throw DomainError.notFound("service \(id.db) not found") }
            return try JSONBody.response(ServiceJSON(service: service))
        }
        api.on(.patch, "services/:id") { request, context in
            _ = try context.require(.manageCatalog)
            let id = try context.id()
            let body = try await JSONBody.decode(ServiceInputJSON.self, from: request, context: context)
            return try JSONBody.response(ServiceJSON(service: try await catalog.updateService(id: id, body.input)))
        }
        api.on(.delete, "services/:id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteService(id: try context.id())
            return Response(status: .noContent)
        }
    }

    private func registerTokens(_ api: APIRegistrar) {
        let store = env.store
        let accounts = self.accounts
        api.on(.get, "tokens") { request, context in
            let me = try context.require(.read)
            // Admins may look at anyone's tokens (never the secrets); everyone else sees their own.
            var owner: UUID? = me.id
            if me.role.allows(.manageUsers) { owner = request.query("user_id") == "all" ? nil : (try request.queryID("user_id") ?? me.id) }
            let tokens = try await store.tokens(userID: owner)
            return try JSONBody.response(DataJSON(data: tokens.map { TokenJSON(token: $0) }))
        }
        api.on(.post, "tokens") { request, context in
            let me = try context.require(.read)
            let body = try await JSONBody.decode(CreateTokenJSON.self, from: request, context: context)
            let (token, secret) = try await accounts.createToken(for: me, name: body.name, readOnly: body.readOnly ?? false)
            return try JSONBody.response(TokenJSON(token: token, secret: secret), status: .created)
        }
        api.on(.delete, "tokens/:id") { _, context in
            let me = try context.require(.read)
            let id = try context.id()
            guard let token = try await store.token(id: id), token.userID == me.id || me.role.allows(.manageUsers) else {
                throw DomainError.notFound("token \(id.db) not found")
            }
            if token.userID != me.id, let owner = try await store.user(id: token.userID) {
                try Accounts.checkMayAssign(owner.role, actor: me)
            }
            try await store.deleteToken(id: id)
            return Response(status: .noContent)
        }
    }
}
