import Foundation
import Testing
import TocsinCore

@Suite("Pages in the on-call burden")
struct PageLoadTests {
    let ann = UUID(), bob = UUID()

    func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test("pages at night counted in the person's own zone across the spring DST change; a bundle counts once; the median time to their own acknowledgement")
    func counts() throws {
        let (a, b, c, d, bMessage) = (UUID(), UUID(), UUID(), UUID(), UUID())
        // Berlin: UTC+1 until 02:00 on 29 March 2026, UTC+2 after.
        let sent = [
            PageSent(userID: ann, incidentID: a, sentAt: at("2026-03-28T20:59:00Z"), messageID: UUID(), acknowledgedBy: ann, acknowledgedAt: at("2026-03-28T21:01:00Z")),  // 21:59: not night
            PageSent(userID: ann, incidentID: b, sentAt: at("2026-03-28T21:00:00Z"), messageID: bMessage, acknowledgedBy: bob, acknowledgedAt: at("2026-03-28T21:05:00Z")),  // 22:00: night
            PageSent(userID: ann, incidentID: c, sentAt: at("2026-03-28T21:00:00Z"), messageID: bMessage, acknowledgedBy: ann, acknowledgedAt: at("2026-03-28T21:01:00Z")),   // in b's message
            PageSent(userID: ann, incidentID: a, sentAt: at("2026-03-28T21:30:00Z"), messageID: UUID(), acknowledgedBy: ann, acknowledgedAt: at("2026-03-28T21:01:00Z")),  // a second page for a: night
            PageSent(userID: ann, incidentID: d, sentAt: at("2026-03-29T04:59:00Z"), messageID: UUID(), acknowledgedBy: nil, acknowledgedAt: nil),                           // 06:59 CEST: night
            PageSent(userID: ann, incidentID: d, sentAt: at("2026-03-29T05:00:00Z"), messageID: UUID(), acknowledgedBy: nil, acknowledgedAt: nil),                           // 07:00 CEST: not
            PageSent(userID: ann, incidentID: d, sentAt: at("2026-03-30T08:00:00Z"), messageID: UUID(), acknowledgedBy: nil, acknowledgedAt: nil),                           // Monday 10:00: working hours
            PageSent(userID: bob, incidentID: a, sentAt: at("2026-04-30T08:00:00Z"), messageID: UUID(), acknowledgedBy: ann, acknowledgedAt: nil),                           // outside the period
        ]
        let loads = PageLoad.compute(sent, people: [ann: "Europe/Berlin", bob: "America/New_York"], from: at("2026-03-01T00:00:00Z"), to: at("2026-04-01T00:00:00Z"))
        let load = try #require(loads[ann])
        #expect(load.pages == 6, "the bundled one rode in another message")
        #expect(load.night == 3)
        #expect(load.outsideWorkingHours == 5)
        #expect(load.incidents == 4)
        // a: first page 20:59, acknowledged by Ann at 21:01 (120 s); c: 60 s; b was Bob's; d nobody's.
        #expect(load.acknowledged == 2)
        #expect(load.medianToAcknowledge == 90)
        #expect(loads[bob] == nil)
    }
}
