import Crypto
import Foundation
import TocsinCore

/// Alertmanager's webhook (payload version 4), and Grafana's alerting webhook, which wraps the same
/// envelope. One Tocsin alert per Alertmanager alert, keyed by its fingerprint; `firing` triggers
/// and `resolved` resolves. Unknown fields are ignored, as newer senders add some.
public enum AlertmanagerWebhook {
    public enum Flavor: Sendable { case alertmanager, grafana }
    /// Alerts in one notification: a group this large is a storm to split, not one decision.
    public static let maximumAlerts = 1000

    public static let maximumBodyBytes = 4 << 20

    public struct Invalid: Error, Equatable {
        public var errors: [FieldError]
    }

    public static func decode(_ data: Data, flavor: Flavor) throws(Invalid) -> [AlertEvent] {
        guard let root = (try? JSONValue.parse(data))?.objectValue else {
            throw Invalid(errors: [FieldError("body", "is not a JSON object")])
        }
        guard let alerts = root["alerts"]?.arrayValue else { throw Invalid(errors: [FieldError("alerts", "is required and must be an array")]) }
        guard alerts.count <= maximumAlerts else {
            // All of one notification go into one transaction; Alertmanager can split them (`max_alerts`).
            throw Invalid(errors: [FieldError("alerts", "must have at most \(maximumAlerts) alerts; set max_alerts: \(maximumAlerts) on the webhook receiver")])
        }
        var errors: [FieldError] = []
        // The envelope is copied into every alert's details: each part is kept small, so a notification of
        // many alerts cannot multiply a large envelope (group labels are each alert's own labels anyway).
        let groupLabels = stringMap(root["groupLabels"])
        let groupLabelBytes = groupLabels.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        let envelope: [String: JSONValue] = [
            "receiver": clipped(root["receiver"]), "group_key": clipped(root["groupKey"]),
            "group_labels": groupLabelBytes <= envelopePartBytes ? .object(groupLabels.mapValues(JSONValue.string))
                : .string("(\(groupLabels.count) group labels, \(groupLabelBytes) bytes: not copied; each alert has them among its labels)"),
            "external_url": clipped(root["externalURL"]), "truncated_alerts": { if case .number(let n)? = root["truncatedAlerts"] { return .number(n) } else { return .null } }(),
        ]
        var events: [AlertEvent] = []
        for (index, value) in alerts.enumerated() {
            guard let alert = value.objectValue else {
                errors.append(FieldError("alerts[\(index)]", "must be an object"))
                continue
            }
            let labels = stringMap(alert["labels"])
            let annotations = stringMap(alert["annotations"])
            guard let status = alert["status"]?.stringValue, status == "firing" || status == "resolved" else {
                errors.append(FieldError("alerts[\(index)].status", "must be firing or resolved"))
                continue
            }
            if labels.isEmpty && alert["fingerprint"]?.stringValue == nil {
                errors.append(FieldError("alerts[\(index)].labels", "must not be empty (they identify the alert)"))
                continue
            }
            let fingerprint = alert["fingerprint"]?.stringValue?.nonBlank ?? fingerprintOf(labels)
            var details = envelope
            details["annotations"] = .object(annotations.mapValues(JSONValue.string))
            for key in ["startsAt", "endsAt", "generatorURL", "silenceURL", "dashboardURL", "panelURL", "valueString", "values"] {
                if let value = alert[key], value != .null { details[key] = value }
            }
            var links: [AlertLink] = []
            if let url = alert["generatorURL"]?.stringValue?.nonBlank { links.append(AlertLink(href: url, text: "Source")) }
            if flavor == .grafana {
                if let url = alert["dashboardURL"]?.stringValue?.nonBlank { links.append(AlertLink(href: url, text: "Dashboard")) }
                if let url = alert["panelURL"]?.stringValue?.nonBlank { links.append(AlertLink(href: url, text: "Panel")) }
            }
            if let url = root["externalURL"]?.stringValue?.nonBlank {
                links.append(AlertLink(href: url, text: flavor == .grafana ? "Grafana" : "Alertmanager"))
            }
            var images: [AlertImage] = []
            if let url = alert["imageURL"]?.stringValue?.nonBlank, url.lowercased().hasPrefix("https://") { images.append(AlertImage(src: url)) }
            events.append(AlertEvent(
                action: status == "firing" ? .trigger : .resolve,
                dedupKey: fingerprint,
                summary: summary(labels: labels, annotations: annotations, title: flavor == .grafana ? root["title"]?.stringValue : nil),
                source: labels["instance"] ?? labels["job"] ?? root["receiver"]?.stringValue ?? (flavor == .grafana ? "grafana" : "alertmanager"),
                severity: severity(labels["severity"] ?? labels["priority"]),
                occurredAt: alert["startsAt"]?.stringValue.flatMap(ISO8601.parse),
                component: labels["service"] ?? labels["job"],
                group: labels["cluster"] ?? labels["namespace"],
                eventClass: labels["alertname"],
                labels: labels, details: .object(details), links: links, images: images,
                client: flavor == .grafana ? "Grafana" : "Alertmanager",
                clientURL: root["externalURL"]?.stringValue))
        }
        if !errors.isEmpty { throw Invalid(errors: errors) }
        return events
    }

    /// Alertmanager's own labels to severity words; anything unknown is an error, as Alertmanager's PagerDuty notifier assumes.
    static func severity(_ label: String?) -> AlertSeverity {
        switch label?.lowercased() {
        case "critical", "page", "p1", "fatal", "emergency", "disaster": return .critical
        case "warning", "warn", "p3", "p4", "minor": return .warning
        case "info", "informational", "none", "low", "p5", "notice": return .info
        default: return .error
        }
    }

    static func summary(labels: [String: String], annotations: [String: String], title: String?) -> String {
        let text = annotations["summary"]?.nonBlank ?? annotations["description"]?.nonBlank ?? annotations["message"]?.nonBlank
        if let text { return String(text.prefix(1024)) }
        let name = labels["alertname"] ?? title ?? "Alert"
        let rest = labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return String((rest.isEmpty ? name : "\(name) (\(rest.joined(separator: ", ")))").prefix(1024))
    }

    /// When a sender gives no fingerprint, the sorted label set identifies the alert, as in Alertmanager.
    /// The most of one envelope part copied into each alert.
    public static let envelopePartBytes = 1024

    /// A string envelope part, cut to `envelopePartBytes` with a mark saying so; anything else that is not a string is dropped.
    static func clipped(_ value: JSONValue?) -> JSONValue {
        guard let text = value?.stringValue else { return .null }
        guard text.utf8.count > envelopePartBytes else { return .string(text) }
        // Whole characters, leaving room for the mark.
        var kept = 0
        let cut = text.prefix { character in
            kept += character.utf8.count
            return kept <= envelopePartBytes - 40
        }
        return .string("\(cut)… (cut: \(text.utf8.count) bytes)")
    }

    static func fingerprintOf(_ labels: [String: String]) -> String {
        let canonical = labels.sorted { $0.key < $1.key }.map { "\($0.key)\u{1}\($0.value)" }.joined(separator: "\u{2}")
        return SHA256.hash(data: Data(canonical.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func stringMap(_ value: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        for (key, item) in value?.objectValue ?? [:] {
            if let text = item.stringValue { out[key] = text }
        }
        return out
    }
}
