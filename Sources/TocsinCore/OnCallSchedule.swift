import Foundation

public enum Weekday: Int, CaseIterable, Sendable, Comparable {
    case sun = 1, mon, tue, wed, thu, fri, sat

    public var name: String { ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][rawValue - 1] }

    private static let fullNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// "mon", "Monday" or "MON".
    public init?(name: String) {
        let lower = name.lowercased()
        guard let found = Weekday.allCases.first(where: { $0.name == lower || Weekday.fullNames[$0.rawValue - 1] == lower }) else { return nil }
        self = found
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}

/// A wall-clock date and time with no zone, as people write hand-offs: "2026-11-23T09:00".
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int

    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...LocalDateTime.daysIn(month: month, year: year)).contains(day),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
    }

    /// `YYYY-MM-DDTHH:MM`, optionally with `:00` seconds; a date alone means its midnight.
    public init?(parsing text: String) {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              let y = Int(date[0]), let m = Int(date[1]), let d = Int(date[2]) else { return nil }
        var (h, min) = (0, 0)
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(time.count), time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
                  let hh = Int(time[0]), let mm = Int(time[1]), time.count == 2 || time[2] == "00" else { return nil }
            (h, min) = (hh, mm)
        }
        self.init(year: y, month: m, day: d, hour: h, minute: min)
    }

    /// Wall-clock seconds since 1970-01-01T00:00 (as if the zone were UTC).
    public init(wallSeconds: Int64) {
        let days = Int64.floorDivide(wallSeconds, 86_400)
        let rest = Int(wallSeconds - days * 86_400)
        let (y, m, d) = LocalDateTime.civil(fromDays: days)
        (year, month, day, hour, minute) = (y, m, d, rest / 3600, rest % 3600 / 60)
    }

    public var wallSeconds: Int64 {
        LocalDateTime.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let y = String(year)
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute))"
    }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.wallSeconds < b.wallSeconds }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = Int64.floorDivide(y, 400)
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z: Int64) -> (Int, Int, Int) {
        let shifted = z + 719_468
        let era = Int64.floorDivide(shifted, 146_097)
        let doe = shifted - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }

    /// The weekday of a day counted from 1970-01-01 (a Thursday).
    static func weekday(ofDay day: Int64) -> Weekday {
        Weekday(rawValue: Int(((day + 4) % 7 + 7) % 7) + 1)!
    }
}

extension Int64 {
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

public struct Rotation: Sendable, Equatable {
    public enum Unit: String, Sendable, CaseIterable {
        case hour, day, week
    }

    public var length: Int
    public var unit: Unit

    public init(length: Int, unit: Unit) {
        self.length = length
        self.unit = unit
    }

    /// Longest shifts allowed: a year.
    public var maximumLength: Int {
        switch unit {
        case .hour: return 8784
        case .day: return 366
        case .week: return 52
        }
    }

    var wallSeconds: Int64 {
        switch unit {
        case .hour: return Int64(length) * 3600
        case .day: return Int64(length) * 86_400
        case .week: return Int64(length) * 7 * 86_400
        }
    }
}

/// When a layer is on: these weekdays from `startMinute` to `endMinute` local time. An end before the start
/// runs past midnight into the next day; an end of 1440 ("24:00") is the end of the day.
public struct LayerRestriction: Sendable, Equatable {
    public var days: Set<Weekday>
    public var startMinute: Int
    public var endMinute: Int

    public init(days: Set<Weekday>, startMinute: Int, endMinute: Int) {
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// "HH:MM" (and "24:00" for an end) to minutes after midnight.
    public static func minutes(_ text: String, allowEndOfDay: Bool = false) -> Int? {
        if allowEndOfDay && text == "24:00" { return 1440 }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    public static func clock(_ minute: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(minute / 60)):\(two(minute % 60))"
    }
}

/// One rotation of people: who takes each shift, from when, and (optionally) only at certain hours.
public struct ScheduleLayer: Sendable, Equatable {
    public var name: String
    /// Nil: the schedule's zone.
    public var timeZone: String?
    /// The first shift begins here, in the layer's zone; before it the layer covers nothing.
    public var start: LocalDateTime
    public var rotation: Rotation
    public var members: [UUID]
    /// Empty: every hour.
    public var restrictions: [LayerRestriction]

    public init(name: String, timeZone: String? = nil, start: LocalDateTime, rotation: Rotation, members: [UUID],
                restrictions: [LayerRestriction] = []) {
        self.name = name
        self.timeZone = timeZone
        self.start = start
        self.rotation = rotation
        self.members = members
        self.restrictions = restrictions
    }
}

/// Who answers for a team: layers of rotations (a later layer wins where it covers the time) and overrides.
public struct OnCallSchedule: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var description: String
    public var timeZone: String
    public var teamID: UUID?
    public var layers: [ScheduleLayer]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, description: String = "", timeZone: String, teamID: UUID?, layers: [ScheduleLayer],
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.timeZone = timeZone
        self.teamID = teamID
        self.layers = layers
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let maximumLayers = 20
    public static let maximumMembers = 100

