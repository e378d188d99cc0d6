import Foundation
import Logging
import TocsinCore
import TocsinUseCases

/// Starts escalation for new incidents and fires each due step: load (who the level names, who is on call, their
/// rules and methods) → plan (`EscalationStep`, `NotificationDraft.plan` in the core) → apply (one transaction that
/// records the step and queues its notifications, only if no other pass got there first). The timers are rows, so a
/// restart picks up where the last run stopped and a step that fell due during downtime fires on start.
public struct EscalationEngine: Sendable {
    public static let runEvery: Duration = .seconds(1)
    /// Bounds on one pass; what is left waits for the next (a second later), and the pass says so.
    static let startsPerPass = 500
    static let startRoundsPerPass = 20
    static let stepsPerPass = 500
    static let stepRoundsPerPass = 40
    /// Steps written in one transaction, after the first of a pass (which goes alone, so its pages leave at once).
    static let stepsPerCommit = 100

    let store: any TocsinStore
    let logger: Logger
    /// Signalled by ingestion when an incident opens.
    public let wakeup: Wakeup?
    /// The senders' wake-ups, signalled when a pass queues pages.
    let senders: [Wakeup]
    /// The time of each round of steps and of each round of starts after the first (nil: the pass's time throughout,
    /// for tests with a clock moved by hand). A storm keeps a pass busy for seconds: a step fired then is stamped, and
    /// its next level timed, from when it fired, not from when the pass began.
    let clock: (@Sendable () -> Date)?

    public init(store: any TocsinStore, logger: Logger, wakeup: Wakeup? = nil, senders: [Wakeup] = [], clock: (@Sendable () -> Date)? = nil) {
        self.clock = clock
        self.store = store
        self.logger = logger
        self.wakeup = wakeup
        self.senders = senders
    }

    public struct Pass: Sendable, Equatable {
        public var started = 0
        public var fired = 0
        public var stopped = 0
        public var exhausted = 0
        /// Steps another instance took first.
        public var superseded = 0

        public init(started: Int = 0, fired: Int = 0, stopped: Int = 0, exhausted: Int = 0, superseded: Int = 0) {
            (self.started, self.fired, self.stopped, self.exhausted, self.superseded) = (started, fired, stopped, exhausted, superseded)
        }
    }

    /// One pass at `now`.
    @discardableResult
    public func run(now: Date) async throws -> Pass {
        var pass = Pass()
        // New incidents and due steps by turns, each in rounds: a storm's incidents are taken in, and their steps fired,
        // within the pass rather than 500 a second; and the first incidents of a storm still arriving are paged while
        // the rest come in, not after all of them are in. Each round reads what is still due, so a step is never fired
        // twice.
        var (startRounds, starting) = (0, true)
        var (rounds, fullRound) = (0, false)
        repeat {
            if starting {
                let (started, more) = try await store.startEscalations(now: startRounds == 0 ? now : clock?() ?? now, limit: Self.startsPerPass)
                pass.started += started.count
                startRounds += 1
                starting = more && startRounds < Self.startRoundsPerPass
            }
            rounds += 1
            fullRound = try await fireRound(now: clock?() ?? now, &pass)
        } while (starting || fullRound) && rounds < Self.stepRoundsPerPass
        // A step due before the next tick wakes the engine when it falls due, not up to a second later.
        if let wakeup { wakeup.signal(at: try await store.nextEscalationDue(), after: clock?() ?? now, within: Self.runEvery) }
        if fullRound && rounds == Self.stepRoundsPerPass {
            logger.warning("more escalation steps are due than one pass fires; the rest follow in the next pass", metadata: ["rounds": "\(rounds)"])
        }
        return pass
    }

