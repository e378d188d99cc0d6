import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TocsinCore

/// The page shell and the pieces every page uses.
enum Pages {
    /// No script, style or image from anywhere but this server.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "same-origin",
        .cacheControl: "no-store",
    ]

    static func response(_ html: HTML, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html.rendered)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    enum Section: String { case incidents, alerts, oncall, escalation, services, silences, teams, users, shifts, burden, noise, account, none }

    /// Everything a responder reaches in one tap, in the order they look at it at night.
    static let navigation: [(section: Section, path: String, label: String)] = [
        (.incidents, "/incidents", "Incidents"), (.alerts, "/alerts", "Alerts"), (.oncall, "/oncall", "On call"),
        (.escalation, "/escalation-policies", "Escalation"), (.services, "/services", "Services"),
        (.silences, "/silences", "Silences"), (.teams, "/teams", "Teams"), (.users, "/users", "People"), (.shifts, "/my/shifts", "My shifts"),
        (.burden, "/reports/oncall", "On-call burden"), (.noise, "/reports/noise", "Noise report"),
    ]

    static func layout(_ title: String, principal: Principal?, section: Section = .none, _ content: HTML) -> HTML {
        let nav: HTML
        if let principal {
            let links = navigation.map { item -> HTML in
                let current: HTML = item.section == section ? " aria-current=\"page\"" : ""
                return "<a href=\"\(url: item.path)\"\(current)>\(item.label)</a>"
            }
            nav = """
            <nav class="top" aria-label="Main">\(links)</nav>
            <div class="who">
              <a href="/account" title="\(principal.user.name)"\(section == .account ? HTML(" aria-current=\"page\"") : HTML.empty)>\(principal.user.name)</a>
              <form method="post" action="/logout" class="inline">\(csrfField(principal.csrfToken ?? ""))<button type="submit" class="link">Sign out</button></form>
            </div>
            """
        } else {
            nav = ""
        }
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Tocsin</title>
        <link rel="stylesheet" href="/assets/tocsin.css">
        </head>
        <body>
        <header class="bar"><a class="brand" href="/">Tocsin</a>\(nav)</header>
        <main>
        \(content)
        </main>
        </body>
        </html>
        """
    }

    static func errorPage(problem: ErrorMiddleware.Problem, principal: Principal?) -> Response {
        let details: HTML = problem.fields.isEmpty ? "" : "<ul>\(problem.fields.map { field -> HTML in "<li>\(FormView.spoken(field.field)): \(field.reason)</li>" })</ul>"
        let body: HTML = """
        <h1>\(problem.status.reasonPhrase)</h1>
        <p class="lead">\(problem.message)</p>
        \(details)
        <p><a href="/">Back to Tocsin</a></p>
        """
        return response(layout(problem.status.reasonPhrase, principal: principal, body), status: problem.status)
    }

    static func csrfField(_ token: String) -> HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
    }

    static func formatDate(_ date: Date, timeZone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }

    static func pager(_ page: Page<some Sendable>, path: String, query: [String: String]) -> HTML {
        guard page.total > page.request.limit else { return "" }
        func link(_ offset: Int, _ label: String) -> HTML {
            var items = query.filter { !$0.value.isEmpty }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.append(URLQueryItem(name: "offset", value: String(offset)))
            var components = URLComponents()
            components.path = path
            components.queryItems = items.sorted { $0.name < $1.name }
            return "<a href=\"\(url: components.string ?? path)\">\(label)</a>"
        }
        let previous: HTML = page.request.offset > 0 ? link(max(0, page.request.offset - page.request.limit), "← Previous") : ""
        let next: HTML = page.nextOffset.map { link($0, "Next →") } ?? ""
        let shown = "\(page.request.offset + 1)–\(page.request.offset + page.items.count) of \(page.total)"
        return "<p class=\"pager\">\(previous) <span>\(shown)</span> \(next)</p>"
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
