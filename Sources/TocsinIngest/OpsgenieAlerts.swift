import Foundation
import TocsinCore

/// The part of Opsgenie's Alert API (v2) that monitoring tools call: create, and close or acknowledge
/// by alias. `alias` is the dedup key; priority P1–P5 maps onto severity.
public enum OpsgenieAlerts {
    public static let maximumMessageLength = 130
    public static let maximumAliasLength = 512
    public static let maximumDescriptionLength = 15_000

    /// Field name → what is wrong, as Opsgenie reports it.
    public struct Invalid: Error, Equatable {
        public var errors: [String: String]

        public init(errors: [String: String]) {
            self.errors = errors
        }
    }

    public static func decodeCreate(_ data: Data) throws(Invalid) -> AlertEvent {
        guard let body = (try? JSONValue.parse(data))?.objectValue else {
            throw Invalid(errors: ["body": "Request body is not a JSON object."])
        }
        var errors: [String: String] = [:]
        let message = body["message"]?.stringValue?.trimmed ?? ""
        if message.isEmpty { errors["message"] = "Message can not be empty." }
        let alias = body["alias"]?.stringValue?.trimmed ?? ""
        if alias.count > maximumAliasLength { errors["alias"] = "Alias can not be longer than \(maximumAliasLength) characters." }
        var severity = AlertSeverity.error
        if let priority = body["priority"]?.stringValue {
            guard let mapped = Self.severity(priority: priority) else {
                errors["priority"] = "Priority should be one of [P1, P2, P3, P4, P5]."
                throw Invalid(errors: errors)
            }
            severity = mapped
        }
        if !errors.isEmpty { throw Invalid(errors: errors) }

        var labels: [String: String] = [:]
        for (key, value) in body["details"]?.objectValue ?? [:] { labels[key] = value.stringValue ?? "\(value)" }
        var details: [String: JSONValue] = [:]
        for key in ["description", "tags", "responders", "visibleTo", "actions", "user", "note", "priority"] {
            if let value = body[key], value != .null { details[key] = value }
        }
        if let description = body["description"]?.stringValue {
            details["description"] = .string(String(description.prefix(maximumDescriptionLength)))
        }
        return AlertEvent(
            action: .trigger,
            dedupKey: alias.isEmpty ? UUID().uuidString.lowercased() : alias,
            // Opsgenie keeps the first 130 characters of a longer message.
            summary: String(message.prefix(maximumMessageLength)),
            source: body["source"]?.stringValue?.nonBlank ?? "opsgenie",
            severity: severity,
            component: body["entity"]?.stringValue?.nonBlank,
            labels: labels,
            details: .object(details),
            client: "Opsgenie API")
    }

    /// P1 is the most urgent. Opsgenie's default, P3, is treated as an error worth a page.
    public static func severity(priority: String) -> AlertSeverity? {
        switch priority.uppercased() {
        case "P1": return .critical
        case "P2", "P3": return .error
        case "P4": return .warning
        case "P5": return .info
        default: return nil
        }
    }
}
