import Foundation
import Logging
import Synchronization
import Testing
import TocsinCore
import TocsinJobs
import TocsinStorage
import TocsinTestSupport
import TocsinUseCases

/// A channel that keeps what it was given, answering as told.
final class RecordingChannel: NotificationChannel {
    let kind: ContactMethod.Kind
    let concurrency: Int
    private let state = Mutex<(sent: [OutgoingMessage], answers: [ChannelResult])>(([], []))

    init(_ kind: ContactMethod.Kind, answers: [ChannelResult] = [], concurrency: Int = 2) {
        self.kind = kind
        self.concurrency = concurrency
        state.withLock { $0.answers = answers }
    }

    private let flight = Mutex<(now: Int, most: Int)>((0, 0))

    var sent: [OutgoingMessage] { state.withLock { $0.sent } }
    /// The most messages it was sending at the same time.
    var mostAtOnce: Int { flight.withLock { $0.most } }

    func send(_ message: OutgoingMessage) async -> ChannelResult {
        flight.withLock { f in
            f.now += 1
            f.most = max(f.most, f.now)
        }
        try? await Task.sleep(for: .milliseconds(5))
        flight.withLock { $0.now -= 1 }
        return state.withLock { s in
            s.sent.append(message)
            return s.answers.isEmpty ? .sent(providerMessageID: "msg-\(s.sent.count)") : s.answers.removeFirst()
        }
    }
}

