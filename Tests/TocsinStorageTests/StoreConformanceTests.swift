import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

/// The same behaviour on every database: SQLite always, PostgreSQL when TOCSIN_TEST_DATABASE_URL is set.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("users: create, find by e-mail case-insensitively, filter and page", arguments: TestBackend.available)
    func users(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let alice = Seed.user("alice", role: .owner), bob = Seed.user("bob"), carol = Seed.user("carol", role: .observer)
            for user in [alice, bob, carol] { try await store.createUser(user) }
            #expect(try await store.countUsers() == 3)
            #expect(try await store.user(email: " ALICE@example.com ")?.id == alice.id)
            #expect(try await store.user(id: bob.id) == bob)

            let observers = try await store.users(UserFilter(role: .observer), page: PageRequest())
            #expect(observers.items.map(\.id) == [carol.id])
            let search = try await store.users(UserFilter(query: "BO"), page: PageRequest())
            #expect(search.items.map(\.id) == [bob.id])
            let literal = try await store.users(UserFilter(query: "%"), page: PageRequest())
            #expect(literal.items.isEmpty, "LIKE wildcards in a search are taken literally")

            let first = try await store.users(UserFilter(), page: PageRequest(limit: 2, offset: 0))
            #expect(first.items.map(\.name) == ["Alice", "Bob"])
            #expect(first.total == 3 && first.nextOffset == 2)
            let second = try await store.users(UserFilter(), page: PageRequest(limit: 2, offset: 2))
            #expect(second.items.map(\.name) == ["Carol"] && second.nextOffset == nil)
        }
    }

    @Test("a second account with the same e-mail is a conflict on the email field", arguments: TestBackend.available)
    func uniqueEmail(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            try await store.createUser(Seed.user("dana"))
            var twin = Seed.user("dana")
            twin.name = "Other Dana"
            await #expect(throws: DomainError.conflict("a user with that e-mail address already exists", field: "email")) {
                try await store.createUser(twin)
            }
            #expect(try await store.countUsers() == 1)
        }
    }

    @Test("the last owner can be neither demoted nor removed", arguments: TestBackend.available)
    func lastOwner(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let owner = Seed.user("olga", role: .owner)
            try await store.createUser(owner)
            let demote: @Sendable (User) -> User = { user in
                var changed = user
                changed.role = .admin
                return changed
            }
            await #expect(throws: DomainError.self) { try await store.updateUser(id: owner.id, demote) }
            await #expect(throws: DomainError.self) { try await store.deleteUser(id: owner.id) }
            #expect(try await store.user(id: owner.id)?.role == .owner)

            let otto = Seed.user("otto", role: .owner)
            try await store.createUser(otto)
            // Two owners demoting each other at once: one of them must stay an owner.
            async let first: Void = { _ = try? await store.updateUser(id: owner.id, demote) }()
            async let second: Void = { _ = try? await store.updateUser(id: otto.id, demote) }()
            _ = await (first, second)
            let owners = try await store.users(UserFilter(role: .owner), page: PageRequest())
            #expect(owners.total == 1)
        }
    }

    @Test("teams keep their members in order; unknown members are refused whole", arguments: TestBackend.available)
    func teams(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let ann = Seed.user("ann"), ben = Seed.user("ben")
            try await store.createUser(ann)
            try await store.createUser(ben)
            var payments = Seed.team("Payments", members: [ben.id, ann.id])
            try await store.createTeam(payments)
            #expect(try await store.team(id: payments.id)?.memberIDs == [ben.id, ann.id])
            #expect(try await store.teams(memberID: ann.id).map(\.id) == [payments.id])
            #expect(try await store.users(UserFilter(teamID: payments.id), page: PageRequest()).items.count == 2)

            let ghost = UUID()
            await #expect(throws: DomainError.validation([FieldError("member_ids", "user \(ghost.uuidString.lowercased()) does not exist")])) {
                try await store.createTeam(Seed.team("Ghosts", members: [ann.id, ghost]))
            }
            #expect(try await store.teams(query: "ghost", page: PageRequest()).total == 0, "nothing half-written")

            payments.memberIDs = [ann.id]
            try await store.updateTeam(payments)
            #expect(try await store.team(id: payments.id)?.memberIDs == [ann.id])

            await #expect(throws: DomainError.conflict("a team with that name already exists", field: "name")) {
                try await store.createTeam(Seed.team("PAYMENTS"))
            }
            try await store.deleteUser(id: ann.id)
            #expect(try await store.team(id: payments.id)?.memberIDs == [], "removing a person removes the membership")
        }
    }

    @Test("services: dependencies, filters, cycles refused, deletion cascades", arguments: TestBackend.available)
    func services(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let team = Seed.team("Core")
            try await store.createTeam(team)
            let db = Seed.service("Database", tier: 1, team: team.id)
            let cache = Seed.service("Cache", tier: 2)
            try await store.createService(db)
            try await store.createService(cache)
            var api = Seed.service("API", tier: 1, team: team.id, dependsOn: [db.id, cache.id])
            api.links = [ServiceLink(title: "Dashboard", url: "https://grafana.example.com/d/api")]
            try await store.createService(api)

            let loaded = try #require(try await store.service(id: api.id))
            #expect(Set(loaded.dependsOn) == [db.id, cache.id])
            #expect(loaded.links == api.links)
            #expect(loaded.createdAt == api.createdAt)
            #expect(try await store.dependents(of: db.id).map(\.id) == [api.id])
            #expect(try await store.services(ServiceFilter(teamID: team.id, tier: 1), page: PageRequest()).items.map(\.name) == ["API", "Database"])

            // Database → API would close a loop: API already depends on Database.
            var looped = db
            looped.dependsOn = [api.id]
            let error = await #expect(throws: DomainError.self) { try await store.updateService(looped) }
            guard case .validation(let fields)? = error else { Issue.record("expected validation, got \(String(describing: error))"); return }
            #expect(fields.first?.field == "depends_on")
            #expect(fields.first?.reason.contains("Database → API → Database") == true)
            #expect(try await store.service(id: db.id)?.dependsOn == [], "a refused change writes nothing")

            let ghost = UUID()
            await #expect(throws: DomainError.self) { try await store.createService(Seed.service("Orphan", team: ghost)) }
            await #expect(throws: DomainError.conflict("a service with that name already exists", field: "name")) {
                try await store.createService(Seed.service("api"))
            }

            try await store.deleteService(id: db.id)
            #expect(try await store.service(id: api.id)?.dependsOn == [cache.id], "deleting a service removes the edges to it")
            try await store.deleteTeam(id: team.id)
            #expect(try await store.service(id: api.id)?.teamID == nil, "a deleted team leaves its services without an owner")
            await #expect(throws: DomainError.notFound("service \(db.id.uuidString.lowercased()) not found")) {
                try await store.deleteService(id: db.id)
            }
        }
    }

    @Test("tokens authenticate by hash, record use, and stop when revoked", arguments: TestBackend.available)
    func tokens(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let user = Seed.user("tess")
            try await store.createUser(user)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let token = APIToken(id: UUID(), userID: user.id, name: "deploy", readOnly: true, hint: "tcs_abcdef", createdAt: now, lastUsedAt: nil)
            try await store.createToken(token, secretHash: "hash-1")
            let (found, owner) = try #require(try await store.authenticateToken(secretHash: "hash-1", now: now))
            #expect(found.id == token.id && found.readOnly && owner.id == user.id)
            #expect(try await store.token(id: token.id)?.lastUsedAt == now)
            #expect(try await store.authenticateToken(secretHash: "hash-2", now: now) == nil)
            try await store.deleteToken(id: token.id)
            #expect(try await store.authenticateToken(secretHash: "hash-1", now: now) == nil)
        }
    }

    @Test("sessions expire; one-time tokens replace their predecessor", arguments: TestBackend.available)
    func sessionsAndOneTimeTokens(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let user = Seed.user("sam")
            try await store.createUser(user)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.createSession(WebSession(userID: user.id, csrfToken: "csrf", createdAt: now, expiresAt: now.addingTimeInterval(60)), secretHash: "s1")
            #expect(try await store.session(secretHash: "s1", now: now)?.1.id == user.id)
            #expect(try await store.session(secretHash: "s1", now: now.addingTimeInterval(61)) == nil)

            try await store.replaceOneTimeToken(OneTimeToken(purpose: .invitation, userID: user.id, expiresAt: now.addingTimeInterval(3600)), secretHash: "i1", now: now)
            try await store.replaceOneTimeToken(OneTimeToken(purpose: .invitation, userID: user.id, expiresAt: now.addingTimeInterval(3600)), secretHash: "i2", now: now)
            #expect(try await store.oneTimeToken(secretHash: "i1", now: now) == nil, "a new invitation voids the old one")
            #expect(try await store.oneTimeToken(secretHash: "i2", now: now)?.userID == user.id)
            #expect(try await store.oneTimeToken(secretHash: "i2", now: now.addingTimeInterval(3601)) == nil)
        }
    }
}

private func == (lhs: (TocsinCore.APIToken, TocsinCore.User)?, rhs: (TocsinCore.APIToken, TocsinCore.User)?) -> Bool {
    lhs?.0 == rhs?.0 && lhs?.1 == rhs?.1
}

private func == (lhs: (WebSession, User)?, rhs: (WebSession, User)?) -> Bool {
    lhs?.0 == rhs?.0 && lhs?.1 == rhs?.1
}
