/// Account roles, from most to least privileged.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case owner
    case admin
    case responder
    case observer

    private var rank: Int {
        switch self {
        case .owner: return 3
        case .admin: return 2
        case .responder: return 1
        case .observer: return 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    public func allows(_ permission: Permission) -> Bool {
        switch permission {
        case .read: return true
        case .respond: return self >= .responder
        case .manageCatalog, .manageUsers: return self >= .admin
        case .manageOwners: return self == .owner
        }
    }

    public static func parse(_ text: String) -> Role? {
        Role(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }
}

/// What an action needs. Roles grant permissions; nothing else does.
public enum Permission: String, Sendable {
    /// See everything that is not a secret. Observers (stakeholders) stop here.
    case read
    /// Act on incidents: acknowledge, resolve, write updates.
    case respond
    /// Create and change services, teams and their settings.
    case manageCatalog
    /// Create, change and remove accounts below owner.
    case manageUsers
    /// Create owners, change or remove them.
    case manageOwners
}

import Foundation
