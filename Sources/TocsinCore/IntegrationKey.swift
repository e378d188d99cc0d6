import Foundation

/// The formats Tocsin accepts alerts in; each integration key speaks one.
public enum IntegrationType: String, Sendable, Codable, CaseIterable {
    case pagerduty, alertmanager, opsgenie, grafana, generic
}

/// A per-service key that monitoring tools send events with. Stored as a hash; the key itself is shown once.
public struct IntegrationKey: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var serviceID: UUID
    public var type: IntegrationType
    public var name: String
    /// The first characters, so people can tell keys apart.
    public var hint: String
    /// Events accepted per minute before 429; nil for the default.
    public var rateLimitPerMinute: Int?
    /// Format-specific settings, e.g. the JSON Pointer mapping of a generic webhook.
    public var settings: JSONValue = .object([:])
    public var createdAt: Date

    public init(id: UUID, serviceID: UUID, type: IntegrationType, name: String, hint: String, rateLimitPerMinute: Int?, createdAt: Date) {
        self.id = id
        self.serviceID = serviceID
        self.type = type
        self.name = name
        self.hint = hint
        self.rateLimitPerMinute = rateLimitPerMinute
        self.createdAt = createdAt
    }

    public static let defaultRateLimitPerMinute = 6000
    public static let keyLength = 32
}

/// The result of ingesting one event.
public struct IngestOutcome: Sendable, Equatable {
    public var decision: AlertDecision
    public var alertID: UUID?
    public var incidentID: UUID?
    /// The event opened `incidentID` (rather than joining one already open).
    public var openedIncident: Bool

    public init(decision: AlertDecision, alertID: UUID?, incidentID: UUID?, openedIncident: Bool = false) {
        self.decision = decision
        self.alertID = alertID
        self.incidentID = incidentID
        self.openedIncident = openedIncident
    }
}

extension IngestRepository {
    public func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, now: Date) async throws -> [IngestOutcome] {
        try await ingest(events, serviceID: serviceID, integrationKeyID: integrationKeyID, reportedBy: nil, now: now)
    }

    public func ingest(_ event: AlertEvent, serviceID: UUID, integrationKeyID: UUID?, reportedBy: UUID? = nil, now: Date) async throws -> IngestOutcome {
        let outcomes = try await ingest([event], serviceID: serviceID, integrationKeyID: integrationKeyID, reportedBy: reportedBy, now: now)
        guard let outcome = outcomes.first else { throw DomainError.conflict("the event was not applied") }
        return outcome
    }
}

public struct AlertFilter: Sendable, Equatable {
    public var serviceID: UUID?
    public var incidentID: UUID?
    public var status: AlertStatus?
    /// true: only muted alerts; false: only alerts that were not muted.
    public var muted: Bool?
    public var muteKind: MuteKind?
    /// Alerts this incident's inhibition muted.
    public var mutedByIncidentID: UUID?
    /// Not resolved.
    public var openOnly: Bool
    /// Only alerts of these severities.
    public var severities: Set<AlertSeverity>?

    public init(serviceID: UUID? = nil, incidentID: UUID? = nil, status: AlertStatus? = nil, muted: Bool? = nil,
                muteKind: MuteKind? = nil, mutedByIncidentID: UUID? = nil, openOnly: Bool = false, severities: Set<AlertSeverity>? = nil) {
        self.severities = severities
        self.serviceID = serviceID
        self.incidentID = incidentID
        self.status = status
        self.muted = muted
        self.muteKind = muteKind
        self.mutedByIncidentID = mutedByIncidentID
        self.openOnly = openOnly
    }
}

public struct IncidentFilter: Sendable, Equatable {
    public var serviceID: UUID?
    public var status: IncidentStatus?
    /// Only incidents not yet resolved, listed worst first (severity, then the oldest).
    public var openOnly: Bool

    public init(serviceID: UUID? = nil, status: IncidentStatus? = nil, openOnly: Bool = false) {
        self.serviceID = serviceID
        self.status = status
        self.openOnly = openOnly
    }
}


/// How a service is doing right now, from its open incidents and muted alerts.
public struct ServiceHealth: Sendable, Equatable {
    public var openIncidents = 0
    /// Open incidents nobody has acknowledged yet.
    public var unacknowledged = 0
    public var worst: IncidentSeverity?
    /// Open alerts that were muted, so paged nobody.
    public var mutedAlerts = 0

    public init() {}
}

/// A deploy or configuration change on a service: context for the incidents that follow it. Never pages anyone.
public struct ChangeRecord: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var serviceID: UUID
    public var summary: String
    public var source: String?
    public var occurredAt: Date
    public var details: JSONValue
    public var links: [AlertLink]
    public var createdAt: Date

    public init(id: UUID, serviceID: UUID, summary: String, source: String?, occurredAt: Date, details: JSONValue,
                links: [AlertLink], createdAt: Date) {
        self.id = id
        self.serviceID = serviceID
        self.summary = summary
        self.source = source
        self.occurredAt = occurredAt
        self.details = details
        self.links = links
        self.createdAt = createdAt
    }
}
