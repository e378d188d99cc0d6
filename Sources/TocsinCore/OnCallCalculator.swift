import Foundation

/// A zone's offsets over a stretch of time, read once from the time zone database, so that turning wall-clock
/// times into instants is arithmetic. A wall time that does not exist (skipped when clocks go forward) moves
/// forward by the gap; one that happens twice (clocks go back) is its first occurrence.
/// Instants are seconds since Foundation's reference date, as `Date` keeps them, so none is rounded on the way.
struct ZoneClock {
    /// 1970-01-01 counted from 2001-01-01.
    static let unixEpoch: Int64 = -978_307_200

    /// `offsets[i]` (seconds east of UTC) holds from `starts[i]` until `starts[i + 1]`; `starts[0]` is -∞.
    private var starts: [Double] = [-.infinity]
    private var offsets: [Int64] = []

    init(zone: TimeZone, from: Date, to: Date) {
        offsets.append(Int64(zone.secondsFromGMT(for: from)))
        var cursor = from
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= to {
            let offset = Int64(zone.secondsFromGMT(for: next))
            if offset != offsets.last {
                starts.append(next.timeIntervalSinceReferenceDate)
                offsets.append(offset)
            }
            cursor = next
        }
    }

    func offset(at instant: Double) -> Int64 {
        var i = starts.count - 1
        while i > 0 && instant < starts[i] { i -= 1 }
        return offsets[i]
    }

    func wall(_ instant: Double) -> Int64 {
        Int64(instant.rounded(.down)) - Self.unixEpoch + offset(at: instant)
    }

    func instant(wall: Int64) -> Double {
        let wall = wall + Self.unixEpoch
        for i in starts.indices {
            let candidate = Double(wall - offsets[i])
            let end = i + 1 < starts.count ? starts[i + 1] : .infinity
            if candidate >= starts[i] && candidate < end { return candidate }
        }
        // In a gap: read with the offset before the jump, which lands after it.
        for i in starts.indices.dropFirst() where Double(wall - offsets[i]) < starts[i] {
            return Double(wall - offsets[i - 1])
        }
        return Double(wall - offsets[offsets.count - 1])
    }
}

/// The on-call calculation: a schedule, its overrides and an interval in, the people on call out. Pure: no
/// clock, no storage. One calculator serves many schedules over the same interval and reads each time zone once.
public final class OnCallCalculator {
    public let from: Date
    public let to: Date
    private let lower: Double
    private let upper: Double
    private var clocks: [String: ZoneClock] = [:]

    /// Shifts may begin up to a year before `from`, so zones are read from then.
    public init(from: Date, to: Date) {
        self.from = from
        self.to = max(from, to)
        lower = from.timeIntervalSinceReferenceDate
        upper = self.to.timeIntervalSinceReferenceDate
    }

    private var starts: [String: Double] = [:]

    /// A layer's first hand-off as an instant, read with the offsets around that date (which may be long before
    /// the interval the main clocks cover).
    private func startInstant(_ start: LocalDateTime, zone: String) -> Double {
        let key = "\(zone) \(start)"
        if let known = starts[key] { return known }
        let around = Date(timeIntervalSinceReferenceDate: Double(start.wallSeconds + ZoneClock.unixEpoch))
        let local = ZoneClock(zone: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!,
                              from: around.addingTimeInterval(-2 * 86_400), to: around.addingTimeInterval(2 * 86_400))
        let instant = local.instant(wall: start.wallSeconds)
        starts[key] = instant
        return instant
    }

    private func clock(_ identifier: String) -> ZoneClock {
        if let known = clocks[identifier] { return known }
        let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        let made = ZoneClock(zone: zone, from: from.addingTimeInterval(-367 * 86_400), to: to.addingTimeInterval(2 * 86_400))
        clocks[identifier] = made
        return made
    }

    /// The final timeline: layers in order (a later one wins where it covers), then overrides (newest last),
    /// adjacent spans of one person joined, clipped to the interval.
    public func timeline(_ schedule: OnCallSchedule, overrides: [ScheduleOverride]) -> [OnCallSpan] {
        var layered: [Span] = []
        for layer in schedule.layers {
            layered = Self.overlay(layered, with: layerSpans(layer, zone: layer.timeZone ?? schedule.timeZone))
        }
        var spans = layered
        for o in overrides.sorted(by: { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }) {
            let start = max(o.start.timeIntervalSinceReferenceDate, lower), end = min(o.end.timeIntervalSinceReferenceDate, upper)
            guard start < end else { continue }
            if let replaced = o.replacesUserID {
                // The time the replaced person has by the layers, not after other overrides: so two overrides swap
                // two people's shifts even when their intervals overlap.
                let covered = layered.filter { $0.user == replaced && $0.end > start && $0.start < end }
                    .map { Span(user: o.userID, start: max($0.start, start), end: min($0.end, end)) }
                spans = Self.overlay(spans, with: covered)
            } else {
                spans = Self.overlay(spans, with: [Span(user: o.userID, start: start, end: end)])
            }
        }
        return Self.joined(spans).map { OnCallSpan(userID: $0.user, start: Date(timeIntervalSinceReferenceDate: $0.start), end: Date(timeIntervalSinceReferenceDate: $0.end)) }
    }

    /// One layer alone: its shifts, cut to its restricted hours, within the interval.
    public func layer(_ layer: ScheduleLayer, zone: String) -> [OnCallSpan] {
        Self.joined(layerSpans(layer, zone: zone)).map {
            OnCallSpan(userID: $0.user, start: Date(timeIntervalSinceReferenceDate: $0.start), end: Date(timeIntervalSinceReferenceDate: $0.end))
        }
    }

