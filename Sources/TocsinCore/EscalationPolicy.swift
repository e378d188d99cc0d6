import Foundation

/// Who one level of an escalation policy pages.
public struct EscalationTarget: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// One person, through their own notification rules.
        case user
        /// Whoever is on call in the schedule at the moment the level fires.
        case schedule
        /// Members of a team: all of them, or one per incident in turn (`TeamMode`).
        case team
    }

    /// How a team target picks people.
    public enum TeamMode: String, Sendable, CaseIterable {
        case all
        /// One member per incident, each incident the next member in the team's order.
        case roundRobin = "round_robin"
    }

    public var kind: Kind
    public var id: UUID
    /// Only for team targets; nil for the others.
    public var teamMode: TeamMode?

    public init(kind: Kind, id: UUID, teamMode: TeamMode? = nil) {
        self.kind = kind
        self.id = id
        self.teamMode = kind == .team ? (teamMode ?? .all) : nil
    }
}

/// One step of a policy: page its targets, then wait `delayMinutes` for an acknowledgement before the next level.
public struct EscalationLevel: Sendable, Equatable {
    public var delayMinutes: Int
    public var targets: [EscalationTarget]

    public init(delayMinutes: Int, targets: [EscalationTarget]) {
        self.delayMinutes = delayMinutes
        self.targets = targets
    }
}

/// Who is paged, in what order, when an incident on a service that uses this policy opens and nobody
/// acknowledges. After the last level the policy starts again from the first, `repeatCount` more times.
public struct EscalationPolicy: Sendable, Equatable, Identifiable {
    public static let maximumLevels = 20
    public static let maximumTargetsPerLevel = 20
    public static let maximumRepeat = 9
    public static let delayRange = 1...1440

    public var id: UUID
    public var name: String
    public var description: String
    public var teamID: UUID
    public var repeatCount: Int
    public var levels: [EscalationLevel]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, description: String = "", teamID: UUID, repeatCount: Int, levels: [EscalationLevel],
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.teamID = teamID
        self.repeatCount = repeatCount
        self.levels = levels
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Every user, schedule and team the levels name, each once.
    public var targets: [EscalationTarget] {
        var seen = Set<String>()
        return levels.flatMap(\.targets).filter { seen.insert("\($0.kind.rawValue):\($0.id)").inserted }
    }

    /// Minutes from the start of escalation to the moment each level fires, through every repeat: what the policy
    /// page previews and what the engine schedules. Level `i` of round `r` fires after all earlier levels' delays.
    public var timeline: [(round: Int, level: Int, minutesAfterStart: Int)] {
        var out: [(Int, Int, Int)] = []
        var minutes = 0
        for round in 0...repeatCount {
            for (index, level) in levels.enumerated() {
                out.append((round, index, minutes))
                minutes += level.delayMinutes
            }
        }
        return out
    }
}

/// Input for creating or changing a policy; nil fields stay as they are on change.
public struct EscalationPolicyInput: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var teamID: UUID?
    public var repeatCount: Int?
    public var levels: [EscalationLevel]?

    public init(name: String? = nil, description: String? = nil, teamID: UUID? = nil, repeatCount: Int? = nil, levels: [EscalationLevel]? = nil) {
        self.name = name
        self.description = description
        self.teamID = teamID
        self.repeatCount = repeatCount
        self.levels = levels
    }

    /// Checks the fields that need no database (the store checks that every named record exists).
    public func applied(to policy: EscalationPolicy, now: Date) throws -> EscalationPolicy {
        var v = Validator()
        var p = policy
        if let name {
            p.name = name.trimmed
            v.check(!p.name.isEmpty, "name", "must not be blank")
            v.check(p.name.count <= 200, "name", "must be at most 200 characters")
            v.checkPrintable(p.name, "name")
        }
        if let description {
            p.description = description.trimmed
            v.check(p.description.count <= 10_000, "description", "must be at most 10000 characters")
            v.checkPrintable(p.description, "description", multiline: true)
        }
        if let teamID { p.teamID = teamID }
        if let repeatCount {
            p.repeatCount = repeatCount
            v.check((0...EscalationPolicy.maximumRepeat).contains(repeatCount), "repeat",
                    "must be a whole number from 0 to \(EscalationPolicy.maximumRepeat) (how many more times the levels run after the first)")
        }
        if let levels {
            p.levels = levels
            v.check(!levels.isEmpty, "levels", "must have at least one level")
            v.check(levels.count <= EscalationPolicy.maximumLevels, "levels", "must have at most \(EscalationPolicy.maximumLevels) levels")
            for (index, level) in levels.prefix(EscalationPolicy.maximumLevels).enumerated() {
                v.check(EscalationPolicy.delayRange.contains(level.delayMinutes), "levels[\(index)].delay_minutes",
                        "must be a whole number of minutes from 1 to 1440")
                v.check(!level.targets.isEmpty, "levels[\(index)].targets", "must name at least one user, schedule or team")
                v.check(level.targets.count <= EscalationPolicy.maximumTargetsPerLevel, "levels[\(index)].targets",
                        "must have at most \(EscalationPolicy.maximumTargetsPerLevel) targets")
                v.check(Set(level.targets.map { "\($0.kind.rawValue):\($0.id)" }).count == level.targets.count, "levels[\(index)].targets",
                        "names the same target twice")
            }
        }
        try v.throwIfInvalid()
        p.updatedAt = now
        return p
    }

    public func created(id: UUID, now: Date) throws -> EscalationPolicy {
        var missing = Validator()
        missing.check(teamID != nil, "team_id", "is required: a policy belongs to the team that answers its pages")
        let blank = EscalationPolicy(id: id, name: "", teamID: teamID ?? id, repeatCount: 0, levels: [], createdAt: now, updatedAt: now)
        var input = self
        input.name = name ?? ""
        input.levels = levels ?? []
        input.repeatCount = repeatCount ?? 0
        do {
            let policy = try input.applied(to: blank, now: now)
            try missing.throwIfInvalid()
            return policy
        } catch DomainError.validation(let errors) {
            // Every problem at once: the missing team beside whatever else is wrong.
            missing.merge(errors)
            try missing.throwIfInvalid()
            throw DomainError.validation(errors)
        }
    }
}
