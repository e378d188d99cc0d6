import Foundation
import Logging
import Testing
import TocsinCore
@testable import TocsinJobs
@testable import TocsinNotify
import TocsinStorage
import TocsinTestSupport

@Suite("Pacing rules")
struct PacingRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let pacing = Pacing()

    @Test("the first message goes at once; what follows within a minute waits for the minute's end, to go as one")
    func bundleWindow() {
        #expect(pacing.hold(.email, sends: [], now: t0) == nil)
        #expect(pacing.hold(.email, sends: [t0], now: t0.addingTimeInterval(10)) == Pacing.Hold(until: t0.addingTimeInterval(60), reason: .bundle))
        #expect(pacing.hold(.email, sends: [t0], now: t0.addingTimeInterval(59.999)) != nil)
        #expect(pacing.hold(.email, sends: [t0], now: t0.addingTimeInterval(60)) == nil, "exactly a minute later it goes")
        #expect(pacing.hold(.webhook, sends: [t0], now: t0.addingTimeInterval(1)) == nil, "webhooks are read by programs: never bundled")
        #expect(pacing.hold(.slack, sends: [t0], now: t0.addingTimeInterval(1)) == nil)
    }

    @Test("at most 3 calls and 5 SMS in 15 minutes: the next waits until the oldest of them leaves the window")
    func throttle() {
        let calls = [t0, t0.addingTimeInterval(120), t0.addingTimeInterval(300)]
        let at = t0.addingTimeInterval(400)
        #expect(pacing.hold(.voice, sends: Array(calls.prefix(2)), now: at) == nil, "two calls: a third may go")
        #expect(pacing.hold(.voice, sends: calls, now: at) == Pacing.Hold(until: t0.addingTimeInterval(900), reason: .throttle))
        #expect(pacing.hold(.voice, sends: calls, now: t0.addingTimeInterval(900)) == nil, "the first call left the window")
        // Order does not matter, and a send stamped in the future (another instance's clock ahead) counts as sent now.
        #expect(pacing.hold(.voice, sends: calls.reversed(), now: at)?.until == t0.addingTimeInterval(900))
        #expect(pacing.hold(.email, sends: [t0.addingTimeInterval(10)], now: t0) == Pacing.Hold(until: t0.addingTimeInterval(60), reason: .bundle))
        // Bundling off: one message per claim, so the throttle counts every call.
        #expect(Pacing(bundleWindow: 0).bundleSize(.voice) == 1 && Pacing(bundleWindow: 0).hold(.voice, sends: calls, now: at)?.reason == .throttle)
        let sms = (0..<5).map { t0.addingTimeInterval(Double($0) * 100) }
        #expect(pacing.hold(.sms, sends: Array(sms.prefix(4)), now: t0.addingTimeInterval(500)) == nil)
        #expect(pacing.hold(.sms, sends: sms, now: t0.addingTimeInterval(500))?.until == t0.addingTimeInterval(900))
        // Within the bundle window and the throttle both: the later wins, and says so.
        #expect(pacing.hold(.voice, sends: [t0.addingTimeInterval(-10), t0.addingTimeInterval(-20), t0.addingTimeInterval(-30)], now: t0)
                == Pacing.Hold(until: t0.addingTimeInterval(870), reason: .throttle))
        #expect(Pacing.none.hold(.voice, sends: calls, now: at) == nil)
        #expect(Pacing(bundleSizes: [.voice: 50]).bundleSize(.voice) == Pacing.maximumPerCall, "a call reads at most five incidents")
    }

    @Test("a bundle as an SMS, a call and an e-mail names every incident, with the ways to act on each")
    func bundleTexts() throws {
        func message(_ number: Int, _ title: String, purpose: NotificationPurpose = .page) -> OutgoingMessage {
            let record = NotificationRecord(id: UUID(), incidentID: UUID(), userID: UUID(), contactMethodID: UUID(), channel: .sms, address: "+4915100000001",
                                            step: 0, status: .sending, dueAt: t0, attempts: 1, providerMessageID: nil, lastError: nil, createdAt: t0,
                                            sentAt: nil, purpose: purpose, detail: purpose == .taken ? "acknowledged by Bob" : nil)
            return OutgoingMessage(notification: record, incidentNumber: number, incidentTitle: title, recipientName: "Pat",
                                   incidentURL: "https://tocsin.example.com/incidents/\(number)", severity: .sev1)
        }
        var lead = message(41, String(repeating: "Checkout latency very high in every region ", count: 5))
        lead.bundle = [message(42, "Payments down"), message(43, "Search slow", purpose: .taken), message(44, "Login errors"), message(45, "Queue backlog")]
        let sms = PhoneText.sms(lead)
        #expect(sms.hasPrefix("Tocsin, 5 incidents:\n#41 SEV1: Checkout"))
        #expect(sms.contains("\n#42 SEV1: Payments down") && sms.contains("\n#43 acknowledged by Bob: Search slow") && sms.contains("\n#45 SEV1: Queue backlog"))
        #expect(sms.hasSuffix("Reply ack N, res N or esc N (N: 41, 42, 44, 45)."), "a notice is not asked to act on")
        #expect(sms.count <= PhoneText.smsLimit + 40)
        let speech = PhoneText.speech(lead)
        #expect(speech.hasPrefix("This is Tocsin with 5 incidents. Incident 41, severity 1: "))
        #expect(speech.contains("Incident 45, severity 1: Queue backlog.") && speech.hasSuffix("A key you press acts on all of them."))

        var mail = message(41, "Checkout down")
        mail.actions = [MessageAction(action: .acknowledge, url: "https://tocsin.example.com/act/ack-41")]
        var second = message(42, "Payments <down>")
        second.actions = [MessageAction(action: .acknowledge, url: "https://tocsin.example.com/act/ack-42")]
        mail.bundle = [second]
        let raw = SMTPMessage.page(mail, from: "tocsin@example.com", date: t0)
        let parts = SMTPSink.decodedParts(raw)
        #expect(raw.contains("Subject: =?UTF-8?B?W1RvY3Npbl0gMiBpbmNpZGVudHM6ICM0MSBDaGVja291dCBkb3duIMK3ICM0"), "[Tocsin] 2 incidents: #41 Checkout down · #4…, encoded")
        #expect(parts.count == 2)
        let text = try #require(parts.first), html = try #require(parts.last)
        #expect(text.hasPrefix("2 incidents for you, in one message:"))
        #expect(text.contains("Acknowledge: https://tocsin.example.com/act/ack-41") && text.contains("Acknowledge: https://tocsin.example.com/act/ack-42"))
        #expect(html.contains("Payments &lt;down&gt;") && !html.contains("<down>"))
        #expect(html.components(separatedBy: "<!doctype html>").count == 2, "one document")
    }
}

