import Foundation
import Hummingbird
import TocsinCore

/// Problems reported by people: `POST /api/v1/services/{id}/reports` and the form on a service's page.
struct ProblemReports {
    let env: WebEnvironment

    struct ReportJSON: Decodable {
        var summary: String
        var details: String?
        var reporter: String?
        var source: String?
        var severity: String?
    }

    /// What became of a report: it opened an incident, joined an open one, or was muted (and why). A person
    /// who reports a problem is always told which.
    struct CreatedJSON: Encodable {
        var alertID: String
        @Nullable var incidentID: String?
        @Nullable var incidentNumber: Int?
        var outcome: String
        @Nullable var mutedReason: String?
        var detectionSource: String

        enum CodingKeys: String, CodingKey {
            case alertID = "alert_id", incidentID = "incident_id", incidentNumber = "incident_number", outcome
            case mutedReason = "muted_reason", detectionSource = "detection_source"
        }
    }

    func registerAPI(_ api: APIRegistrar) {
        api.on(.post, "services/:id/reports") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decode(ReportJSON.self, from: request, context: context)
            let report = try ProblemReport.parse(summary: body.summary, details: body.details, reporter: body.reporter, source: body.source,
                                                 severity: body.severity, defaultReporter: me.name)
            let outcome = try await env.reports.fileProblem(report, serviceID: try context.id(), by: me.id)
            guard let alertID = outcome.alertID, let alert = try await env.store.alert(id: alertID) else {
                throw DomainError.conflict("the report was not recorded")
            }
            let incident = try await outcome.incidentID.asyncMap { try await env.store.incident(id: $0) } ?? nil
            let said = outcome.incidentID == nil ? "muted" : outcome.openedIncident ? "opened" : "joined"
            return try JSONBody.response(CreatedJSON(alertID: alertID.db, incidentID: outcome.incidentID?.db, incidentNumber: incident?.number,
                                                     outcome: said, mutedReason: alert.mutedReason,
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
                let outcome = try await env.reports.fileProblem(report, serviceID: serviceID, by: me.id)
                guard let alertID = outcome.alertID else { throw DomainError.conflict("the report was not recorded") }
                // The next page says what happened to it: opened, joined, or muted and why.
                if let incident = outcome.incidentID {
                    return Response.seeOther("/incidents/\(incident.db)?report=\(alertID.db)&opened=\(outcome.openedIncident ? "1" : "0")")
                }
                return Response.seeOther("/services/\(serviceID.db)?report=\(alertID.db)")
            } catch let error as DomainError where !CatalogPages.isNotFound(error) {
                let page = try await CatalogPages(env: env).serviceDetail(request, context, report: FormView(form: form, error: error), keyForm: FormView())
                var response = page
                response.status = .unprocessableContent
                return response
            }
        }
    }

    static func form(serviceID: UUID, view: FormView, csrf: String) -> HTML {
        """
        <details class="card"\(view.errors.isEmpty && view.message == nil ? HTML.empty : HTML(" open"))><summary>Report a problem on this service</summary>
        \(view.banner(above: """
        <form method="post" action="/services/\(serviceID.db)/reports" class="stack">
          \(Pages.csrfField(csrf))
          \(view.input("summary", "What is wrong", required: true))
          \(view.textarea("details", "Details"))
          \(view.select("source", "Reported by", options: [("customer", "A customer"), ("internal", "Someone inside the company")]))
          \(view.input("reporter", "Reporter", hint: "Customer or colleague name; yours if empty."))
          \(view.select("severity", "Severity", options: [("error", "error"), ("critical", "critical"), ("warning", "warning"), ("info", "info")]))
          <button type="submit">Open incident</button>
        </form>
        """))
        </details>
        """
    }
}
