import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/paging/queue`: what the outbox holds and why each message waits, with the watchdog's findings on top.
struct PagingPages {
    let env: WebEnvironment

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/paging/queue") { request, context in
            let me = try context.require(.read)
            let now = env.now()
            let health = try await env.store.pagingHealth(now: now, grace: 60)
            let page = try await env.store.waitingNotifications(page: try request.pageRequest)
            let rows = page.items.map { item -> HTML in
                let n = item.notification
                return """
                <tr><td data-label="Due">\(Ages.ago(n.dueAt, now: now))</td>
                <td data-label="Incident"><a href="\(url: "/incidents/\(n.incidentID.db)")">#\(item.incidentNumber) \(item.incidentTitle)</a></td>
                <td data-label="Person">\(item.userName ?? "a removed user")</td><td data-label="Channel">\(n.channel.rawValue)</td>
                <td data-label="For">\(Self.purpose(n.purpose))</td><td data-label="Attempts">\(n.attempts)</td>
                <td data-label="Why it waits">\(item.why(now: now))</td></tr>
                """
            }
            var findings: [HTML] = []
            if health.overdueSteps > 0 {
                findings.append("<li>\(health.overdueSteps) escalation step\(health.overdueSteps == 1 ? " is" : "s are") overdue; the latest by \(Ages.duration(health.oldestStepLateness)). Is the engine running?</li>")
            }
            if health.stuckSending > 0 {
                findings.append("<li>\(health.stuckSending) message\(health.stuckSending == 1 ? " was" : "s were") taken by a sender that stopped answering.</li>")
            }
            for (kind, count) in health.overdueQueued.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                findings.append("<li>\(count) \(kind.rawValue) message\(count == 1 ? " is" : "s are") more than a minute late.</li>")
            }
            let status: HTML = findings.isEmpty
                ? "<p class=\"notice\" role=\"status\">Paging is on time: no step or message is more than a minute late.</p>"
                : "<div class=\"alert\" role=\"alert\"><strong>Paging is behind.</strong><ul>\(findings)</ul></div>"
            let table: HTML = page.items.isEmpty ? "<p class=\"card muted\">Nothing waits: every notification has gone.</p>" : """
            <div class="scroll-x"><table><thead><tr><th>Due</th><th>Incident</th><th>Person</th><th>Channel</th><th>For</th><th>Attempts</th><th>Why it waits</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
            let html = Pages.layout("Paging queue", principal: context.principal, section: .none, """
            <h1>Paging queue</h1>
            \(status)
            <p class="lead">Notifications not yet sent, earliest due first. Addresses are not shown.</p>
            \(table)
            <p class="muted">\(page.total) waiting. Times in \(me.timeZone).</p>
            \(Pages.pager(page, path: "/paging/queue", query: [:]))
            """)
            return Pages.response(html)
        }
    }

    static func purpose(_ purpose: NotificationPurpose) -> String {
        switch purpose {
        case .page: return "page"
        case .taken: return "who took it"
        case .request: return "asked to respond"
        case .exhausted: return "nobody acknowledged"
        }
    }
}