/// Escalation told as incidents happen, on a real database with a clock moved by hand.
@Suite("Escalation stories")
struct EscalationStoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let logger = Logger(label: "test")

    struct World {
        let store: SQLStore
        let pat: User
        let sam: User
        let service: Service
        let policy: EscalationPolicy
        let patMail: ContactMethod
        let patVoice: ContactMethod
        let samSMS: ContactMethod
    }

    /// Pat (primary, e-mail at once and voice after 3 minutes) then Sam (SMS), five minutes each.
    func world(_ database: Database, repeatCount: Int = 0) async throws -> World {
        let store = SQLStore(database: database)
        let (pat, sam) = (Seed.user("pat"), Seed.user("sam"))
        try await store.createUser(pat)
        try await store.createUser(sam)
        let team = Team(id: UUID(), name: "SRE", description: "", memberIDs: [pat.id, sam.id], createdAt: t0, updatedAt: t0)
        try await store.createTeam(team)
        func method(_ user: User, _ kind: ContactMethod.Kind, _ address: String) async throws -> ContactMethod {
            let m = ContactMethod(id: UUID(), userID: user.id, kind: kind, address: address, verifiedAt: t0, createdAt: t0, updatedAt: t0)
            try await store.createContactMethod(m, codeHash: nil, codeExpiresAt: nil)
            return m
        }
        let patMail = try await method(pat, .email, "pat@example.com")
        let patVoice = try await method(pat, .voice, "+4915100000001")
        let samSMS = try await method(sam, .sms, "+4915100000002")
        try await store.createNotificationRule(NotificationRule(id: UUID(), userID: pat.id, contactMethodID: patMail.id, urgency: .high, delayMinutes: 0, createdAt: t0))
        try await store.createNotificationRule(NotificationRule(id: UUID(), userID: pat.id, contactMethodID: patVoice.id, urgency: .high, delayMinutes: 3, createdAt: t0))
        let policy = EscalationPolicy(id: UUID(), name: "SRE primary", teamID: team.id, repeatCount: repeatCount, levels: [
            EscalationLevel(delayMinutes: 5, targets: [EscalationTarget(kind: .user, id: pat.id)]),
            EscalationLevel(delayMinutes: 5, targets: [EscalationTarget(kind: .user, id: sam.id)]),
        ], createdAt: t0, updatedAt: t0)
        try await store.createEscalationPolicy(policy)
        var service = Seed.service("Checkout", team: team.id)
        service.escalationPolicyID = policy.id
        try await store.createService(service)
        return World(store: store, pat: pat, sam: sam, service: service, policy: policy, patMail: patMail, patVoice: patVoice, samSMS: samSMS)
    }

    func trigger(_ w: World, _ key: String, at time: Date) async throws -> UUID {
        let outcome = try await w.store.ingest(AlertEvent(action: .trigger, dedupKey: key, summary: "Checkout \(key) failing", source: "test",
                                                          severity: .critical),
                                               serviceID: w.service.id, integrationKeyID: nil, now: time)
        return try #require(outcome.incidentID)
    }

    func kinds(_ w: World, _ incident: UUID) async throws -> [String] {
        try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items.map(\.kind.rawValue)
    }

    @Test("alert → primary paged by e-mail → five minutes, no ack → secondary paged by SMS → ack: escalation stops, the stale voice call is not made",
          arguments: TestBackend.available)
    func primaryThenSecondary(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let (mail, voice, sms) = (RecordingChannel(.email), RecordingChannel(.voice), RecordingChannel(.sms))
            let senders = [mail, voice, sms].map { NotificationDispatcher(store: w.store, channel: $0, publicURL: "https://tocsin.example.com/", logger: logger) }
            func send(at time: Date) async throws { for sender in senders { try await sender.run(now: time) } }

            #expect(!w.store.escalationWork.isPending)
            let incident = try await trigger(w, "db-down", at: t0)
            #expect(w.store.escalationWork.isPending, "ingestion wakes the engine when an incident opens")
            await w.store.escalationWork.wait(upTo: .seconds(1))
            _ = try await trigger(w, "db-down", at: t0)
            #expect(!w.store.escalationWork.isPending, "a repeat opens nothing and wakes nobody")
            let mailWakeup = Wakeup()
            let woken = EscalationEngine(store: w.store, logger: logger, senders: [mailWakeup])
            #expect(try await woken.run(now: t0) == EscalationEngine.Pass(started: 1, fired: 1))
            #expect(mailWakeup.isPending, "queuing pages wakes the senders")
            try await send(at: t0)
            #expect(mail.sent.map(\.notification.address) == ["pat@example.com"])
            #expect(mail.sent.first?.incidentURL == "https://tocsin.example.com/incidents/\(incident.db)")
            #expect(mail.sent.first?.subject.hasPrefix("[Tocsin] #1 Checkout db-down failing") == true)
            #expect(voice.sent.isEmpty, "the voice rule waits three minutes")

            // Nothing is due before five minutes; the voice call is due at three.
            #expect(try await engine.run(now: t0.addingTimeInterval(240)) == EscalationEngine.Pass())
            try await send(at: t0.addingTimeInterval(180))
            #expect(voice.sent.map(\.notification.address) == ["+4915100000001"])

            let five = t0.addingTimeInterval(300)
            #expect(try await engine.run(now: five).fired == 1)
            try await send(at: five)
            #expect(sms.sent.map(\.notification.address) == ["+4915100000002"])

            // Sam acknowledges; the next pass stops the escalation instead of running out.
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.sam.id, now: five.addingTimeInterval(60))
            #expect(try await engine.run(now: t0.addingTimeInterval(600)).stopped == 1)
            #expect(try await w.store.escalation(incidentID: incident)?.state == .stopped)
            #expect(try await engine.run(now: t0.addingTimeInterval(3600)) == EscalationEngine.Pass(), "a stopped escalation stays stopped")

            // Pat, paged by e-mail and by phone, hears by e-mail who took it (not by another call); Sam, who took it, hears nothing.
            try await send(at: t0.addingTimeInterval(600))
            #expect(mail.sent.count == 2)
            #expect(mail.sent.last?.notification.purpose == .taken)
            #expect(mail.sent.last?.subject == "[Tocsin] #1 acknowledged by Sam: Checkout db-down failing")
            #expect(mail.sent.last?.actions.isEmpty == true, "a notice carries no links to act")
            #expect(mail.sent.first?.link(.acknowledge)?.hasPrefix("https://tocsin.example.com/act/ack.email.\(incident.db).\(w.pat.id.db).") == true)
            #expect(sms.sent.first?.actions.isEmpty == true, "SMS takes replies, not links")
            #expect(voice.sent.count == 1)
            #expect(sms.sent.count == 1)

            let timeline = try await kinds(w, incident)
            #expect(timeline.filter { $0 == "escalated" }.count == 2)
            #expect(timeline.filter { $0 == "notification_sent" }.count == 4)
            #expect(timeline.filter { $0 == "notification_queued" }.count == 4)
            let notes = try await w.store.notifications(incidentID: incident)
            #expect(notes.map(\.status) == [.sent, .sent, .sent, .sent])
            #expect(notes.allSatisfy { $0.providerMessageID != nil && $0.sentAt != nil })
        }
    }

    @Test("a page queued for later is not sent once the incident is acknowledged", arguments: TestBackend.available)
    func stalePage(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let voice = RecordingChannel(.voice)
            let dispatcher = NotificationDispatcher(store: w.store, channel: voice, publicURL: "https://tocsin.example.com", logger: logger)
            let incident = try await trigger(w, "stale", at: t0)
            try await engine.run(now: t0)
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.pat.id, now: t0.addingTimeInterval(60))
            #expect(try await dispatcher.run(now: t0.addingTimeInterval(180)) == 1)
            #expect(voice.sent.isEmpty)
            let call = try #require(try await w.store.notifications(incidentID: incident).first { $0.channel == .voice })
            #expect(call.status == .cancelled)
            #expect(try await kinds(w, incident).contains("notification_cancelled"))
        }
    }

    @Test("nobody acknowledges: every level, every repeat, then the escalation runs out and says so", arguments: TestBackend.available)
    func exhausted(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database, repeatCount: 1)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let incident = try await trigger(w, "ignored", at: t0)
            var fired = 0
            var exhausted = 0
            // A pass a minute for an hour: four levels fire (two, twice), five minutes apart, then it runs out once.
            for minute in 0...60 {
                let pass = try await engine.run(now: t0.addingTimeInterval(TimeInterval(minute * 60)))
                fired += pass.fired
                exhausted += pass.exhausted
            }
            #expect(fired == 4)
            #expect(exhausted == 1)
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
            #expect(events.filter { $0.kind == .escalated }.map { $0.at.timeIntervalSince(t0) } == [0, 300, 600, 900])
            let ranOut = try #require(events.first { $0.kind == .escalationExhausted })
            #expect(ranOut.at == t0.addingTimeInterval(1200))
            #expect(ranOut.body == "Escalation ran out: every level was paged and nobody acknowledged; telling the team: Pat, Sam")
            #expect(try await w.store.escalation(incidentID: incident)?.state == .exhausted)

            // The team hears it loudly, each by their own rules: Pat by e-mail now and by phone three minutes on, Sam (no
            // rules) on every verified method at once.
            let notices = try await w.store.notifications(incidentID: incident).filter { $0.purpose == .exhausted }
            #expect(notices.map(\.channel).sorted { $0.rawValue < $1.rawValue } == [.email, .sms, .voice])
            #expect(notices.allSatisfy { $0.detail == "SRE primary" })
            let mail = RecordingChannel(.email)
            let mailer = NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: logger)
            while try await mailer.run(now: t0.addingTimeInterval(1200)) > 0 {}
            // Pat's mail had not gone out yet: the earlier pages and the notice go as one message.
            let notice = try #require(mail.sent.flatMap(\.all).first { $0.notification.purpose == .exhausted })
            #expect(notice.subject == "[Tocsin] #1 NOBODY ACKNOWLEDGED: Checkout ignored failing")
            #expect(notice.link(.acknowledge) != nil, "it can be acknowledged from the notice")
            // Acknowledged meanwhile: the phone call three minutes on is not made.
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.sam.id, now: t0.addingTimeInterval(1260))
            let voice = RecordingChannel(.voice)
            try await NotificationDispatcher(store: w.store, channel: voice, publicURL: "https://tocsin.example.com", logger: logger)
                .run(now: t0.addingTimeInterval(1400))
            #expect(voice.sent.filter { $0.notification.purpose == .exhausted }.isEmpty)
        }
    }

    @Test("reassigned to a person: an acknowledged incident is triggered again, the person paged at once, the old levels after them",
          arguments: TestBackend.available)
    func reassignToPerson(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let incident = try await trigger(w, "handover", at: t0)
            try await engine.run(now: t0)
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.pat.id, now: t0.addingTimeInterval(60))
            let responders = Responders(store: w.store, now: { self.t0.addingTimeInterval(120) })
            let escalation = try await responders.reassign(incident, to: .user(w.sam.id), by: w.pat)
            #expect(escalation.policy.name == "Reassigned to Sam, then SRE primary")
            #expect(escalation.policy.levels.map { $0.targets.map(\.id) } == [[w.sam.id], [w.pat.id], [w.sam.id]])
            #expect(try await w.store.incident(id: incident)?.status == .triggered, "the new owner has not taken it yet")
            #expect(try await engine.run(now: t0.addingTimeInterval(120)).fired == 1)
            let sms = RecordingChannel(.sms)
            try await NotificationDispatcher(store: w.store, channel: sms, publicURL: "https://tocsin.example.com", logger: logger)
                .run(now: t0.addingTimeInterval(120))
            #expect(sms.sent.map(\.notification.address) == ["+4915100000002"])
            // Sam does not answer: five minutes on, the old first level (Pat) is paged.
            #expect(try await engine.run(now: t0.addingTimeInterval(420)).fired == 1)
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
            #expect(events.contains { $0.kind == .reassigned && $0.body == "Reassigned to Sam by Pat" })
            #expect(events.filter { $0.kind == .escalated }.last?.payload["paged"] == "Pat")

            // To another policy: escalation starts afresh with it.
            let other = EscalationPolicy(id: UUID(), name: "Database", teamID: w.policy.teamID, repeatCount: 0,
                                         levels: [EscalationLevel(delayMinutes: 10, targets: [EscalationTarget(kind: .user, id: w.sam.id)])],
                                         createdAt: t0, updatedAt: t0)
            try await w.store.createEscalationPolicy(other)
            #expect(try await responders.reassign(incident, to: .policy(other.id), by: w.pat).policy.name == "Database")
            await #expect(throws: DomainError.invalid("escalation_policy_id", "names no escalation policy")) {
                try await responders.reassign(incident, to: .policy(UUID()), by: w.pat)
            }
            _ = try await w.store.setIncidentStatus(id: incident, to: .resolved, by: w.pat.id, now: t0.addingTimeInterval(500))
            await #expect(throws: DomainError.conflict("the incident is resolved; reopen it first", field: "status")) {
                try await responders.reassign(incident, to: .user(w.pat.id), by: w.pat)
            }
        }
    }

    @Test("a responder added to an acknowledged incident is paged by their own rules; a request still queued is dropped once it is resolved",
          arguments: TestBackend.available)
    func addResponder(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let incident = try await trigger(w, "help", at: t0)
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.sam.id, now: t0.addingTimeInterval(10))
            let responders = Responders(store: w.store, now: { self.t0.addingTimeInterval(60) })
            let (user, queued) = try await responders.add(w.pat.id, to: incident, by: w.sam)
            #expect(user.id == w.pat.id && queued == 2, "e-mail now, voice in three minutes: Pat's rules")
            let mail = RecordingChannel(.email), voice = RecordingChannel(.voice)
            let logger = logger
            try await NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: logger).run(now: t0.addingTimeInterval(60))
            #expect(mail.sent.map(\.subject) == ["[Tocsin] #1 your help is asked: Checkout help failing"])
            _ = try await w.store.setIncidentStatus(id: incident, to: .resolved, by: w.sam.id, now: t0.addingTimeInterval(100))
            try await NotificationDispatcher(store: w.store, channel: voice, publicURL: "https://tocsin.example.com", logger: logger).run(now: t0.addingTimeInterval(300))
            #expect(voice.sent.isEmpty)
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
            #expect(events.contains { $0.kind == .responderAdded && $0.body == "Pat asked to respond by Sam" })
            await #expect(throws: DomainError.self) { try await responders.add(w.pat.id, to: incident, by: w.sam) }
        }
    }

    @Test("editing the policy does not change an escalation under way; deleting it does not stop one", arguments: TestBackend.available)
    func snapshot(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let incident = try await trigger(w, "snap", at: t0)
            try await engine.run(now: t0)
            var edited = w.policy
            edited.levels = [EscalationLevel(delayMinutes: 60, targets: [EscalationTarget(kind: .user, id: w.pat.id)])]
            try await w.store.updateEscalationPolicy(edited)
            #expect(try await engine.run(now: t0.addingTimeInterval(300)).fired == 1, "the second level of the policy as it was")
            let sms = try await w.store.notifications(incidentID: incident).filter { $0.channel == .sms }
            #expect(sms.map(\.address) == [w.samSMS.address])
        }
    }

    @Test("two engines on one database fire each step once", arguments: TestBackend.available)
    func twoEngines(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let other = SQLStore(database: database)
            let (a, b) = (EscalationEngine(store: w.store, logger: logger), EscalationEngine(store: other, logger: logger))
            var incidents: [UUID] = []
            for n in 0..<20 { incidents.append(try await trigger(w, "many-\(n)", at: t0)) }
            async let first = a.run(now: t0)
            async let second = b.run(now: t0)
            let (p, q) = try await (first, second)
            #expect(p.started + q.started == 20)
            #expect(p.fired + q.fired == 20)
            async let third = a.run(now: t0.addingTimeInterval(300))
            async let fourth = b.run(now: t0.addingTimeInterval(300))
            let (r, s) = try await (third, fourth)
            #expect(r.fired + s.fired == 20)
            for incident in incidents {
                let notes = try await w.store.notifications(incidentID: incident)
                #expect(notes.count == 3, "e-mail and voice for Pat, SMS for Sam: each once")
            }
        }
    }

    @Test("a transient failure is retried with a wait; a permanent one fails at once; a lost claim records nothing", arguments: TestBackend.available)
    func failures(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let mail = RecordingChannel(.email, answers: [.transient("503 from the relay"), .sent(providerMessageID: "m-1")])
            let dispatcher = NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: logger)
            let incident = try await trigger(w, "flaky", at: t0)
            try await engine.run(now: t0)
            try await dispatcher.run(now: t0)
            var note = try #require(try await w.store.notifications(incidentID: incident).first { $0.channel == .email })
            #expect(note.status == .queued)
            #expect(note.dueAt == t0.addingTimeInterval(5))
            #expect(note.lastError == "503 from the relay")
            #expect(try await dispatcher.run(now: t0.addingTimeInterval(4)) == 0, "not before its retry time")
            #expect(try await dispatcher.run(now: t0.addingTimeInterval(5)) == 1)
            note = try #require(try await w.store.notifications(incidentID: incident).first { $0.channel == .email })
            #expect(note.status == .sent)
            #expect(note.attempts == 2)
            #expect(mail.sent.count == 2)

            let voice = RecordingChannel(.voice, answers: [.permanent("21614: not a mobile number")])
            try await NotificationDispatcher(store: w.store, channel: voice, publicURL: "https://tocsin.example.com", logger: logger)
                .run(now: t0.addingTimeInterval(180))
            let call = try #require(try await w.store.notifications(incidentID: incident).first { $0.channel == .voice })
            #expect(call.status == .failed)
            #expect(call.lastError == "21614: not a mobile number")

            // A claim held past its lease is taken by another sender; the first one's late answer is refused.
            let step = try await engine.run(now: t0.addingTimeInterval(300))
            #expect(step.fired == 1)
            let first = try await w.store.claimNotifications(channel: .sms, now: t0.addingTimeInterval(300), limit: 10, lease: 60)
            #expect(first.count == 1)
            #expect(try await w.store.claimNotifications(channel: .sms, now: t0.addingTimeInterval(330), limit: 10, lease: 60).isEmpty, "held")
            let second = try await w.store.claimNotifications(channel: .sms, now: t0.addingTimeInterval(361), limit: 10, lease: 60)
            #expect(second.count == 1)
            let id = try #require(first.first?.notification.id)
            #expect(try await w.store.finishNotification(id: id, claim: first[0].claim, outcome: .sent(providerMessageID: "late"), now: t0.addingTimeInterval(362)) == false)
            #expect(try await w.store.finishNotification(id: id, claim: second[0].claim, outcome: .sent(providerMessageID: "s-1"), now: t0.addingTimeInterval(362)))
        }
    }

    @Test("a round robin's turns are taken one per incident in order, whether its incidents start in one round or in several",
          arguments: TestBackend.available)
    func roundRobinTurnsInARound(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let policy = EscalationPolicy(id: UUID(), name: "SRE by turns", teamID: w.policy.teamID, repeatCount: 0, levels: [
                EscalationLevel(delayMinutes: 5, targets: [EscalationTarget(kind: .team, id: w.policy.teamID, teamMode: .roundRobin)]),
            ], createdAt: t0, updatedAt: t0)
            try await w.store.createEscalationPolicy(policy)
            var service = Seed.service("Search", team: w.policy.teamID)
            service.escalationPolicyID = policy.id
            try await w.store.createService(service)
            func open(_ key: String) async throws -> UUID {
                let outcome = try await w.store.ingest(AlertEvent(action: .trigger, dedupKey: key, summary: "Search \(key)", source: "test", severity: .critical),
                                                       serviceID: service.id, integrationKeyID: nil, now: t0)
                return try #require(outcome.incidentID)
            }
            let engine = EscalationEngine(store: w.store, logger: logger)
            var incidents: [UUID] = []
            for key in ["a", "b", "c"] { incidents.append(try await open(key)) }
            #expect(try await engine.run(now: t0).started == 3, "three incidents started in one round")
            incidents.append(try await open("d"))
            #expect(try await engine.run(now: t0).started == 1)
            var turns: [Int] = []
            var paged: [UUID?] = []
            for incident in incidents {
                turns.append(try #require(try await w.store.escalation(incidentID: incident)).turn)
                paged.append(try await w.store.notifications(incidentID: incident).first?.userID)
            }
            #expect(turns == [0, 1, 2, 3])
            #expect(paged == [w.pat.id, w.sam.id, w.pat.id, w.sam.id], "the team's members by turns")
        }
    }

    @Test("a step a storm's pass reaches late is stamped when it fired, and the next level gets its whole delay from then",
          arguments: TestBackend.available)
    func lateRoundTimesTheNextLevelFromItsFiring(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await world(database)
            let incident = try await trigger(w, "db-down", at: t0)
            // The pass began at t0, but its step round ran 7 seconds later (a storm's starts kept it busy until then).
            let fired = t0.addingTimeInterval(7)
            let engine = EscalationEngine(store: w.store, logger: logger, clock: { fired })
            #expect(try await engine.run(now: t0) == EscalationEngine.Pass(started: 1, fired: 1))
            let first = try await w.store.notifications(incidentID: incident).filter { $0.step == 0 }
            #expect(!first.isEmpty && first.allSatisfy { $0.createdAt == fired }, "stamped when the level was paged, not when the pass began")
            // Five minutes from the pass's start, Sam is not paged yet: Pat has had 4:53 of the five minutes.
            let still = EscalationEngine(store: w.store, logger: logger)
            #expect(try await still.run(now: t0.addingTimeInterval(300)).fired == 0)
            #expect(try await still.run(now: fired.addingTimeInterval(300)).fired == 1)
        }
    }
}

