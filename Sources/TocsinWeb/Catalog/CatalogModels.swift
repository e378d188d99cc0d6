import Foundation
import TocsinCore

struct TeamJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var memberIDs: [String]
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case memberIDs = "member_ids", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ team: Team) {
        id = team.id.db
        name = team.name
        description = team.description
        memberIDs = team.memberIDs.map(\.db)
        createdAt = team.createdAt
        updatedAt = team.updatedAt
    }
}

struct TeamInputJSON: Decodable {
    var name: String?
    var description: String?
    var memberIDs: [UUID]?

    enum CodingKeys: String, CodingKey {
        case name, description
        case memberIDs = "member_ids"
    }

    var input: TeamInput { TeamInput(name: name, description: description, memberIDs: memberIDs) }
}

struct ServiceJSON: Encodable {
    var id: String
    var name: String
    var description: String
    /// Null when the service has no team.
    @Nullable var teamID: String?
    var tier: Int
    var links: [ServiceLink]
    var dependsOn: [String]
    var alertGrouping: AlertGroupingJSON
    @Nullable var flapDetection: FlapDetection?
    var severityOverrides: [String: String]
    var inhibitReports: Bool
    /// Null when nobody is paged for the service's incidents.
    @Nullable var escalationPolicyID: String?
    var urgencyRule: String
    @Nullable var workingHours: WorkingHoursJSON?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, description, tier, links
        case teamID = "team_id", dependsOn = "depends_on", createdAt = "created_at", updatedAt = "updated_at"
        case alertGrouping = "alert_grouping", flapDetection = "flap_detection", severityOverrides = "severity_overrides"
        case inhibitReports = "inhibit_reports", escalationPolicyID = "escalation_policy_id"
        case urgencyRule = "urgency_rule", workingHours = "working_hours"
    }

    init(service: Service) {
        (id, name, description, teamID, tier) = (service.id.db, service.name, service.description, service.teamID?.db, service.tier)
        (links, dependsOn, alertGrouping) = (service.links, service.dependsOn.map(\.db), AlertGroupingJSON(service.alertGrouping))
        flapDetection = service.flapDetection
        severityOverrides = Dictionary(uniqueKeysWithValues: service.severityOverrides.map { ($0.key.rawValue, $0.value.rawValue) })
        (inhibitReports, createdAt, updatedAt) = (service.inhibitReports, service.createdAt, service.updatedAt)
        escalationPolicyID = service.escalationPolicyID?.db
        urgencyRule = service.urgencyRule.rawValue
        workingHours = service.workingHours.map(WorkingHoursJSON.init)
    }
}

/// `{"time_zone": "Europe/Berlin", "days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"}`; days are ISO weekdays
/// (1 is Monday); `end` may be "24:00".
struct WorkingHoursJSON: Codable, Equatable {
    var timeZone: String
    var days: [Int]
    var start: String
    var end: String

    enum CodingKeys: String, CodingKey {
        case days, start, end
        case timeZone = "time_zone"
    }

    init(_ hours: WorkingHours) {
        (timeZone, days) = (hours.timeZone, hours.days)
        (start, end) = (Self.clock(hours.start), Self.clock(hours.end))
    }

    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// "HH:MM", 00:00 to 24:00; nil when it is not one.
    static func minutes(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
              [0, 1, 3, 4].allSatisfy({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }) else { return nil }
        let hours = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        let minutes = Int(bytes[3] - 0x30) * 10 + Int(bytes[4] - 0x30)
        guard minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        return hours * 60 + minutes
    }

    func parsed() throws -> WorkingHours {
        var v = Validator()
        let from = Self.minutes(start), to = Self.minutes(end)
        v.check(from != nil, "working_hours.start", "must be a time of day such as 09:00")
        v.check(to != nil, "working_hours.end", "must be a time of day such as 17:00 (24:00 for midnight)")
        v.check(days.count <= 7, "working_hours.days", "must name each day at most once, 1 (Monday) to 7 (Sunday)")
        try v.throwIfInvalid()
        return WorkingHours(timeZone: timeZone, days: days, start: from ?? 0, end: to ?? 0)
    }

    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("days")
        w.beginArray()
        for day in days {
            w.element()
            w.integer(day)
        }
        w.endArray()
        w.key("end"); w.string(end)
        w.key("start"); w.string(start)
        w.key("time_zone"); w.string(timeZone)
        w.endObject()
    }
}

