import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/api/v1/teams` and `/api/v1/services`.
extension APIRoutes {
    func registerTeams(_ api: APIRegistrar) {
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

    func registerServices(_ api: APIRegistrar) {
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
            return JSONBody.written(ListJSON(page) { ServiceJSON(service: $0) })
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
}
