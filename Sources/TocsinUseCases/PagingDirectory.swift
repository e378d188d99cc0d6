import Foundation
import TocsinCore

/// Whom escalation targets reach at one instant, and how each person is reached by their own rules, loaded for many
/// targets at once in a few reads whatever their number: the escalation engine loads one for a round of due steps
/// (hundreds in a storm), the policy editor's preview one for a whole policy. Both resolve a target the same way: a
/// user is that user, a schedule whoever is on call, a team every member or the one whose turn it is.
public struct PagingDirectory: Sendable {
    public let at: Date
    public private(set) var users: [UUID: User] = [:]
    public private(set) var teams: [UUID: Team] = [:]
    public private(set) var schedules: [UUID: OnCallSchedule] = [:]
    /// Who is on call at `at`, by schedule.
    public private(set) var onCall: [UUID: [OnCallEntry]] = [:]
    private var rules: [UUID: [NotificationRule]] = [:]
    private var methods: [UUID: [ContactMethod]] = [:]

    /// People looked up in one read, at most: a round's people are few in practice, but a read's binds are bounded.
    public static let idsPerRead = 1000

    /// Everything `targets` need at `now`, and every member of the teams named, in six reads or so (more only past a
    /// thousand people): schedules and who is on call, teams, then the people with their rules and methods.
    public static func load(targets: [EscalationTarget], teamIDs: [UUID] = [], store: any TocsinStore, at now: Date) async throws -> PagingDirectory {
        var directory = PagingDirectory(at: now)
        let scheduleIDs = targets.filter { $0.kind == .schedule }.map(\.id).uniqued()
        let schedules = scheduleIDs.isEmpty ? [] : try await store.schedules(ids: scheduleIDs)
        directory.schedules = Dictionary(schedules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let onCall = schedules.isEmpty ? [] : try await OnCallQueries(store: store).at(now, schedules)
        directory.onCall = Dictionary(grouping: onCall, by: \.schedule.id)
        let wantedTeams = (targets.filter { $0.kind == .team }.map(\.id) + teamIDs).uniqued()
        let teams = wantedTeams.isEmpty ? [] : try await store.teams(ids: wantedTeams)
        directory.teams = Dictionary(teams.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let people = (targets.filter { $0.kind == .user }.map(\.id) + onCall.map(\.userID) + teams.flatMap(\.memberIDs)).uniqued()
        for start in stride(from: 0, to: people.count, by: idsPerRead) {
            let ids = Array(people[start..<min(people.count, start + idsPerRead)])
            for user in try await store.users(ids: ids) { directory.users[user.id] = user }
            for rule in try await store.notificationRules(userIDs: ids) { directory.rules[rule.userID, default: []].append(rule) }
            for method in try await store.contactMethods(userIDs: ids) { directory.methods[method.userID, default: []].append(method) }
        }
        return directory
    }

    /// Whom `target` pages at `at`, in order: the user, whoever is on call, every member, or the member whose `turn`
    /// it is (round robin). Nobody for a schedule or team that no longer exists.
    public func people(_ target: EscalationTarget, turn: Int) -> [UUID] {
        switch target.kind {
        case .user: return [target.id]
        case .schedule: return (onCall[target.id] ?? []).map(\.userID)
        case .team:
            guard let team = teams[target.id] else { return [] }
            return EscalationStep.members(of: team, mode: target.teamMode ?? .all, turn: turn)
        }
    }

    /// The person's notifications by their own rules for `urgency` (none: they cannot be reached).
    public func plan(_ id: UUID, urgency: Urgency) -> [NotificationDraft] {
        NotificationDraft.plan(for: id, rules: rules[id] ?? [], methods: methods[id] ?? [], urgency: urgency, at: at)
    }

    /// Each person's notifications for `urgency`; who is reached and who cannot be. People who no longer exist are left out.
    public func paging(_ people: [UUID], urgency: Urgency) -> EscalationPaging {
        var paged: [(id: UUID, name: String)] = []
        var unreachable: [String] = []
        var drafts: [NotificationDraft] = []
        for id in people.uniqued() {
            guard let user = users[id] else { continue }
            let planned = plan(id, urgency: urgency)
            if planned.isEmpty { unreachable.append(user.name) } else { paged.append((id, user.name)) }
            drafts += planned
        }
        return EscalationPaging(paged: paged, unreachable: unreachable, drafts: drafts)
    }
}
