import Foundation
import Testing
@testable import TocsinCore

@Suite("Urgency and working hours")
struct UrgencyTests {
    let berlin = WorkingHours(timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: 9 * 60, end: 17 * 60)

    func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("a rule gives each incident its urgency")
    func rules() {
        let monday = utc("2026-12-07T10:00:00Z")  // 11:00 in Berlin
        let sunday = utc("2026-12-06T10:00:00Z")
        #expect(UrgencyRule.high.urgency(for: .sev4, at: sunday, workingHours: nil) == .high)
        #expect(UrgencyRule.low.urgency(for: .sev1, at: monday, workingHours: nil) == .low)
        #expect(IncidentSeverity.allCases.map { UrgencyRule.severity.urgency(for: $0, at: monday, workingHours: nil) } == [.high, .high, .low, .low])
        #expect(UrgencyRule.workingHours.urgency(for: .sev4, at: monday, workingHours: berlin) == .high)
        #expect(UrgencyRule.workingHours.urgency(for: .sev1, at: sunday, workingHours: berlin) == .low)
    }

    @Test("working hours are local wall-clock hours, through both daylight-saving changes")
    func daylightSaving() throws {
        // The Saturday before summer time begins (Sunday 29 March 2026, 02:00 → 03:00): next is Monday 09:00 CEST = 07:00 UTC.
        #expect(berlin.nextStart(after: utc("2026-03-28T19:00:00Z")) == utc("2026-03-30T07:00:00Z"))
        // The Friday evening before winter time returns (Sunday 25 October 2026, 03:00 → 02:00): Monday 09:00 CET = 08:00 UTC.
        #expect(berlin.nextStart(after: utc("2026-10-23T16:00:00Z")) == utc("2026-10-26T08:00:00Z"))
        #expect(berlin.contains(utc("2026-03-30T07:00:00Z")) && !berlin.contains(utc("2026-03-30T06:59:59Z")))
        #expect(berlin.contains(utc("2026-10-26T15:59:59Z")) && !berlin.contains(utc("2026-10-26T16:00:00Z")))
        // Inside the hours: now.
        let inside = utc("2026-12-07T10:00:00Z")
        #expect(berlin.nextStart(after: inside) == inside)
        // Before the day's start on a working day: that morning.
        #expect(berlin.nextStart(after: utc("2026-12-07T05:00:00Z")) == utc("2026-12-07T08:00:00Z"))
        // An opening inside the skipped hour still comes, later that day, not never.
        let night = WorkingHours(timeZone: "Europe/Berlin", days: [7], start: 2 * 60 + 30, end: 5 * 60)
        let opening = try #require(night.nextStart(after: utc("2026-03-28T23:00:00Z")))
        #expect(opening > utc("2026-03-28T23:00:00Z") && opening < utc("2026-03-29T03:00:00Z"))
        // Every day, all day: always inside.
        let always = WorkingHours(timeZone: "America/New_York", days: Array(1...7), start: 0, end: 1440)
        #expect(always.contains(utc("2026-11-01T06:30:00Z")))
    }

    @Test("working hours are checked when set on a service")
    func validation() {
        func problems(_ input: ServiceInput) -> [String] {
            do {
                _ = try input.created(id: UUID(), now: Date())
                return []
            } catch DomainError.validation(let fields) {
                return fields.map(\.field)
            } catch {
                return ["?"]
            }
        }
        var input = ServiceInput(name: "Checkout")
        input.urgencyRule = .workingHours
        #expect(problems(input) == ["working_hours"])
        input.workingHours = .set(WorkingHours(timeZone: "Mars/Olympus", days: [0, 8], start: 600, end: 540))
        #expect(problems(input) == ["working_hours.time_zone", "working_hours.days", "working_hours.end"])
        input.workingHours = .set(berlin)
        #expect(problems(input).isEmpty)
    }

    @Test("low urgency without low rules follows the high rules' delays, not every method at once")
    func lowFallsBackToHigh() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let user = UUID()
        let mail = ContactMethod(id: UUID(), userID: user, kind: .email, address: "a@example.com", verifiedAt: at, createdAt: at, updatedAt: at)
        let voice = ContactMethod(id: UUID(), userID: user, kind: .voice, address: "+4915100000001", verifiedAt: at, createdAt: at, updatedAt: at)
        let rules = [NotificationRule(id: UUID(), userID: user, contactMethodID: mail.id, urgency: .high, delayMinutes: 0, createdAt: at),
                     NotificationRule(id: UUID(), userID: user, contactMethodID: voice.id, urgency: .high, delayMinutes: 10, createdAt: at)]
        let low = NotificationDraft.plan(for: user, rules: rules, methods: [mail, voice], urgency: .low, at: at)
        #expect(low.map(\.delayMinutes) == [0, 10], "the call still waits ten minutes")
        #expect(NotificationDraft.plan(for: user, rules: [], methods: [mail, voice], urgency: .low, at: at).map(\.delayMinutes) == [0, 0],
                "no rules at all: every verified method at once")
    }
}
