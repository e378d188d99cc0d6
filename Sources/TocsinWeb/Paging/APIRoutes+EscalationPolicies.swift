import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/api/v1/escalation-policies`.
extension APIRoutes {
    func registerEscalationPolicies(_ api: APIRegistrar) {
        let store = env.store
        let catalog = env.catalog
        api.on(.get, "escalation-policies") { request, context in
            _ = try context.require(.read)
            let filter = EscalationPolicyFilter(teamID: try request.queryID("team_id"), query: request.query("q"))
            let page = try await store.escalationPolicies(filter, page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { EscalationPolicyJSON($0) })
        }
        api.on(.post, "escalation-policies") { request, context in
            _ = try context.require(.manageCatalog)
            let body = try await JSONBody.decode(EscalationPolicyInputJSON.self, from: request, context: context)
            return try JSONBody.response(EscalationPolicyJSON(try await catalog.createEscalationPolicy(body.input)), status: .created)
        }
        api.on(.get, "escalation-policies/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            guard let policy = try await store.escalationPolicy(id: id) else { throw DomainError.notFound("escalation policy \(id.db) not found") }
            return try JSONBody.response(EscalationPolicyJSON(policy))
        }
        api.on(.patch, "escalation-policies/:id") { request, context in
            _ = try context.require(.manageCatalog)
            let id = try context.id()
            let body = try await JSONBody.decode(EscalationPolicyInputJSON.self, from: request, context: context)
            return try JSONBody.response(EscalationPolicyJSON(try await catalog.updateEscalationPolicy(id: id, body.input)))
        }
        api.on(.delete, "escalation-policies/:id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteEscalationPolicy(id: try context.id())
            return Response(status: .noContent)
        }
    }
}
