import Foundation

/// Teams and their members.
public protocol TeamRepository: Sendable {
    func createTeam(_ team: Team) async throws
    func team(id: UUID) async throws -> Team?
    func teams(query: String?, page: PageRequest) async throws -> Page<Team>
    func teams(ids: [UUID]) async throws -> [Team]
    func teams(memberID: UUID) async throws -> [Team]
    func updateTeam(_ team: Team) async throws
    func deleteTeam(id: UUID) async throws
}