/// The services list is the catalog's hot read: each service writes itself, keys in the order `JSONTextEncoder` sorts them.
extension ServiceJSON: JSONWritable {
    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("alert_grouping")
        alertGrouping.write(into: &w)
        w.key("created_at"); w.date(createdAt)
        w.key("depends_on"); w.strings(dependsOn)
        w.key("description"); w.string(description)
        w.key("escalation_policy_id"); w.string(escalationPolicyID)
        w.key("flap_detection")
        if let flaps = flapDetection {
            w.beginObject()
            w.key("changes"); w.integer(flaps.changes)
            w.key("window_minutes"); w.integer(flaps.windowMinutes)
            w.endObject()
        } else {
            w.null()
        }
        w.key("id"); w.string(id)
        w.key("inhibit_reports"); w.bool(inhibitReports)
        w.key("links")
        w.beginArray()
        for link in links {
            w.element()
            w.beginObject()
            w.key("title"); w.string(link.title)
            w.key("url"); w.string(link.url)
            w.endObject()
        }
        w.endArray()
        w.key("name"); w.string(name)
        w.key("severity_overrides")
        w.beginObject()
        for (key, value) in severityOverrides.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            w.key(text: key); w.string(value)
        }
        w.endObject()
        w.key("team_id"); w.string(teamID)
        w.key("tier"); w.integer(tier)
        w.key("updated_at"); w.date(updatedAt)
        w.key("urgency_rule"); w.string(urgencyRule)
        w.key("working_hours")
        if let workingHours { workingHours.write(into: &w) } else { w.null() }
        w.endObject()
    }
}

/// Create and change share one shape; on change, absent fields stay as they are and `team_id: null` clears the team.
struct ServiceInputJSON: Decodable {
    var input: ServiceInput

    enum CodingKeys: String, CodingKey {
        case name, description, tier, links
        case teamID = "team_id", dependsOn = "depends_on", alertGrouping = "alert_grouping", flapDetection = "flap_detection"
        case severityOverrides = "severity_overrides", inhibitReports = "inhibit_reports", escalationPolicyID = "escalation_policy_id"
        case urgencyRule = "urgency_rule", workingHours = "working_hours"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let grouping = try c.decodeIfPresent(AlertGroupingInputJSON.self, forKey: .alertGrouping)
        input = ServiceInput(
            name: try c.decodeIfPresent(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            teamID: c.contains(.teamID) ? .set(try c.decode(UUID?.self, forKey: .teamID)) : .keep,
            tier: try c.decodeIfPresent(Int.self, forKey: .tier),
            links: try c.decodeIfPresent([ServiceLink].self, forKey: .links),
            dependsOn: try c.decodeIfPresent([UUID].self, forKey: .dependsOn),
            alertGrouping: try grouping.map { try AlertGrouping.parse(mode: $0.mode, windowMinutes: $0.windowMinutes, labels: $0.labels) }
        )
        input.inhibitReports = try c.decodeIfPresent(Bool.self, forKey: .inhibitReports)
        if c.contains(.escalationPolicyID) { input.escalationPolicyID = .set(try c.decode(UUID?.self, forKey: .escalationPolicyID)) }
        if let rule = try c.decodeIfPresent(String.self, forKey: .urgencyRule) {
            guard let parsed = UrgencyRule(rawValue: rule) else {
                throw DomainError.invalid("urgency_rule", "must be high, low, severity or working_hours")
            }
            input.urgencyRule = parsed
        }
        if c.contains(.workingHours) { input.workingHours = .set(try c.decode(WorkingHoursJSON?.self, forKey: .workingHours)?.parsed()) }
        if c.contains(.flapDetection) { input.flapDetection = .set(try c.decode(FlapDetection?.self, forKey: .flapDetection)) }
        if let overrides = try c.decodeIfPresent([String: String].self, forKey: .severityOverrides) {
            var v = Validator()
            var parsed: [AlertSeverity: IncidentSeverity] = [:]
            for (key, value) in overrides {
                guard let alert = AlertSeverity(rawValue: key) else {
                    v.add("severity_overrides.\(key)", "is not an event severity (critical, error, warning, info)")
                    continue
                }
                guard let incident = IncidentSeverity(rawValue: value.uppercased()) else {
                    v.add("severity_overrides.\(key)", "must be SEV1, SEV2, SEV3 or SEV4")
                    continue
                }
                parsed[alert] = incident
            }
            try v.throwIfInvalid()
            input.severityOverrides = parsed
        }
    }
}

/// `{"mode": "per_alert" | "time_window" | "labels", "window_minutes": N, "labels": [...]}`
struct AlertGroupingJSON: Encodable, JSONWritable {
    var mode: String
    @Nullable var windowMinutes: Int?
    var labels: [String] = []

    enum CodingKeys: String, CodingKey {
        case mode, labels
        case windowMinutes = "window_minutes"
    }

    init(_ grouping: AlertGrouping) {
        mode = grouping.mode
        switch grouping {
        case .perAlert: break
        case .timeWindow(let minutes): windowMinutes = minutes
        case .sharedLabels(let names): labels = names
        }
    }

    func write(into w: inout JSONWriter) {
        w.beginObject()
        w.key("labels"); w.strings(labels)
        w.key("mode"); w.string(mode)
        w.key("window_minutes")
        if let minutes = windowMinutes { w.integer(minutes) } else { w.null() }
        w.endObject()
    }
}

/// The grouping a create or change asks for; what is missing is checked by `AlertGrouping.parse`.
struct AlertGroupingInputJSON: Decodable {
    var mode: String
    var windowMinutes: Int?
    var labels: [String]?

    enum CodingKeys: String, CodingKey {
        case mode, labels
        case windowMinutes = "window_minutes"
    }
}
