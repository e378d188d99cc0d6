import Foundation
import TocsinCore

/// "If an incident opened now": whom each level of a policy would page, resolved the way the escalation engine
/// resolves a level when it fires (a schedule to whoever is on call, a team to its members or the one whose turn
/// is next), when each level fires, and how each person would be reached by their own rules, at high and at low
/// urgency — or that they could not be.
public struct EscalationPreview: Sendable {
    /// One person a target reaches, with the pages their rules would queue for a high-urgency incident (none:
    /// unreachable), and for a low-urgency one.
    public struct Person: Sendable, Equatable {
        public var user: User
        public var pages: [NotificationDraft]
        public var lowUrgencyPages: [NotificationDraft]
        public var isReachable: Bool { !pages.isEmpty }
    }

    public struct Target: Sendable {
        public var target: EscalationTarget
        /// The user's, schedule's or team's name; nil when it no longer exists.
        public var name: String?
        /// Who this target pages now: the user, whoever is on call, every member, or the member whose turn is next.
        public var paged: [Person]
        /// A round-robin team's members in turn order (the next one is `paged`); empty for other targets.
        public var rotation: [Person]
        /// For a schedule: when each person on call now goes off call.
        public var onCallUntil: [UUID: Date]
    }

    public struct Level: Sendable {
        public var index: Int
        public var delayMinutes: Int
        /// Minutes from the start of escalation at which this level fires, in every pass through the policy.
        public var firesAt: [Int]
        public var targets: [Target]

        /// Everyone the level pages, each once, in target order.
        public var people: [Person] {
            var seen = Set<UUID>()
            return targets.flatMap(\.paged).filter { seen.insert($0.user.id).inserted }
        }
    }

    public var levels: [Level]
    /// The minute at which, nobody having acknowledged, the policy runs out and its team is told.
    public var runsOutAt: Int
    public var at: Date

    /// Everyone a level would page now who has no verified way to be reached, each once.
    public var unreachable: [User] {
        var seen = Set<UUID>()
        return levels.flatMap(\.people).filter { !$0.isReachable && seen.insert($0.user.id).inserted }.map(\.user)
    }

    /// Levels that would reach nobody at all right now (nobody on call, nobody reachable), by index.
    public var silentLevels: [Int] {
        levels.filter { !$0.people.contains(where: \.isReachable) }.map(\.index)
    }

    /// Resolves `policy` at `now`. `turn` is the round-robin turn of the next escalation (`nextEscalationTurn`). A
    /// draft not yet validated is previewed within the limits a saved policy keeps (its delays and repeats clamped).
    public static func make(_ draft: EscalationPolicy, turn: Int, store: any TocsinStore, now: Date) async throws -> EscalationPreview {
        var policy = draft
        policy.repeatCount = min(max(policy.repeatCount, 0), EscalationPolicy.maximumRepeat)
        policy.levels = policy.levels.prefix(EscalationPolicy.maximumLevels).map { level in
            EscalationLevel(delayMinutes: min(max(level.delayMinutes, EscalationPolicy.delayRange.lowerBound), EscalationPolicy.delayRange.upperBound),
                            targets: Array(level.targets.prefix(EscalationPolicy.maximumTargetsPerLevel)))
        }
        // Read the way the engine reads a round of due steps.
        let directory = try await PagingDirectory.load(targets: policy.targets, store: store, at: now)
        func people(_ ids: [UUID]) -> [Person] {
            ids.uniqued().compactMap { id in directory.users[id].map { Person(user: $0, pages: directory.plan(id, urgency: .high), lowUrgencyPages: directory.plan(id, urgency: .low)) } }
        }
        let timeline = policy.timeline
        let levels = policy.levels.enumerated().map { index, level in
            Level(index: index, delayMinutes: level.delayMinutes,
                  firesAt: timeline.filter { $0.level == index }.map(\.minutesAfterStart),
                  targets: level.targets.map { target in
                      let paged = people(directory.people(target, turn: turn))
                      switch target.kind {
                      case .user:
                          return Target(target: target, name: directory.users[target.id]?.name, paged: paged, rotation: [], onCallUntil: [:])
                      case .schedule:
                          let now = directory.onCall[target.id] ?? []
                          return Target(target: target, name: directory.schedules[target.id]?.name, paged: paged, rotation: [],
                                        onCallUntil: Dictionary(now.map { ($0.userID, $0.end) }, uniquingKeysWith: { a, b in max(a, b) }))
                      case .team:
                          let team = directory.teams[target.id]
                          return Target(target: target, name: team?.name, paged: paged,
                                        rotation: target.teamMode == .roundRobin ? people(team?.memberIDs ?? []) : [], onCallUntil: [:])
                      }
                  })
        }
        // At most 20 levels of 1440 minutes, 10 passes: no overflow.
        let runsOut = policy.levels.map(\.delayMinutes).reduce(0, +) * (policy.repeatCount + 1)
        return EscalationPreview(levels: levels, runsOutAt: runsOut, at: now)
    }
}
