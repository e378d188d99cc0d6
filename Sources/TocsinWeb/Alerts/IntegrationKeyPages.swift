import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// Connecting monitoring from a service's page: make a key (shown once, with a snippet to paste), list, revoke.
struct IntegrationKeyPages {
    let env: WebEnvironment

    var store: any TocsinStore { env.store }

    static let typeOptions: [(value: String, label: String)] = [
        ("pagerduty", "PagerDuty Events API v2 (curl, many tools)"), ("alertmanager", "Prometheus Alertmanager webhook"),
        ("grafana", "Grafana alerting webhook"), ("opsgenie", "Opsgenie API (Alertmanager opsgenie_configs)"), ("generic", "Generic JSON webhook"),
    ]

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/services/:id/integration-keys") { request, context in
            let me = try context.require(.manageCatalog)
            let form = try await Form.read(request, context: context)
            let serviceID = try context.id()
            guard let service = try await store.service(id: serviceID) else { throw DomainError.notFound("There is no service with id \(serviceID.db).") }
            do {
                let (key, secret) = try await IntegrationKeys.issue(store: store, serviceID: serviceID, type: form["type"] ?? "", name: form["name"],
                                                                    rateLimitPerMinute: nil, mapping: nil, now: env.now())
                return Pages.response(created(service, key: key, secret: secret, me: me, principal: context.principal), status: .created)
            } catch let error as DomainError where !CatalogPages.isNotFound(error) {
                var response = try await CatalogPages(env: env).serviceDetail(request, context, report: FormView(),
                                                                              keyForm: FormView(form: form, error: error))
                response.status = .unprocessableContent
                return response
            }
        }
        router.post("/services/:id/integration-keys/:key_id/revoke") { request, context in
            _ = try context.require(.manageCatalog)
            _ = try await Form.read(request, context: context)
            let serviceID = try context.id()
            try await store.deleteIntegrationKey(id: try context.id("key_id"), serviceID: serviceID)
            return Response.seeOther("/services/\(serviceID.db)#integrations")
        }
    }

    /// The page shown once after a key is made: the secret, and how to use it.
    private func created(_ service: Service, key: IntegrationKey, secret: String, me: User, principal: Principal?) -> HTML {
        let example = IntegrationKeys.example(key.type, secret: secret, publicURL: env.publicURL)
        return Pages.layout("Integration key for \(service.name)", principal: principal, section: .services, """
        <p><a href="/services/\(service.id.db)#integrations">← \(service.name)</a></p>
        <h1>New \(key.type.rawValue) key: \(key.name)</h1>
        <p class="notice">Copy it now: Tocsin keeps only a hash, so this is the only time the key is shown.</p>
        <p class="secret" id="integration-secret">\(secret)</p>
        <h2>\(example.title)</h2>
        <pre class="snippet" id="integration-example">\(example.text)</pre>
        <p class="muted">Events sent with this key open alerts and incidents on \(service.name). Revoke it on the service's page at any time.</p>
        """)
    }

    /// The service page's section: keys in use, revoke buttons and the form to make one (for admins).
    static func section(_ service: Service, keys: [IntegrationKey], me: User, csrf: String, view: FormView, timeZone: String) -> HTML {
        let manage = me.role.allows(.manageCatalog)
        let rows = keys.map { key -> HTML in
            let revoke: HTML = manage ? """
                <form method="post" action="/services/\(service.id.db)/integration-keys/\(key.id.db)/revoke" class="inline">\(Pages.csrfField(csrf))<button type="submit" class="secondary">Revoke</button></form>
                """ : ""
            return """
            <tr><td data-label="Name">\(key.name)</td><td data-label="Type">\(key.type.rawValue)</td><td data-label="Key"><code>\(key.hint)…</code></td>
            <td data-label="Made">\(Pages.formatDate(key.createdAt, timeZone: timeZone))</td><td data-label="">\(revoke)</td></tr>
            """
        }
        let table: HTML = keys.isEmpty
            ? "<p class=\"muted\">No monitoring tool sends alerts here yet.\(manage ? HTML(" Make a key below and paste the snippet into your tool.") : HTML.empty)</p>"
            : "<table class=\"cards\"><thead><tr><th>Name</th><th>Type</th><th>Key</th><th>Made</th><th></th></tr></thead><tbody>\(rows)</tbody></table>"
        let form: HTML = manage ? view.banner(above: """
            <form method="post" action="/services/\(service.id.db)/integration-keys" class="stack card">
              \(Pages.csrfField(csrf))
              \(view.select("type", "Sender", options: typeOptions))
              \(view.input("name", "Name", hint: "To tell keys apart, e.g. \"prod Alertmanager\"."))
              <button type="submit">Make a key</button>
            </form>
            """) : ""
        return """
        <h2 id="integrations">Integrations</h2>
        \(table)
        \(form)
        """
    }
}