    /// Fires one round of due steps (at most `stepsPerPass`); true when the round was full, so more may be due.
    private func fireRound(now: Date, _ pass: inout Pass) async throws -> Bool {
        let due = try await store.dueEscalations(now: now, limit: Self.stepsPerPass)
        // Whom the round's steps reach, read for all of them at once (a storm's round is hundreds of steps).
        let steps = due.compactMap { EscalationStep.firing($0, at: now) }
        let directory = try await PagingDirectory.load(targets: steps.flatMap { $0.page?.level.targets ?? [] },
                                                       teamIDs: steps.filter { $0.page == nil }.map(\.escalation.policy.teamID),
                                                       store: store, at: now)
        let ready = steps.map { (step: $0, paging: Self.page($0, directory)) }
        // The first step alone, so its pages leave at once; the rest of a burst in chunks, a commit each.
        var start = 0
        while start < ready.count {
            let chunk = Array(ready[start..<min(ready.count, start + (start == 0 ? 1 : Self.stepsPerCommit))])
            start += chunk.count
            for (item, result) in zip(chunk, try await store.applyEscalationSteps(chunk, now: now)) {
                switch result {
                case .fired:
                    if item.step.page == nil {
                        pass.exhausted += 1
                        logger.warning("escalation ran out unacknowledged", metadata: ["incident_id": "\(item.step.escalation.incidentID.db)",
                                                                                        "policy": "\(item.step.escalation.policy.name)"])
                    } else {
                        pass.fired += 1
                    }
                case .stopped: pass.stopped += 1
                case .superseded: pass.superseded += 1
                }
            }
            // The senders start on the first pages while the rest of the burst is fired.
            if pass.fired + pass.exhausted > 0 { for sender in senders { sender.signal() } }
        }
        return due.count >= Self.stepsPerPass
    }

    /// Whom the step's level reaches, and each person's notifications by their own rules; when the policy ran out,
    /// its team, loudly: each member by their own high-urgency rules.
    static func page(_ step: EscalationStep, _ directory: PagingDirectory) -> EscalationPaging {
        guard let page = step.page else {
            return directory.paging(directory.teams[step.escalation.policy.teamID]?.memberIDs ?? [], urgency: .high)
        }
        return directory.paging(page.level.targets.flatMap { directory.people($0, turn: step.escalation.turn) }, urgency: step.escalation.urgency)
    }
}

extension Wakeup {
    /// Signals at `due`, when that comes sooner than `within` (the job's own tick covers the rest); at once when it is
    /// already due at `now` (it fell due while the pass ran: a storm's steps fall due all through it).
    func signal(at due: Date?, after now: Date, within: Duration) {
        guard let due else { return }
        let wait = due.timeIntervalSince(now)
        guard wait > 0 else { return signal() }
        guard wait < within.timeInterval else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
            self.signal()
        }
    }
}

extension EscalationEngine: PeriodicJob {
    public var name: String { "escalations" }
    public var interval: Duration { Self.runEvery }
    public func runOnce(now: Date) async throws { try await run(now: now) }
}

/// Sends what the outbox holds, each channel on its own: claims due notifications (a lease, so a sender that dies
/// does not hold them for ever), drops pages for incidents no longer triggered, sends, and records the outcome.
/// Transient failures are retried with growing waits up to `maximumAttempts`; permanent ones fail at once.
public struct NotificationDispatcher: Sendable {
    public static let lease: TimeInterval = 60
    public static let maximumAttempts = 5
    /// Waits before the 2nd, 3rd, … attempt.
    static let backoff: [TimeInterval] = [5, 30, 120, 600]
    /// Channels whose pages carry signed acknowledge / resolve / escalate links (Slack has buttons of its own; SMS and
    /// voice take replies and keypresses).
    static let linkChannels: Set<ContactMethod.Kind> = [.email, .teams, .push, .webhook]

