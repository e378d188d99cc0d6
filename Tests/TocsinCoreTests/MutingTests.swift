import Foundation
import Testing
@testable import TocsinCore

@Suite("Muting")
struct MutingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC, a Friday
    let service = UUID()

    func event(_ labels: [String: String], summary: String = "Disk full", severity: AlertSeverity = .error) -> AlertEvent {
        AlertEvent(action: .trigger, dedupKey: "k", summary: summary, source: "db-1", severity: severity, labels: labels)
    }

    @Test("matchers read labels or fields, with Alertmanager's four operators", arguments: [
        (AlertMatcher(name: "env", op: .equal, value: "prod"), true),
        (AlertMatcher(name: "env", op: .notEqual, value: "prod"), false),
        (AlertMatcher(name: "instance", op: .matches, value: "db-[0-9]+"), true),
        (AlertMatcher(name: "instance", op: .matches, value: "db"), false),
        (AlertMatcher(name: "severity", op: .equal, value: "error"), true),
        (AlertMatcher(name: "summary", op: .notMatches, value: ".*CPU.*"), true),
        (AlertMatcher(name: "missing", op: .equal, value: ""), true),
    ])
    func matchers(matcher: AlertMatcher, expected: Bool) {
        #expect(matcher.matches(event(["env": "prod", "instance": "db-12"])) == expected)
    }

    @Test("a silence mutes only while in force, only its service, only when every matcher holds")
    func silences() {
        let silence = Silence(id: UUID(), serviceID: service, matchers: [AlertMatcher(name: "env", op: .equal, value: "staging")],
                              startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(3600), createdBy: nil, comment: "load test", createdAt: now)
        #expect(silence.mutes(event(["env": "staging"]), serviceID: service, at: now))
        #expect(!silence.mutes(event(["env": "prod"]), serviceID: service, at: now))
        #expect(!silence.mutes(event(["env": "staging"]), serviceID: UUID(), at: now))
        #expect(!silence.mutes(event(["env": "staging"]), serviceID: service, at: now.addingTimeInterval(3600)))
        let blank = Silence(id: UUID(), serviceID: nil, matchers: [], startsAt: now, endsAt: now, createdBy: nil, comment: " ", createdAt: now)
        #expect(throws: DomainError.self) { try blank.validate() }
    }

    @Test("a weekly window keeps local hours across midnight and daylight saving")
    func weekly() throws {
        // Sundays 23:00–02:00 in Berlin.
        let window = MaintenanceWindow(id: UUID(), serviceID: service, name: "DB patching",
                                       schedule: .weekly(days: [1], startMinute: 23 * 60, endMinute: 120, timeZone: "Europe/Berlin"), createdAt: now)
        let iso = ISO8601DateFormatter()
        #expect(window.isActive(at: iso.date(from: "2026-03-29T21:30:00Z")!), "Sunday 23:30 in Berlin (summer time)")
        #expect(window.isActive(at: iso.date(from: "2026-03-29T23:30:00Z")!), "Monday 01:30 in Berlin")
        #expect(!window.isActive(at: iso.date(from: "2026-03-30T00:30:00Z")!), "Monday 02:30 in Berlin")
        #expect(!window.isActive(at: iso.date(from: "2026-03-28T21:30:00Z")!), "Saturday 22:30 in Berlin")
        #expect(window.isActive(at: iso.date(from: "2026-01-04T22:15:00Z")!), "Sunday 23:15 in winter")
    }

    @Test("maintenance wins over a silence, a silence over inhibition; each says why")
    func reasons() {
        let window = MaintenanceWindow(id: UUID(), serviceID: service, name: "Upgrade",
                                       schedule: .once(start: now.addingTimeInterval(-1), end: now.addingTimeInterval(60)), createdAt: now)
        let silence = Silence(id: UUID(), serviceID: nil, matchers: [AlertMatcher(name: "env", op: .equal, value: "prod")],
                              startsAt: now.addingTimeInterval(-1), endsAt: now.addingTimeInterval(60), createdBy: nil, comment: "known issue", createdAt: now)
        let e = event(["env": "prod"])
        let db = BlockingIncident(id: UUID(), number: 4, serviceName: "DB")
        #expect(MuteDecision.mute(for: e, serviceID: service, silences: [silence], windows: [window], blocking: db, now: now)?.reason
                == "maintenance window \"Upgrade\"")
        #expect(MuteDecision.mute(for: e, serviceID: service, silences: [silence], windows: [], blocking: db, now: now)?.reason
                == "silenced: known issue")
        #expect(MuteDecision.mute(for: e, serviceID: service, silences: [], windows: [], blocking: db, now: now)?.reason
                == "inhibited: DB, which this service depends on, has open incident #4")
        #expect(MuteDecision.mute(for: e, serviceID: service, silences: [], windows: [], blocking: nil, now: now) == nil)
    }
}

