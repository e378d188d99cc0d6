import Foundation
import PropertyBased
import Testing
import TocsinCore

private let alice = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
private let bob = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!
private let carol = UUID(uuidString: "00000000-0000-0000-0000-00000000000c")!
private let dave = UUID(uuidString: "00000000-0000-0000-0000-00000000000d")!

/// An instant written as a local time in a zone, read by Foundation's calendar (the oracle the calculator is checked against).
private func at(_ text: String, _ zone: String = "UTC") -> Date {
    let local = LocalDateTime(parsing: text)!
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    return calendar.date(from: DateComponents(year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute))!
}

private func schedule(_ zone: String, _ layers: [ScheduleLayer]) -> OnCallSchedule {
    OnCallSchedule(id: UUID(), name: "Primary", timeZone: zone, teamID: nil, layers: layers, createdAt: .distantPast, updatedAt: .distantPast)
}

private func schedule(_ layers: [ScheduleLayer]) -> OnCallSchedule { schedule("UTC", layers) }

private func layer(_ start: String, _ length: Int, _ unit: Rotation.Unit, _ members: [UUID], zone: String? = nil,
                   restrictions: [LayerRestriction] = []) -> ScheduleLayer {
    ScheduleLayer(name: "L", timeZone: zone, start: LocalDateTime(parsing: start)!, rotation: Rotation(length: length, unit: unit),
                  members: members, restrictions: restrictions)
}

private let weekdays: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]

@Suite("On-call calculation")
struct OnCallTableTests {
    @Test("local date-times parse strictly and count days like the calendar does")
    func localDateTimes() {
        #expect(LocalDateTime(parsing: "2026-11-23T09:00")?.description == "2026-11-23T09:00")
        #expect(LocalDateTime(parsing: "2026-11-23T09:00:00") != nil)
        #expect(LocalDateTime(parsing: "2026-11-23") == LocalDateTime(year: 2026, month: 11, day: 23))
        for bad in ["2026-02-29T09:00", "2026-13-01T00:00", "2026-11-23T24:00", "2026-11-23 09:00", "26-11-23T09:00", "2026-11-23T09:00:30", ""] {
            #expect(LocalDateTime(parsing: bad) == nil, "\(bad)")
        }
        #expect(LocalDateTime(parsing: "2028-02-29T00:00") != nil)
        for text in ["1970-01-01T00:00", "2000-02-29T12:34", "2026-11-23T09:00", "1969-12-31T23:59", "2100-03-01T00:00"] {
            let local = LocalDateTime(parsing: text)!
            #expect(Double(local.wallSeconds) == at(text).timeIntervalSince1970)
            #expect(LocalDateTime(wallSeconds: local.wallSeconds) == local)
        }
        #expect(Weekday(name: "Monday") == .mon && Weekday(name: "MON") == .mon && Weekday(name: "mo") == nil && Weekday(name: "monster") == nil)
    }

