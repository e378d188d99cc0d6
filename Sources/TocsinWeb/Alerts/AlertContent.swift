import Foundation
import TocsinCore

/// Everything a monitoring tool sent with an alert, shown to the responder: summary, where it came from,
/// component, group and class, labels, custom details, links and images (as links: no image is loaded from elsewhere).
enum AlertContent {
    /// Details nested deeper than this are shown as compact JSON rather than as further lists.
    static let nestingShown = 3

    static func card(_ alert: Alert, timeZone: String, now: Date) -> HTML {
        let muted: HTML = alert.mutedReason.map { "<p class=\"muted\"><span class=\"status status-muted\">muted</span> \($0)</p>" } ?? ""
        let grouped: HTML = alert.groupingReason.map { "<p class=\"muted\">Grouped: \($0)</p>" } ?? ""
        var facts: [(String, HTML)] = [
            ("Source", HTML.text(alert.source.isEmpty ? "—" : alert.source)),
            ("Dedup key", "<code>\(alert.dedupKey)</code>"),
            ("Seen", "\(alert.occurrences)× · first \(Pages.formatDate(alert.firstSeenAt, timeZone: timeZone)) (\(Ages.ago(alert.firstSeenAt, now: now))), last \(Ages.ago(alert.lastSeenAt, now: now))"),
        ]
        if let component = alert.component { facts.append(("Component", HTML.text(component))) }
        if let group = alert.group { facts.append(("Group", HTML.text(group))) }
        if let eventClass = alert.eventClass { facts.append(("Class", HTML.text(eventClass))) }
        if let client = alert.client {
            let link: HTML = alert.clientURL.map { "<a href=\"\(url: $0)\" rel=\"noopener noreferrer\">\(client)</a>" } ?? HTML.text(client)
            facts.append(("Sent by", link))
        }
        if !alert.links.isEmpty {
            facts.append(("Links", alert.links.map { link -> HTML in
                "<a href=\"\(url: link.href)\" rel=\"noopener noreferrer\">\(link.text ?? link.href)</a>"
            }.joined(separator: " · ")))
        }
        if !alert.images.isEmpty {
            facts.append(("Images", alert.images.map { image -> HTML in
                "<a href=\"\(url: image.href ?? image.src)\" rel=\"noopener noreferrer\">\(image.alt ?? "image")</a>"
            }.joined(separator: " · ")))
        }
        let labels: HTML = alert.labels.isEmpty ? "" : """
            <h4>Labels</h4><ul class="labels">\(alert.labels.sorted { $0.key < $1.key }.map { label -> HTML in "<li><code>\(label.key)=\(label.value)</code></li>" })</ul>
            """
        let details: HTML = alert.details == .null ? "" : "<h4>Details</h4>\(render(alert.details, depth: 0))"
        return """
        <article class="card alert-card alert-\(alert.status.rawValue)">
          <h3>\(alert.summary.isEmpty ? alert.dedupKey : alert.summary) <small><span class="status status-\(alert.status.rawValue)">\(alert.status.rawValue)</span> \(alert.severity.rawValue)</small></h3>
          \(grouped)\(muted)
          <dl class="facts">\(facts.map { fact -> HTML in "<dt>\(fact.0)</dt><dd>\(fact.1)</dd>" })</dl>
          \(labels)\(details)
        </article>
        """
    }

    /// Custom details as nested definition lists, the shape most senders use (an object of fields). Long values
    /// and long lists are cut for the page, saying so; the API (`GET /api/v1/alerts`) has them whole.
    static func render(_ value: JSONValue, depth: Int) -> HTML {
        switch value {
        case .object(let members) where depth < nestingShown && !members.isEmpty:
            let shown = members.sorted { $0.key < $1.key }.prefix(maximumItemsShown)
            return "<dl class=\"details\">\(shown.map { member -> HTML in "<dt>\(clipped(member.key))</dt><dd>\(render(member.value, depth: depth + 1))</dd>" })\(more(members.count))</dl>"
        case .array(let items) where depth < nestingShown && !items.isEmpty && items.allSatisfy(\.isScalar):
            return "<ul class=\"plain\">\(items.prefix(maximumItemsShown).map { item -> HTML in "<li>\(render(item, depth: depth + 1))</li>" })\(more(items.count))</ul>"
        case .string(let text):
            return text.contains("\n") ? "<pre>\(clipped(text))</pre>" : clipped(text)
        case .null:
            return "<span class=\"muted\">null</span>"
        default:
            return value.isScalar ? clipped(value.jsonText) : "<pre>\(clipped(value.jsonText))</pre>"
        }
    }

    static let maximumCharactersShown = 2000
    static let maximumItemsShown = 100

    static func clipped(_ text: String) -> HTML {
        guard text.count > maximumCharactersShown else { return HTML.text(text) }
        return "\(String(text.prefix(maximumCharactersShown)))<span class=\"muted\">… (\(text.count - maximumCharactersShown) more characters)</span>"
    }

    private static func more(_ count: Int) -> HTML {
        count > maximumItemsShown ? "<p class=\"muted\">… and \(count - maximumItemsShown) more</p>" : ""
    }
}

extension JSONValue {
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}
