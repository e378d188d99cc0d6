import Foundation
import Synchronization

/// One condition on an alert: a label, or one of the fields `summary`, `source`, `severity`, `dedup_key`,
/// `component`, `group`, `class`. Operators as in Alertmanager: `=`, `!=`, `=~`, `!~` (regular expressions match the whole value).
public struct AlertMatcher: Sendable, Equatable, Codable {
    public enum Operator: String, Sendable, Codable, CaseIterable {
        case equal = "=", notEqual = "!=", matches = "=~", notMatches = "!~"
    }

    public let name: String
    public let op: Operator
    public let value: String
    /// Compiled once, when the matcher is made or read; matching runs in time linear in the text
    /// (no backtracking), so no pattern can stall ingestion. Either the program or why the pattern was refused.
    private let compiled: Result<LinearRegex, LinearRegex.SyntaxError>?

    public init(name: String, op: Operator, value: String) {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: compiled = nil
        case .matches, .notMatches: compiled = PatternCache.shared.compiled(value)
        }
    }

    private enum CodingKeys: String, CodingKey { case name, op, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), op: try container.decode(Operator.self, forKey: .op),
                  value: try container.decode(String.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(op, forKey: .op)
        try container.encode(value, forKey: .value)
    }

    public static func == (a: AlertMatcher, b: AlertMatcher) -> Bool { a.name == b.name && a.op == b.op && a.value == b.value }

    public static let fields: Set<String> = ["summary", "source", "severity", "dedup_key", "component", "group", "class"]

    /// What the matcher reads from an event: the field when it names one, the label otherwise ("" when absent).
    static func subject(_ name: String, of event: AlertEvent) -> String {
        switch name {
        case "summary": return event.summary
        case "source": return event.source
        case "severity": return event.severity.rawValue
        case "dedup_key": return event.dedupKey
        case "component": return event.component ?? ""
        case "group": return event.group ?? ""
        case "class": return event.eventClass ?? ""
        default: return event.labels[name] ?? ""
        }
    }

    public func matches(_ event: AlertEvent) -> Bool {
        let subject = Self.subject(name, of: event)
        switch op {
        case .equal: return subject == value
        case .notEqual: return subject != value
        case .matches: return wholeMatch(subject)
        case .notMatches: return !wholeMatch(subject)
        }
    }

    /// A refused pattern matches nothing (validation keeps such matchers from being stored).
    private func wholeMatch(_ text: String) -> Bool {
        guard case .success(let regex)? = compiled else { return false }
        return regex.wholeMatch(text)
    }

    public func validate(at path: String, into v: inout Validator) {
        v.check(!name.trimmed.isEmpty, "\(path).name", "must not be blank")
        if case .failure(let error)? = compiled {
            v.add("\(path).value", "is not a valid regular expression: \(error.message)")
        }
    }
}

/// Compiled patterns by their text, so that the silences and rules read for each ingested batch are not
/// compiled again. Bounded: when full it starts over, so hostile variety costs compile time, never memory.
final class PatternCache: Sendable {
    static let shared = PatternCache()
    /// Instructions kept at most (about 24 bytes each): when full it starts over, so hostile variety costs
    /// compile time, never unbounded memory.
    static let budget = 500_000
    private struct Entries {
        var patterns: [String: Result<LinearRegex, LinearRegex.SyntaxError>] = [:]
        var size = 0
    }
    private let entries = Mutex(Entries())

    func compiled(_ pattern: String) -> Result<LinearRegex, LinearRegex.SyntaxError> {
        if let hit = entries.withLock({ $0.patterns[pattern] }) { return hit }
        let result = Result { () throws(LinearRegex.SyntaxError) in try LinearRegex(pattern) }
        let cost = ((try? result.get())?.size ?? 0) + 1
        entries.withLock { entries in
            if entries.size + cost > Self.budget { entries = Entries() }
            entries.patterns[pattern] = result
            entries.size += cost
        }
        return result
    }
}

/// Mutes matching alerts for a while, with who and why.
public struct Silence: Sendable, Equatable, Identifiable {
    public var id: UUID
    /// nil: every service.
    public var serviceID: UUID?
    public var matchers: [AlertMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: UUID?
    public var comment: String
    public var createdAt: Date

    public init(id: UUID, serviceID: UUID?, matchers: [AlertMatcher], startsAt: Date, endsAt: Date, createdBy: UUID?, comment: String, createdAt: Date) {
        self.id = id
        self.serviceID = serviceID
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.createdAt = createdAt
    }

    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }

