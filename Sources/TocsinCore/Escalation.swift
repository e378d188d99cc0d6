import Foundation

/// An incident's escalation: the policy as it stood when escalation started (editing the policy later does not
/// change pages already under way), the next step to fire and when. Steps run through the levels, then through
/// them again for each repeat.
public struct Escalation: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Waiting for `dueAt` to fire `step`.
        case active
        /// Someone acknowledged, or the incident was resolved: no more steps.
        case stopped
        /// Every step fired and nobody acknowledged.
        case exhausted
    }

    public var incidentID: UUID
    public var policy: EscalationPolicy
    /// The next step to fire, from 0 to `stepCount - 1`.
    public var step: Int
    public var dueAt: Date?
    public var state: State
    /// This incident's turn for round-robin team targets: the policy's count of escalations started before it.
    public var turn: Int
    public var startedAt: Date
    /// Which of each person's notification rules page it (the service's urgency rule decided when it started).
    public var urgency: Urgency

    public init(incidentID: UUID, policy: EscalationPolicy, step: Int = 0, dueAt: Date?, state: State = .active, turn: Int, startedAt: Date,
                urgency: Urgency = .high) {
        self.urgency = urgency
        self.incidentID = incidentID
        self.policy = policy
        self.step = step
        self.dueAt = dueAt
        self.state = state
        self.turn = turn
        self.startedAt = startedAt
    }

    /// Levels × (repeats + 1); both are bounded when a policy is saved, and the product is checked anyway.
    public var stepCount: Int {
        let (product, overflow) = policy.levels.count.multipliedReportingOverflow(by: max(0, policy.repeatCount) &+ 1)
        return overflow || product < 0 ? 0 : product
    }

    /// The level a step pages, with its place (`round` 0 is the first pass).
    public func level(at step: Int) -> (round: Int, index: Int, level: EscalationLevel)? {
        guard !policy.levels.isEmpty, step >= 0, step < stepCount else { return nil }
        let index = step % policy.levels.count
        return (step / policy.levels.count, index, policy.levels[index])
    }
}

/// What firing one step decides, before anyone is looked up: the level to page (nil when the last level's wait ran
/// out: the escalation is exhausted), and what the escalation becomes.
public struct EscalationStep: Sendable, Equatable {
    public struct Page: Sendable, Equatable {
        public var round: Int
        public var levelIndex: Int
        public var level: EscalationLevel
    }

    /// How far a due time may pass `now` and still count as due.
    public static let slack: TimeInterval = 0.001

    public var escalation: Escalation
    public var page: Page?
    /// The escalation after this step: the next step due after the level's delay, or exhausted.
    public var next: Escalation

    /// Fires the due step at `now`; nil when nothing is due. After the last level is paged, the escalation waits
    /// that level's delay once more; if it is still active then, it is exhausted.
    public static func firing(_ escalation: Escalation, at now: Date) -> EscalationStep? {
        // A millisecond of slack: a time read back from storage can come back a rounding step later than the one
        // written (seconds since 1970 there, since 2001 in `Date`), and a step due "now" must fire in this pass.
        guard escalation.state == .active, let due = escalation.dueAt, due <= now.addingTimeInterval(Self.slack) else { return nil }
        var next = escalation
        guard let (round, index, level) = escalation.level(at: escalation.step) else {
            next.dueAt = nil
            next.state = .exhausted
            return EscalationStep(escalation: escalation, page: nil, next: next)
        }
        next.step += 1
        // The level gets its whole delay from when it was actually paged, even if this pass ran late.
        next.dueAt = now.addingTimeInterval(TimeInterval(level.delayMinutes) * 60)
        return EscalationStep(escalation: escalation, page: Page(round: round, levelIndex: index, level: level), next: next)
    }

    /// The people a team target pages: every member, or one member per incident in turn.
    public static func members(of team: Team, mode: EscalationTarget.TeamMode, turn: Int) -> [UUID] {
        guard !team.memberIDs.isEmpty else { return [] }
        switch mode {
        case .all: return team.memberIDs
        case .roundRobin: return [team.memberIDs[((turn % team.memberIDs.count) + team.memberIDs.count) % team.memberIDs.count]]
        }
    }
}

/// One message to send: a page to one contact method of one person, due after their rule's delay.
public struct NotificationDraft: Sendable, Equatable {
    public var userID: UUID
    public var contactMethod: ContactMethod
    public var dueAt: Date
    /// The rule's delay, kept to tell two rules for the same method apart.
    public var delayMinutes: Int

    public init(userID: UUID, contactMethod: ContactMethod, dueAt: Date, delayMinutes: Int) {
        self.userID = userID
        self.contactMethod = contactMethod
        self.dueAt = dueAt
        self.delayMinutes = delayMinutes
    }

    /// A person's pages for one incident of `urgency` paged at `now`: one per rule of that urgency on a verified
    /// method (for low urgency without low rules, the high ones). A person with no rule at all is reached at once on
    /// every verified method (nobody is left unpaged because they never set rules up).
    public static func plan(for userID: UUID, rules: [NotificationRule], methods: [ContactMethod], urgency: Urgency,
                            at now: Date) -> [NotificationDraft] {
        let verified = Dictionary(methods.filter { $0.userID == userID && $0.isVerified }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var applicable = rules.filter { $0.userID == userID && $0.urgency == urgency && verified[$0.contactMethodID] != nil }
        if applicable.isEmpty && urgency == .low {
            // No low-urgency rules: the high-urgency ones, delays and all, rather than every method at once.
            applicable = rules.filter { $0.userID == userID && $0.urgency == .high && verified[$0.contactMethodID] != nil }
        }
        if applicable.isEmpty {
            return methods.filter { $0.userID == userID && $0.isVerified }.map {
                NotificationDraft(userID: userID, contactMethod: $0, dueAt: now, delayMinutes: 0)
            }
        }
        return applicable.sorted { ($0.delayMinutes, $0.createdAt) < ($1.delayMinutes, $1.createdAt) }.compactMap { rule in
            verified[rule.contactMethodID].map {
                NotificationDraft(userID: userID, contactMethod: $0, dueAt: now.addingTimeInterval(TimeInterval(rule.delayMinutes) * 60),
                                  delayMinutes: rule.delayMinutes)
            }
        }
    }
}