    let store: any TocsinStore
    let channel: any NotificationChannel
    let publicURL: String
    let logger: Logger
    /// Signalled by the engine when it queues pages.
    public let wakeup: Wakeup?
    let observer: (any PagingObserver)?
    /// The time of each batch after a pass's first (nil: the pass's time throughout, for tests with a clock moved by hand).
    let clock: (@Sendable () -> Date)?
    /// Throttling and bundling per contact method.
    let pacing: Pacing
    /// Batches worked on at once in a storm, each claiming its share of the channel's `concurrency` (so no more than
    /// that is ever in flight): while one batch waits on its sends, another is being claimed and a third recorded. On
    /// PostgreSQL each of those is a round trip, and one batch at a time left the channel idle through them. A lane
    /// gets at least `messagesPerLane` (smaller batches cost more round trips a message than they save), so only
    /// webhooks (64 at once) have several; paced channels (e-mail, SMS, voice) keep one, so that a contact method's
    /// bundle is decided by one claim at a time.
    let lanes: Int
    static let maximumLanes = 4
    static let messagesPerLane = 16

    public init(store: any TocsinStore, channel: any NotificationChannel, publicURL: String, logger: Logger, wakeup: Wakeup? = nil,
                observer: (any PagingObserver)? = nil, clock: (@Sendable () -> Date)? = nil, pacing: Pacing = Pacing()) {
        self.pacing = pacing
        self.lanes = pacing.paces(channel.kind) ? 1 : max(1, min(Self.maximumLanes, channel.concurrency / Self.messagesPerLane))
        self.observer = observer
        self.clock = clock
        self.store = store
        self.wakeup = wakeup
        self.channel = channel
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.logger = logger
    }

    /// One pass at `now`: sends batch after batch while it finds full ones (a burst goes out at the channel's pace,
    /// not one batch a tick), at most `batchesPerPass` in each lane. The first batch goes alone (most passes find a
    /// message or two, or nothing); a full one means a storm, and then every lane works. Returns how many
    /// notifications it finished.
    @discardableResult
    public func run(now: Date) async throws -> Int {
        var (finished, full) = try await runBatch(now: now)
        if full {
            finished += await withTaskGroup(of: Int.self) { group in
                for _ in 0..<lanes {
                    group.addTask {
                        var finished = 0
                        do {
                            for _ in 1..<Self.batchesPerPass {
                                // Later batches are claimed and recorded at the time they start, when the dispatcher has a clock.
                                let (done, full) = try await runBatch(now: clock?() ?? now)
                                finished += done
                                if !full { break }
                            }
                        } catch {
                            // This lane stops; the others finish what they are sending (stopping them mid-send could
                            // send a page twice: once now, again when its cut-short attempt is retried).
                            logger.warning("a sender's batch failed; the next pass tries again", metadata: ["channel": "\(channel.kind.rawValue)",
                                                                                                          "error": "\(error)"])
                        }
                        return finished
                    }
                }
                return await group.reduce(0, +)
            }
        }
        // A message due before the next tick (a rule's delay, a retry) wakes the sender when it falls due.
        if let wakeup { wakeup.signal(at: try await store.nextNotificationDue(channel: channel.kind), after: clock?() ?? now, within: .seconds(1)) }
        return finished
    }

    static let batchesPerPass = 200

    private func runBatch(now: Date) async throws -> (finished: Int, full: Bool) {
        // No more than can be sent at once: every claimed message starts at once, so each is answered (a channel's
        // own timeout is well under the lease) before another sender may take it over.
        let limit = max(1, channel.concurrency / lanes)
        let claimed = try await store.claimNotifications(channel: channel.kind, now: now, limit: limit, lease: Self.lease, pacing: pacing)
        guard !claimed.isEmpty else { return (0, false) }
        // A contact method's messages claimed together go as one (a bundle) on the channels that bundle.
        var groups: [[ClaimedNotification]] = []
        var groupOf: [UUID: Int] = [:]
        for item in claimed {
            // At most a bundle's size in one message (messages stuck with a dead sender can join a method's fresh ones).
            if pacing.bundles(channel.kind), let method = item.notification.contactMethodID, let index = groupOf[method],
               groups[index].count < pacing.bundleSize(channel.kind) {
                groups[index].append(item)
            } else {
                if let method = item.notification.contactMethodID { groupOf[method] = groups.count }
                groups.append([item])
            }
        }
        // Sent at once, then recorded together in one transaction.
        let attempts = await withTaskGroup(of: [Attempt].self) { group in
            for items in groups {
                group.addTask {
                    do { return try await attempt(items, now: now) } catch {
                        logger.warning("could not prepare a notification; its claim will run out and it will be tried again",
                                       metadata: ["notification_id": "\(items[0].notification.id.db)", "error": "\(error)"])
                        return []
                    }
                }
            }
            var attempts: [Attempt] = []
            for await done in group { attempts += done }
            return attempts
        }
        return (try await record(attempts, now: now), claimed.count >= limit)
    }