    /// The hours a set of weekly restrictions covers within the interval, in `zone`, sorted and merged.
    public func windows(_ restrictions: [LayerRestriction], zone: String) -> [DateInterval] {
        restrictionWindows(restrictions, clock: clock(zone)).map {
            DateInterval(start: Date(timeIntervalSinceReferenceDate: $0.start), end: Date(timeIntervalSinceReferenceDate: $0.end))
        }
    }

    /// Times within the interval when nobody is on call.
    public func gaps(in spans: [OnCallSpan]) -> [DateInterval] {
        var gaps: [DateInterval] = []
        var cursor = from
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if span.start > cursor { gaps.append(DateInterval(start: cursor, end: span.start)) }
            cursor = max(cursor, span.end)
        }
        if cursor < to { gaps.append(DateInterval(start: cursor, end: to)) }
        return gaps
    }

    // MARK: Layers

    struct Span: Equatable {
        var user: UUID
        var start: Double
        var end: Double
    }

    private func layerSpans(_ layer: ScheduleLayer, zone: String) -> [Span] {
        guard !layer.members.isEmpty, lower < upper, layer.rotation.length > 0 else { return [] }
        let clock = clock(zone)
        let startWall = layer.start.wallSeconds
        let first = startInstant(layer.start, zone: zone)
        let step = layer.rotation.wallSeconds
        // Hourly shifts last that many hours of elapsed time; daily and weekly ones hand off at the same local time.
        let boundary: (Int64) -> Double = layer.rotation.unit == .hour
            ? { first + Double($0 * step) }
            : { clock.instant(wall: startWall + $0 * step) }
        var k: Int64 = 0
        if lower > first {
            k = layer.rotation.unit == .hour
                ? Int64(((lower - first) / Double(step)).rounded(.down))
                : Int64.floorDivide(clock.wall(lower) - startWall, step)
            while k > 0 && boundary(k) > lower { k -= 1 }
            while boundary(k + 1) <= lower { k += 1 }
        }
        var shifts: [Span] = []
        let count = Int64(layer.members.count)
        while true {
            let start = boundary(k)
            guard start < upper else { break }
            let end = boundary(k + 1)
            if end > lower && end > start {
                shifts.append(Span(user: layer.members[Int(k % count)], start: max(start, lower), end: min(end, upper)))
            }
            k += 1
        }
        guard !layer.restrictions.isEmpty else { return shifts }
        return Self.intersect(shifts, restrictionWindows(layer.restrictions, clock: clock))
    }

    /// The restricted hours as instants within the interval, sorted and merged.
    private func restrictionWindows(_ restrictions: [LayerRestriction], clock: ZoneClock) -> [(start: Double, end: Double)] {
        var windows: [(start: Double, end: Double)] = []
        let firstDay = Int64.floorDivide(clock.wall(lower), 86_400) - 1
        let lastDay = Int64.floorDivide(clock.wall(upper), 86_400)
        var day = firstDay
        while day <= lastDay {
            let weekday = LocalDateTime.weekday(ofDay: day)
            for r in restrictions where r.days.contains(weekday) {
                let startWall = day * 86_400 + Int64(r.startMinute * 60)
                let endWall = (r.endMinute > r.startMinute ? day : day + 1) * 86_400 + Int64(r.endMinute * 60)
                let start = max(clock.instant(wall: startWall), lower), end = min(clock.instant(wall: endWall), upper)
                if start < end { windows.append((start, end)) }
            }
            day += 1
        }
        windows.sort { $0.start < $1.start }
        var merged: [(start: Double, end: Double)] = []
        for w in windows {
            if let last = merged.last, w.start <= last.end {
                merged[merged.count - 1].end = max(last.end, w.end)
            } else {
                merged.append(w)
            }
        }
        return merged
    }

    // MARK: Interval arithmetic on sorted, non-overlapping spans

    static func intersect(_ spans: [Span], _ windows: [(start: Double, end: Double)]) -> [Span] {
        var out: [Span] = []
        var j = 0
        for span in spans {
            while j < windows.count && windows[j].end <= span.start { j += 1 }
            var i = j
            while i < windows.count && windows[i].start < span.end {
                let start = max(span.start, windows[i].start), end = min(span.end, windows[i].end)
                if start < end { out.append(Span(user: span.user, start: start, end: end)) }
                i += 1
            }
        }
        return out
    }

    /// `base` where `top` does not cover it, and `top` where it does.
    static func overlay(_ base: [Span], with top: [Span]) -> [Span] {
        guard !top.isEmpty else { return base }
        let top = top.sorted { $0.start < $1.start }
        var out: [Span] = []
        var j = 0
        for span in base {
            while j < top.count && top[j].end <= span.start { j += 1 }
            var cursor = span.start
            var i = j
            while i < top.count && top[i].start < span.end {
                if top[i].start > cursor { out.append(Span(user: span.user, start: cursor, end: top[i].start)) }
                cursor = max(cursor, top[i].end)
                i += 1
            }
            if cursor < span.end { out.append(Span(user: span.user, start: cursor, end: span.end)) }
        }
        out += top
        out.sort { $0.start < $1.start }
        return out
    }

    static func joined(_ spans: [Span]) -> [Span] {
        var out: [Span] = []
        for span in spans where span.end > span.start {
            if let last = out.last, last.user == span.user, last.end == span.start {
                out[out.count - 1].end = span.end
            } else {
                out.append(span)
            }
        }
        return out
    }
}