@Suite("Escalation in a storm")
struct EscalationStormTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("incidents nobody is paged for do not hold up the ones that page, and one pass takes in more than one round", arguments: TestBackend.available)
    func storm(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let pat = Seed.user("pat")
            try await store.createUser(pat)
            let team = Team(id: UUID(), name: "SRE", description: "", memberIDs: [pat.id], createdAt: t0, updatedAt: t0)
            try await store.createTeam(team)
            let policy = EscalationPolicy(id: UUID(), name: "P", teamID: team.id, repeatCount: 0,
                                          levels: [EscalationLevel(delayMinutes: 5, targets: [EscalationTarget(kind: .user, id: pat.id)])],
                                          createdAt: t0, updatedAt: t0)
            try await store.createEscalationPolicy(policy)
            let quiet = Seed.service("Batch")
            try await store.createService(quiet)
            var paged = Seed.service("Checkout")
            paged.escalationPolicyID = policy.id
            try await store.createService(paged)
            func storm(_ service: Service, _ count: Int, _ prefix: String) async throws {
                for chunk in stride(from: 0, to: count, by: 400) {
                    let events = (chunk..<min(count, chunk + 400)).map { AlertEvent(action: .trigger, dedupKey: "\(prefix)-\($0)", summary: "s", severity: .error) }
                    _ = try await store.ingest(events, serviceID: service.id, integrationKeyID: nil, now: t0)
                }
            }
            try await storm(quiet, 1_200, "quiet")
            try await storm(paged, 1_100, "loud")
            let engine = EscalationEngine(store: store, logger: Logger(label: "test"))
            let pass = try await engine.run(now: t0)
            #expect(pass.started == 1_100, "all of them in one pass, though a round takes 500")
            #expect(pass.fired == 1_100, "and all of their first steps, though a round reads 500")
            #expect(try await engine.run(now: t0) == EscalationEngine.Pass(), "each fired once")
        }
    }
}

