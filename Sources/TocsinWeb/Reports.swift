import Foundation
import Hummingbird
import TocsinCore

/// Problems reported by people: `POST /api/v1/services/{id}/reports` and the form on a service's page.
struct Reports {
    let env: WebEnvironment

    struct ReportJSON: Decodable {
        var summary: String
        var details: String?
        var reporter: String?
        var source: String?
        var severity: String?
    }

    struct CreatedJSON: Encodable {
        var alertID: String
        var incidentID: String?
        var detectionSource: String

        enum CodingKeys: String, CodingKey {
            case alertID = "alert_id", incidentID = "incident_id", detectionSource = "detection_source"
        }
    }

    func file(_ report: ProblemReport, serviceID: UUID) async throws -> IngestOutcome {
        guard try await env.store.service(id: serviceID) != nil else { throw DomainError.notFound("service \(serviceID.db) not found") }
        return try await env.store.ingest(report.event(id: UUID()), serviceID: serviceID, integrationKeyID: nil, now: env.now())
    }

    func registerAPI(_ api: APIRegistrar) {
        api.on(.post, "services/:id/reports") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decode(ReportJSON.self, from: request, context: context)
            let report = try ProblemReport.parse(summary: body.summary, details: body.details, reporter: body.reporter, source: body.source,
                                                 severity: body.severity, defaultReporter: me.name)
            let outcome = try await file(report, serviceID: try context.id())
            guard let alertID = outcome.alertID else { throw DomainError.conflict("the report was not recorded") }
            return try JSONBody.response(CreatedJSON(alertID: alertID.db, incidentID: outcome.incidentID?.db,
                                                     detectionSource: report.source.rawValue), status: .created)
        }
    }

    func registerPages(_ router: Router<TocsinRequestContext>) {
        router.post("/services/:id/reports") { request, context in
            let me = try context.require(.respond)
            let form = try await Form.read(request, context: context)
            let serviceID = try context.id()
            do {
                let report = try ProblemReport.parse(summary: form["summary"] ?? "", details: form["details"], reporter: form["reporter"],
                                                     source: form["source"], severity: form["severity"], defaultReporter: me.name)
                let outcome = try await file(report, serviceID: serviceID)
                return Response.seeOther(outcome.incidentID.map { "/incidents/\($0.db)" } ?? "/services/\(serviceID.db)")
            } catch let error as DomainError where !CatalogPages.isNotFound(error) {
                let page = try await CatalogPages(env: env).serviceDetail(request, context, report: FormView(form: form, error: error))
                var response = page
                response.status = .unprocessableContent
                return response
            }
        }
    }

    static func form(serviceID: UUID, view: FormView, csrf: String) -> HTML {
        """
        <details class="card"\(view.errors.isEmpty && view.message == nil ? HTML.empty : HTML(" open"))><summary>Report a problem on this service</summary>
        \(view.banner)
        <form method="post" action="/services/\(serviceID.db)/reports" class="stack">
          \(Pages.csrfField(csrf))
          \(view.input("summary", "What is wrong", required: true))
          \(view.textarea("details", "Details"))
          \(view.select("source", "Reported by", options: [("customer", "A customer"), ("internal", "Someone inside the company")]))
          \(view.input("reporter", "Reporter", hint: "Customer or colleague name; yours if empty."))
          \(view.select("severity", "Severity", options: [("error", "error"), ("critical", "critical"), ("warning", "warning"), ("info", "info")]))
          <button type="submit">Open incident</button>
        </form>
        </details>
        """
    }
}