    @Test("a daily 02:30 hand-off in Berlin: the skipped hour moves it forward by the gap, the repeated hour means the first 02:30")
    func handoffInTheChangedHour() {
        let utc = ISO8601DateFormatter()
        func z(_ text: String) -> Date { utc.date(from: text)! }
        // Spring: 2027-03-28 has no 02:30 (02:00 CET jumps to 03:00 CEST); the hand-off is at 03:30 CEST, 01:30Z.
        let spring = schedule("Europe/Berlin", [layer("2027-03-26T02:30", 1, .day, [alice, bob])])
        #expect(OnCallCalculator(from: z("2027-03-27T00:00:00Z"), to: z("2027-03-30T00:00:00Z")).timeline(spring, overrides: []) == [
            OnCallSpan(userID: alice, start: z("2027-03-27T00:00:00Z"), end: z("2027-03-27T01:30:00Z")),
            OnCallSpan(userID: bob, start: z("2027-03-27T01:30:00Z"), end: z("2027-03-28T01:30:00Z")),
            OnCallSpan(userID: alice, start: z("2027-03-28T01:30:00Z"), end: z("2027-03-29T00:30:00Z")),  // 23 hours
            OnCallSpan(userID: bob, start: z("2027-03-29T00:30:00Z"), end: z("2027-03-30T00:00:00Z")),
        ])
        // Autumn: 2026-10-25 has 02:30 twice (CEST, then CET); the hand-off is the first, 00:30Z, so that shift is 25 hours.
        let autumn = schedule("Europe/Berlin", [layer("2026-10-23T02:30", 1, .day, [alice, bob])])
        #expect(OnCallCalculator(from: z("2026-10-24T00:00:00Z"), to: z("2026-10-27T00:00:00Z")).timeline(autumn, overrides: []) == [
            OnCallSpan(userID: alice, start: z("2026-10-24T00:00:00Z"), end: z("2026-10-24T00:30:00Z")),
            OnCallSpan(userID: bob, start: z("2026-10-24T00:30:00Z"), end: z("2026-10-25T00:30:00Z")),
            OnCallSpan(userID: alice, start: z("2026-10-25T00:30:00Z"), end: z("2026-10-26T01:30:00Z")),  // 25 hours
            OnCallSpan(userID: bob, start: z("2026-10-26T01:30:00Z"), end: z("2026-10-27T00:00:00Z")),
        ])
    }

    @Test("a weekly rotation hands off every Monday at 09:00, member after member, clipped to the interval")
    func weekly() {
        let s = schedule([layer("2026-11-02T09:00", 1, .week, [alice, bob, carol])])
        let spans = OnCallCalculator(from: at("2026-11-20T00:00"), to: at("2026-12-08T00:00")).timeline(s, overrides: [])
        #expect(spans == [
            OnCallSpan(userID: carol, start: at("2026-11-20T00:00"), end: at("2026-11-23T09:00")),
            OnCallSpan(userID: alice, start: at("2026-11-23T09:00"), end: at("2026-11-30T09:00")),
            OnCallSpan(userID: bob, start: at("2026-11-30T09:00"), end: at("2026-12-07T09:00")),
            OnCallSpan(userID: carol, start: at("2026-12-07T09:00"), end: at("2026-12-08T00:00")),
        ])
    }

    @Test("before a layer starts nobody is on call, and the gap is reported")
    func beforeStart() {
        let s = schedule([layer("2026-11-23T09:00", 1, .day, [alice])])
        let calculator = OnCallCalculator(from: at("2026-11-23T00:00"), to: at("2026-11-24T00:00"))
        let spans = calculator.timeline(s, overrides: [])
        #expect(spans == [OnCallSpan(userID: alice, start: at("2026-11-23T09:00"), end: at("2026-11-24T00:00"))])
        #expect(calculator.gaps(in: spans) == [DateInterval(start: at("2026-11-23T00:00"), end: at("2026-11-23T09:00"))])
    }

    @Test("a daily 09:00 hand-off in Berlin stays at 09:00 across both changes; the shift over a change is 23 h or 25 h",
          arguments: [("2027-03-26T00:00", "2027-03-30T00:00", 23.0), ("2026-10-23T00:00", "2026-10-27T00:00", 25.0)])
    func daylightSaving(from: String, to: String, changeDay: Double) {
        let zone = "Europe/Berlin"
        let s = schedule(zone, [layer("2026-01-05T09:00", 1, .day, [alice, bob])])
        let spans = OnCallCalculator(from: at(from, zone), to: at(to, zone)).timeline(s, overrides: [])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        for span in spans.dropFirst() { #expect(calendar.component(.hour, from: span.start) == 9 && calendar.component(.minute, from: span.start) == 0) }
        let lengths = spans.dropFirst().dropLast().map { $0.end.timeIntervalSince($0.start) / 3600 }
        #expect(lengths.sorted() == (changeDay < 24 ? [23, 24, 24] : [24, 24, 25]))
    }

    @Test("hourly shifts count elapsed hours, so a 12-hour rotation moves by an hour on the local clock across a change")
    func hourly() {
        let zone = "America/New_York"
        let s = schedule(zone, [layer("2026-10-31T08:00", 12, .hour, [alice, bob])])
        let spans = OnCallCalculator(from: at("2026-11-01T00:00", zone), to: at("2026-11-02T12:00", zone)).timeline(s, overrides: [])
        #expect(spans.dropFirst().allSatisfy { $0.end.timeIntervalSince($0.start) == 12 * 3600 || $0.end == at("2026-11-02T12:00", zone) })
        #expect(spans.map(\.start).contains(at("2026-11-01T19:00", zone)), "20:00 EDT + 12 h elapsed is 07:00 EST, then 19:00")
    }

    @Test("an hourly layer begun over a year before the interval keeps its elapsed-time hand-offs, whatever the season of the question")
    func hourlyFromLongAgo() {
        // First hand-off 09:00 CET on 6 January 2025, that is 08:00 UTC; every 12 hours after that, in elapsed time.
        let s = schedule("Europe/Berlin", [layer("2025-01-06T09:00", 12, .hour, [alice, bob])])
        for from in ["2026-08-03T00:00", "2026-12-07T00:00"] {
            let spans = OnCallCalculator(from: at(from), to: at(from).addingTimeInterval(2 * 86_400)).timeline(s, overrides: [])
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            #expect(spans.dropFirst().allSatisfy { [8, 20].contains(utc.component(.hour, from: $0.start)) }, "\(from): \(spans)")
        }
    }

    @Test("follow the sun: EMEA office hours in Berlin, AMER office hours in New York (the later layer wins), a 24/7 layer beneath")
    func followTheSun() {
        let s = schedule("UTC", [
            layer("2026-11-02T00:00", 1, .week, [dave]),
            layer("2026-11-02T09:00", 1, .week, [alice, bob], zone: "Europe/Berlin",
                  restrictions: [LayerRestriction(days: weekdays, startMinute: 9 * 60, endMinute: 17 * 60)]),
            layer("2026-11-02T09:00", 1, .week, [carol], zone: "America/New_York",
                  restrictions: [LayerRestriction(days: weekdays, startMinute: 9 * 60, endMinute: 17 * 60)]),
        ])
        // Monday 23 November: Berlin is UTC+1, New York UTC−5.
        let spans = OnCallCalculator(from: at("2026-11-23T00:00"), to: at("2026-11-24T00:00")).timeline(s, overrides: [])
        #expect(spans == [
            OnCallSpan(userID: dave, start: at("2026-11-23T00:00"), end: at("2026-11-23T08:00")),
            OnCallSpan(userID: bob, start: at("2026-11-23T08:00"), end: at("2026-11-23T14:00")),
            OnCallSpan(userID: carol, start: at("2026-11-23T14:00"), end: at("2026-11-23T22:00")),
            OnCallSpan(userID: dave, start: at("2026-11-23T22:00"), end: at("2026-11-24T00:00")),
        ])
        // Saturday: only the 24/7 layer.
        let weekend = OnCallCalculator(from: at("2026-11-28T00:00"), to: at("2026-11-29T00:00")).timeline(s, overrides: [])
        #expect(weekend == [OnCallSpan(userID: dave, start: at("2026-11-28T00:00"), end: at("2026-11-29T00:00"))])
    }

    @Test("a restriction that ends before it starts runs past midnight; 24:00 is the end of the day")
    func overnight() {
        let night = schedule([layer("2026-11-01T00:00", 1, .week, [alice],
                                    restrictions: [LayerRestriction(days: [.fri], startMinute: 22 * 60, endMinute: 6 * 60),
                                                   LayerRestriction(days: [.sun], startMinute: 20 * 60, endMinute: 1440)])])
        let spans = OnCallCalculator(from: at("2026-11-27T00:00"), to: at("2026-11-30T00:00")).timeline(night, overrides: [])
        #expect(spans == [
            OnCallSpan(userID: alice, start: at("2026-11-27T22:00"), end: at("2026-11-28T06:00")),
            OnCallSpan(userID: alice, start: at("2026-11-29T20:00"), end: at("2026-11-30T00:00")),
        ])
    }

    @Test("overrides win over every layer; one that replaces a person changes only that person's time; two make a swap")
    func overrides() {
        let s = schedule([layer("2026-11-23T00:00", 1, .day, [alice, bob])])
        let id = s.id
        func override(_ user: UUID, replacing: UUID? = nil, _ start: String, _ end: String, order: Double) -> ScheduleOverride {
            ScheduleOverride(id: UUID(), scheduleID: id, userID: user, replacesUserID: replacing, start: at(start), end: at(end), createdBy: nil,
                             createdAt: Date(timeIntervalSince1970: order))
        }
        let calculator = OnCallCalculator(from: at("2026-11-23T00:00"), to: at("2026-11-25T00:00"))
        // Carol covers 20:00–04:00 across the hand-off, whoever is on.
        #expect(calculator.timeline(s, overrides: [override(carol, "2026-11-23T20:00", "2026-11-24T04:00", order: 1)]) == [
            OnCallSpan(userID: alice, start: at("2026-11-23T00:00"), end: at("2026-11-23T20:00")),
            OnCallSpan(userID: carol, start: at("2026-11-23T20:00"), end: at("2026-11-24T04:00")),
            OnCallSpan(userID: bob, start: at("2026-11-24T04:00"), end: at("2026-11-25T00:00")),
        ])
        // Carol covers only Alice's part of the same hours.
        #expect(calculator.timeline(s, overrides: [override(carol, replacing: alice, "2026-11-23T20:00", "2026-11-24T04:00", order: 1)]) == [
            OnCallSpan(userID: alice, start: at("2026-11-23T00:00"), end: at("2026-11-23T20:00")),
            OnCallSpan(userID: carol, start: at("2026-11-23T20:00"), end: at("2026-11-24T00:00")),
            OnCallSpan(userID: bob, start: at("2026-11-24T00:00"), end: at("2026-11-25T00:00")),
        ])
        // Alice and Bob swap days; a newer whole-schedule override beats both.
        let swap = [override(bob, replacing: alice, "2026-11-23T00:00", "2026-11-24T00:00", order: 1),
                    override(alice, replacing: bob, "2026-11-24T00:00", "2026-11-25T00:00", order: 1.5)]
        #expect(calculator.timeline(s, overrides: swap) == [
            OnCallSpan(userID: bob, start: at("2026-11-23T00:00"), end: at("2026-11-24T00:00")),
            OnCallSpan(userID: alice, start: at("2026-11-24T00:00"), end: at("2026-11-25T00:00")),
        ])
        // The same swap with both overrides spanning both days: each still covers the other's day, as the layers give it.
        let wide = [override(bob, replacing: alice, "2026-11-23T00:00", "2026-11-25T00:00", order: 1),
                    override(alice, replacing: bob, "2026-11-23T00:00", "2026-11-25T00:00", order: 1.5)]
        #expect(calculator.timeline(s, overrides: wide) == [
            OnCallSpan(userID: bob, start: at("2026-11-23T00:00"), end: at("2026-11-24T00:00")),
            OnCallSpan(userID: alice, start: at("2026-11-24T00:00"), end: at("2026-11-25T00:00")),
        ])
        let newer = swap + [override(dave, "2026-11-23T12:00", "2026-11-23T13:00", order: 2)]
        #expect(calculator.timeline(s, overrides: newer).contains(OnCallSpan(userID: dave, start: at("2026-11-23T12:00"), end: at("2026-11-23T13:00"))))
    }

    @Test("invalid schedules name every bad field")
    func validation() {
        var s = schedule("Mars/Olympus", [layer("2026-11-23T00:00", 0, .day, []),
                                          layer("2026-11-23T00:00", 53, .week, [alice], zone: "Nowhere",
                                                restrictions: [LayerRestriction(days: [], startMinute: 60, endMinute: 60)])])
        s.name = " "
        #expect(throws: DomainError.self) { try s.validate() }
        do { try s.validate() } catch DomainError.validation(let fields) {
            #expect(Set(fields.map(\.field)) == ["name", "time_zone", "layers[0].rotation.length", "layers[0].members", "layers[1].time_zone",
                                                 "layers[1].rotation.length", "layers[1].restrictions[0].days", "layers[1].restrictions[0].end"])
        } catch { Issue.record("unexpected \(error)") }
    }
}

