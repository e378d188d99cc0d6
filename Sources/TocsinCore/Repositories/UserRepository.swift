import Foundation

/// People.
public protocol UserRepository: Sendable {
    func countUsers() async throws -> Int
    func createUser(_ user: User) async throws
    func user(id: UUID) async throws -> User?
    func user(email: String) async throws -> User?
    func users(_ filter: UserFilter, page: PageRequest) async throws -> Page<User>
    func users(ids: [UUID]) async throws -> [User]
    /// Reads the user, applies `change` and saves, all in one transaction, so concurrent edits cannot
    /// undo each other; refuses to leave the installation without an owner.
    func updateUser(id: UUID, _ change: @Sendable (User) throws -> User) async throws -> User
    /// Refuses to remove the last owner.
    func deleteUser(id: UUID) async throws
}