@Suite("Escalation after the first response")
struct EscalationAgainTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let logger = Logger(label: "test")

    @Test("resolved, escalation stopped, then reopened: it escalates afresh from the first level, and the first page goes again",
          arguments: TestBackend.available)
    func reopened(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let incident = try await EscalationStoryTests().trigger(w, "again", at: t0)
            try await engine.run(now: t0)
            _ = try await w.store.setIncidentStatus(id: incident, to: .resolved, by: w.pat.id, now: t0.addingTimeInterval(60))
            #expect(try await engine.run(now: t0.addingTimeInterval(300)).stopped == 1)
            #expect(try await engine.run(now: t0.addingTimeInterval(350)) == EscalationEngine.Pass(), "a stopped escalation stays stopped")
            _ = try await w.store.changeIncident(id: incident, .reopen, by: w.sam.id, now: t0.addingTimeInterval(400))
            #expect(try await engine.run(now: t0.addingTimeInterval(401)) == EscalationEngine.Pass(started: 1, fired: 1))
            #expect(try await engine.run(now: t0.addingTimeInterval(402)) == EscalationEngine.Pass(), "started once")
            let mails = try await w.store.notifications(incidentID: incident).filter { $0.channel == .email }
            #expect(mails.map(\.dueAt) == [t0, t0.addingTimeInterval(401)], "Pat is paged again")
            #expect(try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
                .filter { $0.kind == .escalationStarted }.count == 2)
        }
    }

    @Test("a page queued for later is not sent to an address changed since", arguments: TestBackend.available)
    func changedAddress(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let voice = RecordingChannel(.voice)
            let incident = try await EscalationStoryTests().trigger(w, "moved", at: t0)
            try await engine.run(now: t0)
            var moved = w.patVoice
            moved.address = "+4915199999999"
            moved.verifiedAt = nil
            moved.updatedAt = t0.addingTimeInterval(60)
            try await w.store.updateContactMethod(moved, codeHash: nil, codeExpiresAt: nil)
            try await NotificationDispatcher(store: w.store, channel: voice, publicURL: "https://tocsin.example.com", logger: logger)
                .run(now: t0.addingTimeInterval(180))
            #expect(voice.sent.isEmpty)
            let call = try #require(try await w.store.notifications(incidentID: incident).first { $0.channel == .voice })
            #expect(call.status == .cancelled)
        }
    }
}

