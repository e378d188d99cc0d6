import Foundation

/// What an incident's state is made of, as far as transitions decide it.
public struct IncidentState: Sendable, Equatable {
    public var status: IncidentStatus
    public var severity: IncidentSeverity
    public var acknowledgedAt: Date?
    public var acknowledgedBy: UUID?
    public var resolvedAt: Date?
    public var resolvedBy: UUID?
    public var updatedAt: Date

    public init(status: IncidentStatus, severity: IncidentSeverity, acknowledgedAt: Date? = nil, acknowledgedBy: UUID? = nil,
                resolvedAt: Date? = nil, resolvedBy: UUID? = nil, updatedAt: Date) {
        self.status = status
        self.severity = severity
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.updatedAt = updatedAt
    }
}

/// Every change an incident can go through. Ingestion, the API and the pages all ask `IncidentTransitions`;
/// storage only writes what it answers.
public enum IncidentCommand: Sendable, Equatable {
    /// Another alert joins the open incident (by grouping), or a muted alert's repeat lands in it.
    case joinAlert(summary: String, severity: IncidentSeverity, reason: String?)
    /// A repeat of one of its alerts came in worse than before.
    case raiseSeverity(to: IncidentSeverity, reason: String)
    /// A person sets the severity, up or down.
    case setSeverity(IncidentSeverity)
    case acknowledge
    case resolve
    case reopen
    /// Handed to someone else (`to` names them): an acknowledged incident is triggered again, so the new owner's
    /// escalation pages; a resolved one is refused.
    case reassign(to: String)
    /// Its alerts changed: resolved when none is open, acknowledged when none is still triggered.
    case rollUp(openAlerts: Int, triggeredAlerts: Int)
}

/// Why a command was refused; storage words it with names and times.
public enum IncidentRefusal: Error, Equatable, Sendable {
    case alreadyAcknowledged, alreadyResolved, notResolved, closed
}

public enum IncidentTransitions {
    /// A new incident, opened by an alert (`alertSummary`) or a report, and its first event.
    public static func open(title: String, severity: IncidentSeverity, detectionSource: DetectionSource, alertSummary: String?,
                            by actor: Actor, now: Date) -> (IncidentState, [IncidentEventDraft]) {
        var payload: [String: JSONValue] = ["title": .string(title), "severity": .string(severity.rawValue),
                                            "detection_source": .string(detectionSource.rawValue)]
        if let alertSummary { payload["alert_summary"] = .string(alertSummary) }
        return (IncidentState(status: .triggered, severity: severity, updatedAt: now),
                [IncidentEventDraft(kind: .opened, at: now, actor: actor, payload: payload)])
    }

    /// The state after `command`, and the events it produced (none when nothing changed). Throws only refusals.
    public static func apply(_ command: IncidentCommand, to state: IncidentState, by actor: Actor,
                             now: Date) throws(IncidentRefusal) -> (IncidentState, [IncidentEventDraft]) {
        var next = state
        var events: [IncidentEventDraft] = []
        func event(_ kind: IncidentEventKind, _ payload: [String: JSONValue] = [:]) {
            events.append(IncidentEventDraft(kind: kind, at: now, actor: actor, payload: payload))
        }
        func severity(to new: IncidentSeverity, reason: String?) {
            guard new != next.severity else { return }
            var payload: [String: JSONValue] = ["from": .string(next.severity.rawValue), "to": .string(new.rawValue)]
            if let reason { payload["reason"] = .string(reason) }
            next.severity = new
            event(.severityChanged, payload)
        }
        switch command {
        case .joinAlert(let summary, let alertSeverity, let reason):
            guard state.status != .resolved else { throw .closed }
            var payload: [String: JSONValue] = ["alert_summary": .string(summary)]
            if let reason { payload["reason"] = .string(reason) }
            event(.alertJoined, payload)
            if alertSeverity > next.severity { severity(to: alertSeverity, reason: "a worse alert joined") }
            if state.status == .acknowledged {
                next.status = .triggered
                event(.retriggered, ["alert_summary": .string(summary)])
            }
        case .raiseSeverity(let to, let reason):
            guard state.status != .resolved else { throw .closed }
            if to > next.severity { severity(to: to, reason: reason) }
        case .setSeverity(let to):
            severity(to: to, reason: nil)
        case .acknowledge:
            switch state.status {
            case .resolved: throw .alreadyResolved
            case .acknowledged: throw .alreadyAcknowledged
            case .triggered:
                next.status = .acknowledged
                next.acknowledgedAt = now
                next.acknowledgedBy = actor.userID
                event(.acknowledged)
            }
        case .resolve:
            guard state.status != .resolved else { throw .alreadyResolved }
            next.status = .resolved
            next.resolvedAt = now
            next.resolvedBy = actor.userID
            if next.acknowledgedAt == nil {
                // A person who resolves it handled it: it counts as acknowledged then too.
                next.acknowledgedAt = now
                next.acknowledgedBy = actor.userID
            }
            event(.resolved)
        case .reopen:
            guard state.status == .resolved else { throw .notResolved }
            next.status = .triggered
            next.resolvedAt = nil
            next.resolvedBy = nil
            event(.reopened)
        case .reassign(let to):
            guard state.status != .resolved else { throw .alreadyResolved }
            if state.status == .acknowledged {
                next.status = .triggered
                next.acknowledgedAt = nil
                next.acknowledgedBy = nil
            }
            event(.reassigned, ["to": .string(to)])
        case .rollUp(let open, let triggered):
            if open == 0 {
                guard state.status != .resolved else { break }
                next.status = .resolved
                next.resolvedAt = now
                next.resolvedBy = nil
                event(.resolved)
            } else if triggered == 0 && state.status == .triggered {
                next.status = .acknowledged
                next.acknowledgedAt = state.acknowledgedAt ?? now
                event(.acknowledged)
            }
        }
        if !events.isEmpty { next.updatedAt = now }
        return (next, events)
    }
}

extension Actor {
    var userID: UUID? {
        if case .user(let id) = self { return id }
        return nil
    }
}
