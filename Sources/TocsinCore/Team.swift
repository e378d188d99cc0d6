import Foundation

public struct Team: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var description: String
    public var memberIDs: [UUID]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, description: String, memberIDs: [UUID], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.memberIDs = memberIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Input for creating a team or changing one; nil fields stay as they are on change.
public struct TeamInput: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var memberIDs: [UUID]?

    public init(name: String? = nil, description: String? = nil, memberIDs: [UUID]? = nil) {
        self.name = name
        self.description = description
        self.memberIDs = memberIDs
    }

    public func applied(to team: Team, now: Date) throws -> Team {
        var v = Validator()
        var t = team
        if let name {
            t.name = name.trimmed
            v.check(!t.name.isEmpty, "name", "must not be blank")
            v.check(t.name.count <= 200, "name", "must be at most 200 characters")
            v.checkPrintable(t.name, "name")
        }
        if let description {
            t.description = description.trimmed
            v.check(t.description.count <= 10_000, "description", "must be at most 10000 characters")
            v.checkPrintable(t.description, "description", multiline: true)
        }
        if let memberIDs { t.memberIDs = memberIDs.uniqued() }
        try v.throwIfInvalid()
        t.updatedAt = now
        return t
    }

    public func created(id: UUID, now: Date) throws -> Team {
        let blank = Team(id: id, name: "", description: "", memberIDs: [], createdAt: now, updatedAt: now)
        var input = self
        input.name = name ?? ""
        return try input.applied(to: blank, now: now)
    }
}

extension Array where Element: Hashable {
    /// The elements in their first order, without repeats.
    public func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