@Suite("Escalating by hand")
struct EscalateByHandTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let logger = Logger(label: "test")

    @Test("escalate now pages the next level at once; a chosen level pages that one; not on an acknowledged incident",
          arguments: TestBackend.available)
    func escalate(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let incident = try await EscalationStoryTests().trigger(w, "help", at: t0)
            try await engine.run(now: t0)
            let sixty = t0.addingTimeInterval(60)
            let now = try await w.store.escalateIncident(id: incident, toLevel: nil, by: w.pat.id, now: sixty)
            #expect(now.step == 1 && now.dueAt == sixty)
            #expect(w.store.escalationWork.isPending, "the engine is woken")
            #expect(try await engine.run(now: sixty).fired == 1)
            #expect(try await w.store.notifications(incidentID: incident).filter { $0.channel == .sms }.map(\.dueAt) == [sixty], "Sam, four minutes early")
            await #expect(throws: DomainError.conflict("every level of the policy has been paged; name a level to page it again")) {
                try await w.store.escalateIncident(id: incident, toLevel: nil, by: w.pat.id, now: sixty.addingTimeInterval(1))
            }
            await #expect(throws: DomainError.invalid("level", "must be a level of the policy, from 1 to 2")) {
                try await w.store.escalateIncident(id: incident, toLevel: 3, by: w.pat.id, now: sixty.addingTimeInterval(1))
            }
            let back = try await w.store.escalateIncident(id: incident, toLevel: 1, by: w.sam.id, now: sixty.addingTimeInterval(2))
            #expect(back.step == 0)
            #expect(try await engine.run(now: sixty.addingTimeInterval(2)).fired == 1)
            #expect(try await w.store.notifications(incidentID: incident).filter { $0.channel == .email }.count == 2, "Pat paged again")
            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.pat.id, now: sixty.addingTimeInterval(3))
            await #expect(throws: DomainError.conflict("the incident is acknowledged: escalation pages only while it is triggered")) {
                try await w.store.escalateIncident(id: incident, toLevel: nil, by: w.pat.id, now: sixty.addingTimeInterval(4))
            }
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
            #expect(events.filter { $0.kind == .escalationRequested }.map(\.body) == ["Escalation to level 2 requested by Pat", "Escalation to level 1 requested by Sam"])
        }
    }
}