// MARK: Properties

private let zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland", "America/Santiago"]

/// Random layers: start in 2025–2027, 1–4 members, any unit, maybe restricted, with restriction edges at any hour, 01:00–04:00
/// included: the hours clocks jump over in these zones, where a local time can be missing or happen twice.
private let layerGen = zip(
    Gen.int(in: 0...1000), Gen.int(in: 0...23), Gen.int(in: 1...4), Gen.element(of: Rotation.Unit.allCases), Gen.int(in: 1...3),
    Gen.element(of: zones), Gen.bool(0.5), Gen.int(in: 0...23), Gen.int(in: 1...10), Gen.int(in: 0...127)
).map { day, hour, members, unitChoice, length, zoneChoice, restricted, startHour, hours, dayBits -> (ScheduleLayer, String) in
    let (unit, zone) = (unitChoice ?? .day, zoneChoice ?? "UTC")
    let start = LocalDateTime(wallSeconds: LocalDateTime(parsing: "2025-06-01T00:00")!.wallSeconds + Int64(day) * 86_400 + Int64(hour) * 3600)
    var restrictions: [LayerRestriction] = []
    if restricted {
        let end = (startHour + hours) % 24
        let endMinute = end == 0 ? 1440 : end * 60
        let days = Set(Weekday.allCases.filter { dayBits & (1 << ($0.rawValue - 1)) != 0 })
        restrictions = [LayerRestriction(days: days.isEmpty ? [.mon] : days, startMinute: startHour * 60, endMinute: endMinute)]
    }
    let people = [alice, bob, carol, dave].prefix(members)
    return (ScheduleLayer(name: "L", timeZone: zone, start: start, rotation: Rotation(length: unit == .hour ? length * 8 : length, unit: unit),
                          members: Array(people), restrictions: restrictions), zone)
}

