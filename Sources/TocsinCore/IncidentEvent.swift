import Foundation

/// Who or what did something to an incident.
public enum Actor: Sendable, Equatable, Hashable {
    case user(UUID)
    case integration(UUID)
    /// Tocsin itself: a roll-up from alerts, a rule, a migration's reconstruction.
    case system

    public var type: String {
        switch self {
        case .user: return "user"
        case .integration: return "integration"
        case .system: return "system"
        }
    }

    public var id: UUID? {
        switch self {
        case .user(let id), .integration(let id): return id
        case .system: return nil
        }
    }

    public init?(type: String, id: UUID?) {
        switch (type, id) {
        case ("user", let id?): self = .user(id)
        case ("integration", let id?): self = .integration(id)
        case ("system", _): self = .system
        // A person or key that has since been removed keeps its type but loses its id.
        case ("user", nil), ("integration", nil): return nil
        default: return nil
        }
    }
}

/// What happened to an incident. An open set: later capabilities add kinds (pages sent, notes, role changes)
/// without a migration, since the kind is stored as text and the rest as a small JSON payload.
public struct IncidentEventKind: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let opened: IncidentEventKind = "opened"
    public static let alertJoined: IncidentEventKind = "alert_joined"
    public static let acknowledged: IncidentEventKind = "acknowledged"
    public static let retriggered: IncidentEventKind = "retriggered"
    public static let resolved: IncidentEventKind = "resolved"
    public static let reopened: IncidentEventKind = "reopened"
    public static let severityChanged: IncidentEventKind = "severity_changed"
    public static let escalationStarted: IncidentEventKind = "escalation_started"
    public static let escalated: IncidentEventKind = "escalated"
    public static let escalationStopped: IncidentEventKind = "escalation_stopped"
    public static let escalationExhausted: IncidentEventKind = "escalation_exhausted"
    public static let escalationRequested: IncidentEventKind = "escalation_requested"
    public static let notificationQueued: IncidentEventKind = "notification_queued"
    public static let notificationSent: IncidentEventKind = "notification_sent"
    public static let notificationFailed: IncidentEventKind = "notification_failed"
    public static let notificationCancelled: IncidentEventKind = "notification_cancelled"
    /// Held past its rule's time by pacing (throttled, or waiting to go with others as one message).
    public static let notificationHeld: IncidentEventKind = "notification_held"
    /// The provider reported a sent message delivered (an SMS on the phone, a call answered).
    public static let notificationDelivered: IncidentEventKind = "notification_delivered"
    /// The provider reported a sent message not delivered (an SMS the carrier dropped, a call nobody answered).
    public static let notificationUndelivered: IncidentEventKind = "notification_undelivered"
    public static let reassigned: IncidentEventKind = "reassigned"
    public static let responderAdded: IncidentEventKind = "responder_added"
}

/// One entry of an incident's append-only record, as produced by a transition (the store gives it its id).
public struct IncidentEventDraft: Sendable, Equatable {
    public var kind: IncidentEventKind
    public var at: Date
    public var actor: Actor
    /// A small object: what a reader needs to say what happened (`title`, `from`/`to`, `summary`, `reason`).
    public var payload: [String: JSONValue]

    public init(kind: IncidentEventKind, at: Date, actor: Actor, payload: [String: JSONValue] = [:]) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.payload = payload
    }
}

/// A stored event, with the name of its author as it is now (nil when the person or key was removed).
public struct IncidentEvent: Sendable, Equatable, Identifiable {
    public var id: Int
    public var incidentID: UUID
    public var kind: IncidentEventKind
    public var at: Date
    /// nil type only when the author was removed and the stored type is unknown.
    public var actorType: String
    public var actorID: UUID?
    public var actorName: String?
    public var payload: [String: JSONValue]

    public init(id: Int, incidentID: UUID, kind: IncidentEventKind, at: Date, actorType: String, actorID: UUID?, actorName: String?,
                payload: [String: JSONValue]) {
        self.id = id
        self.incidentID = incidentID
        self.kind = kind
        self.at = at
        self.actorType = actorType
        self.actorID = actorID
        self.actorName = actorName
        self.payload = payload
    }

