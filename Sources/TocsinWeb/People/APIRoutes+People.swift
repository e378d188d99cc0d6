import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/api/v1/users` and `/api/v1/tokens`.
extension APIRoutes {
    func registerUsers(_ api: APIRegistrar) {
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

    func registerTokens(_ api: APIRegistrar) {
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
