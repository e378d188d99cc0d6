import Foundation

/// Everything the web layer needs from storage.
public protocol TocsinStore: UserRepository, TeamRepository, ServiceRepository, CredentialRepository, IntegrationKeyRepository,
    IngestRepository, NoiseControlRepository, AlertRepository, IncidentRepository, IncidentTimelineRepository, ScheduleRepository,
    EscalationPolicyRepository, ContactRepository, EscalationRepository {
    /// Whether the database answers.
    func ping() async throws
}
