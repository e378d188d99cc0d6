import Foundation

/// Where a notification stands. `queued` waits for its due time; `sending` is claimed by a sender; the rest are final.
public enum NotificationStatus: String, Sendable, CaseIterable, Codable {
    case queued, sending, sent, failed, cancelled
}

/// What an outbox message is for.
public enum NotificationPurpose: String, Sendable, CaseIterable, Codable {
    /// Pages a person for an incident; not sent once the incident is no longer triggered.
    case page
    /// Tells someone already paged that another person took the incident (`detail`: "Ana Lima acknowledged it").
    case taken
    /// Asks someone to join the response (added as a responder): sent until the incident is resolved.
    case request
    /// Tells the policy's team that nobody acknowledged after every level (`detail` names the policy).
    case exhausted

    /// Whether it asks the person to act (and carries the links and buttons that do), rather than informing them.
    public var asksToAct: Bool { self != .taken }

    /// Before the title, for the ones that are not plain pages: "NOBODY ACKNOWLEDGED", "your help is asked".
    public var lead: String? {
        switch self {
        case .page, .taken: return nil
        case .request: return "your help is asked"
        case .exhausted: return "NOBODY ACKNOWLEDGED"
        }
    }

    /// Whether it still goes once the incident is in `status`.
    public func stillWanted(_ status: IncidentStatus) -> Bool {
        switch self {
        case .page, .exhausted: return status == .triggered
        case .taken: return true
        case .request: return status != .resolved
        }
    }
}