    public func validate() throws {
        var v = Validator()
        let trimmed = name.trimmed
        v.check(!trimmed.isEmpty && trimmed.count <= 200, "name", "must be 1 to 200 characters")
        v.check(description.count <= 2000, "description", "must be at most 2000 characters")
        v.checkPrintable(name, "name")
        v.checkPrintable(description, "description", multiline: true)
        v.check(TimeZone(identifier: timeZone) != nil, "time_zone", "is not a known IANA time zone")
        v.check(!layers.isEmpty, "layers", "must have at least one layer")
        v.check(layers.count <= Self.maximumLayers, "layers", "must have at most \(Self.maximumLayers) layers")
        for (i, layer) in layers.enumerated() {
            let at = "layers[\(i)]"
            v.check(!layer.name.trimmed.isEmpty && layer.name.count <= 200, "\(at).name", "must be 1 to 200 characters")
            v.checkPrintable(layer.name, "\(at).name")
            if let zone = layer.timeZone { v.check(TimeZone(identifier: zone) != nil, "\(at).time_zone", "is not a known IANA time zone") }
            v.check((1...layer.rotation.maximumLength).contains(layer.rotation.length), "\(at).rotation.length",
                    "must be from 1 to \(layer.rotation.maximumLength) for unit \(layer.rotation.unit.rawValue)")
            v.check(!layer.members.isEmpty, "\(at).members", "must name at least one person")
            v.check(layer.members.count <= Self.maximumMembers, "\(at).members", "must name at most \(Self.maximumMembers) people")
            v.check(layer.restrictions.count <= 50, "\(at).restrictions", "must have at most 50 restrictions")
            for (j, r) in layer.restrictions.enumerated() {
                v.check(!r.days.isEmpty, "\(at).restrictions[\(j)].days", "must list at least one day")
                v.check((0..<1440).contains(r.startMinute), "\(at).restrictions[\(j)].start", "must be a local time HH:MM")
                v.check((0...1440).contains(r.endMinute), "\(at).restrictions[\(j)].end", "must be a local time HH:MM (or 24:00)")
                v.check(r.startMinute != r.endMinute, "\(at).restrictions[\(j)].end", "must differ from start")
            }
        }
        try v.throwIfInvalid()
    }
}

/// Someone covers an interval: for the whole schedule, or only where `replacesUserID` is on call by the layers
/// (two such overrides are a shift swap, even when their intervals overlap). The newest override wins where two overlap.
public struct ScheduleOverride: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var scheduleID: UUID
    public var userID: UUID
    public var replacesUserID: UUID?
    public var start: Date
    public var end: Date
    public var createdBy: UUID?
    public var createdAt: Date

    public init(id: UUID, scheduleID: UUID, userID: UUID, replacesUserID: UUID? = nil, start: Date, end: Date, createdBy: UUID?,
                createdAt: Date) {
        self.id = id
        self.scheduleID = scheduleID
        self.userID = userID
        self.replacesUserID = replacesUserID
        self.start = start
        self.end = end
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public func validate() throws {
        var v = Validator()
        v.check(end > start, "end", "must be after the start")
        v.check(end.timeIntervalSince(start) <= 366 * 86_400, "end", "must be within a year of the start")
        v.check(replacesUserID != userID, "replaces_user_id", "must be someone else")
        try v.throwIfInvalid()
    }
}

/// One person on call from `start` until `end`.
public struct OnCallSpan: Sendable, Equatable, Hashable {
    public var userID: UUID
    public var start: Date
    public var end: Date

    public init(userID: UUID, start: Date, end: Date) {
        self.userID = userID
        self.start = start
        self.end = end
    }
}

public struct ScheduleFilter: Sendable, Equatable {
    public var teamID: UUID?
    /// Schedules with this person in a layer.
    public var memberID: UUID?
    public var query: String?

    public init(teamID: UUID? = nil, memberID: UUID? = nil, query: String? = nil) {
        self.teamID = teamID
        self.memberID = memberID
        self.query = query
    }
}


/// The moment a person's on-call time begins or ends on a schedule: they are told (once paging exists) and it is recorded.
public struct Handoff: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        case start, end
    }

    public var scheduleID: UUID
    public var userID: UUID
    public var kind: Kind
    public var at: Date

    public init(scheduleID: UUID, userID: UUID, kind: Kind, at: Date) {
        self.scheduleID = scheduleID
        self.userID = userID
        self.kind = kind
        self.at = at
    }

    /// The starts and ends in [from, to) of a schedule's final timeline, computed over a wider interval so that its
    /// clipped edges are not mistaken for hand-offs.
    public static func within(_ spans: [OnCallSpan], scheduleID: UUID, from: Date, to: Date) -> [Handoff] {
        var out: [Handoff] = []
        for span in spans {
            if span.start >= from && span.start < to { out.append(Handoff(scheduleID: scheduleID, userID: span.userID, kind: .start, at: span.start)) }
            if span.end >= from && span.end < to { out.append(Handoff(scheduleID: scheduleID, userID: span.userID, kind: .end, at: span.end)) }
        }
        return out.sorted { ($0.at, $0.kind == .end ? 0 : 1) < ($1.at, $1.kind == .end ? 0 : 1) }
    }
}