@Suite("Senders")
struct SenderClaimTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a sender claims no more than it sends at once, batch after batch within a pass", arguments: TestBackend.available)
    func claimsWhatItSends(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let engine = EscalationEngine(store: w.store, logger: Logger(label: "test"))
            for n in 0..<3 { _ = try await EscalationStoryTests().trigger(w, "claim-\(n)", at: t0) }
            try await engine.run(now: t0)
            let mail = RecordingChannel(.email)  // two at once
            let sender = NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: Logger(label: "test"),
                                                pacing: .none)
            #expect(try await sender.run(now: t0) == 3, "two, then one")
            #expect(mail.sent.count == 3)
            #expect((1...2).contains(mail.mostAtOnce), "never more claimed and in flight than the channel sends at once")
            #expect(try await sender.run(now: t0) == 0)
        }
    }

    @Test("a storm on a channel that sends 64 at once is worked by four lanes of 16: every page once, never more than 64 in flight",
          arguments: TestBackend.available)
    func lanes(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let engine = EscalationEngine(store: w.store, logger: Logger(label: "test"))
            for n in 0..<150 { _ = try await EscalationStoryTests().trigger(w, "storm-\(n)", at: t0) }
            #expect(try await engine.run(now: t0).fired == 150)
            let mail = RecordingChannel(.email, concurrency: 64)
            let sender = NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: Logger(label: "test"),
                                                pacing: .none)
            #expect(try await sender.run(now: t0) == 150)
            #expect(mail.sent.count == 150)
            #expect(Set(mail.sent.map(\.notification.id)).count == 150, "each page once")
            #expect(mail.mostAtOnce <= 64, "four lanes of 16 at most")
            #expect(try await sender.run(now: t0) == 0)
            // A quiet wake-up afterwards sends its one message.
            _ = try await EscalationStoryTests().trigger(w, "one-more", at: t0)
            #expect(try await engine.run(now: t0).fired == 1)
            #expect(try await sender.run(now: t0) == 1)
        }
    }
}

/// Keeps what it was asked to rewrite.
final class RecordingUpdater: ChatMessageUpdater {
    let kind: ContactMethod.Kind = .slack
    private let state = Mutex<[(String, ChatIncidentView)]>([])
    var updates: [(String, ChatIncidentView)] { state.withLock { $0 } }

