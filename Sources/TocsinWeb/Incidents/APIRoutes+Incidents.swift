import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

extension APIRoutes {
    /// Incidents: the list, one incident, the changes before it, its timeline, acknowledge, resolve, reopen and severity.
    func registerIncidents(_ api: APIRegistrar) {
        let store = env.store
        api.on(.get, "incidents") { request, context in
            _ = try context.require(.read)
            var filter = IncidentFilter(serviceID: try request.queryID("service_id"))
            if let status = request.query("status"), !status.isEmpty {
                if status == "open" { filter.openOnly = true } else {
                    guard let parsed = IncidentStatus(rawValue: status) else {
                        throw DomainError.invalid("status", "must be open, triggered, acknowledged or resolved")
                    }
                    filter.status = parsed
                }
            }
            let page = try await store.incidents(filter, page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { IncidentJSON(incident: $0) })
        }
        api.on(.get, "incidents/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            return try JSONBody.response(IncidentJSON(incident: try await env.incidents.incident(id)))
        }
        api.on(.get, "incidents/:id/changes") { _, context in
            _ = try context.require(.read)
            let id = try context.id()
            let (changes, names) = try await env.incidents.recentChanges(of: try await env.incidents.incident(id))
            return try JSONBody.response(DataJSON(data: changes.map { ChangeJSON(change: $0, serviceName: names[$0.serviceID]) }))
        }
        api.on(.get, "incidents/:id/timeline") { request, context in
            _ = try context.require(.read)
            let page = try await store.incidentTimeline(incidentID: try context.id(), page: try request.pageRequest)
            return try JSONBody.response(ListJSON(page) { IncidentEventJSON(event: $0) })
        }
        for (action, status) in [("acknowledge", IncidentStatus.acknowledged), ("resolve", .resolved)] {
            api.on(.post, "incidents/:id/\(action)") { _, context in
                let me = try context.require(.respond)
                let incident = try await env.incidents.apply(status, to: try context.id(), by: me.id)
                return try JSONBody.response(IncidentJSON(incident: incident))
            }
        }
        api.on(.post, "incidents/:id/reopen") { _, context in
            let me = try context.require(.respond)
            return try JSONBody.response(IncidentJSON(incident: try await env.incidents.reopen(try context.id(), by: me.id)))
        }
        api.on(.patch, "incidents/:id") { request, context in
            let me = try context.require(.respond)
            let id = try context.id()
            let body = try await JSONBody.decode(IncidentChangeJSON.self, from: request, context: context)
            let severity = try Incidents.severity(body.severity)
            return try JSONBody.response(IncidentJSON(incident: try await env.incidents.setSeverity(severity, of: id, by: me.id)))
        }
    }
}

/// `PATCH /api/v1/incidents/{id}`: what a responder may change. Today the severity; the response workspace adds more.
struct IncidentChangeJSON: Decodable {
    var severity: String?
}
