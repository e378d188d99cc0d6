import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases
import TocsinIngest

extension APIRoutes {
    func registerAlerts(_ api: APIRegistrar) {
        let store = env.store
        let now = env.now
        api.on(.post, "services/:id/integration-keys") { request, context in
            _ = try context.require(.manageCatalog)
            let serviceID = try context.id()
            let body = try await JSONBody.decode(CreateIntegrationKeyJSON.self, from: request, context: context)
            let (key, secret) = try await IntegrationKeys.issue(store: store, serviceID: serviceID, type: body.type, name: body.name,
                                                                rateLimitPerMinute: body.rateLimitPerMinute, mapping: body.mapping, now: now())
            return try JSONBody.response(IntegrationKeyJSON(key: key, secret: secret), status: .created)
        }
        api.on(.get, "services/:id/integration-keys") { _, context in
            _ = try context.require(.read)
            let serviceID = try context.id()
            guard try await store.service(id: serviceID) != nil else { throw DomainError.notFound("service \(serviceID.db) not found") }
            return try JSONBody.response(DataJSON(data: try await store.integrationKeys(serviceID: serviceID).map { IntegrationKeyJSON(key: $0) }))
        }
        api.on(.delete, "services/:id/integration-keys/:key_id") { _, context in
            _ = try context.require(.manageCatalog)
            try await store.deleteIntegrationKey(id: try context.id("key_id"), serviceID: try context.id())
            return Response(status: .noContent)
        }
        api.on(.get, "alerts") { request, context in
            _ = try context.require(.read)
            let page = try await store.alerts(try AlertPages.filter(request), page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { AlertJSON(alert: $0) })
        }
    }
}