    func update(messageID: String, _ view: ChatIncidentView) async -> ChannelResult {
        state.withLock { $0.append((messageID, view)) }
        return .sent(providerMessageID: messageID)
    }
}

@Suite("Chat messages rewritten")
struct ChatMessageRefresherTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a Slack page is rewritten once each time its incident changes, whoever changed it; Slack pages get no separate notice", arguments: TestBackend.available)
    func rewritten(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let w = try await EscalationStoryTests().world(database)
            let patSlack = ContactMethod(id: UUID(), userID: w.pat.id, kind: .slack, address: "U0PAT", verifiedAt: t0, createdAt: t0, updatedAt: t0)
            try await w.store.createContactMethod(patSlack, codeHash: nil, codeExpiresAt: nil)
            try await w.store.createNotificationRule(NotificationRule(id: UUID(), userID: w.pat.id, contactMethodID: patSlack.id, urgency: .high,
                                                                      delayMinutes: 0, createdAt: t0))
            let logger = Logger(label: "test")
            let incident = try await EscalationStoryTests().trigger(w, "slack-1", at: t0)
            try await EscalationEngine(store: w.store, logger: logger).run(now: t0)
            let slack = RecordingChannel(.slack)
            let sender = NotificationDispatcher(store: w.store, channel: slack, publicURL: "https://tocsin.example.com", logger: logger)
            try await sender.run(now: t0)
            #expect(slack.sent.count == 1)
            let updater = RecordingUpdater()
            let refresher = ChatMessageRefresher(store: w.store, channel: updater, publicURL: "https://tocsin.example.com", logger: logger)
            #expect(try await refresher.run(now: t0.addingTimeInterval(1)) == 0, "the message shows the incident as it is")

            _ = try await w.store.setIncidentStatus(id: incident, to: .acknowledged, by: w.sam.id, now: t0.addingTimeInterval(60))
            #expect(try await refresher.run(now: t0.addingTimeInterval(61)) == 1)
            #expect(updater.updates.last?.0 == "msg-1")
            #expect(updater.updates.last?.1.statusLine == "Acknowledged by Sam")
            #expect(updater.updates.last?.1.actions == [.resolve])
            #expect(try await refresher.run(now: t0.addingTimeInterval(62)) == 0, "once")
            try await sender.run(now: t0.addingTimeInterval(62))
            #expect(slack.sent.count == 1, "no notice on Slack: the page itself says who has it")

            // Its alerts resolving (no person) rewrites it too.
            _ = try await w.store.ingest(AlertEvent(action: .resolve, dedupKey: "slack-1", summary: "", source: "test", severity: .critical),
                                         serviceID: w.service.id, integrationKeyID: nil, now: t0.addingTimeInterval(120))
            #expect(try await refresher.run(now: t0.addingTimeInterval(121)) == 1)
            #expect(updater.updates.last?.1.status == .resolved)
            #expect(updater.updates.last?.1.actions == [])
            // Messages older than the window are left alone.
            _ = try await w.store.changeIncident(id: incident, .reopen, by: w.sam.id, now: t0.addingTimeInterval(180))
            #expect(try await refresher.run(now: t0.addingTimeInterval(ChatMessageRefresher.window + 10)) == 0)
        }
    }
}

/// Keeps what it was told.
final class RecordingObserver: PagingObserver {
    private let state = Mutex<(finished: [(String, String, TimeInterval?, TimeInterval?)], checked: [PagingHealth])>(([], []))
    var finished: [(String, String, TimeInterval?, TimeInterval?)] { state.withLock { $0.finished } }
    var checked: [PagingHealth] { state.withLock { $0.checked } }

    func finished(channel: ContactMethod.Kind, outcome: String, waited: TimeInterval?, sinceOpened: TimeInterval?) {
        state.withLock { $0.finished.append((channel.rawValue, outcome, waited, sinceOpened)) }
    }

    func checked(_ health: PagingHealth) { state.withLock { $0.checked.append(health) } }
}

@Suite("Paging watchdog")
struct PagingWatchdogTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an overdue step, a queue falling behind and a message stuck with a dead sender are found, counted and told; outcomes are counted",
          arguments: TestBackend.available)
    func watchdog(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let story = EscalationStoryTests()
            let w = try await story.world(database)
            let logger = Logger(label: "test")
            let observer = RecordingObserver()
            let watchdog = PagingWatchdog(store: w.store, observer: observer, logger: logger)
            let incident = try await story.trigger(w, "watch", at: t0)
            #expect(try await watchdog.run(now: t0).isHealthy)

            // Nobody ran the engine: after a minute and a half the first step is overdue.
            let late = try await watchdog.run(now: t0.addingTimeInterval(90))
            #expect(late.overdueSteps == 0, "not started yet: discovery, not a due step")
            let engine = EscalationEngine(store: w.store, logger: logger)
            try await engine.run(now: t0)
            let behind = try await watchdog.run(now: t0.addingTimeInterval(400))
            #expect(behind.overdueSteps == 1 && behind.oldestStepLateness == 100, "level 2 fell due at 300 s and nobody fired it")
            #expect(behind.overdueQueued == [.email: 1, .voice: 1], "the e-mail due at 0 and the call due at 180 s were never sent")
            #expect(observer.checked.last == behind)

            // A sender takes the e-mail and dies: its claim runs out and nobody takes it over for more than a minute.
            _ = try await w.store.claimNotifications(channel: .email, now: t0.addingTimeInterval(400), limit: 1, lease: 60)
            let stuck = try await watchdog.run(now: t0.addingTimeInterval(400 + 60 + 61))
            #expect(stuck.stuckSending == 1)
            #expect(stuck.overdueQueued[.email] == nil)
            let waiting = try await w.store.waitingNotifications(page: PageRequest(limit: 50))
            #expect(waiting.total == 2)
            #expect(waiting.items.first?.why(now: t0.addingTimeInterval(521)) == "a sender took it and stopped answering; another takes it over")

            // A live sender takes it over and records the outcome, measured from when it was due.
            let mail = RecordingChannel(.email)
            try await NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: logger, observer: observer)
                .run(now: t0.addingTimeInterval(521))
            let (channel, outcome, waited, sinceOpened) = try #require(observer.finished.last)
            #expect(channel == "email" && outcome == "sent")
            #expect((waited ?? 0) >= 521 && (waited ?? 0) < 530)
            #expect((sinceOpened ?? 0) >= 521, "the first level's immediate page measures alert → hand-off")
            _ = incident
        }
    }
}