/// A random interval of up to 30 days within 2025–2028.
private let intervalGen = zip(Gen.int(in: 0...1200), Gen.int(in: 1...(30 * 24))).map { day, hours -> (Date, Date) in
    let from = Date(timeIntervalSince1970: 1_735_689_600 + Double(day) * 86_400 + 1800)
    return (from, from.addingTimeInterval(Double(hours) * 3600))
}

@Suite("On-call properties")
struct OnCallPropertyTests {
    @Test("a layer's spans are ordered, never overlap, stay inside the interval and name only its members")
    func wellFormed() async {
        await propertyCheck(count: 300, input: layerGen, intervalGen) { generated, interval in
            let (layer, _) = generated
            let spans = OnCallCalculator(from: interval.0, to: interval.1).layer(layer, zone: layer.timeZone!)
            for span in spans {
                #expect(span.start < span.end && span.start >= interval.0 && span.end <= interval.1)
                #expect(layer.members.contains(span.userID))
            }
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.end <= b.start) }
        }
    }

    @Test("a layer covers exactly its restricted hours after its start, as the calendar reads them")
    func coversExactlyRestrictedHours() async {
        await propertyCheck(count: 300, input: layerGen, intervalGen, Gen.int(in: 0...999).array(of: 40)) { generated, interval, samples in
            let (layer, zone) = generated
            let spans = OnCallCalculator(from: interval.0, to: interval.1).layer(layer, zone: zone)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            let s = layer.start
            let first = calendar.date(from: DateComponents(year: s.year, month: s.month, day: s.day, hour: s.hour, minute: s.minute))!
            // The documented rule, read through the calendar: a restriction's edges are local times on a given day;
            // one that does not exist moves forward by the gap, one that happens twice is its first occurrence.
            func instant(_ day: DateComponents, plusDays: Int, minute: Int) -> Date {
                let midnight = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
                let date = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: plusDays, to: midnight)!)
                return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60))!
            }
            func restricted(_ t: Date) -> Bool {
                guard !layer.restrictions.isEmpty else { return true }
                let today = calendar.dateComponents([.year, .month, .day], from: t)
                return [-1, 0].contains { offset in
                    let noon = calendar.date(byAdding: .day, value: offset, to: calendar.date(from: DateComponents(year: today.year, month: today.month, day: today.day, hour: 12))!)!
                    let day = calendar.dateComponents([.year, .month, .day, .weekday], from: noon)
                    return layer.restrictions.contains { r in
                        guard r.days.contains(Weekday(rawValue: day.weekday!)!) else { return false }
                        let start = instant(day, plusDays: 0, minute: r.startMinute)
                        let end = r.endMinute > r.startMinute ? instant(day, plusDays: 0, minute: r.endMinute) : instant(day, plusDays: 1, minute: r.endMinute)
                        return start <= t && t < end
                    }
                }
            }
            for sample in samples {
                let t = interval.0.addingTimeInterval(interval.1.timeIntervalSince(interval.0) * Double(sample) / 1000)
                let covered = spans.contains { $0.start <= t && t < $0.end }
                #expect(covered == (t >= first && restricted(t)), "at \(t) in \(zone)")
            }
        }
    }

    @Test("daily and weekly hand-offs keep their local time in every zone; each shift lasts its days give or take a clock change")
    func handOffsKeepLocalTime() async {
        await propertyCheck(count: 300, input: layerGen, intervalGen) { generated, interval in
            var (layer, zone) = generated
            guard layer.rotation.unit != .hour, (4...23).contains(layer.start.hour) else { return }
            layer.restrictions = []
            layer.members = [alice, bob]
            let spans = OnCallCalculator(from: interval.0, to: interval.1).layer(layer, zone: zone)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            let days = Double(layer.rotation.length * (layer.rotation.unit == .week ? 7 : 1))
            for (i, span) in spans.enumerated() {
                if i > 0 || span.start > interval.0 {
                    #expect(calendar.component(.hour, from: span.start) == layer.start.hour && calendar.component(.minute, from: span.start) == 0)
                }
                if i > 0 && span.end < interval.1 {
                    let hours = span.end.timeIntervalSince(span.start) / 3600
                    #expect(abs(hours - days * 24) <= 1, "a \(days)-day shift lasted \(hours) h in \(zone)")
                }
            }
        }
    }

    @Test("a whole-schedule override wins over every layer for all of its interval")
    func overrideWins() async {
        await propertyCheck(count: 200, input: layerGen, intervalGen, Gen.int(in: 0...500), Gen.int(in: 1...500)) { generated, interval, a, b in
            let (layer, zone) = generated
            let s = schedule(zone, [layer, layer])
            let length = interval.1.timeIntervalSince(interval.0)
            let start = interval.0.addingTimeInterval(length * Double(a) / 1000)
            let end = start.addingTimeInterval(length * Double(b) / 1000)
            let o = ScheduleOverride(id: UUID(), scheduleID: s.id, userID: UUID(), start: start, end: end, createdBy: nil, createdAt: .distantPast)
            let spans = OnCallCalculator(from: interval.0, to: interval.1).timeline(s, overrides: [o])
            let covering = spans.filter { $0.userID == o.userID }
            #expect(covering == [OnCallSpan(userID: o.userID, start: start, end: min(end, interval.1))])
            for (x, y) in zip(spans, spans.dropFirst()) { #expect(x.end <= y.start && !(x.end == y.start && x.userID == y.userID)) }
        }
    }
}

