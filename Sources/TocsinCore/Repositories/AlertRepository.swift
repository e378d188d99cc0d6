import Foundation

/// Reading alerts, and how each service is doing.
public protocol AlertRepository: Sendable {
    func alerts(_ filter: AlertFilter, page: PageRequest) async throws -> Page<Alert>
    func alert(id: UUID) async throws -> Alert?
    /// Open incidents and open muted alerts of each service, for status at a glance (services with none are absent).
    func serviceHealth(serviceIDs: [UUID]) async throws -> [UUID: ServiceHealth]
    /// How many alerts this incident's inhibition muted, per service and severity (a few rows, however many alerts).
    func mutedSummary(byIncidentID id: UUID) async throws -> [MutedCount]
}

public struct MutedCount: Sendable, Equatable {
    public var serviceID: UUID
    public var severity: AlertSeverity
    public var count: Int

    public init(serviceID: UUID, severity: AlertSeverity, count: Int) {
        self.serviceID = serviceID
        self.severity = severity
        self.count = count
    }
}