@Suite("Urgency")
struct UrgencyStoryTests {
    @Test("a low-urgency incident opened on a Saturday waits for Monday's working hours, then pages by the low-urgency rules",
          arguments: TestBackend.available)
    func heldUntilWorkingHours(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let story = EscalationStoryTests()
            let w = try await story.world(database)
            // Pat: e-mail and a call for high urgency (the world's rules); only e-mail, ten minutes in, for low.
            try await w.store.createNotificationRule(NotificationRule(id: UUID(), userID: w.pat.id, contactMethodID: w.patMail.id, urgency: .low,
                                                                      delayMinutes: 10, createdAt: story.t0))
            var service = w.service
            service.urgencyRule = .low
            service.workingHours = WorkingHours(timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: 9 * 60, end: 17 * 60)
            try await w.store.updateService(service)
            let saturday = ISO8601DateFormatter().date(from: "2026-12-05T20:00:00Z")!
            let monday = ISO8601DateFormatter().date(from: "2026-12-07T08:00:00Z")!  // 09:00 in Berlin
            let incident = try await story.trigger(w, "weekend", at: saturday)
            let engine = EscalationEngine(store: w.store, logger: Logger(label: "test"))
            #expect(try await engine.run(now: saturday) == EscalationEngine.Pass(started: 1))
            let held = try #require(try await w.store.escalation(incidentID: incident))
            #expect(held.urgency == .low && held.dueAt == monday)
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 50)).items
            #expect(events.last?.body == "Escalation started with the policy SRE primary, low urgency; held until working hours begin (2026-12-07T08:00:00Z)")
            #expect(try await engine.run(now: monday.addingTimeInterval(-60)).fired == 0, "nobody is woken on the weekend")
            #expect(try await engine.run(now: monday).fired == 1)
            let notes = try await w.store.notifications(incidentID: incident)
            #expect(notes.map(\.channel) == [.email], "the low-urgency rule: e-mail only")
            #expect(notes.first?.dueAt == monday.addingTimeInterval(600))

            // By severity: a SEV3 on a service so ruled is low urgency at once (no working hours to wait for).
            service.urgencyRule = .severity
            service.workingHours = nil
            try await w.store.updateService(service)
            let minor = try await w.store.ingest(AlertEvent(action: .trigger, dedupKey: "minor", summary: "slow", source: "test", severity: .warning),
                                                 serviceID: service.id, integrationKeyID: nil, now: monday)
            try await engine.run(now: monday)
            let minorID = try #require(minor.incidentID)
            let severity = try #require(try await w.store.incident(id: minorID)?.severity)
            let escalation = try #require(try await w.store.escalation(incidentID: minorID))
            #expect(escalation.urgency == (severity >= .sev2 ? .high : .low))
            #expect(escalation.dueAt != nil)
        }
    }
}

@Suite("Whom a round pages")
struct PagingDirectoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a team of 1,001 is read in two batches of people: the 1,001st is known, with their rules and methods", arguments: TestBackend.available)
    func pastOneRead(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var members: [User] = []
            for n in 0...PagingDirectory.idsPerRead {
                let person = Seed.user("member\(n)")
                try await store.createUser(person)
                members.append(person)
            }
            let team = Seed.team("Everyone", members: members.map(\.id))
            try await store.createTeam(team)
            let last = try #require(members.last)
            let phone = ContactMethod(id: UUID(), userID: last.id, kind: .sms, address: "+4915100000001", verifiedAt: t0, createdAt: t0, updatedAt: t0)
            try await store.createContactMethod(phone, codeHash: nil, codeExpiresAt: nil)
            try await store.createNotificationRule(NotificationRule(id: UUID(), userID: last.id, contactMethodID: phone.id, urgency: .high, delayMinutes: 2,
                                                                    createdAt: t0))

            let directory = try await PagingDirectory.load(targets: [EscalationTarget(kind: .team, id: team.id)], store: store, at: t0)
            #expect(directory.users.count == members.count)
            let paging = directory.paging(directory.people(EscalationTarget(kind: .team, id: team.id), turn: 0), urgency: .high)
            #expect(paging.paged.map(\.id) == [last.id], "the one reachable member, read in the second batch")
            #expect(paging.unreachable.count == members.count - 1)
            #expect(paging.drafts.map(\.dueAt) == [t0.addingTimeInterval(120)], "by their own rule: SMS after two minutes")
        }
    }
}
