import Foundation

/// Event rules, silences, maintenance windows, and the facts the noise report counts.
public protocol NoiseControlRepository: Sendable {
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
}