    public static let maximumMatchers = 20

    /// Refuses more matchers than a silence may hold before any is compiled (callers check this first).
    public static func checkMatcherCount(_ count: Int, field: String = "matchers") throws {
        guard count <= maximumMatchers else {
            throw DomainError.validation([FieldError(field, "must have at most \(maximumMatchers) matchers (it has \(count))")])
        }
    }

    public func mutes(_ event: AlertEvent, serviceID: UUID, at now: Date) -> Bool {
        isActive(at: now) && (self.serviceID == nil || self.serviceID == serviceID) && matchers.allSatisfy { $0.matches(event) }
    }

    public func validate() throws {
        var v = Validator()
        v.check(!matchers.isEmpty, "matchers", "must have at least one matcher (a silence of everything is too easy to forget)")
        v.check(matchers.count <= Self.maximumMatchers, "matchers", "must have at most \(Self.maximumMatchers) matchers")
        for (index, matcher) in matchers.enumerated() { matcher.validate(at: "matchers[\(index)]", into: &v) }
        v.check(endsAt > startsAt, "ends_at", "must be after the start")
        v.check(endsAt.timeIntervalSince(startsAt) <= 366 * 86400, "ends_at", "must be within a year of starts_at")
        v.check(!comment.trimmed.isEmpty, "comment", "must say why (it is shown on every muted alert)")
        v.check(comment.count <= 1000, "comment", "must be at most 1000 characters")
        v.checkPrintable(comment, "comment", multiline: true)
        try v.throwIfInvalid()
    }
}

/// Planned work on a service, during which its alerts are muted: once, or every week at the same local times.
public struct MaintenanceWindow: Sendable, Equatable, Identifiable {
    public enum Schedule: Sendable, Equatable {
        case once(start: Date, end: Date)
        /// `days` are weekday numbers 1 (Sunday) … 7 (Saturday); times are minutes after local midnight;
        /// an end before the start runs past midnight.
        case weekly(days: Set<Int>, startMinute: Int, endMinute: Int, timeZone: String)
    }

    public var id: UUID
    public var serviceID: UUID
    public var name: String
    public var schedule: Schedule
    public var createdAt: Date

    public init(id: UUID, serviceID: UUID, name: String, schedule: Schedule, createdAt: Date) {
        self.id = id
        self.serviceID = serviceID
        self.name = name
        self.schedule = schedule
        self.createdAt = createdAt
    }

    public static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public func isActive(at now: Date) -> Bool {
        switch schedule {
        case .once(let start, let end):
            return start <= now && now < end
        case .weekly(let days, let startMinute, let endMinute, let zone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: now)
            let weekday = parts.weekday ?? 1
            let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
            if startMinute < endMinute {
                return days.contains(weekday) && minute >= startMinute && minute < endMinute
            }
            // Past midnight: the evening of a listed day, or the early morning after it.
            let yesterday = weekday == 1 ? 7 : weekday - 1
            return (days.contains(weekday) && minute >= startMinute) || (days.contains(yesterday) && minute < endMinute)
        }
    }

    /// A weekly schedule from what a person or a client typed: day names (sun … sat, or longer), local
    /// times HH:MM and an IANA zone. Problems go to `v` under these field names.
    public static func weekly(days: [String], start: String?, end: String?, timeZone: String?, _ v: inout Validator) -> Schedule {
        let numbers = days.map { day in dayNames.firstIndex(of: String(day.lowercased().prefix(3))).map { $0 + 1 } }
        v.check(!days.isEmpty && numbers.allSatisfy { $0 != nil }, "days", "must list days as sun, mon, tue, wed, thu, fri, sat")
        let startMinute = start.flatMap(minutes)
        let endMinute = end.flatMap(minutes)
        v.check(startMinute != nil, "start", "must be a local time HH:MM")
        v.check(endMinute != nil, "end", "must be a local time HH:MM")
        v.check(startMinute == nil || startMinute != endMinute, "end", "must differ from start")
        let zone = timeZone ?? "UTC"
        v.check(TimeZone(identifier: zone) != nil, "time_zone", "is not a known IANA time zone")
        return .weekly(days: Set(numbers.compactMap { $0 }), startMinute: startMinute ?? 0, endMinute: endMinute ?? 0, timeZone: zone)
    }

