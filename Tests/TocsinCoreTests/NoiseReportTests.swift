import Foundation
import Testing
@testable import TocsinCore

@Suite("Noise report")
struct NoiseReportTests {
    let day0 = ISO8601DateFormatter().date(from: "2026-11-20T00:00:00Z")!
    let api = UUID(), db = UUID()

    func fact(_ service: UUID, _ key: String, hours: Double, occurrences: Int = 1, resolved: Bool = true, human: Bool = false, muted: Bool = false) -> NoiseReport.AlertFact {
        NoiseReport.AlertFact(serviceID: service, dedupKey: key, firstSeenAt: day0.addingTimeInterval(hours * 3600), occurrences: occurrences,
                              resolved: resolved, touchedByHuman: human, muted: muted)
    }

    @Test("per service: alerts per day over every day, the auto-resolved share, muted; the noisiest keys first")
    func compute() throws {
        let facts = [
            fact(api, "latency", hours: 1, occurrences: 40), fact(api, "latency", hours: 30, occurrences: 12),
            fact(api, "5xx", hours: 2, human: true), fact(api, "5xx", hours: 50, resolved: false),
            fact(db, "disk", hours: 3, occurrences: 2, muted: true),
            fact(db, "old", hours: -5),  // before the period
        ]
        let report = NoiseReport.compute(facts, from: day0, to: day0.addingTimeInterval(3 * 86400), timeZone: TimeZone(identifier: "UTC")!)
        let apiNoise = try #require(report.services.first)
        #expect(apiNoise.serviceID == api && apiNoise.alerts == 4 && apiNoise.occurrences == 54)
        #expect(apiNoise.perDay.map(\.day) == ["2026-11-20", "2026-11-21", "2026-11-22"])
        #expect(apiNoise.perDay.map(\.alerts) == [2, 1, 1])
        #expect(apiNoise.autoResolvedShare == 2.0 / 3.0, "two of three resolved alerts resolved without anyone")
        let dbNoise = try #require(report.services.last)
        #expect(dbNoise.alerts == 1 && dbNoise.muted == 1)
        #expect(report.noisiestKeys.map(\.dedupKey) == ["latency", "5xx", "disk"], "ties on occurrences go to the key with more alerts")
        #expect(report.noisiestKeys.first?.occurrences == 52)
    }

    @Test("days are counted in the report's time zone")
    func timeZone() {
        let late = fact(api, "k", hours: 23.5)  // 23:30 UTC is the next day in Tokyo
        let report = NoiseReport.compute([late], from: day0, to: day0.addingTimeInterval(2 * 86400), timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        #expect(report.services.first?.perDay.first { $0.alerts == 1 }?.day == "2026-11-21")
    }
}
