import Foundation
import Testing
import TocsinCore

@Suite("Escalation policy rules")
struct EscalationPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let team = UUID()
    let ann = UUID()

    func level(_ delay: Int, _ targets: [EscalationTarget]) -> EscalationLevel { EscalationLevel(delayMinutes: delay, targets: targets) }

    @Test("a policy is created with trimmed text, no repeat unless asked, and team targets paging everyone by default")
    func created() throws {
        let policy = try EscalationPolicyInput(name: "  Payments primary ", teamID: team,
                                               levels: [level(5, [EscalationTarget(kind: .user, id: ann)]), level(10, [EscalationTarget(kind: .team, id: team)])])
            .created(id: UUID(), now: now)
        #expect(policy.name == "Payments primary")
        #expect(policy.repeatCount == 0)
        #expect(policy.levels[1].targets[0].teamMode == .all)
        #expect(policy.levels[0].targets[0].teamMode == nil, "only team targets have a mode")
    }

    @Test("every mistake is reported at once, each with its place")
    func everyMistake() throws {
        let sameTwice = EscalationTarget(kind: .user, id: ann)
        let input = EscalationPolicyInput(name: " ", repeatCount: 10, levels: [level(0, []), level(1441, [sameTwice, sameTwice])])
        #expect(throws: DomainError.validation([
            FieldError("team_id", "is required: a policy belongs to the team that answers its pages"),
            FieldError("name", "must not be blank"),
            FieldError("repeat", "must be a whole number from 0 to 9 (how many more times the levels run after the first)"),
            FieldError("levels[0].delay_minutes", "must be a whole number of minutes from 1 to 1440"),
            FieldError("levels[0].targets", "must name at least one user, schedule or team"),
            FieldError("levels[1].delay_minutes", "must be a whole number of minutes from 1 to 1440"),
            FieldError("levels[1].targets", "names the same target twice"),
        ])) { try input.created(id: UUID(), now: now) }
        #expect(throws: DomainError.validation([FieldError("levels", "must have at least one level")])) {
            try EscalationPolicyInput(name: "P", teamID: team, levels: []).created(id: UUID(), now: now)
        }
    }

    @Test("limits: 20 levels of 20 targets; the 21st of either is refused")
    func limits() throws {
        let targets = (0..<20).map { _ in EscalationTarget(kind: .user, id: UUID()) }
        let full = Array(repeating: level(1, targets), count: 20)
        #expect(try EscalationPolicyInput(name: "P", teamID: team, levels: full).created(id: UUID(), now: now).levels.count == 20)
        #expect(throws: DomainError.validation([FieldError("levels", "must have at most 20 levels")])) {
            try EscalationPolicyInput(name: "P", teamID: team, levels: full + [level(1, targets)]).created(id: UUID(), now: now)
        }
        #expect(throws: DomainError.validation([FieldError("levels[0].targets", "must have at most 20 targets")])) {
            try EscalationPolicyInput(name: "P", teamID: team, levels: [level(1, targets + [EscalationTarget(kind: .schedule, id: UUID())])])
                .created(id: UUID(), now: now)
        }
    }

    @Test("the timeline runs every level, then the whole policy again for each repeat")
    func timeline() throws {
        let policy = try EscalationPolicyInput(name: "P", teamID: team, repeatCount: 1,
                                               levels: [level(5, [EscalationTarget(kind: .user, id: ann)]), level(10, [EscalationTarget(kind: .schedule, id: UUID())])])
            .created(id: UUID(), now: now)
        #expect(policy.timeline.map { [$0.round, $0.level, $0.minutesAfterStart] } == [[0, 0, 0], [0, 1, 5], [1, 0, 15], [1, 1, 20]])
        #expect(policy.targets.count == 2)
    }

    @Test("a change keeps what it does not name")
    func change() throws {
        let policy = try EscalationPolicyInput(name: "P", teamID: team, levels: [level(5, [EscalationTarget(kind: .user, id: ann)])])
            .created(id: UUID(), now: now)
        let later = now.addingTimeInterval(60)
        let changed = try EscalationPolicyInput(repeatCount: 3).applied(to: policy, now: later)
        #expect(changed.repeatCount == 3)
        #expect(changed.levels == policy.levels)
        #expect(changed.updatedAt == later)
        #expect(changed.createdAt == now)
    }
}

@Suite("Due times read back from storage")
struct DueTimeRoundTripTests {
    @Test("a step due now fires now even when its time comes back from storage a rounding step later")
    func roundTrip() throws {
        // Storage keeps seconds since 1970; `Date` keeps seconds since 2001: the round trip can add an ulp.
        var found: (now: Date, back: Date)?
        for i in 0..<100_000 {
            let now = Date(timeIntervalSinceReferenceDate: 817_000_000 + Double(i) * 0.000_123_7)
            let back = Date(timeIntervalSince1970: now.timeIntervalSince1970)
            if back > now { found = (now, back); break }
        }
        let (now, back) = try #require(found, "no time found whose round trip lands later; the test would prove nothing")
        let policy = EscalationPolicy(id: UUID(), name: "P", teamID: UUID(), repeatCount: 0,
                                      levels: [EscalationLevel(delayMinutes: 5, targets: [EscalationTarget(kind: .user, id: UUID())])],
                                      createdAt: now, updatedAt: now)
        let escalation = Escalation(incidentID: UUID(), policy: policy, dueAt: back, turn: 0, startedAt: back)
        #expect(EscalationStep.firing(escalation, at: now)?.page != nil)
        #expect(EscalationStep.firing(escalation, at: now.addingTimeInterval(-0.01)) == nil, "a step due later still waits")
    }
}