@Suite("Pacing through the outbox")
struct PacingStoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let logger = Logger(label: "test")

    @Test("a storm for one person: the first e-mail and call go at once, the rest wait and go bundled, the fourth call in 15 minutes waits its turn",
          arguments: TestBackend.available)
    func storm(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let story = EscalationStoryTests()
            let w = try await story.world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let (mail, voice) = (RecordingChannel(.email), RecordingChannel(.voice))
            let senders = [mail, voice].map { NotificationDispatcher(store: w.store, channel: $0, publicURL: "https://tocsin.example.com", logger: logger) }
            func run(at seconds: TimeInterval) async throws {
                try await engine.run(now: t0.addingTimeInterval(seconds))
                for sender in senders { try await sender.run(now: t0.addingTimeInterval(seconds)) }
            }
            // Four incidents in 30 seconds: Pat is e-mailed at once and called after three minutes for each.
            var incidents: [UUID] = []
            for n in 0..<4 {
                incidents.append(try await story.trigger(w, "storm-\(n)", at: t0.addingTimeInterval(Double(n * 10))))
                try await run(at: Double(n * 10))
            }
            #expect(mail.sent.count == 1, "the first e-mail went at once; the others wait for the minute to end")
            let held = try await w.store.notifications(incidentID: incidents[1]).first { $0.channel == .email }
            #expect(held?.status == .queued && held?.dueAt == t0.addingTimeInterval(60))
            #expect(held?.holdReason?.hasPrefix("held to go with others") == true)
            #expect(try await story.kinds(w, incidents[1]).filter { $0 == "notification_held" }.count == 1)
            try await run(at: 59)
            #expect(mail.sent.count == 1)
            try await run(at: 60)
            #expect(mail.sent.count == 2)
            #expect(mail.sent[1].all.map(\.incidentNumber) == [2, 3, 4], "one message for the three that waited")
            let bundled = try await w.store.notifications(incidentID: incidents[2]).first { $0.channel == .email }
            #expect(bundled?.status == .sent && bundled?.bundleID != nil)
            let sentLine = try await w.store.incidentTimeline(incidentID: incidents[2], page: PageRequest(limit: 200)).items
                .first { $0.kind == .notificationSent }?.body
            #expect(sentLine == "email to Pat sent in one message with #2")

            // Calls: the first at 3 minutes; the next three within the minute after it go as one call, whose key acts on all three.
            for s in [180.0, 190, 200, 210, 240] { try await run(at: s) }
            #expect(voice.sent.map { $0.all.map(\.incidentNumber) } == [[1], [2, 3, 4]])
            let reply = try #require(voice.sent[1].replyURL)
            #expect(reply.components(separatedBy: "~").count == 3)
            // Two more incidents: a third call may go; the fourth within 15 minutes of the first waits until then.
            for n in 4..<6 {
                incidents.append(try await story.trigger(w, "storm-\(n)", at: t0.addingTimeInterval(Double(200 + n * 10))))
                try await run(at: Double(200 + n * 10))
            }
            try await run(at: 420)  // incident 5's call
            #expect(voice.sent.count == 3)
            try await run(at: 430)  // incident 6's call: the fourth in 15 minutes
            #expect(voice.sent.count == 3)
            let throttled = try await w.store.notifications(incidentID: incidents[5]).first { $0.channel == .voice }
            #expect(throttled?.dueAt == t0.addingTimeInterval(180 + 900))
            #expect(throttled?.holdReason == "throttled: at most 3 calls in 15 minutes to one number; what waits goes as one")
            try await run(at: 1079)
            #expect(voice.sent.count == 3)
            try await run(at: 1080)
            #expect(voice.sent.count == 4 && voice.sent[3].incidentNumber == 6)
        }
    }

    @Test("a held page whose incident was acknowledged meanwhile is dropped; the rest of its bundle goes", arguments: TestBackend.available)
    func staleInBundle(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let story = EscalationStoryTests()
            let w = try await story.world(database)
            let engine = EscalationEngine(store: w.store, logger: logger)
            let mail = RecordingChannel(.email)
            let sender = NotificationDispatcher(store: w.store, channel: mail, publicURL: "https://tocsin.example.com", logger: logger)
            var incidents: [UUID] = []
            for n in 0..<3 {
                incidents.append(try await story.trigger(w, "stale-\(n)", at: t0.addingTimeInterval(Double(n))))
                try await engine.run(now: t0.addingTimeInterval(Double(n)))
                try await sender.run(now: t0.addingTimeInterval(Double(n)))
            }
            _ = try await w.store.setIncidentStatus(id: incidents[1], to: .acknowledged, by: w.sam.id, now: t0.addingTimeInterval(30))
            try await sender.run(now: t0.addingTimeInterval(61))
            #expect(mail.sent.map { $0.all.map(\.incidentNumber) } == [[1], [3]])
            #expect(try await w.store.notifications(incidentID: incidents[1]).first { $0.channel == .email }?.status == .cancelled)
        }
    }
}
