import Foundation
import TocsinCore

/// PagerDuty Events API v2 (`POST /v2/enqueue`, `POST /v2/change/enqueue`), decoded exactly as
/// PagerDuty specifies, with its error wording so existing senders see what they expect.
public enum PagerDutyEvents {
    public static let maximumBodyBytes = 512 * 1024
    public static let maximumSummaryLength = 1024
    public static let maximumDedupKeyLength = 255

    public struct Event: Sendable, Equatable {
        public var routingKey: String
        /// `dedupKey` is empty when a trigger came without one; the receiver generates it.
        public var alert: AlertEvent
    }

    public struct ChangeEvent: Sendable, Equatable {
        public var routingKey: String
        public var summary: String
        public var source: String?
        public var occurredAt: Date?
        public var details: JSONValue
        public var links: [AlertLink]
    }

    /// Every problem with the event, in PagerDuty's words.
    public struct Invalid: Error, Equatable {
        public var errors: [String]

        public init(errors: [String]) {
            self.errors = errors
        }

        /// At most 20 reasons, then how many more: a body of many bad entries cannot make a huge answer.
        init(listing all: [String]) {
            errors = all.count <= 20 ? all : Array(all.prefix(20)) + ["… and \(all.count - 20) more problems"]
        }
    }

    public static func decodeEvent(_ data: Data) throws(Invalid) -> Event {
        let root = try object(data)
        var errors: [String] = []
        let routingKey = requiredString(root, "routing_key", &errors)
        var action: EventAction?
        if let text = root["event_action"]?.stringValue {
            action = EventAction(rawValue: text)
            if action == nil { errors.append("'event_action' must be one of trigger, acknowledge, resolve") }
        } else {
            errors.append("'event_action' is missing or blank")
        }
        var dedupKey = ""
        if let value = root["dedup_key"], value != .null {
            if let text = value.stringValue { dedupKey = text } else { errors.append("'dedup_key' must be a string") }
        }
        if dedupKey.count > maximumDedupKeyLength { errors.append("'dedup_key' must be at most \(maximumDedupKeyLength) characters") }
        if action != nil && action != .trigger && dedupKey.trimmed.isEmpty {
            errors.append("'dedup_key' is missing or blank")
        }

        var event = AlertEvent(action: action ?? .trigger, dedupKey: dedupKey)
        if action == .trigger {
            if let payload = root["payload"]?.objectValue {
                readPayload(payload, into: &event, &errors)
            } else {
                errors.append("'payload' is missing or not an object")
            }
            event.links = readLinks(root["links"], &errors)
            event.images = readImages(root["images"], &errors)
            event.client = optionalString(root, "client", &errors)
            event.clientURL = optionalString(root, "client_url", &errors)
        }
        if !errors.isEmpty { throw Invalid(listing: errors) }
        return Event(routingKey: routingKey ?? "", alert: event)
    }

    public static func decodeChange(_ data: Data) throws(Invalid) -> ChangeEvent {
        let root = try object(data)
        var errors: [String] = []
        let routingKey = requiredString(root, "routing_key", &errors)
        var change = ChangeEvent(routingKey: routingKey ?? "", summary: "", source: nil, occurredAt: nil, details: .null, links: [])
        if let payload = root["payload"]?.objectValue {
            change.summary = requiredString(payload, "summary", &errors, path: "payload.") ?? ""
            if change.summary.count > maximumSummaryLength {
                errors.append("'payload.summary' must be at most \(maximumSummaryLength) characters")
            }
            change.source = optionalString(payload, "source", &errors, path: "payload.")
            change.occurredAt = timestamp(payload, &errors)
            change.details = payload["custom_details"] ?? .null
        } else {
            errors.append("'payload' is missing or not an object")
        }
        change.links = readLinks(root["links"], &errors)
        if !errors.isEmpty { throw Invalid(listing: errors) }
        return change
    }

    // MARK: Pieces

    private static func object(_ data: Data) throws(Invalid) -> [String: JSONValue] {
        guard let value = try? JSONValue.parse(data) else {
            throw Invalid(errors: ["the body is not valid JSON"])
        }
        guard let object = value.objectValue else { throw Invalid(errors: ["the event must be a JSON object"]) }
        return object
    }

    private static func readPayload(_ payload: [String: JSONValue], into event: inout AlertEvent, _ errors: inout [String]) {
        event.summary = requiredString(payload, "summary", &errors, path: "payload.") ?? ""
        if event.summary.count > maximumSummaryLength {
            errors.append("'payload.summary' must be at most \(maximumSummaryLength) characters")
        }
        event.source = requiredString(payload, "source", &errors, path: "payload.") ?? ""
        if let severity = requiredString(payload, "severity", &errors, path: "payload.") {
            if let parsed = AlertSeverity(rawValue: severity) {
                event.severity = parsed
            } else {
                errors.append("'payload.severity' must be one of critical, error, warning, info")
            }
        }
        event.occurredAt = timestamp(payload, &errors)
        event.component = optionalString(payload, "component", &errors, path: "payload.")
        event.group = optionalString(payload, "group", &errors, path: "payload.")
        event.eventClass = optionalString(payload, "class", &errors, path: "payload.")
        event.details = payload["custom_details"] ?? .null
    }

    private static func timestamp(_ payload: [String: JSONValue], _ errors: inout [String]) -> Date? {
        guard let text = optionalString(payload, "timestamp", &errors, path: "payload.") else { return nil }
        guard let date = ISO8601.parse(text) else {
            errors.append("'payload.timestamp' must be an ISO 8601 date-time")
            return nil
        }
        return date
    }

    /// Links or images on one event: more than any page can usefully show, and each is rendered on every view.
    public static let maximumLinks = 50

    private static func readLinks(_ value: JSONValue?, _ errors: inout [String]) -> [AlertLink] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else {
            errors.append("'links' must be an array")
            return []
        }
        guard items.count <= maximumLinks else {
            errors.append("'links' must have at most \(maximumLinks) entries")
            return []
        }
        return items.enumerated().compactMap { index, item in
            guard let href = item["href"]?.stringValue, !href.trimmed.isEmpty else {
                errors.append("'links[\(index)].href' is missing or blank")
                return nil
            }
            return AlertLink(href: href, text: item["text"]?.stringValue)
        }
    }

    private static func readImages(_ value: JSONValue?, _ errors: inout [String]) -> [AlertImage] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else {
            errors.append("'images' must be an array")
            return []
        }
        guard items.count <= maximumLinks else {
            errors.append("'images' must have at most \(maximumLinks) entries")
            return []
        }
        return items.enumerated().compactMap { index, item in
            guard let src = item["src"]?.stringValue, !src.trimmed.isEmpty else {
                errors.append("'images[\(index)].src' is missing or blank")
                return nil
            }
            guard src.lowercased().hasPrefix("https://") else {
                errors.append("'images[\(index)].src' must be an https URL")
                return nil
            }
            return AlertImage(src: src, href: item["href"]?.stringValue, alt: item["alt"]?.stringValue)
        }
    }

    static func requiredString(_ object: [String: JSONValue], _ key: String, _ errors: inout [String], path: String = "") -> String? {
        guard let text = object[key]?.stringValue, !text.trimmed.isEmpty else {
            errors.append("'\(path)\(key)' is missing or blank")
            return nil
        }
        return text
    }

    static func optionalString(_ object: [String: JSONValue], _ key: String, _ errors: inout [String], path: String = "") -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.stringValue else {
            errors.append("'\(path)\(key)' must be a string")
            return nil
        }
        return text
    }
}