    /// The author as a person reads it.
    public var authorName: String {
        switch actorType {
        case "user": return actorName ?? "a removed user"
        case "integration": return actorName.map { "integration \($0)" } ?? "a removed integration"
        default: return "Tocsin"
        }
    }

    /// One sentence for the timeline: "Acknowledged by Ana Lima".
    public var body: String {
        let text = { (key: String) in self.payload[key]?.stringValue }
        let by = actorType == "system" ? "" : " by \(authorName)" + (text("via").map { " (\($0))" } ?? "")
        switch kind {
        case .opened:
            let what = text("alert_summary").map { " by the alert \"\($0)\"" } ?? (text("detection_source") == "monitoring" ? "" : " from a report")
            return "Opened\(what)\(actorType == "integration" ? " from \(authorName)" : by) as \(text("severity") ?? "?")"
        case .alertJoined:
            return "Alert \"\(text("alert_summary") ?? "?")\" joined" + (text("reason").map { ": \($0)" } ?? "")
        case .acknowledged:
            return actorType == "user" ? "Acknowledged\(by)" : "Acknowledged: none of its alerts is still triggered" + (actorType == "integration" ? " (\(authorName))" : "")
        case .retriggered:
            return "Triggered again: a new alert \"\(text("alert_summary") ?? "?")\" needs someone"
        case .resolved:
            return actorType == "user" ? "Resolved\(by)" : "Resolved: all of its alerts resolved" + (actorType == "integration" ? " (\(authorName))" : "")
        case .reopened:
            return "Reopened\(by)"
        case .severityChanged:
            return "Severity \(text("from") ?? "?") → \(text("to") ?? "?")\(by)" + (text("reason").map { ": \($0)" } ?? "")
        case .escalationStarted:
            return (text("reason").map { "Escalation started again (\($0))" } ?? "Escalation started") + " with the policy \(text("policy") ?? "?")"
                + (text("urgency") == "low" ? ", low urgency" : "") + (text("held_until").map { "; held until working hours begin (\($0))" } ?? "")
        case .escalated:
            let level = "level \(Int(text("level") ?? "") .map { $0 + 1 } ?? 0)" + (text("round").flatMap(Int.init).map { $0 > 0 ? " (repeat \($0))" : "" } ?? "")
            return "Escalated to \(level): paging \(text("paged") ?? "nobody")" + (text("unreachable").map { "; no verified contact method for \($0)" } ?? "")
        case .escalationStopped:
            return "Escalation stopped: the incident is \(text("status") ?? "no longer triggered")"
        case .escalationRequested:
            return "Escalation to level \(text("level") ?? "?") requested\(by)"
        case .reassigned:
            return "Reassigned to \(text("to") ?? "?")\(by)"
        case .responderAdded:
            return "\(text("user") ?? "?") asked to respond\(by)" + (text("unreachable") == "true" ? ": no verified contact method" : "")
        case .escalationExhausted:
            return "Escalation ran out: every level was paged and nobody acknowledged" + (text("told").map { "; telling the team: \($0)" } ?? "")
        case .notificationQueued:
            switch text("purpose").flatMap(NotificationPurpose.init(rawValue:)) {
            case .taken?: return "\(text("channel") ?? "?") to \(text("user") ?? "?") queued, telling them who took it"
            case .exhausted?: return "\(text("channel") ?? "?") to \(text("user") ?? "?") queued: nobody acknowledged"
            case .request?: return "\(text("channel") ?? "?") to \(text("user") ?? "?") queued, asking them to respond"
            default: break
            }
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") queued" + (text("due_in_minutes").map { $0 == "0" ? "" : ", due in \($0) min" } ?? "")
        case .notificationSent:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") sent" + (text("bundled_with").map { " in one message with \($0)" } ?? "")
        case .notificationDelivered:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") delivered"
        case .notificationUndelivered:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") not delivered: \(text("reason") ?? "?")"
        case .notificationHeld:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") \(text("reason") ?? "held")" + (text("until").map { " (until \($0))" } ?? "")
        case .notificationFailed:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") failed: \(text("reason") ?? "?")"
        case .notificationCancelled:
            return "\(text("channel") ?? "?") to \(text("user") ?? "?") not sent: \(text("reason") ?? "?")"
        default:
            return "\(kind.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst)\(by)"
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
