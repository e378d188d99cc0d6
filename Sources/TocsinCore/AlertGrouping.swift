import Foundation

/// How a service's alerts become incidents, chosen by its owners.
public enum AlertGrouping: Sendable, Equatable {
    /// Every new alert opens its own incident.
    case perAlert
    /// A new alert joins the service's open incident if that incident began within the window.
    case timeWindow(minutes: Int)
    /// A new alert joins the open incident whose alerts share these label values.
    case sharedLabels([String])

    public static let maximumWindowMinutes = 24 * 60
    public static let maximumLabels = 10

    public var mode: String {
        switch self {
        case .perAlert: return "per_alert"
        case .timeWindow: return "time_window"
        case .sharedLabels: return "labels"
        }
    }

    /// Reads the stored or submitted form, naming every bad field.
    public static func parse(mode: String, windowMinutes: Int?, labels: [String]?) throws -> AlertGrouping {
        var v = Validator()
        var grouping = AlertGrouping.perAlert
        switch mode {
        case "per_alert":
            break
        case "time_window":
            let minutes = windowMinutes ?? 0
            v.check((1...maximumWindowMinutes).contains(minutes), "alert_grouping.window_minutes", "must be from 1 to \(maximumWindowMinutes)")
            grouping = .timeWindow(minutes: minutes)
        case "labels":
            let names = (labels ?? []).map(\.trimmed).filter { !$0.isEmpty }.uniqued()
            v.check(!names.isEmpty, "alert_grouping.labels", "must name at least one label")
            v.check(names.count <= maximumLabels, "alert_grouping.labels", "must name at most \(maximumLabels) labels")
            grouping = .sharedLabels(names)
        default:
            v.add("alert_grouping.mode", "must be per_alert, time_window or labels")
        }
        try v.throwIfInvalid()
        return grouping
    }

    /// The value alerts must share to join one incident under label grouping; nil when the event lacks every chosen label.
    public func groupKey(for event: AlertEvent) -> String? {
        guard case .sharedLabels(let names) = self else { return nil }
        let parts = names.compactMap { name in event.labels[name].map { "\(name)=\($0)" } }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

/// An open incident of the service, as grouping sees it.
public struct OpenIncident: Sendable, Equatable {
    public var id: UUID
    public var number: Int
    public var createdAt: Date
    public var groupKey: String?

    public init(id: UUID, number: Int, createdAt: Date, groupKey: String?) {
        self.id = id
        self.number = number
        self.createdAt = createdAt
        self.groupKey = groupKey
    }
}

/// Where a new alert goes, and why; the reason is kept on the alert for people to read.
public enum GroupingDecision: Sendable, Equatable {
    case join(UUID, reason: String)
    case open(groupKey: String?, reason: String)

    /// `open` is the service's unresolved incidents, newest first.
    public static func decide(_ grouping: AlertGrouping, event: AlertEvent, open: [OpenIncident], now: Date) -> GroupingDecision {
        switch grouping {
        case .perAlert:
            return .open(groupKey: nil, reason: "the service opens one incident per alert")
        case .timeWindow(let minutes):
            let cutoff = now.addingTimeInterval(-Double(minutes) * 60)
            if let recent = open.first(where: { $0.createdAt >= cutoff }) {
                return .join(recent.id, reason: "arrived within \(minutes) minutes of incident #\(recent.number) opening")
            }
            return .open(groupKey: nil, reason: "no incident of the service opened in the last \(minutes) minutes")
        case .sharedLabels:
            guard let key = grouping.groupKey(for: event) else {
                return .open(groupKey: nil, reason: "the alert has none of the grouping labels")
            }
            if let match = open.first(where: { $0.groupKey == key }) {
                return .join(match.id, reason: "shares \(key) with incident #\(match.number)")
            }
            return .open(groupKey: key, reason: "first open alert with \(key)")
        }
    }
}