    /// One message's send and what came of it, not yet recorded.
    struct Attempt: Sendable {
        var item: ClaimedNotification
        var outcome: DeliveryOutcome
        var sending: Duration
    }

    /// Records a batch's outcomes; even when the server is shutting down (its tasks cancelled), so a page that went out
    /// is not sent again after the restart because its outcome was lost. Should the batch's transaction fail, each is
    /// tried on its own. Returns how many were recorded.
    private func record(_ attempts: [Attempt], now: Date) async throws -> Int {
        guard !attempts.isEmpty else { return 0 }
        let store = self.store
        let batch = attempts.map { (id: $0.item.notification.id, claim: $0.item.claim, outcome: $0.outcome) }
        let recorded: [Bool]
        do {
            recorded = try await Task { try await store.finishNotifications(batch, now: now) }.value
        } catch {
            var one: [Bool] = []
            for item in batch {
                do {
                    one.append(try await Task { try await store.finishNotification(id: item.id, claim: item.claim, outcome: item.outcome, now: now) }.value)
                } catch {
                    logger.warning("could not record a notification's outcome; its claim will run out and it will be tried again",
                                   metadata: ["notification_id": "\(item.id.db)", "error": "\(error)"])
                    one.append(false)
                }
            }
            recorded = one
        }
        for (attempt, done) in zip(attempts, recorded) {
            if done {
                observe(attempt, now: now)
                logger.debug("notification finished", metadata: ["notification_id": "\(attempt.item.notification.id.db)",
                                                                 "channel": "\(channel.kind.rawValue)", "outcome": "\(attempt.outcome.name)"])
            } else if !recorded.isEmpty {
                logger.warning("a notification's claim ran out before its outcome was recorded",
                               metadata: ["notification_id": "\(attempt.item.notification.id.db)", "channel": "\(channel.kind.rawValue)"])
            }
        }
        return recorded.filter { $0 }.count
    }

    private func observe(_ attempt: Attempt, now: Date) {
        guard let observer else { return }
        // Measured to when the channel answered: the batch's time plus the send's.
        let sending = attempt.sending
        let answered = now.addingTimeInterval(sending.timeInterval)
        let n = attempt.item.notification
        switch attempt.outcome {
        case .sent, .bundled:
            observer.finished(channel: channel.kind, outcome: "sent", waited: max(0, answered.timeIntervalSince(n.dueAt)),
                              sinceOpened: attempt.item.sinceOpeningAlert(at: answered))
        case .retry, .failed, .cancelled: observer.finished(channel: channel.kind, outcome: attempt.outcome.name, waited: nil, sinceOpened: nil)
        }
    }

