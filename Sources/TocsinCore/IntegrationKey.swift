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

extension AlertRepository {
    public func ingest(_ event: AlertEvent, serviceID: UUID, integrationKeyID: UUID?, now: Date) async throws -> IngestOutcome {
        try await ingest([event], serviceID: serviceID, integrationKeyID: integrationKeyID, now: now)[0]
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

    public init(serviceID: UUID? = nil, incidentID: UUID? = nil, status: AlertStatus? = nil, muted: Bool? = nil,
                muteKind: MuteKind? = nil, mutedByIncidentID: UUID? = nil, openOnly: Bool = false) {
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

public protocol AlertRepository: Sendable {
    func createIntegrationKey(_ key: IntegrationKey, secretHash: String) async throws
    func integrationKey(secretHash: String) async throws -> IntegrationKey?
    func integrationKeys(serviceID: UUID) async throws -> [IntegrationKey]
    func deleteIntegrationKey(id: UUID, serviceID: UUID) async throws

    /// Applies events in order in one transaction (all or none): dedup, each alert's state, its incident.
    func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, now: Date) async throws -> [IngestOutcome]

    func eventRules(serviceID: UUID) async throws -> [EventRule]
    /// Replaces the service's rules, in order.
    func replaceEventRules(_ rules: [EventRule], serviceID: UUID, now: Date) async throws
    /// Reads the rules, applies `change` and saves the result, in one transaction: edits do not undo each other.
    func updateEventRules(serviceID: UUID, now: Date, _ change: @Sendable ([EventRule]) throws -> [EventRule]) async throws -> [EventRule]

    func createSilence(_ silence: Silence) async throws
    func silences(activeAt: Date?) async throws -> [Silence]
    func silence(id: UUID) async throws -> Silence?
    /// Ends a silence now (it stays on record).
    func expireSilence(id: UUID, now: Date) async throws -> Silence
    func createMaintenanceWindow(_ window: MaintenanceWindow) async throws
    func maintenanceWindows(serviceID: UUID) async throws -> [MaintenanceWindow]
    func deleteMaintenanceWindow(id: UUID, serviceID: UUID) async throws

    /// What the noise report needs of each alert first seen in the period (at most `limit`).
    func alertFacts(serviceID: UUID?, from: Date, to: Date, limit: Int) async throws -> [NoiseReport.AlertFact]

    func recordChange(_ change: ChangeRecord, integrationKeyID: UUID?) async throws
    func changes(serviceIDs: [UUID], from: Date, to: Date) async throws -> [ChangeRecord]

    func alerts(_ filter: AlertFilter, page: PageRequest) async throws -> Page<Alert>
    func incidents(_ filter: IncidentFilter, page: PageRequest) async throws -> Page<Incident>
    func incident(id: UUID) async throws -> Incident?
    func incidents(ids: [UUID]) async throws -> [Incident]
    /// Open incidents and open muted alerts of each service, for status at a glance (services with none are absent).
    func serviceHealth(serviceIDs: [UUID]) async throws -> [UUID: ServiceHealth]
    /// Acknowledges or resolves an incident and every open alert in it, recording who (`by`, nil for Tocsin itself).
    /// Refuses with a conflict naming who did it first when it is already in that state.
    func setIncidentStatus(id: UUID, to status: IncidentStatus, by actor: UUID?, now: Date) async throws -> Incident
    func alert(id: UUID) async throws -> Alert?
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
