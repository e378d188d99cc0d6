import Foundation
import TocsinCore

/// `{"type": "user" | "schedule" | "team", "id", "mode": "all" | "round_robin"}` (mode only for teams).
struct EscalationTargetJSON: Codable {
    var type: String
    var id: String
    var mode: String?

    init(_ target: EscalationTarget) {
        (type, id, mode) = (target.kind.rawValue, target.id.db, target.teamMode?.rawValue)
    }
}

struct EscalationLevelJSON: Codable {
    var delayMinutes: Int
    var targets: [EscalationTargetJSON]

    enum CodingKeys: String, CodingKey {
        case targets
        case delayMinutes = "delay_minutes"
    }
}

struct EscalationPolicyJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var teamID: String
    var repeatCount: Int
    var levels: [EscalationLevelJSON]
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, levels
        case teamID = "team_id", repeatCount = "repeat", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ policy: EscalationPolicy) {
        (id, name, description, teamID, repeatCount) = (policy.id.db, policy.name, policy.description, policy.teamID.db, policy.repeatCount)
        levels = policy.levels.map { EscalationLevelJSON(delayMinutes: $0.delayMinutes, targets: $0.targets.map(EscalationTargetJSON.init)) }
        (createdAt, updatedAt) = (policy.createdAt, policy.updatedAt)
    }
}

/// A policy to create or change. Each target is checked here with its place (`levels[1].targets[0].type`), so a
/// sender sees every mistake at once.
struct EscalationPolicyInputJSON: Decodable {
    var input: EscalationPolicyInput

    enum CodingKeys: String, CodingKey {
        case name, description, levels
        case teamID = "team_id", repeatCount = "repeat"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = EscalationPolicyInput(
            name: try c.decodeIfPresent(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            teamID: try c.decodeIfPresent(UUID.self, forKey: .teamID),
            repeatCount: try c.decodeIfPresent(Int.self, forKey: .repeatCount))
        guard let levels = try c.decodeIfPresent([EscalationLevelJSON].self, forKey: .levels) else { return }
        var v = Validator()
        // Bounded before anything is done per element; the count itself is reported by the input's own checks.
        input.levels = levels.prefix(EscalationPolicy.maximumLevels + 1).enumerated().map { index, level in
            EscalationLevel(delayMinutes: level.delayMinutes, targets: level.targets.prefix(EscalationPolicy.maximumTargetsPerLevel + 1).enumerated()
                .compactMap { position, target in
                    let field = "levels[\(index)].targets[\(position)]"
                    let kind = EscalationTarget.Kind(rawValue: target.type)
                    let id = UUID(uuidString: target.id)
                    v.check(kind != nil, field + ".type", "must be user, schedule or team")
                    v.check(id != nil, field + ".id", "must be an id (UUID)")
                    var mode: EscalationTarget.TeamMode?
                    if let text = target.mode {
                        mode = EscalationTarget.TeamMode(rawValue: text)
                        v.check(kind == .team, field + ".mode", "applies only to team targets")
                        v.check(mode != nil, field + ".mode", "must be all or round_robin")
                    }
                    guard let kind, let id else { return nil }
                    return EscalationTarget(kind: kind, id: id, teamMode: mode)
                })
        }
        try v.throwIfInvalid()
    }
}

struct ContactMethodJSON: Encodable {
    var id: String
    var userID: String
    var type: String
    var address: String
    var label: String
    var verified: Bool
    @Nullable var verifiedAt: Date?
    /// Only in answers that may have sent a code: whether one went out.
    var codeSent: Bool?
    /// Only when a webhook is added: the key its messages are signed with. Not shown again.
    var signingSecret: String?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, type, address, label, verified
        case userID = "user_id", verifiedAt = "verified_at", codeSent = "code_sent", createdAt = "created_at", updatedAt = "updated_at"
        case signingSecret = "signing_secret"
    }

    init(_ method: ContactMethod, codeSent: Bool? = nil) {
        (id, userID, type, address, label) = (method.id.db, method.userID.db, method.kind.rawValue, method.address, method.label)
        (verified, verifiedAt, self.codeSent) = (method.isVerified, method.verifiedAt, codeSent)
        (createdAt, updatedAt) = (method.createdAt, method.updatedAt)
    }
}

struct ContactMethodInputJSON: Decodable {
    var input: ContactMethodInput
    var verified: Bool?

    enum CodingKeys: String, CodingKey {
        case type, address, label, verified
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = ContactMethodInput(kind: try c.decodeIfPresent(String.self, forKey: .type), address: try c.decodeIfPresent(String.self, forKey: .address),
                                   label: try c.decodeIfPresent(String.self, forKey: .label))
        verified = try c.decodeIfPresent(Bool.self, forKey: .verified)
    }
}

