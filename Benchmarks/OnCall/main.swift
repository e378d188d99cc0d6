import Foundation
import TocsinCore

// The on-call benchmark: the final timeline of 1,000 schedules (3 layers of 8 people, office-hours restrictions
// on two of them, 20 overrides each) over 90 days, in one process, best of several rounds. The reference, timed
// in the same run, is the plainest way to get the same hand-off instants: Foundation's Calendar, one call each.

let zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
let weekdays: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]
let from = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!
let to = from.addingTimeInterval(90 * 86_400)
var generator = SystemRandomNumberGenerator()

func people() -> [UUID] { (0..<8).map { _ in UUID() } }

let schedules: [(OnCallSchedule, [ScheduleOverride])] = (0..<1000).map { i in
    let zone = zones[i % zones.count]
    let layers = [
        ScheduleLayer(name: "Base", start: LocalDateTime(parsing: "2026-01-05T09:00")!, rotation: Rotation(length: 1, unit: .week), members: people()),
        ScheduleLayer(name: "Days", timeZone: zones[(i + 1) % zones.count], start: LocalDateTime(parsing: "2026-03-02T08:00")!,
                      rotation: Rotation(length: 1, unit: .day), members: people(),
                      restrictions: [LayerRestriction(days: weekdays, startMinute: 8 * 60, endMinute: 18 * 60)]),
        ScheduleLayer(name: "Nights", start: LocalDateTime(parsing: "2026-06-01T18:00")!, rotation: Rotation(length: 2, unit: .day),
                      members: people(), restrictions: [LayerRestriction(days: weekdays, startMinute: 18 * 60, endMinute: 8 * 60)]),
    ]
    let schedule = OnCallSchedule(id: UUID(), name: "S\(i)", timeZone: zone, teamID: nil, layers: layers, createdAt: from, updatedAt: from)
    let overrides = (0..<20).map { j in
        let start = from.addingTimeInterval(Double.random(in: 0..<(88 * 86_400), using: &generator))
        return ScheduleOverride(id: UUID(), scheduleID: schedule.id, userID: UUID(), replacesUserID: j % 2 == 0 ? nil : layers[0].members[j % 8],
                                start: start, end: start.addingTimeInterval(Double.random(in: 3600...(2 * 86_400), using: &generator)),
                                createdBy: nil, createdAt: from.addingTimeInterval(Double(j)))
    }
    return (schedule, overrides)
}

func best(_ rounds: Int, _ body: () -> Int) -> (seconds: Double, count: Int) {
    var fastest = Double.infinity
    var count = 0
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        count = body()
        let elapsed = ContinuousClock.now - start
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return (fastest, count)
}

let tocsin = best(5) {
    let calculator = OnCallCalculator(from: from, to: to)
    return schedules.reduce(0) { $0 + calculator.timeline($1.0, overrides: $1.1).count }
}

// Reference: every daily hand-off of every layer over the same 90 days, one Calendar call each.
let reference = best(3) {
    var count = 0
    for (schedule, _) in schedules {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: schedule.timeZone)!
        let start = calendar.date(from: DateComponents(year: 2026, month: 12, day: 1, hour: 9))!
        for _ in schedule.layers {
            for day in 0..<90 where calendar.date(byAdding: .day, value: day, to: start) != nil { count += 1 }
        }
    }
    return count
}

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
print("| computation | time (best) | output | ratio |")
print("|---|---|---|---|")
print("| Tocsin: final timelines of 1,000 schedules × 90 days | \(ms(tocsin.seconds)) | \(tocsin.count) spans | \(String(format: "%.2f", tocsin.seconds / reference.seconds)) |")
print("| Reference: Calendar.date(byAdding:) per daily hand-off | \(ms(reference.seconds)) | \(reference.count) instants | 1.00 |")