    /// A one-off schedule; a missing end is reported, and the end must come after the start.
    public static func once(starts: Date?, ends: Date?, _ v: inout Validator) -> Schedule {
        if let starts, let ends { v.check(ends > starts, "ends_at", "must be after the start") }
        return .once(start: starts ?? .distantPast, end: ends ?? .distantPast)
    }

    public static func validName(_ name: String, _ v: inout Validator) {
        v.check(!name.isEmpty && name.count <= 200, "name", "must be 1 to 200 characters")
        v.checkPrintable(name, "name")
    }

    /// "HH:MM" to minutes after midnight.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}

/// What muted an alert: the filter people use on the alerts page.
public enum MuteKind: String, Sendable, Codable, CaseIterable {
    case maintenance, silence, inhibited, flapping
}

/// Why an alert pages no one: the kind, the sentence shown with it, and for inhibition the incident that mutes it.
public struct Mute: Sendable, Equatable {
    public var kind: MuteKind
    public var reason: String
    public var byIncidentID: UUID?

    public init(kind: MuteKind, reason: String, byIncidentID: UUID? = nil) {
        self.kind = kind
        self.reason = reason
        self.byIncidentID = byIncidentID
    }
}

/// An open incident on a service that another depends on: it inhibits the dependent's new alerts.
public struct BlockingIncident: Sendable, Equatable {
    public var id: UUID
    public var number: Int
    public var serviceName: String

    public init(id: UUID, number: Int, serviceName: String) {
        self.id = id
        self.number = number
        self.serviceName = serviceName
    }
}

/// Why an alert should page no one right now, or nil.
public enum MuteDecision {
    /// `blocking` is the open incident on a service this one depends on, if any. A person's report is not
    /// inhibited by a machine's incident unless the service says so (`inhibitReports`): a person looked.
    public static func mute(for event: AlertEvent, serviceID: UUID, silences: [Silence], windows: [MaintenanceWindow],
                            blocking: BlockingIncident?, inhibitReports: Bool = false, now: Date) -> Mute? {
        if let window = windows.first(where: { $0.serviceID == serviceID && $0.isActive(at: now) }) {
            return Mute(kind: .maintenance, reason: "maintenance window \"\(window.name)\"")
        }
        if let silence = silences.first(where: { $0.mutes(event, serviceID: serviceID, at: now) }) {
            return Mute(kind: .silence, reason: "silenced: \(silence.comment)")
        }
        if let blocking, event.detectionSource == .monitoring || inhibitReports {
            return Mute(kind: .inhibited, reason: "inhibited: \(blocking.serviceName), which this service depends on, has open incident #\(blocking.number)",
                        byIncidentID: blocking.id)
        }
        return nil
    }
}

/// An alert that keeps opening and resolving pages people for nothing: after more than `changes` state
/// changes of one dedup key within `windowMinutes`, its openings are muted until it has been stable that long.
public struct FlapDetection: Sendable, Equatable, Codable {
    public var changes: Int
    public var windowMinutes: Int

    enum CodingKeys: String, CodingKey {
        case changes
        case windowMinutes = "window_minutes"
    }

    public init(changes: Int, windowMinutes: Int) {
        self.changes = changes
        self.windowMinutes = windowMinutes
    }

    public static let standard = FlapDetection(changes: 4, windowMinutes: 15)

    public func validate() throws {
        var v = Validator()
        v.check((2...100).contains(changes), "flap_detection.changes", "must be from 2 to 100")
        v.check((1...1440).contains(windowMinutes), "flap_detection.window_minutes", "must be from 1 to 1440")
        try v.throwIfInvalid()
    }

    /// `opens` and `resolves` are the key's openings and resolutions within the window, before this new opening.
    /// Counts the openings and resolutions of one key inside the window before `now` (each alert of the key: when it
    /// was first seen and when it resolved), and mutes a new opening when there are too many.
    public func mute(history: some Sequence<(firstSeenAt: Date, resolvedAt: Date?)>, now: Date) -> Mute? {
        let since = now.addingTimeInterval(-Double(windowMinutes) * 60)
        var opens = 0, resolves = 0
        for alert in history {
            if alert.firstSeenAt >= since { opens += 1 }
            if let resolved = alert.resolvedAt, resolved >= since { resolves += 1 }
        }
        return mute(opens: opens, resolves: resolves)
    }

    public func mute(opens: Int, resolves: Int) -> Mute? {
        let total = opens + resolves + 1
        guard total > changes else { return nil }
        return Mute(kind: .flapping, reason: "flapping: \(total) state changes in \(windowMinutes) minutes; pages wait until it stays stable")
    }
}