struct VerificationCodeJSON: Decodable {
    var code: String
}

struct NotificationRuleJSON: Encodable {
    var id: String
    var userID: String
    var contactMethodID: String
    var urgency: String
    var delayMinutes: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, urgency
        case userID = "user_id", contactMethodID = "contact_method_id", delayMinutes = "delay_minutes", createdAt = "created_at"
    }

    init(_ rule: NotificationRule) {
        (id, userID, contactMethodID, urgency) = (rule.id.db, rule.userID.db, rule.contactMethodID.db, rule.urgency.rawValue)
        (delayMinutes, createdAt) = (rule.delayMinutes, rule.createdAt)
    }
}

struct NotificationRuleInputJSON: Decodable {
    var contactMethodID: UUID?
    var urgency: String?
    var delayMinutes: Int?

    enum CodingKeys: String, CodingKey {
        case urgency
        case contactMethodID = "contact_method_id", delayMinutes = "delay_minutes"
    }
}

/// One notification of an incident, for `GET /api/v1/incidents/{id}/notifications`. Addresses are not shown: the
/// incident's readers learn who was paged and how, not their phone numbers.
struct NotificationJSON: Encodable {
    var id: String
    var channel: String
    var userID: String?
    var userName: String?
    var status: String
    var step: Int
    var attempts: Int
    var dueAt: Date
    var sentAt: Date?
    var lastError: String?
    var providerMessageID: String?
    var createdAt: Date
    var purpose: String
    var detail: String?
    var holdReason: String?
    var bundledWith: String?
    var deliveredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, channel, status, step, attempts, purpose, detail
        case userID = "user_id", userName = "user_name", dueAt = "due_at", sentAt = "sent_at", lastError = "last_error"
        case providerMessageID = "provider_message_id", createdAt = "created_at"
        case holdReason = "hold_reason", bundledWith = "bundled_with", deliveredAt = "delivered_at"
    }

    init(_ n: NotificationRecord, userName: String?) {
        (id, channel, userID, self.userName, status) = (n.id.db, n.channel.rawValue, n.userID?.db, userName, n.status.rawValue)
        (step, attempts, dueAt, sentAt, lastError) = (n.step, n.attempts, n.dueAt, n.sentAt, n.lastError)
        (providerMessageID, createdAt, purpose, detail) = (n.providerMessageID, n.createdAt, n.purpose.rawValue, n.detail)
        (holdReason, bundledWith, deliveredAt) = (n.holdReason, n.bundleID?.db, n.deliveredAt)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(channel, forKey: .channel)
        try c.encode(userID, forKey: .userID)
        try c.encode(userName, forKey: .userName)
        try c.encode(status, forKey: .status)
        try c.encode(step, forKey: .step)
        try c.encode(purpose, forKey: .purpose)
        try c.encode(detail, forKey: .detail)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(dueAt, forKey: .dueAt)
        try c.encode(sentAt, forKey: .sentAt)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(providerMessageID, forKey: .providerMessageID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(holdReason, forKey: .holdReason)
        try c.encode(bundledWith, forKey: .bundledWith)
        try c.encode(deliveredAt, forKey: .deliveredAt)
    }
}

/// `POST /api/v1/incidents/{id}/escalate`: optional `{"level": N}` (1-based); without it, the next level.
struct EscalateJSON: Decodable {
    var level: Int?
}

/// `POST /api/v1/incidents/{id}/reassign`: `{"user_id"}` or `{"escalation_policy_id"}`.
struct ReassignJSON: Decodable {
    var userID: UUID?
    var escalationPolicyID: UUID?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", escalationPolicyID = "escalation_policy_id"
    }
}

/// `POST /api/v1/incidents/{id}/responders`: `{"user_id"}`.
struct ResponderJSON: Decodable {
    var userID: UUID

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
    }
}

struct AddedResponderJSON: Encodable {
    var userID: String
    var userName: String
    var notificationsQueued: Int

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", userName = "user_name", notificationsQueued = "notifications_queued"
    }
}

/// Where an incident's escalation stands.
struct EscalationJSON: Encodable {
    var incidentID: String
    var policyName: String
    /// The level the next step pages (1-based) and the pass through the policy (0 is the first).
    var level: Int
    var round: Int
    var dueAt: Date?
    var state: String

    enum CodingKeys: String, CodingKey {
        case level, round, state
        case incidentID = "incident_id", policyName = "policy_name", dueAt = "due_at"
    }

    init(_ e: Escalation) {
        let levels = max(1, e.policy.levels.count)
        (incidentID, policyName, level, round) = (e.incidentID.db, e.policy.name, e.step % levels + 1, e.step / levels)
        (dueAt, state) = (e.dueAt, e.state.rawValue)
    }
}