@Suite("On-call burden")
struct OnCallBurdenTests {
    @Test("hours on call counted once across schedules, split into working hours, nights and weekends in each person's zone")
    func burden() {
        // A week from Monday 23 November 00:00 UTC. Alice (Berlin) is on call Mon 08:00 UTC – Tue 08:00 UTC in one schedule and
        // Mon 20:00 – Tue 02:00 UTC in another; Bob (New York) has Saturday.
        let spans = [
            OnCallSpan(userID: alice, start: at("2026-11-23T08:00"), end: at("2026-11-24T08:00")),
            OnCallSpan(userID: alice, start: at("2026-11-23T20:00"), end: at("2026-11-24T02:00")),
            OnCallSpan(userID: bob, start: at("2026-11-28T00:00", "America/New_York"), end: at("2026-11-29T00:00", "America/New_York")),
        ]
        let people = [alice: "Europe/Berlin", bob: "America/New_York", carol: "UTC"]
        let rows = OnCallBurden.compute(spans: spans, people: people, from: at("2026-11-23T00:00"), to: at("2026-11-30T00:00"))
        let a = rows.first { $0.userID == alice }!, b = rows.first { $0.userID == bob }!, c = rows.first { $0.userID == carol }!
        #expect(a.onCall == 24 * 3600 && a.shifts == 1)
        // Berlin 09:00–17:00 Monday is 08:00–16:00 UTC, all on call: 8 h inside working hours, 16 h outside.
        #expect(a.outsideWorkingHours == 16 * 3600)
        // Nights 22:00–07:00 Berlin = 21:00–06:00 UTC, all within Mon 08:00 – Tue 08:00 UTC: 9 h.
        #expect(a.night == 9 * 3600 && a.weekend == 0)
        #expect(b.onCall == 24 * 3600 && b.weekend == 24 * 3600 && b.outsideWorkingHours == 24 * 3600 && b.night == 9 * 3600)
        #expect(c.onCall == 0 && c.shifts == 0)
        #expect(OnCallBurden.overloaded(rows) == [alice, bob], "each carried 24 h against a mean of 16 h")
    }
}