    /// Sends one contact method's claimed messages as one (or one message alone): those no longer wanted are cancelled
    /// each, the first of the rest leads and carries the others. Every message gets the send's outcome.
    private func attempt(_ items: [ClaimedNotification], now: Date) async throws -> [Attempt] {
        var attempts: [Attempt] = []
        var messages: [OutgoingMessage] = []
        var sending: [ClaimedNotification] = []
        for item in items {
            if !item.notification.purpose.stillWanted(item.incidentStatus) {
                // A page made stale by an acknowledgement or resolution is not sent (a notice of who took it is sent anyway).
                attempts.append(Attempt(item: item, outcome: .cancelled(reason: "the incident was \(item.incidentStatus.rawValue) before it was due"), sending: .zero))
            } else if !item.methodCurrent {
                // Pages go only to verified methods, as they are now: not to an address changed or removed since it was queued.
                attempts.append(Attempt(item: item, outcome: .cancelled(reason: "the contact method was changed, unverified or removed after the page was queued"),
                                        sending: .zero))
            } else {
                messages.append(try await message(item, now: now))
                sending.append(item)
            }
        }
        guard var lead = messages.first, let leader = sending.first else { return attempts }
        lead.bundle = Array(messages.dropFirst())
        if channel.kind == .voice, lead.bundle.contains(where: { $0.replyURL != nil }) {
            // One keypress answers for every incident the call reads.
            lead.replyURL = try await ActionLinks(store: store, publicURL: publicURL).voiceReplyURL(
                incidentIDs: sending.filter { $0.notification.purpose.asksToAct }.map(\.notification.incidentID), userID: leader.notification.userID, now: now)
        }
        let started = ContinuousClock.now
        let result = await channel.send(lead)
        let took = ContinuousClock.now - started
        for (index, item) in sending.enumerated() {
            let outcome: DeliveryOutcome
            switch result {
            case .sent(let id):
                outcome = index == 0 ? .sent(providerMessageID: id) : .bundled(into: leader.notification.id, providerMessageID: id)
            case .permanent(let reason):
                outcome = .failed(reason: reason)
            case .rateLimited(let reason, let wait):
                // Waiting out a rate limit is not a failure of the page: it may take more turns than failures do.
                outcome = Self.again("\(reason), asking to wait \(Int(wait)) s", after: max(1, wait), attempts: item.notification.attempts,
                                     giveUpAfter: Self.maximumAttempts * 4, now: now)
            case .transient(let reason):
                let attempts = item.notification.attempts
                outcome = Self.again(reason, after: Self.backoff[min(max(attempts - 1, 0), Self.backoff.count - 1)], attempts: attempts,
                                     giveUpAfter: Self.maximumAttempts, now: now)
            }
            attempts.append(Attempt(item: item, outcome: outcome, sending: took))
        }
        return attempts
    }

    /// Tried again `after` seconds, or failed for good once `attempts` reached `giveUpAfter`.
    static func again(_ reason: String, after: TimeInterval, attempts: Int, giveUpAfter: Int, now: Date) -> DeliveryOutcome {
        attempts >= giveUpAfter ? .failed(reason: "\(reason) (gave up after \(attempts) attempts)")
            : .retry(reason: reason, retryAt: now.addingTimeInterval(after))
    }

    /// One notification as a channel sends it, with the links (or the keypress address) that act on its incident.
    private func message(_ item: ClaimedNotification, now: Date) async throws -> OutgoingMessage {
        var actions: [MessageAction] = []
        var replyURL: String?
        if item.notification.purpose.asksToAct, let user = item.notification.userID {
            let links = ActionLinks(store: store, publicURL: publicURL)
            if Self.linkChannels.contains(channel.kind) {
                actions = try await links.actions(incidentID: item.notification.incidentID, userID: user, channel: channel.kind, now: now)
            } else if channel.kind == .voice {
                replyURL = try await links.voiceReplyURL(incidentID: item.notification.incidentID, userID: user, now: now)
            }
        }
        var message = OutgoingMessage(notification: item.notification, incidentNumber: item.incidentNumber, incidentTitle: item.incidentTitle,
                                      recipientName: item.userName, incidentURL: "\(publicURL)/incidents/\(item.notification.incidentID.db)",
                                      signingSecret: item.signingSecret, actions: actions, severity: item.incidentSeverity, replyURL: replyURL)
        message.status = item.incidentStatus
        return message
    }
}

extension NotificationDispatcher: PeriodicJob {
    public var name: String { "notifications: \(channel.kind.rawValue)" }
    public var interval: Duration { .seconds(1) }
    public func runOnce(now: Date) async throws { try await run(now: now) }
}