/// One message of the outbox, as stored.
public struct NotificationRecord: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var incidentID: UUID
    public var userID: UUID?
    public var contactMethodID: UUID?
    public var channel: ContactMethod.Kind
    public var address: String
    public var step: Int
    public var status: NotificationStatus
    public var dueAt: Date
    public var attempts: Int
    public var providerMessageID: String?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    public var purpose: NotificationPurpose
    /// For a `taken` notice, who took the incident and how, as a sentence.
    public var detail: String?
    /// Why it was held past its rule's time (throttled, or waiting to be bundled), as a sentence; nil when never held.
    public var holdReason: String?
    /// Sent inside another notification's message (a bundle): that notification's id.
    public var bundleID: UUID?
    /// When the provider reported the message delivered to the phone (Twilio's status callback); nil when it has not.
    public var deliveredAt: Date?

    public init(id: UUID, incidentID: UUID, userID: UUID?, contactMethodID: UUID?, channel: ContactMethod.Kind, address: String, step: Int,
                status: NotificationStatus, dueAt: Date, attempts: Int, providerMessageID: String?, lastError: String?, createdAt: Date, sentAt: Date?,
                purpose: NotificationPurpose = .page, detail: String? = nil, holdReason: String? = nil, bundleID: UUID? = nil, deliveredAt: Date? = nil) {
        self.deliveredAt = deliveredAt
        self.holdReason = holdReason
        self.bundleID = bundleID
        self.purpose = purpose
        self.detail = detail
        self.id = id
        self.incidentID = incidentID
        self.userID = userID
        self.contactMethodID = contactMethodID
        self.channel = channel
        self.address = address
        self.step = step
        self.status = status
        self.dueAt = dueAt
        self.attempts = attempts
        self.providerMessageID = providerMessageID
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// What one fired step pages: the people reached (with names for the timeline), and who could not be.
public struct EscalationPaging: Sendable, Equatable {
    public var paged: [(id: UUID, name: String)]
    public var unreachable: [String]
    public var drafts: [NotificationDraft]

    public init(paged: [(id: UUID, name: String)], unreachable: [String], drafts: [NotificationDraft]) {
        self.paged = paged
        self.unreachable = unreachable
        self.drafts = drafts
    }

    public static func == (a: EscalationPaging, b: EscalationPaging) -> Bool {
        a.paged.map(\.id) == b.paged.map(\.id) && a.paged.map(\.name) == b.paged.map(\.name) && a.unreachable == b.unreachable && a.drafts == b.drafts
    }
}

/// How a step's write went.
public enum EscalationStepResult: Sendable, Equatable {
    /// The step is recorded and its notifications queued.
    case fired
    /// The incident is no longer triggered: escalation stopped instead.
    case stopped(IncidentStatus)
    /// Another pass (another instance) fired or stopped it first: nothing was written.
    case superseded
}

/// A notification a sender holds: only its holder, by `claim`, may record the outcome.
public struct ClaimedNotification: Sendable, Equatable {
    public var notification: NotificationRecord
    public var claim: UUID
    public var incidentNumber: Int
    public var incidentTitle: String
    /// As it stood when the notification was claimed: a page for an incident no longer triggered is not sent.
    public var incidentStatus: IncidentStatus
    public var incidentSeverity: IncidentSeverity?
    /// When the incident opened (its first alert), to measure alert → hand-off.
    public var incidentOpenedAt: Date?
    /// When its escalation (last) started.
    public var escalationStartedAt: Date?
    public var userName: String?
    /// A webhook method's signing key.
    public var signingSecret: String?
    /// Whether the contact method still exists, is verified, and has the address the page was queued for.
    public var methodCurrent: Bool

    public init(notification: NotificationRecord, claim: UUID, incidentNumber: Int, incidentTitle: String, incidentStatus: IncidentStatus,
                userName: String?, signingSecret: String? = nil, methodCurrent: Bool = true, incidentSeverity: IncidentSeverity? = nil,
                incidentOpenedAt: Date? = nil, escalationStartedAt: Date? = nil) {
        self.escalationStartedAt = escalationStartedAt
        self.incidentSeverity = incidentSeverity
        self.incidentOpenedAt = incidentOpenedAt
        self.signingSecret = signingSecret
        self.methodCurrent = methodCurrent
        self.incidentStatus = incidentStatus
        self.notification = notification
        self.claim = claim
        self.incidentNumber = incidentNumber
        self.incidentTitle = incidentTitle
        self.userName = userName
    }
}

/// A chat message to rewrite, with the incident as it is now.
public struct StaleChatMessage: Sendable, Equatable {
    public var notificationID: UUID
    public var messageID: String
    /// What the message shows now (the incident's `updated_at` when it was last written).
    public var renderedAt: Date?
    public var updatedAt: Date
    public var incidentID: UUID
    public var number: Int
    public var title: String
    public var severity: IncidentSeverity?
    public var status: IncidentStatus
    public var acknowledgedBy: String?
    public var resolvedBy: String?

    public init(notificationID: UUID, messageID: String, renderedAt: Date?, updatedAt: Date, incidentID: UUID, number: Int, title: String,
                severity: IncidentSeverity?, status: IncidentStatus, acknowledgedBy: String?, resolvedBy: String?) {
        (self.notificationID, self.messageID, self.renderedAt, self.updatedAt, self.incidentID) = (notificationID, messageID, renderedAt, updatedAt, incidentID)
        (self.number, self.title, self.severity, self.status, self.acknowledgedBy, self.resolvedBy) = (number, title, severity, status, acknowledgedBy, resolvedBy)
    }
}

/// What the watchdog found: work that should have happened by now and has not.
public struct PagingHealth: Sendable, Equatable {
    /// Active escalation steps due more than the grace period ago.
    public var overdueSteps: Int
    /// How late the latest of them is, in seconds (0 when none is).
    public var oldestStepLateness: TimeInterval
    /// Messages held by a sender whose claim ran out more than the grace period ago (the sender died, and none took over).
    public var stuckSending: Int
    /// Messages due more than the grace period ago and not sent, by channel (a sender not keeping up, or not running).
    public var overdueQueued: [ContactMethod.Kind: Int]

    public init(overdueSteps: Int = 0, oldestStepLateness: TimeInterval = 0, stuckSending: Int = 0, overdueQueued: [ContactMethod.Kind: Int] = [:]) {
        (self.overdueSteps, self.oldestStepLateness, self.stuckSending, self.overdueQueued) = (overdueSteps, oldestStepLateness, stuckSending, overdueQueued)
    }

    public var isHealthy: Bool { overdueSteps == 0 && stuckSending == 0 && overdueQueued.values.allSatisfy { $0 == 0 } }
}

/// A message waiting in the outbox, with what a person needs to see why.
public struct WaitingNotification: Sendable, Equatable {
    public var notification: NotificationRecord
    public var incidentNumber: Int
    public var incidentTitle: String
    public var userName: String?
    public var claimedUntil: Date?

    public init(notification: NotificationRecord, incidentNumber: Int, incidentTitle: String, userName: String?, claimedUntil: Date?) {
        (self.notification, self.incidentNumber, self.incidentTitle, self.userName, self.claimedUntil) =
            (notification, incidentNumber, incidentTitle, userName, claimedUntil)
    }

    /// Why it has not gone yet, in words.
    public func why(now: Date) -> String {
        let n = notification
        if n.status == .sending {
            return (claimedUntil ?? now) < now ? "a sender took it and stopped answering; another takes it over" : "being sent"
        }
        if n.dueAt > now {
            if let error = n.lastError { return "retrying after: \(error)" }
            if let held = n.holdReason { return held }
            return n.purpose == .page ? "its rule waits before this method" : "due later"
        }
        return n.lastError.map { "due; last try failed: \($0)" } ?? "due; waiting for its channel's sender"
    }
}

/// Told how paging goes, for `/metrics`.
public protocol PagingObserver: Sendable {
    /// One message finished: `outcome` is sent, retry, failed or cancelled; `waited` is from due to hand-off, and
    /// `sinceOpened` from the incident's opening to hand-off for the first level's immediate pages.
    func finished(channel: ContactMethod.Kind, outcome: String, waited: TimeInterval?, sinceOpened: TimeInterval?)
    func checked(_ health: PagingHealth)
}

extension ClaimedNotification {
    /// The time from the alert that opened the incident to now, when this is one of the pages that answered it: the
    /// first level's immediate pages of the incident's first escalation, queued within a minute of its opening. Nil
    /// for later levels, rule delays and escalations restarted later.
    public func sinceOpeningAlert(at time: Date) -> TimeInterval? {
        let n = notification
        guard n.purpose == .page, n.step == 0, n.dueAt == n.createdAt, let opened = incidentOpenedAt, let started = escalationStartedAt,
              started.timeIntervalSince(opened) < 60, n.createdAt.timeIntervalSince(opened) < 60 else { return nil }
        return max(0, time.timeIntervalSince(opened))
    }
}

/// What became of one send.
public enum DeliveryOutcome: Sendable, Equatable {
    case sent(providerMessageID: String?)
    /// Sent inside the message of notification `into` (a bundle).
    case bundled(into: UUID, providerMessageID: String?)
    /// A transient failure: queued again at `retryAt`.
    case retry(reason: String, retryAt: Date)
    case failed(reason: String)
    /// Not sent because it no longer matters (the incident was acknowledged or resolved).
    case cancelled(reason: String)
}

extension DeliveryOutcome {
    /// "sent", "bundled", "retry", "failed", "cancelled".
    public var name: String {
        switch self {
        case .sent: return "sent"
        case .bundled: return "bundled"
        case .retry: return "retry"
        case .failed: return "failed"
        case .cancelled: return "cancelled"
        }
    }
}

extension EscalationRepository {
    public func recordDeliveryReport(providerMessageID: String, failure: String?, now: Date) async throws -> Int {
        try await recordDeliveryReport(providerMessageID: providerMessageID, channel: nil, failure: failure, now: now)
    }

    public func claimNotifications(channel: ContactMethod.Kind, now: Date, limit: Int, lease: TimeInterval) async throws -> [ClaimedNotification] {
        try await claimNotifications(channel: channel, now: now, limit: limit, lease: lease, pacing: .none)
    }

    public func escalateIncident(id: UUID, toLevel level: Int?, by actor: UUID, now: Date) async throws -> Escalation {
        try await escalateIncident(id: id, toLevel: level, by: actor, via: nil, now: now)
    }
}

/// Escalations as data: their timers live in the database, so a restart resumes them and several instances share
/// them; and the notification outbox, written in the same transaction as the step that decided it.
public protocol EscalationRepository: Sendable {
    /// Starts escalation for incidents opened since the last call on services with a policy (snapshotting the
    /// policy), reading at most `limit` new incidents a call (`more`: call again); and restarts the escalation of
    /// incidents triggered again. Several instances may call it at once: each incident starts once.
    func startEscalations(now: Date, limit: Int) async throws -> (started: [Escalation], more: Bool)
    func escalation(incidentID: UUID) async throws -> Escalation?
    /// When the next active escalation step falls due, if any.
    func nextEscalationDue() async throws -> Date?
    /// When the next queued notification of `channel` falls due, if any.
    func nextNotificationDue(channel: ContactMethod.Kind) async throws -> Date?
    /// Active escalations due at `now`, earliest first.
    func dueEscalations(now: Date, limit: Int) async throws -> [Escalation]
    /// Records a fired step (or stops escalation when the incident is no longer triggered) and queues its
    /// notifications, only if the escalation is still at `step.step`.
    func applyEscalationStep(_ step: EscalationStep, paging: EscalationPaging, now: Date) async throws -> EscalationStepResult
    /// Several steps in one transaction, each with its own compare-and-set (results in order).
    func applyEscalationSteps(_ steps: [(step: EscalationStep, paging: EscalationPaging)], now: Date) async throws -> [EscalationStepResult]

    /// A responder's "escalate now": the escalation's next step (or `level`, 1-based, in the current pass through the
    /// policy) becomes due at `now`. Refused (409) when the incident is not triggered or nothing is escalating it.
    func escalateIncident(id: UUID, toLevel level: Int?, by actor: UUID, via: String?, now: Date) async throws -> Escalation

    /// Claims due notifications of a channel for `lease`; a claim past its lease may be taken again.
    /// Claims due messages of `channel`, at most `limit` of them, for `lease`; on a paced channel (`pacing`), a contact method's
    /// due messages are held (due later, with the reason) while it had a message too recently, and otherwise claimed
    /// together (up to the bundle size) to go as one.
    func claimNotifications(channel: ContactMethod.Kind, now: Date, limit: Int, lease: TimeInterval, pacing: Pacing) async throws -> [ClaimedNotification]
    /// Records the outcome; false when the claim was lost (its lease ran out and another sender took it).
    func finishNotification(id: UUID, claim: UUID, outcome: DeliveryOutcome, now: Date) async throws -> Bool
    /// Records a batch of outcomes in one transaction; each false when its claim was lost.
    func finishNotifications(_ outcomes: [(id: UUID, claim: UUID, outcome: DeliveryOutcome)], now: Date) async throws -> [Bool]
    /// An incident's notifications, oldest first.
    func notifications(incidentID: UUID) async throws -> [NotificationRecord]
    /// Sent pages on `channel` (of the last `window`) whose message shows an older state of the incident than it has now.
    func staleChatMessages(channel: ContactMethod.Kind, now: Date, window: TimeInterval, limit: Int) async throws -> [StaleChatMessage]
    /// Records that the message now shows the incident as of `renderedAt` (never moving back); false when it already
    /// showed that state or a newer one.
    func markChatMessageRendered(id: UUID, renderedAt: Date) async throws -> Bool
    /// Hands the incident to someone else: the `reassign` transition (an acknowledged incident is triggered again)
    /// and a fresh escalation by `policy` (snapshotted) from its first level, at once. Refused (409) when resolved.
    func reassignIncident(id: UUID, policy: EscalationPolicy, to name: String, by actor: UUID, now: Date) async throws -> Escalation
    /// Queues `drafts` (one person's pages by their own rules) asking them to join the response, with a
    /// `responder_added` event. Refused (409) when the incident is resolved.
    func addResponder(incidentID: UUID, userID: UUID, name: String, drafts: [NotificationDraft], by actor: UUID, now: Date) async throws
    /// What is late by more than `grace` at `now`.
    func pagingHealth(now: Date, grace: TimeInterval) async throws -> PagingHealth
    /// Messages not finished (queued or sending), earliest due first.
    func waitingNotifications(page: PageRequest) async throws -> Page<WaitingNotification>
    /// The incident numbered `number`.
    func incident(number: Int) async throws -> Incident?
    /// Verified contact methods of `kind` with exactly this address (who an SMS reply comes from).
    func verifiedContactMethods(kind: ContactMethod.Kind, address: String) async throws -> [ContactMethod]
    /// Records a provider's report on the message it knows as `providerMessageID` (every notification it carried, a
    /// bundle's too), of `channel` when given: delivered, or not (`failure` says why). A report repeated changes
    /// nothing. Returns how many notifications it changed.
    func recordDeliveryReport(providerMessageID: String, channel: ContactMethod.Kind?, failure: String?, now: Date) async throws -> Int
    /// Messages that asked people to act, sent in [from, to) (to `userIDs` when given), earliest first, at most `limit`.
    func pagesSent(userIDs: [UUID]?, from: Date, to: Date, limit: Int) async throws -> [PageSent]
}
