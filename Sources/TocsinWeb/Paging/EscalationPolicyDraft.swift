import Foundation
import TocsinCore

/// The policy form as the browser sent it back: what was typed and chosen, in order, before it is valid. The
/// form's buttons (add, move, remove a level; remove a target) change the draft and draw it again, saving nothing.
/// Field names are the API's (`levels[1].delay_minutes`), so its field errors land beside their fields.
struct EscalationPolicyDraft {
    struct Level {
        var delay: String
        /// Chosen targets as option values (`schedule:…`, `user:…`, `team:…`, `team_rr:…`), in order.
        var targets: [String]
    }

    static let defaultDelay = "15"

    var name = ""
    var description = ""
    var teamID = ""
    var repeatCount = "0"
    var levels = [Level(delay: defaultDelay, targets: [])]

    init() {}

    init(_ policy: EscalationPolicy) {
        name = policy.name
        description = policy.description
        teamID = policy.teamID.db
        repeatCount = String(policy.repeatCount)
        levels = policy.levels.map { Level(delay: String($0.delayMinutes), targets: $0.targets.map(Self.value(of:))) }
    }

    /// Counts come from the browser: clamped, so no value can draw more levels or targets than a policy may hold
    /// (one more target than allowed is kept, so that the limit is reported rather than the extra one dropped).
    init(form: Form) {
        name = form["name"] ?? ""
        description = form["description"] ?? ""
        teamID = form["team_id"] ?? ""
        repeatCount = form["repeat"] ?? ""
        let count = min(max(Int(form["levels"] ?? "") ?? 1, 0), EscalationPolicy.maximumLevels)
        levels = (0..<count).map { i in
            Level(delay: form["levels[\(i)].delay_minutes"] ?? "",
                  targets: Array(form.all("levels[\(i)].targets").filter { !$0.trimmed.isEmpty }.prefix(EscalationPolicy.maximumTargetsPerLevel + 1)))
        }
    }

    /// Applies one of the form's buttons: `add_level`, `remove_level:2`, `up:2`, `down:2`, `remove_target:2:0`,
    /// `add_target:2` (the chosen target is kept, and a fresh empty choice drawn). Anything else changes nothing.
    mutating func apply(_ action: String) {
        let parts = action.split(separator: ":", omittingEmptySubsequences: false).prefix(4).map(String.init)
        let index = parts.count > 1 ? Int(parts[1]) : nil
        switch (parts.first, index) {
        case ("add_level", _) where levels.count < EscalationPolicy.maximumLevels:
            levels.append(Level(delay: Self.defaultDelay, targets: []))
        case ("remove_level", let i?) where levels.indices.contains(i):
            levels.remove(at: i)
        case ("up", let i?) where levels.indices.contains(i) && i > 0:
            levels.swapAt(i, i - 1)
        case ("down", let i?) where levels.indices.contains(i) && i + 1 < levels.count:
            levels.swapAt(i, i + 1)
        case ("remove_target", let i?) where levels.indices.contains(i):
            if parts.count > 2, let j = Int(parts[2]), levels[i].targets.indices.contains(j) { levels[i].targets.remove(at: j) }
        default:
            break
        }
    }

    /// The plain fields, for `FormView` (targets are drawn from `levels`).
    var view: FormView {
        var values = ["name": name, "description": description, "team_id": teamID, "repeat": repeatCount, "levels": String(levels.count)]
        for (i, level) in levels.enumerated() { values["levels[\(i)].delay_minutes"] = level.delay }
        return FormView(values: values)
    }

    /// The input to save, after every check the API makes (all mistakes at once, under the API's field names).
    func input(changing existing: EscalationPolicy?, now: Date) throws -> EscalationPolicyInput {
        var v = Validator()
        let team = UUID(uuidString: teamID.trimmed)
        if team == nil { v.add("team_id", "choose the team that answers this policy's pages") }
        let repeats = Int(repeatCount.trimmed)
        if repeats == nil { v.add("repeat", "must be a whole number from 0 to \(EscalationPolicy.maximumRepeat)") }
        var parsed: [EscalationLevel] = []
        for (i, level) in levels.enumerated() {
            let delay = Int(level.delay.trimmed)
            if delay == nil { v.add("levels[\(i)].delay_minutes", "must be a whole number of minutes from 1 to 1440") }
            var targets: [EscalationTarget] = []
            for value in level.targets {
                if let target = Self.target(from: value) { targets.append(target) } else {
                    v.add("levels[\(i)].targets", "holds a choice that is not a person, schedule or team")
                }
            }
            // A stand-in delay for one that did not parse: its own error is already recorded.
            parsed.append(EscalationLevel(delayMinutes: delay ?? EscalationPolicy.delayRange.lowerBound, targets: targets))
        }
        let input = EscalationPolicyInput(name: name, description: description, teamID: team ?? UUID(), repeatCount: repeats ?? 0, levels: parsed)
        do {
            if let existing { _ = try input.applied(to: existing, now: now) } else { _ = try input.created(id: UUID(), now: now) }
        } catch DomainError.validation(let fields) {
            v.merge(fields)
        }
        try v.throwIfInvalid()
        return input
    }

    /// The draft as a policy to preview, whatever is still wrong with it (what cannot be read is left out).
    func sketch(of existing: EscalationPolicy?, now: Date) -> EscalationPolicy {
        EscalationPolicy(
            id: existing?.id ?? UUID(), name: name, description: description,
            teamID: UUID(uuidString: teamID.trimmed) ?? existing?.teamID ?? UUID(), repeatCount: Int(repeatCount.trimmed) ?? 0,
            levels: levels.map { EscalationLevel(delayMinutes: Int($0.delay.trimmed) ?? EscalationPolicy.delayRange.lowerBound,
                                                 targets: $0.targets.compactMap(Self.target(from:))) },
            createdAt: existing?.createdAt ?? now, updatedAt: now)
    }

    /// A target as one option value: a team's mode is part of its choice (`team:` every member, `team_rr:` one in turn).
    static func value(of target: EscalationTarget) -> String {
        switch target.kind {
        case .user: return "user:" + target.id.db
        case .schedule: return "schedule:" + target.id.db
        case .team: return (target.teamMode == .roundRobin ? "team_rr:" : "team:") + target.id.db
        }
    }

    static func target(from value: String) -> EscalationTarget? {
        let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = UUID(uuidString: parts[1]) else { return nil }
        switch parts[0] {
        case "user": return EscalationTarget(kind: .user, id: id)
        case "schedule": return EscalationTarget(kind: .schedule, id: id)
        case "team": return EscalationTarget(kind: .team, id: id, teamMode: .all)
        case "team_rr": return EscalationTarget(kind: .team, id: id, teamMode: .roundRobin)
        default: return nil
        }
    }
}