@Suite("Flap detection")
struct FlapDetectionTests {
    @Test("more state changes than allowed in the window is flapping", arguments: [(0, 0, false), (2, 1, false), (2, 2, true), (5, 0, true)])
    func threshold(opens: Int, resolves: Int, flapping: Bool) {
        #expect((FlapDetection.standard.mute(opens: opens, resolves: resolves) != nil) == flapping)
    }

    @Test("the history of a key is counted inside the window only: openings by first seen, resolutions by resolved")
    func history() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func ago(_ minutes: Double) -> Date { now.addingTimeInterval(-minutes * 60) }
        let flaps = FlapDetection(changes: 4, windowMinutes: 15)
        // Inside: 2 openings and 2 resolutions; with the new opening, 5 changes > 4.
        let busy: [(firstSeenAt: Date, resolvedAt: Date?)] = [(ago(14), ago(12)), (ago(10), ago(5)), (ago(40), nil)]
        #expect(flaps.mute(history: busy, now: now)?.kind == .flapping)
        // The same changes, but the first ones just outside the window: 3 + 1 = 4, not more than 4.
        let calm: [(firstSeenAt: Date, resolvedAt: Date?)] = [(ago(16), ago(15.5)), (ago(10), ago(5)), (ago(40), nil)]
        #expect(flaps.mute(history: calm, now: now) == nil)
    }

    @Test("limits are checked")
    func validation() {
        #expect(throws: DomainError.self) { try FlapDetection(changes: 1, windowMinutes: 0).validate() }
    }
}

@Suite("Event rules")
struct EventRuleTests {
    let service = UUID(), other = UUID()

    @Test("the first matching rule acts: drop, set severity or route")
    func ruling() {
        let rules = [
            EventRule(id: UUID(), conditions: [AlertMatcher(name: "env", op: .equal, value: "dev")], action: .drop),
            EventRule(id: UUID(), conditions: [AlertMatcher(name: "summary", op: .matches, value: ".*disk.*")], action: .setSeverity(.critical)),
            EventRule(id: UUID(), conditions: [AlertMatcher(name: "team", op: .equal, value: "db")], action: .route(other)),
            EventRule(id: UUID(), conditions: [AlertMatcher(name: "team", op: .equal, value: "db")], action: .drop),
        ]
        let dev = AlertEvent(action: .trigger, dedupKey: "a", summary: "disk full", labels: ["env": "dev"])
        #expect(EventRuling.apply(rules, to: dev, serviceID: service) == .drop("dropped by event rule 1"))
        let disk = AlertEvent(action: .trigger, dedupKey: "b", summary: "disk full", severity: .warning)
        guard case .keep(let changed, let target) = EventRuling.apply(rules, to: disk, serviceID: service) else { Issue.record("dropped"); return }
        #expect(changed.severity == .critical && target == service)
        let db = AlertEvent(action: .trigger, dedupKey: "c", labels: ["team": "db"])
        #expect(EventRuling.apply(rules, to: db, serviceID: service) == .keep(db, serviceID: other), "routing wins over the later drop")
        let plain = AlertEvent(action: .trigger, dedupKey: "d")
        #expect(EventRuling.apply(rules, to: plain, serviceID: service) == .keep(plain, serviceID: service))
    }
}

@Suite("Matcher validation")
struct MatcherValidationTests {
    @Test("patterns that are not RE2 syntax, or that could not run in linear time, are refused with the reason",
          arguments: ["(disk", "(a)\\1", "(?=disk)", "a{1001}", String(repeating: "a", count: 1001)])
    func refused(pattern: String) {
        var v = Validator()
        AlertMatcher(name: "summary", op: .notMatches, value: pattern).validate(at: "m", into: &v)
        #expect(v.errors.map(\.field) == ["m.value"])
        #expect(v.errors.first?.reason.hasPrefix("is not a valid regular expression: ") == true)
    }

    @Test("a pattern that backtracks exponentially elsewhere is accepted and matches as RE2 does")
    func hostile() {
        let matcher = AlertMatcher(name: "summary", op: .matches, value: "(a+)+$")
        var v = Validator()
        matcher.validate(at: "m", into: &v)
        #expect(v.errors.isEmpty)
        let text = String(repeating: "a", count: 10_000)
        #expect(matcher.matches(AlertEvent(action: .trigger, dedupKey: "k", summary: text)))
        #expect(!matcher.matches(AlertEvent(action: .trigger, dedupKey: "k", summary: text + "!")))
        #expect(AlertMatcher(name: "summary", op: .matches, value: "(a+)+$") == matcher, "equal by their text")
    }
}
