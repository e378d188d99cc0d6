import Foundation

/// Taking events in: alerts, their incidents, and change records.
public protocol IngestRepository: Sendable {
    /// Applies events in order in one transaction (all or none): dedup, each alert's state, its incident.
    /// `reportedBy`: the person who filed them (a problem report), the author of what they do to incidents.
    func ingest(_ events: [AlertEvent], serviceID: UUID, integrationKeyID: UUID?, reportedBy: UUID?, now: Date) async throws -> [IngestOutcome]

    func recordChange(_ change: ChangeRecord, integrationKeyID: UUID?) async throws
    func changes(serviceIDs: [UUID], from: Date, to: Date) async throws -> [ChangeRecord]
}
